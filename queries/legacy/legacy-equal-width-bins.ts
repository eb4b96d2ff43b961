/**
 * The legacy path's own equal-width binning (SEMANTICS "Visibility-hours
 * histogram", also both heatmap axes), written from the text without the
 * ETL's `stages/core/equal-width-bins.ts`, so comparing the paths checks it.
 * Same names and shapes, so the legacy computations only import from here.
 */
export interface BinLayout {
  readonly min: number;
  /** (max - min) / count, or 0 when every value is the same (or the range underflows). */
  readonly width: number;
  readonly count: number;
}

export function assertBinCount(nBins: number): void {
  if (!(Number.isInteger(nBins) && nBins >= 1)) throw new RangeError(`n_bins must be a positive integer, got ${nBins}`);
}

/** n equal bins over [min, max]; a single bin 0 when max == min or the width is not representable. */
export function binLayout(min: number, max: number, nBins: number): BinLayout {
  assertBinCount(nBins);
  const width = (max - min) / nBins;
  if (width === 0) return { min, width: 0, count: 1 };
  return { min, width, count: nBins };
}

/** floor((v - min) / width), the maximum itself going to the last bin. */
export function binIndex(v: number, layout: BinLayout): number {
  if (layout.width === 0) return 0;
  const i = Math.floor((v - layout.min) / layout.width);
  return i > layout.count - 1 ? layout.count - 1 : i;
}

export function binLower(i: number, layout: BinLayout): number {
  return layout.min + i * layout.width;
}

export function binUpper(i: number, layout: BinLayout): number {
  return layout.min + (i + 1) * layout.width;
}

export function binMid(i: number, layout: BinLayout): number {
  const lower = layout.min + i * layout.width;
  const upper = layout.min + (i + 1) * layout.width;
  return (lower + upper) / 2;
}

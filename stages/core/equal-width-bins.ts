/**
 * The equal-width binning rule of SEMANTICS "Visibility-hours histogram",
 * shared by the histogram, both heatmap axes and the legacy path so that
 * every path puts a value in the same bin.
 */
export interface BinLayout {
  /** The axis minimum (vmin). */
  readonly min: number;
  /** (vmax - vmin) / count; 0 for a constant axis. */
  readonly width: number;
  /** Number of bins: nBins, or 1 for a constant axis. */
  readonly count: number;
}

/** Throws unless `nBins` is a positive integer. */
export function assertBinCount(nBins: number): void {
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new RangeError(`n_bins must be a positive integer, got ${nBins}`);
  }
}

/**
 * Layout of `nBins` equal-width bins over `[min, max]`. A constant axis
 * (max == min) is one bin 0 whose bounds and midpoint are all `min`; so is a
 * range too small for its width to be representable (it underflows to 0).
 */
export function binLayout(min: number, max: number, nBins: number): BinLayout {
  assertBinCount(nBins);
  const width = (max - min) / nBins;
  return width > 0 ? { min, width, count: nBins } : { min, width: 0, count: 1 };
}

/** `min(count - 1, floor((v - min) / width))`, or 0 on a one-bin layout. */
export function binIndex(v: number, layout: BinLayout): number {
  if (layout.count === 1) return 0;
  return Math.min(layout.count - 1, Math.floor((v - layout.min) / layout.width));
}

/** `bin_min`: min + i·width. */
export function binLower(i: number, layout: BinLayout): number {
  return layout.min + i * layout.width;
}

/** `bin_max`: min + (i+1)·width. */
export function binUpper(i: number, layout: BinLayout): number {
  return layout.min + (i + 1) * layout.width;
}

/** `bin_mid`: the mean of the bin's bounds. */
export function binMid(i: number, layout: BinLayout): number {
  return (binLower(i, layout) + binUpper(i, layout)) / 2;
}

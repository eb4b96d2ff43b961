/** One output bin of the Visibility Map histogram. */
export interface HistogramBin {
  binStartUnix: number;
  binEndUnix: number;
  count: number;
}

/**
 * Checks the histogram query parameters every implementation shares
 * (SEMANTICS "Visibility histogram query").
 * @throws RangeError naming the bad parameter.
 */
/**
 * Bins one histogram may have: a year of 1-minute bins fits (525,600); a
 * range given in milliseconds by mistake does not (it would take gigabytes).
 */
export const MAX_HISTOGRAM_BINS = 1_000_000;

export function assertHistogramParams(startUnix: number, endUnix: number, binMinutes: number): void {
  if (!Number.isFinite(startUnix)) throw new RangeError(`start_unix must be a finite number, got ${startUnix}`);
  if (!Number.isFinite(endUnix)) throw new RangeError(`end_unix must be a finite number, got ${endUnix}`);
  if (startUnix >= endUnix) {
    throw new RangeError(`start_unix (${startUnix}) must be before end_unix (${endUnix})`);
  }
  if (!(Number.isFinite(binMinutes) && binMinutes > 0)) {
    throw new RangeError(`bin_duration_minutes must be a positive number, got ${binMinutes}`);
  }
  const bins = Math.ceil((endUnix - startUnix) / (binMinutes * 60));
  if (bins > MAX_HISTOGRAM_BINS) {
    throw new RangeError(`bin_duration_minutes (${binMinutes}) gives ${bins.toLocaleString('en-US')} bins from start_unix ${startUnix} to end_unix ${endUnix}, more than ${MAX_HISTOGRAM_BINS.toLocaleString('en-US')}: narrow the range or widen the bins`);
  }
}

/**
 * Exact Visibility Map histogram from blocks' merged minute ranges (see
 * BlockFacts): output bin `k` covers `[start + k·w, min(start + (k+1)·w, end))`
 * with `w = binMinutes · 60`, and counts the DISTINCT blocks with a range
 * satisfying `s' < binEnd' && e' > binStart'` in minutes. Each block's output
 * bin ranges are merged so it counts once per bin, then added to one
 * difference array: O(ranges + bins).
 *
 * Start, end and width must be whole minutes: only then is the minute
 * encoding exact.
 */
export class HistogramCounter {
  private readonly startMinute: number;
  private readonly endMinute: number;
  private readonly binMinutes: number;
  private readonly binCount: number;
  private readonly diff: Int32Array;

  /**
   * @throws RangeError when `start >= end`, when `startUnix` or `endUnix` is
   * not a multiple of 60, or when `binMinutes` is not a positive integer.
   */
  constructor(startUnix: number, endUnix: number, binMinutes: number) {
    assertHistogramParams(startUnix, endUnix, binMinutes);
    if (startUnix % 60 !== 0) throw new RangeError(`start_unix must be a whole minute (multiple of 60), got ${startUnix}`);
    if (endUnix % 60 !== 0) throw new RangeError(`end_unix must be a whole minute (multiple of 60), got ${endUnix}`);
    if (!Number.isInteger(binMinutes)) {
      throw new RangeError(`bin_duration_minutes must be a whole number of minutes, got ${binMinutes}`);
    }
    this.startMinute = startUnix / 60;
    this.endMinute = endUnix / 60;
    this.binMinutes = binMinutes;
    this.binCount = Math.ceil((this.endMinute - this.startMinute) / binMinutes);
    this.diff = new Int32Array(this.binCount + 1);
  }

  /**
   * Adds one block: its first `count` merged minute ranges, pairs of `ranges`,
   * sorted by start. The block counts at most once per bin.
   */
  addBlock(ranges: Int32Array, count: number): void {
    const a = this.startMinute;
    const endMinute = this.endMinute;
    const w = this.binMinutes;
    const last = this.binCount;
    const diff = this.diff;
    let runStart = 0;
    let runEnd = 0;
    let open = false;
    for (let i = 0; i < 2 * count; i += 2) {
      const s = ranges[i];
      const e = ranges[i + 1];
      let binStart: number;
      let binEnd: number;
      if (s < e) {
        if (e <= a || s >= endMinute) continue;
        // s < binEnd_k  <=>  k >= floor((s - a) / w), and e > binStart_k  <=>  k < ceil((e - a) / w).
        binStart = s <= a ? 0 : Math.floor((s - a) / w);
        binEnd = Math.min(last, Math.ceil((e - a) / w));
      } else {
        // A point is visible only strictly inside a bin, edges (and the range ends) excluded.
        if (s <= a || s >= endMinute || (s - a) % w === 0) continue;
        binStart = Math.floor((s - a) / w);
        binEnd = binStart + 1;
      }
      if (open && binStart <= runEnd) {
        if (binEnd > runEnd) runEnd = binEnd;
        continue;
      }
      if (open) {
        diff[runStart]++;
        diff[runEnd]--;
      }
      runStart = binStart;
      runEnd = binEnd;
      open = true;
    }
    if (open) {
      diff[runStart]++;
      diff[runEnd]--;
    }
  }

  /** Every output bin, in order, with its count of distinct visible blocks. */
  finish(): HistogramBin[] {
    const bins: HistogramBin[] = new Array(this.binCount);
    const widthSeconds = this.binMinutes * 60;
    const startUnix = this.startMinute * 60;
    const endUnix = this.endMinute * 60;
    let running = 0;
    for (let k = 0; k < this.binCount; k++) {
      running += this.diff[k];
      const binStartUnix = startUnix + k * widthSeconds;
      bins[k] = { binStartUnix, binEndUnix: Math.min(binStartUnix + widthSeconds, endUnix), count: running };
    }
    return bins;
  }
}

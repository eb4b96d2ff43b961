/** Median, minimum and maximum of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many measurements. */
  n: number;
}

/**
 * The spread of `values` (the median of an even count is the mean of the two middle values).
 * @throws RangeError on an empty list: a statistic of nothing would be a placeholder.
 */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread of no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  // Halves first: (a + b) / 2 overflows to Infinity for two values near Number.MAX_VALUE.
  const median = sorted.length % 2 === 1 ? sorted[mid] : sorted[mid - 1] / 2 + sorted[mid] / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

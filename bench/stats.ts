import { medianOfSorted } from '../stages/core/sorted-median.js';

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
  return { median: medianOfSorted(sorted), min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

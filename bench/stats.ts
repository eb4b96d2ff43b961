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
  // `+ 0` makes -0 into 0: a sort cannot order the two, so the extremes would depend on the input order.
  const sorted = values.map((v) => v + 0).sort((a, b) => a - b);
  return { median: medianOfSorted(sorted), min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

import { medianOfSorted } from '../../stages/core/sorted-median.js';

/** Middle value of `values`, or the mean of the two middle ones; null when empty. Sorts `values` in place. */
export function medianInPlace(values: Float64Array): number | null {
  return values.length === 0 ? null : medianOfSorted(values.sort());
}

/** Median and median absolute deviation (`median(|x − median|)`) of `values`; both null when empty. Does not modify `values`. */
export function medianAndMad(values: Float64Array): { median: number | null; mad: number | null } {
  const median = medianInPlace(Float64Array.from(values));
  if (median === null) return { median: null, mad: null };
  return { median, mad: medianInPlace(values.map((v) => Math.abs(v - median))) };
}

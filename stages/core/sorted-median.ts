/** Median of an ascending, non-empty array: the middle value, or the mean of the two middle ones. */
export function medianOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of an ascending, non-empty array: the middle value, or the mean of the two middle ones. */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : midpoint(sorted[mid - 1], sorted[mid]);
}

/**
 * The mean of a ≤ b, never outside [a, b]: (a + b) / 2 overflows near Number.MAX_VALUE,
 * and halving first rounds two equal subnormals below themselves.
 */
function midpoint(a: number, b: number): number {
  const sum = a + b;
  const mean = Number.isFinite(sum) ? sum / 2 : a / 2 + b / 2;
  return Math.min(Math.max(mean, a), b);
}

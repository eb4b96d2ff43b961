/**
 * Length of the longest strictly increasing subsequence of `values`, in
 * O(n log n) (patience sorting): `tails[k]` is the smallest last value of an
 * increasing subsequence of length k + 1 seen so far, and stays sorted, so
 * each value finds its place by binary search.
 */
export function longestIncreasingSubsequence(values: ArrayLike<number>): number {
  const tails = new Float64Array(values.length);
  let length = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let lo = 0;
    let hi = length;
    // First tail >= v: strictly increasing, so an equal value replaces, never extends.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tails[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
    if (lo === length) length++;
  }
  return length;
}

/**
 * Unordered pairs of intervals `[starts[i], stops[i])` that overlap for a
 * positive length: `max(s1, s2) < min(e1, e2)`. O(n log n).
 *
 * An interval with stop <= start overlaps nothing. Two proper intervals
 * fail to overlap iff exactly one of `e_i <= s_j`, `e_j <= s_i` holds, so the
 * answer is C(m, 2) minus the ordered pairs with `e_i <= s_j`, counted by
 * walking the sorted starts and the sorted stops together.
 */
export function countConflicts(starts: Float64Array, stops: Float64Array): number {
  if (starts.length !== stops.length) {
    throw new RangeError(`countConflicts: lengths differ (${starts.length} vs ${stops.length})`);
  }
  const properStarts = new Float64Array(starts.length);
  const properStops = new Float64Array(starts.length);
  let m = 0;
  for (let i = 0; i < starts.length; i++) {
    if (stops[i] > starts[i]) {
      properStarts[m] = starts[i];
      properStops[m] = stops[i];
      m++;
    }
  }
  if (m < 2) return 0; // also keeps C(0, 2) from evaluating to -0
  const sortedStarts = properStarts.subarray(0, m).sort();
  const sortedStops = properStops.subarray(0, m).sort();
  let disjoint = 0;
  let endedBefore = 0; // stops <= the current start, non-decreasing as starts ascend
  for (let j = 0; j < m; j++) {
    while (endedBefore < m && sortedStops[endedBefore] <= sortedStarts[j]) endedBefore++;
    disjoint += endedBefore;
  }
  return (m * (m - 1)) / 2 - disjoint;
}

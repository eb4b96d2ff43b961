/**
 * SEMANTICS "priority_bucket": quartiles of the schedule's priority range.
 * (The plan's `1 + floor(3x)` contradicts its own quartile text; quartiles win.)
 */
export function priorityBucket(priority: number, lo: number, hi: number): 1 | 2 | 3 | 4 {
  if (hi === lo) return 2;
  const x = (priority - lo) / (hi - lo);
  return x < 0.25 ? 1 : x < 0.5 ? 2 : x < 0.75 ? 3 : 4;
}

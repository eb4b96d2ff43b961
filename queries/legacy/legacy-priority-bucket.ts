/**
 * The legacy path's own priority bucket, written from SEMANTICS
 * ("priority_bucket") without the ETL's code, so that comparing the two
 * paths also checks the ETL's `stages/core/priority-bucket.ts`.
 */
const QUARTILE_UPPER_BOUNDS = [0.25, 0.5, 0.75];

export function priorityBucket(priority: number, lo: number, hi: number): 1 | 2 | 3 | 4 {
  if (lo === hi) return 2;
  const x = (priority - lo) / (hi - lo);
  let bucket = 1;
  for (const bound of QUARTILE_UPPER_BOUNDS) if (x >= bound) bucket++;
  return bucket as 1 | 2 | 3 | 4;
}

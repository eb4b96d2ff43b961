import { compareKeys } from './compare-block.js';
import { longestIncreasingSubsequence } from './longest-increasing-run.js';

/** A block scheduled in both schedules: its key and both starts (Unix seconds). */
export interface TimedBlock {
  key: string;
  aStart: number;
  bStart: number;
}

/** Indices of `timed` sorted by (start on one side, key). */
function rankOrder(timed: readonly TimedBlock[], start: (t: TimedBlock) => number): Int32Array {
  return Int32Array.from(timed.keys()).sort((i, j) => start(timed[i]) - start(timed[j]) || compareKeys(timed[i].key, timed[j].key));
}

/**
 * SEMANTICS `order_preservation`: rank the timed blocks on each side by
 * (start, key); the longest strictly increasing subsequence of B-ranks taken
 * in A-rank order, over the number of timed blocks. Null when none. O(n log n).
 */
export function orderPreservation(timed: readonly TimedBlock[]): number | null {
  if (timed.length === 0) return null;
  const byB = rankOrder(timed, (t) => t.bStart);
  const bRank = new Int32Array(timed.length);
  byB.forEach((index, rank) => (bRank[index] = rank));
  const bRanksInAOrder = rankOrder(timed, (t) => t.aStart).map((index) => bRank[index]);
  return longestIncreasingSubsequence(bRanksInAOrder) / timed.length;
}

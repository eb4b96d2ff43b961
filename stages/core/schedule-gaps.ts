import { medianOfSorted } from './sorted-median.js';

/** SEMANTICS "Gaps": the union of scheduled windows and the spaces between its intervals, in hours. */
export interface ScheduleGaps {
  scheduled_union_hours: number;
  gap_count: number;
  /** The five below are null when gap_count is 0. */
  gap_total_hours: number | null;
  gap_mean_hours: number | null;
  gap_median_hours: number | null;
  /** Linear interpolation at rank 0.9·(n−1) of the sorted gaps (0-based). */
  gap_p90_hours: number | null;
  gap_max_hours: number | null;
}

/**
 * Gaps of the windows `[starts[i], stops[i])` (Unix seconds, already rounded
 * by the "Time" rule). A window with stop <= start is empty. O(n log n), and
 * the only allocations are four typed arrays of n.
 *
 * The union depends only on the multisets of starts and stops, so both are
 * sorted on their own and swept together: coverage rises at a start and falls
 * at a stop. Starts are taken first on a tie, so windows that touch are one
 * interval of the union and leave no zero-length gap.
 */
export function scheduleGaps(starts: Float64Array, stops: Float64Array): ScheduleGaps {
  if (starts.length !== stops.length) throw new RangeError(`scheduleGaps: lengths differ (${starts.length} vs ${stops.length})`);
  const s = new Float64Array(starts.length);
  const e = new Float64Array(starts.length);
  let m = 0;
  for (let i = 0; i < starts.length; i++) {
    if (stops[i] > starts[i]) { s[m] = starts[i]; e[m] = stops[i]; m++; }
  }
  const ss = s.subarray(0, m).sort();
  const es = e.subarray(0, m).sort();
  const gaps = new Float64Array(Math.max(0, m - 1));
  let gapCount = 0;
  let unionSeconds = 0;
  let depth = 0;
  let openedAt = 0;
  let closedAt = Number.NaN; // end of the previous union interval
  for (let i = 0, j = 0; i < m || j < m;) {
    if (i < m && ss[i] <= es[j]) {
      if (depth === 0) {
        if (!Number.isNaN(closedAt)) gaps[gapCount++] = (ss[i] - closedAt) / 3600;
        openedAt = ss[i];
      }
      depth++; i++;
    } else {
      depth--;
      if (depth === 0) { unionSeconds += es[j] - openedAt; closedAt = es[j]; }
      j++;
    }
  }
  if (gapCount === 0) {
    return { scheduled_union_hours: unionSeconds / 3600, gap_count: 0, gap_total_hours: null, gap_mean_hours: null, gap_median_hours: null, gap_p90_hours: null, gap_max_hours: null };
  }
  const sorted = gaps.subarray(0, gapCount).sort();
  let total = 0;
  for (let k = 0; k < gapCount; k++) total += sorted[k];
  const rank = 0.9 * (gapCount - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, gapCount - 1);
  return {
    scheduled_union_hours: unionSeconds / 3600,
    gap_count: gapCount,
    gap_total_hours: total,
    gap_mean_hours: total / gapCount,
    gap_median_hours: medianOfSorted(sorted),
    gap_p90_hours: sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo),
    gap_max_hours: sorted[gapCount - 1],
  };
}

import type { ScheduleGaps } from '../../stages/core/schedule-gaps.js';

/**
 * SEMANTICS "Gaps", the plain way: drop empty windows, sort by start, merge
 * windows that overlap or touch into the intervals of the union, then list
 * the spaces between consecutive intervals. It shares nothing with the
 * accumulator's sweep (`scheduleGaps`), so each checks the other.
 * Windows are Unix seconds, already rounded by the "Time" rule.
 */
export function gapsLegacy(windows: { start: number; stop: number }[]): ScheduleGaps {
  const sorted = windows.filter((w) => w.stop > w.start).sort((a, b) => a.start - b.start);
  const union: { start: number; stop: number }[] = [];
  for (const w of sorted) {
    const last = union[union.length - 1];
    if (last !== undefined && w.start <= last.stop) last.stop = Math.max(last.stop, w.stop);
    else union.push({ ...w });
  }
  const gaps: number[] = [];
  for (let i = 1; i < union.length; i++) gaps.push((union[i].start - union[i - 1].stop) / 3600);
  const unionHours = union.reduce((acc, u) => acc + (u.stop - u.start), 0) / 3600;
  if (gaps.length === 0) {
    return { scheduled_union_hours: unionHours, gap_count: 0, gap_total_hours: null, gap_mean_hours: null, gap_median_hours: null, gap_p90_hours: null, gap_max_hours: null };
  }
  gaps.sort((a, b) => a - b);
  const n = gaps.length;
  const total = gaps.reduce((acc, g) => acc + g, 0);
  return {
    scheduled_union_hours: unionHours,
    gap_count: n,
    gap_total_hours: total,
    gap_mean_hours: total / n,
    gap_median_hours: n % 2 === 1 ? gaps[(n - 1) / 2] : (gaps[n / 2 - 1] + gaps[n / 2]) / 2,
    gap_p90_hours: interpolate(gaps, 0.9 * (n - 1)),
    gap_max_hours: gaps[n - 1],
  };
}

/** The value at fractional 0-based `rank` of sorted `values`, linearly interpolated. */
function interpolate(values: number[], rank: number): number {
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  return values[below] + (values[above] - values[below]) * (rank - below);
}

import type { Accumulator, BlockFacts } from './block-facts.js';
import { countConflicts } from './conflict-count.js';
import { assertBinCount, binIndex, binLayout, binLower, binMid, binUpper, type BinLayout } from './equal-width-bins.js';
import { GrowableFloat64 } from './growable-float64.js';
import type { HeatmapBinRow, Phase2Result, PriorityRateRow, SummaryRow, VisibilityBinRow } from './phase2-rows.js';
import { averageRanks, rankPearson } from './spearman.js';
import { scheduleGaps, type ScheduleGaps } from './schedule-gaps.js';
import { medianOfSorted } from './sorted-median.js';
import { mjdToUnix } from './time.js';

export interface Phase2Options {
  /** Equal-width bins per axis for the histogram and the heatmap. @default 10 */
  nBins?: number;
}

/** The per-block columns `record` keeps, all of length `n`. */
interface Columns {
  n: number;
  priority: Float64Array;
  visibility: Float64Array;
  requested: Float64Array;
  scheduled: Uint8Array;
}

/** Running totals `record` keeps so `finish` needs no extra pass for them. */
interface Totals {
  scheduled: number;
  impossible: number;
  invalid: number;
  prioritySum: number;
  scheduledPrioritySum: number;
  unscheduledPrioritySum: number;
  visibilitySum: number;
  requestedSum: number;
  scheduledHours: number;
}

/**
 * Phase 2 of the ETL: the schedule summary, per-priority rates, the
 * visibility-hours histogram and the visibility × requested heatmap
 * (SEMANTICS "Per schedule" … "Heatmap").
 *
 * `record` copies each block into typed-array columns; `finish` computes
 * every statistic from them (exact median, average-rank Spearman, conflicts
 * in O(n log n)). A block with `visibilityInvalid` counts 0 visibility hours
 * and is counted in `invalid_visibility_blocks`, never as impossible.
 */
export function createPhase2Accumulator(options: Phase2Options = {}): Accumulator<Phase2Result> {
  const nBins = options.nBins ?? 10;
  assertBinCount(nBins);
  const priority = new GrowableFloat64();
  const visibility = new GrowableFloat64();
  const requested = new GrowableFloat64();
  // Scheduled windows in Unix seconds: SEMANTICS "Time" rounds before any comparison.
  const scheduledStarts = new GrowableFloat64();
  const scheduledStops = new GrowableFloat64();
  // One byte per block, doubled in step with the float columns.
  let scheduledFlags = new Uint8Array(1024);
  const totals: Totals = {
    scheduled: 0,
    impossible: 0,
    invalid: 0,
    prioritySum: 0,
    scheduledPrioritySum: 0,
    unscheduledPrioritySum: 0,
    visibilitySum: 0,
    requestedSum: 0,
    scheduledHours: 0,
  };

  return {
    record(block: BlockFacts): void {
      const i = priority.length;
      if (i === scheduledFlags.length) {
        const next = new Uint8Array(i * 2);
        next.set(scheduledFlags);
        scheduledFlags = next;
      }
      const hours = block.visibilityInvalid ? 0 : block.totalVisibilityHours;
      priority.push(block.priority);
      visibility.push(hours);
      requested.push(block.requestedHours);
      totals.prioritySum += block.priority;
      totals.visibilitySum += hours;
      totals.requestedSum += block.requestedHours;
      if (block.visibilityInvalid) totals.invalid++;
      else if (hours === 0) totals.impossible++;
      if (block.isScheduled) {
        scheduledFlags[i] = 1;
        totals.scheduled++;
        totals.scheduledPrioritySum += block.priority;
        totals.scheduledHours += (block.scheduledStopMjd - block.scheduledStartMjd) * 24;
        scheduledStarts.push(mjdToUnix(block.scheduledStartMjd));
        scheduledStops.push(mjdToUnix(block.scheduledStopMjd));
      } else {
        totals.unscheduledPrioritySum += block.priority;
      }
    },

    finish(): Phase2Result {
      const columns: Columns = {
        n: priority.length,
        priority: priority.view(),
        visibility: visibility.view(),
        requested: requested.view(),
        scheduled: scheduledFlags.subarray(0, priority.length),
      };
      // Conflicts and gaps both read the same two window columns: no extra per-block state.
      const starts = scheduledStarts.view();
      const stops = scheduledStops.view();
      const summary = summarize(columns, totals, countConflicts(starts, stops), scheduleGaps(starts, stops), nBins);
      if (columns.n === 0) return { summary, priorityRates: [], visibilityBins: [], heatmapBins: [] };
      return {
        summary,
        priorityRates: priorityRates(columns),
        visibilityBins: visibilityBins(columns, nBins),
        heatmapBins: heatmapBins(columns, nBins),
      };
    },
  };
}

function summarize(c: Columns, t: Totals, conflicts: number, gaps: ScheduleGaps, nBins: number): SummaryRow {
  const n = c.n;
  const unscheduled = n - t.scheduled;
  const base = {
    total_blocks: n,
    scheduled_blocks: t.scheduled,
    unscheduled_blocks: unscheduled,
    impossible_blocks: t.impossible,
    invalid_visibility_blocks: t.invalid,
    scheduling_rate: n === 0 ? 0 : t.scheduled / n,
    priority_scheduled_mean: t.scheduled === 0 ? null : t.scheduledPrioritySum / t.scheduled,
    priority_unscheduled_mean: unscheduled === 0 ? null : t.unscheduledPrioritySum / unscheduled,
    visibility_total_hours: t.visibilitySum,
    requested_total_hours: t.requestedSum,
    scheduled_total_hours: t.scheduledHours,
    conflict_count: conflicts,
    n_bins: nBins,
    ...gaps,
  };
  if (n === 0) {
    return {
      ...base,
      priority_min: null,
      priority_max: null,
      priority_mean: null,
      priority_median: null,
      visibility_mean_hours: null,
      visibility_min_hours: null,
      visibility_max_hours: null,
      requested_mean_hours: null,
      corr_priority_visibility: null,
      corr_priority_requested: null,
      corr_visibility_requested: null,
    };
  }
  const sortedPriority = c.priority.slice().sort();
  const priorityRanks = averageRanks(c.priority);
  const visibilityRanks = averageRanks(c.visibility);
  const requestedRanks = averageRanks(c.requested);
  return {
    ...base,
    priority_min: sortedPriority[0],
    priority_max: sortedPriority[n - 1],
    priority_mean: t.prioritySum / n,
    priority_median: medianOfSorted(sortedPriority),
    visibility_mean_hours: t.visibilitySum / n,
    visibility_min_hours: minOf(c.visibility),
    visibility_max_hours: maxOf(c.visibility),
    requested_mean_hours: t.requestedSum / n,
    corr_priority_visibility: rankPearson(priorityRanks, visibilityRanks),
    corr_priority_requested: rankPearson(priorityRanks, requestedRanks),
    corr_visibility_requested: rankPearson(visibilityRanks, requestedRanks),
  };
}

function minOf(values: Float64Array): number {
  let m = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] < m) m = values[i];
  return m;
}

function maxOf(values: Float64Array): number {
  let m = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/** T-SQL `ROUND(x, 0)`: halves away from zero (`Math.round(-2.5)` would give -2). */
function roundHalfAwayFromZero(x: number): number {
  const r = Math.round(Math.abs(x));
  // `0 - r` rather than `-r` so that -0.3 rounds to +0, not -0.
  return x < 0 ? 0 - r : r;
}

interface PriorityGroup {
  total: number;
  scheduled: number;
  visibilitySum: number;
  requestedSum: number;
}

function priorityRates(c: Columns): PriorityRateRow[] {
  // One object per distinct rounded priority (a handful), not per block.
  const groups = new Map<number, PriorityGroup>();
  for (let i = 0; i < c.n; i++) {
    const key = roundHalfAwayFromZero(c.priority[i]);
    let g = groups.get(key);
    if (g === undefined) {
      g = { total: 0, scheduled: 0, visibilitySum: 0, requestedSum: 0 };
      groups.set(key, g);
    }
    g.total++;
    g.scheduled += c.scheduled[i];
    g.visibilitySum += c.visibility[i];
    g.requestedSum += c.requested[i];
  }
  return [...groups.keys()]
    .sort((a, b) => a - b)
    .map((key) => {
      const g = groups.get(key)!;
      return {
        priority_value: key,
        total_count: g.total,
        scheduled_count: g.scheduled,
        scheduling_rate: g.scheduled / g.total,
        visibility_mean_hours: g.visibilitySum / g.total,
        requested_mean_hours: g.requestedSum / g.total,
      };
    });
}

function layoutOf(values: Float64Array, nBins: number): BinLayout {
  return binLayout(minOf(values), maxOf(values), nBins);
}

function visibilityBins(c: Columns, nBins: number): VisibilityBinRow[] {
  const layout = layoutOf(c.visibility, nBins);
  const total = new Uint32Array(layout.count);
  const scheduled = new Uint32Array(layout.count);
  for (let i = 0; i < c.n; i++) {
    const b = binIndex(c.visibility[i], layout);
    total[b]++;
    scheduled[b] += c.scheduled[i];
  }
  const rows: VisibilityBinRow[] = [];
  for (let b = 0; b < layout.count; b++) {
    if (total[b] === 0) continue;
    rows.push({
      bin_index: b,
      bin_min_hours: binLower(b, layout),
      bin_max_hours: binUpper(b, layout),
      bin_mid_hours: binMid(b, layout),
      total_count: total[b],
      scheduled_count: scheduled[b],
      scheduling_rate: scheduled[b] / total[b],
    });
  }
  return rows;
}

function heatmapBins(c: Columns, nBins: number): HeatmapBinRow[] {
  const vLayout = layoutOf(c.visibility, nBins);
  const tLayout = layoutOf(c.requested, nBins);
  // Cells row-major by visibility bin, so walking them in order yields the sorted rows.
  const total = new Uint32Array(vLayout.count * tLayout.count);
  const scheduled = new Uint32Array(total.length);
  for (let i = 0; i < c.n; i++) {
    const cell = binIndex(c.visibility[i], vLayout) * tLayout.count + binIndex(c.requested[i], tLayout);
    total[cell]++;
    scheduled[cell] += c.scheduled[i];
  }
  const rows: HeatmapBinRow[] = [];
  for (let cell = 0; cell < total.length; cell++) {
    if (total[cell] === 0) continue;
    const v = Math.floor(cell / tLayout.count);
    const t = cell % tLayout.count;
    rows.push({
      visibility_bin_index: v,
      time_bin_index: t,
      visibility_mid_hours: binMid(v, vLayout),
      time_mid_hours: binMid(t, tLayout),
      total_count: total[cell],
      scheduled_count: scheduled[cell],
      scheduling_rate: scheduled[cell] / total[cell],
    });
  }
  return rows;
}

import { assertBinCount, binIndex, binLayout, binLower, binMid, binUpper } from './legacy-equal-width-bins.js';
import type {
  HeatmapBinRow,
  Phase2Result,
  PriorityRateRow,
  SummaryRow,
  VisibilityBinRow,
} from '../../stages/core/phase2-rows.js';
import { mjdToUnix } from './legacy-time.js';
import { gapsLegacy } from './gaps-legacy.js';
import type { LegacyBlock } from './legacy-block.js';
import { legacyUnionHours } from './legacy-union-hours.js';

/*
 * The legacy Phase 2: the same numbers as the ETL's Phase 2 accumulator,
 * computed the plain way from `LegacyBlock` objects. It deliberately shares
 * nothing with the accumulator except the binning rule and the row types, so
 * each is a check on the other.
 */

/** What Phase 2 needs of one block. */
interface Row {
  priority: number;
  hours: number;
  requested: number;
  scheduled: boolean;
  /** The scheduled window in MJD (NaN when not scheduled). */
  start: number;
  stop: number;
  invalid: boolean;
}

const sum = (values: number[]): number => values.reduce((acc, v) => acc + v, 0);
const mean = (values: number[]): number | null => (values.length === 0 ? null : sum(values) / values.length);
const minimum = (values: number[]): number => values.reduce((m, v) => (v < m ? v : m));
const maximum = (values: number[]): number => values.reduce((m, v) => (v > m ? v : m));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Average ranks, 1-based: walk the sorted order, giving each run of equal values its mean position. */
function ranks(values: number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const result = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1].value === order[i].value) j++;
    const rank = (i + 1 + (j + 1)) / 2;
    for (let k = i; k <= j; k++) result[order[k].index] = rank;
    i = j + 1;
  }
  return result;
}

function pearson(x: number[], y: number[]): number {
  const mx = sum(x) / x.length;
  const my = sum(y) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx) / Math.sqrt(syy);
}

function groupBy(rows: Row[], key: (r: Row) => number): [number, Row[]][] {
  const groups = new Map<number, Row[]>();
  for (const r of rows) {
    const k = key(r);
    const group = groups.get(k);
    if (group) group.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

const isConstant = (values: number[]): boolean => values.every((v) => v === values[0]);

function spearmanRho(x: number[], y: number[]): number | null {
  if (x.length < 2 || isConstant(x) || isConstant(y)) return null;
  return pearson(ranks(x), ranks(y));
}

/** Pairs overlapping for a positive length, by a sweep over the intervals sorted by start. */
function conflicts(intervals: { start: number; stop: number }[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    // Later intervals start at or after sorted[i].start, so overlap means starting before both stops.
    for (let j = i + 1; j < sorted.length && sorted[j].start < sorted[i].stop; j++) {
      if (sorted[j].start < sorted[j].stop) count++;
    }
  }
  return count;
}

/** T-SQL `ROUND(x, 0)`: `toFixed` rounds the exact value with ties away from zero. */
function roundLikeTsql(x: number): number {
  return Number(x.toFixed(0)) + 0; // `+ 0` turns the "-0" of e.g. -0.3 into 0
}

function summarize(rows: Row[], nBins: number): SummaryRow {
  const priorities = rows.map((r) => r.priority);
  const hours = rows.map((r) => r.hours);
  const requested = rows.map((r) => r.requested);
  const scheduledBlocks = rows.filter((r) => r.scheduled);
  const empty = rows.length === 0;
  // SEMANTICS "Time": compare Unix seconds rounded to the millisecond.
  const windows = scheduledBlocks.map((r) => ({ start: mjdToUnix(r.start), stop: mjdToUnix(r.stop) }));
  return {
    total_blocks: rows.length,
    scheduled_blocks: scheduledBlocks.length,
    unscheduled_blocks: rows.length - scheduledBlocks.length,
    impossible_blocks: rows.filter((r) => !r.invalid && r.hours === 0).length,
    invalid_visibility_blocks: rows.filter((r) => r.invalid).length,
    scheduling_rate: empty ? 0 : scheduledBlocks.length / rows.length,
    priority_min: empty ? null : minimum(priorities),
    priority_max: empty ? null : maximum(priorities),
    priority_mean: mean(priorities),
    priority_median: empty ? null : median(priorities),
    priority_scheduled_mean: mean(scheduledBlocks.map((r) => r.priority)),
    priority_unscheduled_mean: mean(rows.filter((r) => !r.scheduled).map((r) => r.priority)),
    visibility_total_hours: sum(hours),
    visibility_mean_hours: mean(hours),
    visibility_min_hours: empty ? null : minimum(hours),
    visibility_max_hours: empty ? null : maximum(hours),
    requested_total_hours: sum(requested),
    requested_mean_hours: mean(requested),
    scheduled_total_hours: sum(scheduledBlocks.map((r) => (r.stop - r.start) * 24)),
    corr_priority_visibility: spearmanRho(priorities, hours),
    corr_priority_requested: spearmanRho(priorities, requested),
    corr_visibility_requested: spearmanRho(hours, requested),
    conflict_count: conflicts(windows),
    n_bins: nBins,
    ...gapsLegacy(windows),
  };
}

function priorityRates(rows: Row[]): PriorityRateRow[] {
  return groupBy(rows, (r) => roundLikeTsql(r.priority)).map(([key, group]) => {
    const scheduled = group.filter((r) => r.scheduled).length;
    return {
      priority_value: key,
      total_count: group.length,
      scheduled_count: scheduled,
      scheduling_rate: scheduled / group.length,
      visibility_mean_hours: mean(group.map((r) => r.hours)),
      requested_mean_hours: mean(group.map((r) => r.requested)),
    };
  });
}

function visibilityBins(rows: Row[], nBins: number): VisibilityBinRow[] {
  const hours = rows.map((r) => r.hours);
  const layout = binLayout(minimum(hours), maximum(hours), nBins);
  return groupBy(rows, (r) => binIndex(r.hours, layout)).map(([i, group]) => {
    const scheduled = group.filter((r) => r.scheduled).length;
    return {
      bin_index: i,
      bin_min_hours: binLower(i, layout),
      bin_max_hours: binUpper(i, layout),
      bin_mid_hours: binMid(i, layout),
      total_count: group.length,
      scheduled_count: scheduled,
      scheduling_rate: scheduled / group.length,
    };
  });
}

function heatmapBins(rows: Row[], nBins: number): HeatmapBinRow[] {
  const hours = rows.map((r) => r.hours);
  const requested = rows.map((r) => r.requested);
  const vLayout = binLayout(minimum(hours), maximum(hours), nBins);
  const tLayout = binLayout(minimum(requested), maximum(requested), nBins);
  const cells = new Map<string, { v: number; t: number; total: number; scheduled: number }>();
  for (const r of rows) {
    const v = binIndex(r.hours, vLayout);
    const t = binIndex(r.requested, tLayout);
    const cell = cells.get(`${v},${t}`) ?? { v, t, total: 0, scheduled: 0 };
    cell.total++;
    if (r.scheduled) cell.scheduled++;
    cells.set(`${v},${t}`, cell);
  }
  return [...cells.values()]
    .sort((a, b) => a.v - b.v || a.t - b.t)
    .map((c) => ({
      visibility_bin_index: c.v,
      time_bin_index: c.t,
      visibility_mid_hours: binMid(c.v, vLayout),
      time_mid_hours: binMid(c.t, tLayout),
      total_count: c.total,
      scheduled_count: c.scheduled,
      scheduling_rate: c.scheduled / c.total,
    }));
}

/**
 * Phase 2 (summary, priority rates, visibility histogram, heatmap) of one
 * schedule's blocks, computed directly from the joined rows: the read path
 * when the analytics tables are missing and the reference for the ETL.
 * Bad-input blocks (`invalid`) count 0 visibility hours and are not impossible.
 * @param nBins bins per axis (default 10).
 */
export function computePhase2Legacy(blocks: LegacyBlock[], nBins = 10): Phase2Result {
  assertBinCount(nBins);
  const rows: Row[] = blocks.map((b) => {
    const scheduled = b.scheduledStartMjd !== null && b.scheduledStopMjd !== null;
    return {
      priority: b.priority,
      hours: b.invalid ? 0 : legacyUnionHours(b.periods),
      requested: b.requestedDurationSec / 3600,
      scheduled,
      start: scheduled ? b.scheduledStartMjd! : NaN,
      stop: scheduled ? b.scheduledStopMjd! : NaN,
      invalid: b.invalid,
    };
  });
  const summary = summarize(rows, nBins);
  if (rows.length === 0) return { summary, priorityRates: [], visibilityBins: [], heatmapBins: [] };
  return {
    summary,
    priorityRates: priorityRates(rows),
    visibilityBins: visibilityBins(rows, nBins),
    heatmapBins: heatmapBins(rows, nBins),
  };
}

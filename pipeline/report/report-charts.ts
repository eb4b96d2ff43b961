import type { TopLevelSpec } from 'vega-lite';
import type { SkyMapBlock } from '../../queries/block-reads.js';
import type { HistogramBin } from '../../queries/visibility-reads.js';
import type { Comparison } from '../../queries/compare-reads.js';
import type { Timeline } from '../../queries/timeline-reads.js';
import type { HeatmapBinRow, PriorityRateRow, VisibilityBinRow } from '../../stages/core/phase2-rows.js';
import { monthSpans } from './month-spans.js';

/**
 * One Vega-Lite spec per chart of the report, built from what the reads
 * returned. Kept apart from the rendering so each is a plain value.
 */

const WIDE = 760;
const SCHEDULED_COLORS = { domain: ['scheduled', 'unscheduled'], range: ['#1f77b4', '#c7c7c7'] };
const status = (scheduled: boolean | number) => (scheduled ? 'scheduled' : 'unscheduled');

/**
 * RA/Dec of every block; colour by priority, scheduled blocks as solid
 * squares and unscheduled as faint diamonds (the shortest SVG paths: the
 * W10k map is 1.3 MB with them, 1.9 MB with circles and crosses).
 */
export function skyMapChart(blocks: readonly SkyMapBlock[]): TopLevelSpec {
  return {
    width: WIDE, height: 380,
    data: { values: blocks.map((b) => ({ ra: b.target_ra_deg, dec: b.target_dec_deg, priority: b.priority, status: status(b.is_scheduled) })) },
    mark: { type: 'point', filled: true, size: 14 },
    encoding: {
      // Astronomers' convention: right ascension grows to the left.
      x: { field: 'ra', type: 'quantitative', title: 'RA (deg)', scale: { domain: [360, 0], nice: false } },
      y: { field: 'dec', type: 'quantitative', title: 'Dec (deg)', scale: { domain: [-90, 90], nice: false } },
      color: { field: 'priority', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'priority' },
      shape: { field: 'status', type: 'nominal', scale: { domain: ['scheduled', 'unscheduled'], range: ['square', 'diamond'] }, title: null },
      opacity: { condition: { test: "datum.status === 'scheduled'", value: 0.9 }, value: 0.35 },
    },
  };
}

export function priorityRateChart(rates: readonly PriorityRateRow[]): TopLevelSpec {
  return {
    width: 340, height: 220,
    data: { values: rates.map((r) => ({ priority: r.priority_value, rate: r.scheduling_rate, blocks: r.total_count, scheduled: r.scheduled_count })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'priority', type: 'ordinal', title: 'priority (rounded)' },
      y: { field: 'rate', type: 'quantitative', title: 'scheduling rate', axis: { format: '%' }, scale: { domain: [0, 1] } },
      color: { value: '#1f77b4' },
    },
  };
}

/** The visibility-hours histogram, each bin split into its scheduled and unscheduled blocks. */
export function visibilityHistogramChart(bins: readonly VisibilityBinRow[]): TopLevelSpec {
  return {
    width: 340, height: 220,
    data: {
      values: bins.flatMap((b) => [
        { from: b.bin_min_hours, to: b.bin_max_hours, status: 'scheduled', blocks: b.scheduled_count },
        { from: b.bin_min_hours, to: b.bin_max_hours, status: 'unscheduled', blocks: b.total_count - b.scheduled_count },
      ]),
    },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'from', type: 'quantitative', bin: 'binned', title: 'visibility (hours)' },
      x2: { field: 'to' },
      y: { field: 'blocks', type: 'quantitative', stack: 'zero', title: 'blocks' },
      color: { field: 'status', type: 'nominal', scale: SCHEDULED_COLORS, title: null },
    },
  };
}

export function heatmapChart(cells: readonly HeatmapBinRow[]): TopLevelSpec {
  return {
    width: 340, height: 220,
    data: { values: cells.map((c) => ({ visibility: Number(c.visibility_mid_hours.toFixed(1)), requested: Number(c.time_mid_hours.toFixed(2)), blocks: c.total_count, rate: c.scheduling_rate })) },
    mark: { type: 'rect', tooltip: true },
    encoding: {
      x: { field: 'requested', type: 'ordinal', title: 'requested hours (bin middle)', sort: 'ascending' },
      y: { field: 'visibility', type: 'ordinal', title: 'visibility hours (bin middle)', sort: 'descending' },
      color: { field: 'blocks', type: 'quantitative', scale: { scheme: 'blues' }, title: 'blocks', legend: { format: 'd' } },
    },
  };
}

/** Distinct visible blocks per bin over time, all and scheduled. */
export function visibilityOverTimeChart(all: readonly HistogramBin[], scheduled: readonly HistogramBin[]): TopLevelSpec {
  const row = (series: string) => (b: HistogramBin) => ({ time: b.binStartUnix * 1000, blocks: b.count, series });
  return {
    width: WIDE, height: 220,
    data: { values: [...all.map(row('all blocks')), ...scheduled.map(row('scheduled blocks'))] },
    mark: { type: 'area', interpolate: 'step-after', opacity: 0.75 },
    encoding: {
      x: { field: 'time', type: 'temporal', title: 'time (UTC)' },
      y: { field: 'blocks', type: 'quantitative', stack: null, title: 'visible blocks per bin' },
      color: { field: 'series', type: 'nominal', scale: { domain: ['all blocks', 'scheduled blocks'], range: ['#9ecae1', '#1f77b4'] }, title: null },
    },
  };
}

/** One row per month, each scheduled window a bar over the days of the month; dark periods behind in grey. */
export function timelineChart(timeline: Timeline): TopLevelSpec {
  const windows = timeline.blocks.flatMap((b) => monthSpans(b.scheduled_start_unix, b.scheduled_stop_unix).map((s) => ({ ...s, priority: b.priority, layer: 'window' })));
  const months = new Set(windows.map((w) => w.month));
  const dark = timeline.dark_periods.flatMap((d) => monthSpans(d.start_unix, d.stop_unix)).filter((s) => months.has(s.month)).map((s) => ({ ...s, layer: 'dark' }));
  const x = { field: 'fromDay', type: 'quantitative' as const, title: 'day of month (UTC)', scale: { domain: [0, 31], nice: false } };
  const y = { field: 'month', type: 'ordinal' as const, title: null, sort: 'ascending' as const };
  return {
    width: WIDE, height: { step: 28 },
    layer: [
      { data: { values: dark }, mark: { type: 'bar', color: '#eeeeee', height: { band: 1 } }, encoding: { x, x2: { field: 'toDay' }, y } },
      {
        data: { values: windows }, mark: { type: 'bar', height: { band: 0.7 } },
        encoding: { x, x2: { field: 'toDay' }, y, color: { field: 'priority', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'priority' } },
      },
    ],
  };
}

/** Status counts of a comparison, one bar each. */
export function statusCountChart(c: Comparison): TopLevelSpec {
  return {
    width: 340, height: 200,
    data: { values: Object.entries(c.counts).map(([name, blocks]) => ({ status: name, blocks })) },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'status', type: 'nominal', title: null, sort: null },
      x: { field: 'blocks', type: 'quantitative', title: 'blocks' },
      color: { value: '#6b6ecf' },
    },
  };
}

/** Points drawn per coverage curve: more than the chart's pixels gain nothing (W10k: 8,571 common blocks; drawing all took ~0.6 s). */
const COVERAGE_POINTS = 400;

/** Every k-th point of a curve, and always its last one, so the curve still ends at the final coverage. */
export function thinCurve<T>(points: readonly T[], most: number): T[] {
  const stride = Math.ceil(points.length / most);
  return stride <= 1 ? [...points] : points.filter((_, i) => i % stride === stride - 1 || i === points.length - 1);
}

/** The cumulative priority coverage curves of A and B over the common blocks. */
export function coverageChart(c: Comparison, a: string, b: string): TopLevelSpec {
  return {
    width: 340, height: 200,
    data: { values: thinCurve(c.coverage, COVERAGE_POINTS).flatMap((p) => [{ rank: p.rank, priority: p.cum_a, schedule: a }, { rank: p.rank, priority: p.cum_b, schedule: b }]) },
    mark: { type: 'line', interpolate: 'linear' },
    encoding: {
      x: { field: 'rank', type: 'quantitative', title: 'common blocks by priority (rank)' },
      y: { field: 'priority', type: 'quantitative', title: 'cumulative scheduled priority' },
      color: { field: 'schedule', type: 'nominal', scale: { range: ['#1f77b4', '#ff7f0e'] }, title: null },
    },
  };
}

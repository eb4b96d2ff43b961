import { openMigratedStore } from '../../../sql/create-store.js';
import { getSummaryReport, type SummaryReport } from '../../../queries/summary-reads.js';
import type { HeatmapBinRow, VisibilityBinRow } from '../../../stages/core/phase2-rows.js';
import { requiredId, writeJson, type Command } from '../command.js';
import { count, fmt, textTable } from '../format.js';
import { maxOf } from '../../../base/array-extent.js';

/** Width, in characters, of the histogram's longest bar. */
const BAR_WIDTH = 40;

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** The union of the scheduled windows and the gaps between its intervals; rows stored before migration 005 have none. */
function gapsLine(s: SummaryReport['summary']): string {
  if (s.gap_count === null) return 'gaps: not stored for this schedule yet (run `tsi-etl populate` again to compute them)';
  if (s.gap_count === 0 && s.scheduled_blocks === 0) return 'gaps: none, as no block is scheduled';
  if (s.gap_count === 0) return `gaps: none, the scheduled windows form one interval of ${fmt(s.scheduled_union_hours)} h`;
  return `gaps: union of scheduled windows ${fmt(s.scheduled_union_hours)} h; ${count(s.gap_count, 'gap')}, total ${fmt(s.gap_total_hours)} h, `
    + `mean ${fmt(s.gap_mean_hours)} h, median ${fmt(s.gap_median_hours)} h, p90 ${fmt(s.gap_p90_hours)} h, max ${fmt(s.gap_max_hours)} h`;
}

/** A mean over no block is no number: say which side has none. */
function meanPriorityLine(s: SummaryReport['summary']): string {
  const side = (mean: number | null, none: string) => (mean === null ? none : fmt(mean));
  return `mean priority: scheduled ${side(s.priority_scheduled_mean, 'none (no block is scheduled)')}, unscheduled ${side(s.priority_unscheduled_mean, 'none (every block is scheduled)')}`;
}

function summaryText({ summary: s, source }: SummaryReport): string {
  const header = `schedule ${s.schedule_id}: ${count(s.total_blocks, 'block')}, ${fmt(s.scheduled_blocks)} scheduled (${percent(s.scheduling_rate)}), `
    + `${fmt(s.impossible_blocks)} impossible, ${fmt(s.invalid_visibility_blocks)} with bad visibility JSON — source: ${source}\n`;
  const stats = textTable(['', 'min', 'mean', 'median', 'max', 'total'], [
    ['priority', fmt(s.priority_min), fmt(s.priority_mean), fmt(s.priority_median), fmt(s.priority_max), ''],
    ['visibility h', fmt(s.visibility_min_hours), fmt(s.visibility_mean_hours), '', fmt(s.visibility_max_hours), fmt(s.visibility_total_hours)],
    ['requested h', '', fmt(s.requested_mean_hours), '', '', fmt(s.requested_total_hours)],
  ]);
  const lines = [
    meanPriorityLine(s),
    `scheduled time ${fmt(s.scheduled_total_hours)} h, ${fmt(s.conflict_count)} conflicting pairs`,
    gapsLine(s),
    `Spearman: priority~visibility ${fmt(s.corr_priority_visibility)}, priority~requested ${fmt(s.corr_priority_requested)}, visibility~requested ${fmt(s.corr_visibility_requested)}`,
  ];
  return header + '\n' + stats + lines.join('\n') + '\n';
}

function ratesText({ priority_rates: rates }: SummaryReport): string {
  return textTable(
    ['priority', 'blocks', 'scheduled', 'rate', 'mean vis h', 'mean req h'],
    rates.map((r) => [r.priority_value, r.total_count, r.scheduled_count, percent(r.scheduling_rate), fmt(r.visibility_mean_hours), fmt(r.requested_mean_hours)]),
  );
}

function histogramText(bins: VisibilityBinRow[]): string {
  const most = maxOf(bins.map((b) => b.total_count));
  return textTable(
    ['visibility h', 'blocks', 'scheduled', ''],
    // At least one block per stored bin, so at least one character per bar.
    bins.map((b) => [`${fmt(b.bin_min_hours, 1)}–${fmt(b.bin_max_hours, 1)}`, b.total_count, b.scheduled_count, '█'.repeat(Math.max(1, Math.round((BAR_WIDTH * b.total_count) / most)))]),
  );
}

/** Blocks per cell, rows by visibility bin and columns by requested-time bin; only rows and columns holding blocks. */
function heatmapText(cells: HeatmapBinRow[]): string {
  const rows = new Map<number, number>();
  const columns = new Map<number, number>();
  for (const c of cells) {
    rows.set(c.visibility_bin_index, c.visibility_mid_hours);
    columns.set(c.time_bin_index, c.time_mid_hours);
  }
  const rowIds = [...rows.keys()].sort((a, b) => a - b);
  const columnIds = [...columns.keys()].sort((a, b) => a - b);
  const counts = new Map(cells.map((c) => [`${c.visibility_bin_index},${c.time_bin_index}`, c.total_count]));
  return textTable(
    ['vis h \\ req h', ...columnIds.map((t) => fmt(columns.get(t), 1))],
    rowIds.map((v) => [fmt(rows.get(v), 1), ...columnIds.map((t) => counts.get(`${v},${t}`) ?? 0)]),
  );
}

function reportText(report: SummaryReport): string {
  const parts = [summaryText(report)];
  if (report.priority_rates.length > 0) {
    parts.push('scheduling rate by priority\n' + ratesText(report));
    parts.push('visibility hours histogram\n' + histogramText(report.visibility_bins));
    parts.push('blocks by visibility hours (rows) and requested hours (columns), bin midpoints\n' + heatmapText(report.heatmap_bins));
  }
  return parts.join('\n');
}

export const summaryCommand: Command = {
  name: 'summary',
  summary: "Show a schedule's summary, scheduling rates by priority, visibility histogram and heatmap.",
  usage: '--schedule ID [--json] [--legacy]',
  details: [
    'Reads the stored Phase 2 analytics; when the schedule has none (see `tsi-etl populate`), computes the same from the source tables (the legacy path, 10 bins).',
    'The gaps line: the length of the union of the scheduled windows, and the count, total, mean, median, p90 and longest of the gaps between its intervals (hours).',
    'With --json: {summary, priority_rates, visibility_bins, heatmap_bins, source}, source being "analytics" or "legacy"; summary holds scheduled_union_hours and the gap_* figures (null when stored before migration 005).',
    'Exit codes: 0 done, 1 failed (e.g. unknown schedule), 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'ID', description: 'schedule id (see `tsi-etl schedules`)' },
    legacy: { type: 'boolean', description: 'compute from the source tables even when stored analytics exist' },
  },
  examples: ['tsi-etl summary --schedule 1', 'tsi-etl summary --schedule 1 --json --legacy'],
  async run(args, ctx) {
    const scheduleId = requiredId(args, 'schedule');
    const store = await openMigratedStore(ctx.db);
    try {
      const report = await getSummaryReport(store, scheduleId, { log: ctx.log, useAnalyticsTable: args.values.legacy === true ? false : undefined });
      if (ctx.json) writeJson(ctx, report);
      else ctx.out.write(reportText(report));
      return 0;
    } finally {
      await store.close();
    }
  },
};

import type { Comparison, DiffRow, ScheduleFigures } from '../../queries/compare-reads.js';
import type { ScheduleSummary } from '../../queries/summary-reads.js';
import { chartFigure, dataTable, escapeHtml, figureList, type Cell, type Figure, type FigureValue } from './html.js';
import {
  coverageChart, heatmapChart, priorityRateChart, skyMapChart, statusCountChart, timelineChart, visibilityHistogramChart, visibilityOverTimeChart,
} from './report-charts.js';
import type { ReportData } from './report-data.js';
import { renderChart } from './render-chart.js';
import { REPORT_CSS } from './report-style.js';

/** When and from where the report was made. */
export interface ReportOrigin {
  madeAt: Date;
  /** The store's redacted description (never a password). */
  database: string;
}

const SUMMARY_FIGURES: [keyof ScheduleSummary, string][] = [
  ['total_blocks', 'blocks'], ['scheduled_blocks', 'scheduled'], ['scheduling_rate', 'scheduling rate'],
  ['impossible_blocks', 'impossible (no visibility)'], ['invalid_visibility_blocks', 'bad visibility JSON'],
  ['priority_min', 'priority min'], ['priority_median', 'priority median'], ['priority_mean', 'priority mean'], ['priority_max', 'priority max'],
  ['priority_scheduled_mean', 'mean priority, scheduled'], ['priority_unscheduled_mean', 'mean priority, unscheduled'],
  ['visibility_total_hours', 'visibility hours, total'], ['visibility_mean_hours', 'visibility hours, mean'],
  ['requested_total_hours', 'requested hours, total'], ['scheduled_total_hours', 'scheduled hours'], ['conflict_count', 'conflicting pairs'],
  ['corr_priority_visibility', 'Spearman priority~visibility'], ['corr_priority_requested', 'Spearman priority~requested'],
  ['corr_visibility_requested', 'Spearman visibility~requested'],
];

/** The figures of one schedule in a comparison, in the order shown. */
const COMPARED_FIGURES: (keyof ScheduleFigures)[] = [
  'blocks', 'scheduled_count', 'scheduled_priority_sum', 'priority_capture', 'scheduled_priority_mean', 'scheduled_priority_median',
  'scheduled_hours', 'scheduled_union_hours', 'gap_count', 'gap_total_hours', 'gap_mean_hours', 'gap_median_hours', 'gap_p90_hours', 'gap_max_hours',
];

export const DIFF_COLUMNS: (keyof DiffRow)[] = [
  'status', 'key', 'a_block_id', 'b_block_id', 'a_priority', 'b_priority', 'requested_hours', 'a_start_unix', 'a_stop_unix', 'b_start_unix', 'b_stop_unix', 'shift_seconds',
];

const isoMinute = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ');
/** Windows are shown as UTC times and ids as plain digits; the cells keep the read's values. */
function diffCell(column: keyof DiffRow, value: FigureValue): Cell {
  if (typeof value !== 'number') return value;
  if (column.endsWith('_unix')) return { value, text: isoMinute(value) };
  return column.endsWith('_block_id') ? { value, text: String(value) } : value;
}
const diffHeader = (column: keyof DiffRow) => column.replace(/_unix$/, ' (UTC)').replaceAll('_', ' ');
const pick = <T extends object>(row: T, names: readonly (keyof T)[], labels: (n: keyof T) => string = String): Figure[] =>
  names.map((n) => ({ name: String(n), label: labels(n), value: row[n] as FigureValue }));

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

async function scheduleSections(d: ReportData): Promise<string[]> {
  const s = d.summary;
  const scheduledShown = d.sky.filter((b) => b.is_scheduled).length;
  const parts = [
    section('summary', 'Summary', figureList('summary', SUMMARY_FIGURES.map(([name, label]) => ({ name, label, value: s.summary[name] as FigureValue })))
      + `<p class="source">source: ${s.source}</p>`),
    section('sky-map', 'Sky map', `<div class="row">${chartFigure('sky-map', 'Every block at its target’s RA/Dec; colour: priority; solid squares scheduled, faint diamonds unscheduled.', d.sources['sky-map'], await renderChart(skyMapChart(d.sky)))}`
      + figureList('sky-map', [{ name: 'points', label: 'blocks drawn', value: d.sky.length }, { name: 'scheduled', label: 'scheduled', value: scheduledShown }, { name: 'unscheduled', label: 'unscheduled', value: d.sky.length - scheduledShown }]) + '</div>'),
    section('distributions', 'Scheduling rate, visibility and requested time', '<div class="row">'
      + chartFigure('priority-rates', 'Share of blocks scheduled, per rounded priority.', s.source, await renderChart(priorityRateChart(s.priority_rates)))
      + chartFigure('visibility-histogram', 'Blocks per visibility-hours bin.', s.source, await renderChart(visibilityHistogramChart(s.visibility_bins)))
      + chartFigure('heatmap', 'Blocks per visibility × requested-hours cell.', s.source, await renderChart(heatmapChart(s.heatmap_bins)))
      + '</div>'),
  ];
  if (d.overTime) {
    const { all, scheduled, binMinutes } = d.overTime;
    const sumAll = all.reduce((n, b) => n + b.count, 0);
    const sumScheduled = scheduled.reduce((n, b) => n + b.count, 0);
    parts.push(section('visibility-over-time', 'Visibility over time', chartFigure('visibility-over-time', `Distinct blocks visible in each ${binMinutes}-minute bin (exact), all and scheduled only.`, d.sources['visibility-over-time'], await renderChart(visibilityOverTimeChart(all, scheduled)))
      + figureList('visibility-over-time', [
        { name: 'bin_minutes', label: 'bin width (minutes)', value: binMinutes },
        { name: 'bins', label: 'bins', value: all.length },
        { name: 'max_visible', label: 'most blocks visible in a bin', value: Math.max(...all.map((b) => b.count)) },
        { name: 'scheduled_share', label: 'scheduled share of visible block-bins', value: sumAll === 0 ? null : sumScheduled / sumAll },
        { name: 'time_range_start_unix', label: 'from (UTC)', value: isoMinute(d.metadata.time_range_start_unix) },
        { name: 'time_range_end_unix', label: 'to (UTC)', value: isoMinute(d.metadata.time_range_end_unix) },
      ])));
  }
  const t = d.timeline;
  parts.push(section('timeline', 'Timeline of scheduled windows', (t.blocks.length ? chartFigure('timeline', 'Scheduled windows by UTC month; colour: priority; grey: dark periods.', t.source, await renderChart(timelineChart(t))) : '<p>No scheduled block.</p>')
    + figureList('timeline', [
      { name: 'scheduled_count', label: 'scheduled blocks', value: t.scheduled_count },
      { name: 'months', label: 'months', value: t.months.length },
      { name: 'dark_periods', label: 'dark periods', value: t.dark_periods.length },
      ...pick(d.gaps, ['scheduled_union_hours', 'gap_count', 'gap_total_hours', 'gap_mean_hours', 'gap_median_hours', 'gap_p90_hours', 'gap_max_hours'], (n) => String(n).replaceAll('_', ' ')),
    ])));
  return parts;
}

async function comparisonSection(d: ReportData, c: Comparison): Promise<string> {
  const a = `${d.names.get(d.scheduleId)} (${d.scheduleId})`;
  const b = `${d.names.get(c.other)} (${c.other})`;
  const sideBySide = dataTable(`compare-${c.other}-figures`, ['figure', a, b], COMPARED_FIGURES.map((f) => [f, c.a[f], c.b[f]]));
  const figures = figureList(`compare-${c.other}`, [
    ...Object.entries(c.counts).map(([name, value]) => ({ name: `counts.${name}`, label: name.replaceAll('_', ' '), value })),
    ...pick(c, ['match_ratio', 'median_shift_seconds', 'mad_shift_seconds', 'order_preservation', 'coverage_final_a', 'coverage_final_b', 'coverage_lead_top10'], (n) => String(n).replaceAll('_', ' ')),
  ]);
  const rows = c.rows.length === 0 ? '<p>No differing block.</p>' : dataTable(`compare-${c.other}-rows`, DIFF_COLUMNS.map(diffHeader), c.rows.map((r) => DIFF_COLUMNS.map((k) => diffCell(k, r[k]))));
  return section(`compare-${c.other}`, `Compared with ${b}`, `<p class="source">source: ${c.source}</p>`
    + `<div class="row">${sideBySide}${figures}</div>`
    + '<div class="row">'
    + chartFigure('status-counts', 'Blocks per status.', c.source, await renderChart(statusCountChart(c)))
    + (c.coverage.length ? chartFigure('coverage', 'Cumulative scheduled priority over the common blocks, highest priority first.', c.source, await renderChart(coverageChart(c, a, b))) : '')
    + '</div>'
    + `<h3>First ${c.rows.length} differing blocks</h3>${rows}`);
}

/** The whole report: one HTML file with every style inline and no script. */
export async function reportHtml(d: ReportData, origin: ReportOrigin): Promise<string> {
  const name = d.names.get(d.scheduleId) ?? String(d.scheduleId);
  const title = `Schedule ${name} (${d.scheduleId})`;
  const sections = await scheduleSections(d);
  for (const c of d.comparison?.comparisons ?? []) sections.push(await comparisonSection(d, c));
  const made = origin.madeAt.toISOString();
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — tsi-etl report</title><style>${REPORT_CSS}</style></head>
<body data-schedule="${d.scheduleId}"><header><h1>${escapeHtml(title)}</h1>
<p class="origin">Made <time data-made-at="${made}">${made.replace('T', ' ').slice(0, 19)} UTC</time> by tsi-etl from <code data-database="${escapeHtml(origin.database)}">${escapeHtml(origin.database)}</code>.</p></header>
<main>${sections.join('\n')}</main></body></html>
`;
}

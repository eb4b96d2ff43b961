import { ParameterError } from '../../../base/errors.js';
import { openMigratedStore } from '../../../sql/create-store.js';
import { compareSchedules, type Comparison, type ComparisonReport, type DiffRow, type ScheduleFigures } from '../../../queries/compare-reads.js';
import { numberOption, parseId, requiredId, writeJson, type Command, type CommandArgs } from '../command.js';
import { fmt, textTable } from '../format.js';

/** Diff rows the text output shows per comparison when --rows is not given. */
const DEFAULT_ROWS = 20;

const FIGURE_LABELS: [keyof ScheduleFigures, string][] = [
  ['blocks', 'blocks'],
  ['scheduled_count', 'scheduled'],
  ['scheduled_priority_sum', 'scheduled priority sum'],
  ['priority_capture', 'priority capture'],
  ['scheduled_priority_mean', 'scheduled priority mean'],
  ['scheduled_priority_median', 'scheduled priority median'],
  ['scheduled_hours', 'scheduled h'],
  ['scheduled_union_hours', 'scheduled union h'],
  ['gap_count', 'gaps'],
  ['gap_total_hours', 'gap total h'],
  ['gap_mean_hours', 'gap mean h'],
  ['gap_median_hours', 'gap median h'],
  ['gap_p90_hours', 'gap p90 h'],
  ['gap_max_hours', 'gap max h'],
];

function withList(args: CommandArgs): number[] {
  const raw = args.values.with;
  if (raw === undefined) throw new ParameterError('--with', 'is required: the schedule id(s) to compare with, e.g. --with 2,3');
  return String(raw).split(',').map((id) => parseId(id.trim(), '--with'));
}

const iso = (unix: number | null) => (unix === null ? '—' : new Date(unix * 1000).toISOString().replace('.000Z', 'Z'));

function rowsText(rows: DiffRow[]): string {
  return textTable(
    ['status', 'key', 'priority A', 'priority B', 'start A', 'start B', 'shift s'],
    rows.map((r) => [r.status, r.key, fmt(r.a_priority), fmt(r.b_priority), iso(r.a_start_unix), iso(r.b_start_unix), fmt(r.shift_seconds)]),
  );
}

/** The match ratio, and the order and shifts of the blocks scheduled in both, or why there are none. */
function matchLine(c: Comparison): string {
  if (c.match_ratio === null) return 'no blocks in either schedule to match';
  // Both are null exactly when no block is scheduled in both.
  if (c.order_preservation === null || c.median_shift_seconds === null) {
    return `match ratio ${fmt(c.match_ratio)}; no block is scheduled in both, so no order preservation or shift to compare`;
  }
  return `match ratio ${fmt(c.match_ratio)}, order preservation ${fmt(c.order_preservation)}, shift median ${fmt(c.median_shift_seconds)} s (MAD ${fmt(c.mad_shift_seconds)} s)`;
}

function comparisonText(reference: number, c: Comparison): string {
  const figures = textTable(
    ['', `A = schedule ${reference}`, `B = schedule ${c.other}`],
    FIGURE_LABELS.map(([key, label]) => [label, fmt(c.a[key]), fmt(c.b[key])]),
  );
  const lines = [
    `schedule ${reference} (A) vs schedule ${c.other} (B) — source: ${c.source}`,
    '',
    figures.trimEnd(),
    '',
    `blocks: ${Object.entries(c.counts).map(([status, n]) => `${status} ${fmt(n)}`).join(', ')}`,
    matchLine(c),
    `priority coverage: A ${fmt(c.coverage_final_a)}, B ${fmt(c.coverage_final_b)}, B's lead in the top 10 ${fmt(c.coverage_lead_top10)}`,
  ];
  if (c.rows.length > 0) lines.push('', `first ${c.rows.length} changed blocks`, rowsText(c.rows).trimEnd());
  return lines.join('\n') + '\n';
}

function reportText(report: ComparisonReport, rows: number): string {
  const parts = report.comparisons.map((c) => comparisonText(report.reference, c));
  const table = report.block_status;
  if (table !== undefined) {
    const shown = table.rows.slice(0, rows);
    parts.push(`block status (first ${shown.length} of ${table.rows.length} keys; starts in UTC)\n` + textTable(
      ['key', ...table.schedules.map((s) => `schedule ${s}`)],
      shown.map((r) => [r.key, ...r.cells.map((cell) => (typeof cell === 'number' ? iso(cell) : cell))]),
    ));
  }
  return parts.join('\n');
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'The Compare page: what changed between a schedule and others run over the same blocks.',
  usage: '--schedule A --with B[,C…] [--rows N] [--block-status] [--json] [--legacy]',
  details: [
    "Blocks are matched by key (the block's original id, trimmed, else its block id). For each other schedule: both schedules' figures",
    '(scheduled count, priority capture, scheduled and union hours, gaps), the count of each status (only_a, only_b, newly_scheduled,',
    'newly_unscheduled, unscheduled_both, retimed: moved by more than 1 s, unchanged), the match ratio, the median shift and its MAD,',
    'the order preservation, the priority coverage, and the first --rows changed blocks (default 20), ordered by status, priority, key.',
    'Computed from the per-block analytics tables (or the source tables for a schedule without analytics). Figures alone are served from',
    "the comparison cache while both schedules' analytics are unchanged; with --json the coverage curve and rows are always computed.",
    'With --json: {reference, comparisons: [{other, source, a, b, counts, match_ratio, median_shift_seconds, mad_shift_seconds,',
    'order_preservation, coverage_final_a, coverage_final_b, coverage_lead_top10, coverage, rows}], block_status (only with --block-status)}.',
    'Exit codes: 0 done, 1 failed (unknown schedule, a block key twice in one schedule), 2 bad arguments.',
  ].join('\n'),
  options: {
    schedule: { type: 'string', valueName: 'A', description: 'the reference schedule id' },
    with: { type: 'string', valueName: 'B[,C…]', description: 'the schedule id(s) to compare with A, comma-separated' },
    rows: { type: 'string', valueName: 'N', description: `changed blocks to list per comparison (default ${DEFAULT_ROWS}; 0 for figures only)` },
    'block-status': { type: 'boolean', description: "add a table of every key's scheduled start (or unscheduled/absent) in each schedule" },
    legacy: { type: 'boolean', description: 'compute from the source tables even when analytics exist (no cache)' },
  },
  examples: ['tsi-etl compare --schedule 1 --with 2', 'tsi-etl compare --schedule 1 --with 2,3 --rows 0', 'tsi-etl compare --schedule 1 --with 2 --block-status --json'],
  async run(args, ctx) {
    const reference = requiredId(args, 'schedule');
    const others = withList(args);
    const rows = numberOption(args, 'rows', DEFAULT_ROWS, (n) => Number.isInteger(n) && n >= 0, 'must be a non-negative integer');
    const store = await openMigratedStore(ctx.db);
    try {
      const report = await compareSchedules(store, reference, others, {
        rows,
        coverage: ctx.json,
        blockStatus: args.values['block-status'] === true,
        log: ctx.log,
        useAnalyticsTable: args.values.legacy === true ? false : undefined,
      });
      if (ctx.json) writeJson(ctx, report);
      else ctx.out.write(reportText(report, rows));
      return 0;
    } finally {
      await store.close();
    }
  },
};

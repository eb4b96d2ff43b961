/*
 * The bench run as markdown: one table per scenario, then the targets.
 * Every timing cell is `median (min–max)` over runs in fresh processes,
 * or a median where the column would otherwise be unreadable (stages).
 */
import {
  findPopulate, peakRss, populateSeconds, type BenchResults, type ExternalMeasurement, type NaiveComparison, type PopulateMeasurement,
} from './bench-results.js';
import { markdownTable, num, ratioCell, spreadCell } from './markdown.js';
import { mssqlSection } from './mssql-scenarios.js';
import { parseRatio } from './parse.bench.js';
import { spread, type Spread } from './stats.js';

const STAGES = ['read', 'parse', 'accumulate', 'write', 'finish', 'commit'] as const;

function header(r: BenchResults): string {
  const m = r.machine;
  const commit = m.commit === null ? 'not a git checkout' : `commit ${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}`;
  return [
    `## tsi-etl bench: ${r.mode} run, ${m.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${m.cpu}, ${m.cores} cores, ${m.totalMemoryGb} GB; Node ${m.node}; ${commit}; load average ${m.loadAverage} at the start.`,
    `Each cell: median (min–max) over runs, each run in a fresh Node process. A child that only loads the bench code peaks at ${num(r.idleRssMb)} MB RSS: the floor under every RSS below.`,
    `Fixtures: ${r.fixtures.map((f) => `${f.name} = ${num(f.blocks)} blocks × ${f.days} nights (${num(f.jsonBytes / 1e6, 1)} MB of JSON)`).join('; ')}.`,
  ].join('\n');
}

function populateSection(rows: PopulateMeasurement[]): string {
  const body = rows.map((m) => {
    const total = populateSeconds(m.runs);
    const first = m.runs[0].result;
    const stage = (k: (typeof STAGES)[number]) => num(spread(m.runs.map((r) => r.result.seconds[k])).median, 3);
    return [
      m.fixture, m.variant, spreadCell(total, 3), ...STAGES.map(stage),
      num(first.blocks / total.median), num(first.periods / total.median), num(first.jsonBytes / 1e6 / total.median, 1),
      spreadCell(peakRss(m.runs), 0),
    ];
  });
  return [
    '### populate (embedded SQLite, `populateSchedule`)',
    '',
    markdownTable(['fixture', 'phases', 'total s', ...STAGES.map((s) => `${s} s`), 'blocks/s', 'periods/s', 'JSON MB/s', 'peak RSS MB'], body, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    '',
    'Stage seconds are medians; the stages interleave on one thread, so they add up to less than the total (begin, delete of the old rows and batching are outside them).',
  ].join('\n');
}

function naiveSection(rows: NaiveComparison[]): string {
  const body = rows.map((c) => {
    const naive = spread(c.naive.map((r) => r.result.seconds.total));
    const phases = (['phase1', 'phase2', 'phase3'] as const).map((k) => num(spread(c.naive.map((r) => r.result.seconds[k])).median, 2)).join(' / ');
    const etl = populateSeconds(c.etl);
    const [naiveRss, etlRss] = [peakRss(c.naive), peakRss(c.etl)];
    return [
      `${c.fixture} (${num(c.blocks)} blocks)`, `${c.binSeconds / 60} min`,
      spreadCell(naive, 2), phases, spreadCell(naiveRss, 0),
      spreadCell(etl, 3), spreadCell(etlRss, 0),
      ratioCell(naive.median / etl.median), ratioCell(naiveRss.median / etlRss.median),
      num(Object.values(c.rowsCompared).reduce((a, b) => a + b, 0)),
    ];
  });
  return [
    '### tsi-etl against the naive baseline (all three phases, same data, same run)',
    '',
    markdownTable(
      ['data', 'time bins', 'naive s', 'naive phase 1 / 2 / 3 s', 'naive peak RSS MB', 'tsi-etl s', 'tsi-etl peak RSS MB', 'time ratio', 'RSS ratio', 'rows compared, all equal'],
      body, [2, 3, 4, 5, 6, 7, 8, 9],
    ),
    '',
    'The baseline (bench/naive-baseline.ts) is the original system\'s shape: the join read whole, JSON.parse per block, Phase 2 re-reading the table with one COUNT query per histogram bin and heatmap cell, a Set of block ids per time bin, 100-row INSERTs, one transaction per phase. Every row both sides wrote was compared and found equal.',
  ].join('\n');
}

function parseSection(r: BenchResults): string {
  const first = r.parse[0].result;
  const body = first.variants.map((v, i) => {
    const mbps = spread(r.parse.map((p) => p.result.variants[i].mbPerSec));
    return [v.name, spreadCell(mbps, 0), ratioCell(spread(r.parse.map((p) => parseRatio(p.result, v.name))).median)];
  });
  return [
    `### parse stage alone (W10k corpus: ${num(first.texts)} texts, ${num(first.chars / 1e6, 1)} MB, read from the fixture database)`,
    '',
    markdownTable(['parser', 'MB/s', 'vs JSON.parse'], body, [1, 2]),
  ].join('\n');
}

function readsSection(r: BenchResults): string {
  const body = r.reads!.result.map((m) => {
    const [a, l] = [spread(m.analyticsMs), spread(m.legacyMs)];
    return [m.name, num(m.rows), spreadCell(a, 1), spreadCell(l, 1), ratioCell(l.median / a.median)];
  });
  return [
    '### reads from analytics vs the legacy path (W10k, populated with 1-minute bins)',
    '',
    markdownTable(['read', 'rows', 'analytics ms', 'legacy ms', 'legacy / analytics'], body, [1, 2, 3, 4]),
    '',
    `Cells: median (min–max) of ${r.reads!.result[0].analyticsMs.length} calls per path in one process, after one untimed call per path. Both paths returned identical answers (block ids, buckets and scheduled flags; every histogram bin and count), and the analytics path answered without falling back.`,
  ].join('\n');
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return num(v);
  return num(v, Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 1 ? 2 : 3);
}

const isSpread = (v: unknown): v is Spread =>
  typeof v === 'object' && v !== null && ['median', 'min', 'max', 'n'].every((k) => typeof (v as Record<string, unknown>)[k] === 'number');

/** A row with each Spread made one cell, "median (min–max)"; null when something else is nested. */
function flatRow(v: unknown): Record<string, unknown> | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const row: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (isSpread(x)) row[k] = spreadCell(x);
    else if (x !== null && typeof x === 'object') return null;
    else row[k] = x;
  }
  return row;
}

/** The rows of a scenario's result: an array of rows, one row, or an object holding its `rows` (its other fields go to the title). */
function resultRows(value: unknown): { rows: Record<string, unknown>[]; about: string } | undefined {
  const list = (items: unknown[]) => {
    const rows = items.map(flatRow);
    return rows.every((r) => r !== null) ? (rows as Record<string, unknown>[]) : undefined;
  };
  if (Array.isArray(value)) return value.length > 0 && list(value) ? { rows: list(value)!, about: '' } : undefined;
  const single = flatRow(value);
  if (single) return { rows: [single], about: '' };
  const { rows, ...rest } = (value ?? {}) as { rows?: unknown };
  const about = flatRow(rest);
  if (!Array.isArray(rows) || rows.length === 0 || !list(rows) || !about) return undefined;
  return { rows: list(rows)!, about: Object.entries(about).map(([k, x]) => `${k} ${cell(x)}`).join(', ') };
}

/** A scenario written elsewhere: its rows as a table (spreads as median (min–max)), else its JSON. */
export function externalSection(e: ExternalMeasurement): string {
  const value = e.run.result;
  const table = resultRows(value);
  const about = table?.about ? `${table.about}; ` : '';
  const title = `### ${e.name} (\`${e.call}\`; ${about}its bench process peaked at ${num(e.run.peakRssMb)} MB RSS)`;
  if (!table) return [title, '', '```json', JSON.stringify(value, null, 2), '```'].join('\n');
  const { rows } = table;
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const numeric = keys.map((k, i) => (rows.every((row) => typeof row[k] === 'number') ? i : -1)).filter((i) => i >= 0);
  return [title, '', markdownTable(keys, rows.map((row) => keys.map((k) => cell(row[k]))), numeric)].join('\n');
}

function targetsSection(r: BenchResults): string {
  const met = r.targets.filter((t) => t.met).length;
  return [
    `### targets: ${met} of ${r.targets.length} met`,
    '',
    markdownTable(['target', 'measured (median)', 'met'], r.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : '**no**'])),
    ...(r.mode === 'quick' ? ['', 'A quick run decides only the targets its smaller set of fixtures covers; the full run decides all of them.'] : []),
  ].join('\n');
}

/** The whole report: header, one section per scenario that ran, the targets. */
export function renderReport(r: BenchResults): string {
  const sections = [header(r)];
  if (r.populate.length > 0) sections.push(populateSection(r.populate));
  if (r.naive.length > 0) sections.push(naiveSection(r.naive));
  if (r.parse.length > 0) sections.push(parseSection(r));
  if (r.reads) sections.push(readsSection(r));
  for (const e of r.external) sections.push(externalSection(e));
  const sqliteW10k = findPopulate(r, 'W10k', 'all phases');
  if (r.mssql) sections.push(mssqlSection(r.mssql, sqliteW10k ? populateSeconds(sqliteW10k.runs).median : undefined));
  sections.push(targetsSection(r));
  sections.push(`Bench wall time ${num(r.seconds / 60, 1)} min (fixture generation included).`);
  return `${sections.join('\n\n')}\n`;
}

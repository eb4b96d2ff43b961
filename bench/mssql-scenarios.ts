/*
 * The SQL Server part of `npm run bench`: when TSI_MSSQL_URL is set, the
 * same run that measures SQLite generates W10k on the server, populates it
 * (bulk loads) and populates it again with INSERTs only, each in a fresh
 * child process (bench/mssql.bench.ts). Without the URL it is skipped with
 * the reason in the results and on stderr.
 */
import type { LoadSummary } from '../pipeline/load-schedule.js';
import { findPopulate, populateSeconds, peakRss, type BenchResults, type TargetResult } from './bench-results.js';
import { runScenario, type ScenarioRun } from './child-process.js';
import { FIXTURE_SPECS } from './fixtures.js';
import { markdownTable, num, ratioCell, spreadCell } from './markdown.js';
import type { MssqlWritePath } from './mssql.bench.js';
import type { PopulateRunResult } from './populate.bench.js';
import { spread } from './stats.js';

export interface MssqlMeasurement {
  blocks: number;
  days: number;
  generate: ScenarioRun<LoadSummary>[];
  /** Populates of all phases with the store's bulk loads. */
  populate: ScenarioRun<PopulateRunResult>[];
  /** The same populate with every table written as parameterized INSERTs. */
  insertOnly: ScenarioRun<PopulateRunResult>[];
  /** Populates of Phase 3 alone (bulk loads): its write + commit is the Phase 3 write. */
  phase3: ScenarioRun<PopulateRunResult>[];
}

export type MssqlBenchResults = MssqlMeasurement | { skipped: string };

/** The stages the report shows, medians; `commit` includes each table's last load. */
const STAGES = ['read', 'parse', 'accumulate', 'write', 'commit'] as const;

/** Seconds a populate spent sending rows: its writes plus the commit, which sends each table's last load. */
const writeSeconds = (runs: ScenarioRun<PopulateRunResult>[]) => spread(runs.map((r) => r.result.seconds.write + r.result.seconds.commit));

function external<T>(exportName: string, params: unknown[]): Promise<ScenarioRun<T>> {
  return runScenario<T>('external', { module: 'mssql.bench.js', exportName, params });
}

/** Runs the SQL Server scenarios (`repeats` bulk populates), or says why not. */
export async function runMssqlBench(repeats: number, progress: (message: string) => void): Promise<MssqlBenchResults> {
  if (!process.env.TSI_MSSQL_URL) {
    const skipped = 'TSI_MSSQL_URL is not set (set it to mssql://user:pass@host:1433/scratch-db to measure SQL Server in the same run)';
    progress(`SQL Server scenarios skipped: ${skipped}`);
    return { skipped };
  }
  const { blocks, days } = FIXTURE_SPECS.W10k;
  progress(`SQL Server: generate W10k (${blocks} blocks × ${days} nights)`);
  const generated = await external<LoadSummary>('mssqlGenerate', [blocks, days]);
  const scheduleId = generated.result.scheduleId;
  const populate = async (path: MssqlWritePath, phases: number[], runs: number) => {
    const out: ScenarioRun<PopulateRunResult>[] = [];
    for (let r = 0; r < runs; r++) {
      progress(`SQL Server: populate W10k phases ${phases.join(',')} (${path}), run ${r + 1}/${runs}`);
      out.push(await external<PopulateRunResult>('mssqlPopulate', [scheduleId, path, phases]));
    }
    return out;
  };
  return {
    blocks,
    days,
    generate: [generated],
    populate: await populate('bulk', [1, 2, 3], repeats),
    insertOnly: await populate('insert', [1, 2, 3], 1),
    phase3: await populate('bulk', [3], repeats),
  };
}

/** The report section; `sqliteW10kSeconds` is the same run's SQLite W10k populate (median), when measured. */
export function mssqlSection(r: MssqlBenchResults, sqliteW10kSeconds: number | undefined): string {
  if ('skipped' in r) return `### SQL Server\n\nSkipped: ${r.skipped}.`;
  const total = populateSeconds(r.populate);
  const stageMedians = STAGES.map((key) => num(spread(r.populate.map((run) => run.result.seconds[key])).median, 2));
  const rows = [
    ['populate W10k, all phases (bulk loads)', spreadCell(total), spreadCell(peakRss(r.populate), 0)],
    [`  its stages, ${STAGES.join(' / ')}`, stageMedians.join(' / '), ''],
    ['populate W10k, INSERTs only', spreadCell(populateSeconds(r.insertOnly)), spreadCell(peakRss(r.insertOnly), 0)],
    ['populate W10k, Phase 3 only', spreadCell(populateSeconds(r.phase3)), spreadCell(peakRss(r.phase3), 0)],
    ['  its write + commit (the Phase 3 write)', spreadCell(writeSeconds(r.phase3)), ''],
    ['generate W10k', spreadCell(spread(r.generate.map((g) => g.result.seconds))), spreadCell(peakRss(r.generate), 0)],
  ];
  const ratios = [
    `rows sent (write + commit): INSERTs ${num(writeSeconds(r.insertOnly).median, 2)} s vs bulk ${num(writeSeconds(r.populate).median, 2)} s, ${ratioCell(writeSeconds(r.insertOnly).median / writeSeconds(r.populate).median)}`,
    ...(sqliteW10kSeconds === undefined ? [] : [`SQL Server vs SQLite, W10k all phases: ${ratioCell(total.median / sqliteW10kSeconds)} (target ≤ 3×)`]),
  ];
  return ['### SQL Server (TSI_MSSQL_URL)', '', markdownTable(['scenario', 'seconds', 'peak RSS MB'], rows, [1, 2]), '', ...ratios.map((line) => `- ${line}`)].join('\n');
}

/** The measured SQL Server runs, or undefined when they were skipped. */
const measured = (r: BenchResults): MssqlMeasurement | undefined => (r.mssql && !('skipped' in r.mssql) ? r.mssql : undefined);

/** Issue 11's targets, decided only when the SQL Server scenarios ran. */
export const MSSQL_CHECKS: readonly ((r: BenchResults) => TargetResult | undefined)[] = [
  (r) => {
    const m = measured(r);
    if (!m) return undefined;
    const t = populateSeconds(m.populate).median;
    const sqlite = findPopulate(r, 'W10k', 'all phases');
    const ratio = sqlite ? t / populateSeconds(sqlite.runs).median : undefined;
    return {
      target: 'SQL Server W10k populate ≤ 3.0 s or ≤ 3× SQLite',
      measured: `${num(t, 2)} s${ratio === undefined ? '' : `, ${ratioCell(ratio)}`}`,
      met: t <= 3 || (ratio !== undefined && ratio <= 3),
    };
  },
  (r) => {
    const m = measured(r);
    if (!m) return undefined;
    const t = writeSeconds(m.phase3).median;
    return { target: 'SQL Server Phase 3 write (write + commit of --phases 3) ≤ 1.2 s', measured: `${num(t, 2)} s`, met: t <= 1.2 };
  },
  ...(['populate', 'generate'] as const).map((key) => (r: BenchResults): TargetResult | undefined => {
    const m = measured(r);
    if (!m) return undefined;
    const rss = peakRss(m[key]).median;
    return { target: `SQL Server ${key} W10k peak RSS ≤ 200 MB`, measured: `${num(rss, 0)} MB`, met: rss <= 200 };
  }),
];

/*
 * The bench runner: `npm run bench` (full) or `npm run bench -- --quick`.
 * Builds the fixture databases once in a temp directory, runs every
 * scenario in fresh child processes (scenario.ts) on fresh copies of them,
 * prints a markdown report on stdout (progress goes to stderr) and writes
 * bench/results/<date>-<mode>.json, latest-<mode>.json and, for a full run,
 * memory-vs-blocks.svg. What each scenario measures: bench/README.md.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  peakRss, populateSeconds, type BenchMode, type BenchResults, type FixtureRecord, type NaiveComparison, type PopulateMeasurement,
} from './bench-results.js';
import { runScenario } from './child-process.js';
import { buildFixtures, copyFixture, type Fixture, type FixtureName } from './fixtures.js';
import { machineInfo } from './machine.js';
import { memoryChartSvg } from './memory-chart.js';
import { runMssqlBench } from './mssql-scenarios.js';
import type { NaiveSummary } from './naive-baseline.js';
import { compareAnalytics, NAIVE_NODE_OPTIONS } from './naive.bench.js';
import type { ParseRunResult } from './parse.bench.js';
import { POPULATE_VARIANTS, type PopulateRunResult } from './populate.bench.js';
import type { ReadMeasurement } from './reads.bench.js';
import { renderReport } from './report.js';
import { evaluateTargets } from './targets.js';

/** What one mode runs; the full run's counts meet "median of at least 3". */
interface Plan {
  fixtures: FixtureName[];
  populate: { fixtures: FixtureName[]; repeats: number };
  naive: { runs: { fixture: FixtureName; binSeconds: number }[]; repeats: number };
  /** `runs` child processes, each timing `passes` passes per parser. */
  parse: { fixture: FixtureName; runs: number; passes: number };
  reads: { fixture: FixtureName; repeats: number };
}

const PLANS: Record<BenchMode, Plan> = {
  // Under 2 minutes: W10k populate, and the baseline on W2k at 15-minute bins (W10k's takes ~30 s a run).
  quick: {
    fixtures: ['W2k', 'W10k'],
    populate: { fixtures: ['W10k'], repeats: 1 },
    naive: { runs: [{ fixture: 'W2k', binSeconds: 900 }], repeats: 1 },
    parse: { fixture: 'W10k', runs: 1, passes: 3 },
    reads: { fixture: 'W10k', repeats: 1 },
  },
  full: {
    fixtures: ['W2k', 'W10k', 'W30k', 'W100k'],
    populate: { fixtures: ['W10k', 'W30k', 'W100k'], repeats: 3 },
    naive: { runs: [{ fixture: 'W10k', binSeconds: 900 }, { fixture: 'W2k', binSeconds: 60 }], repeats: 3 },
    parse: { fixture: 'W10k', runs: 3, passes: 5 },
    reads: { fixture: 'W10k', repeats: 5 },
  },
};

/**
 * Bench modules of other issues, called through the `external` scenario.
 * Each runs only when its compiled module exists (dist/bench/<module>);
 * a missing one is reported on stderr and leaves no trace in the report.
 */
const EXTERNAL: readonly { name: string; module: string; exportName: string; params: Record<BenchMode, unknown[]> }[] = [
  { name: 'backfill', module: 'backfill.bench.js', exportName: 'measureBackfill', params: { quick: [[1, 2], 20, 2000, 30, 1], full: [[1, 2, 4], 20, 2000, 30, 3] } },
  { name: 'import', module: 'import.bench.js', exportName: 'measureImport', params: { quick: [2_000, 30], full: [10_000, 183] } },
  { name: 'compare', module: 'compare.bench.js', exportName: 'measureCompare', params: { quick: [10_000, 183, 3], full: [10_000, 183, 5] } },
  { name: 'report', module: 'report.bench.js', exportName: 'measureReport', params: { quick: [10_000, 183], full: [10_000, 183] } },
  { name: 'threads', module: 'threads.bench.js', exportName: 'measureThreads', params: { quick: [['W10k'], [2], 1], full: [['W10k', 'W100k'], [2, 3], 3] } },
  { name: 'reuse', module: 'reuse.bench.js', exportName: 'measureReuse', params: { quick: [2_000, 30, 3], full: [10_000, 183, 10] } },
];

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function parseMode(argv: readonly string[]): BenchMode {
  const unknown = argv.filter((a) => a !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]} (usage: node dist/bench/run.js [--quick])`);
  return argv.includes('--quick') ? 'quick' : 'full';
}

async function runBench(mode: BenchMode, dir: string): Promise<BenchResults> {
  const plan = PLANS[mode];
  const started = performance.now();
  const machine = machineInfo();
  progress(`${mode} run; building fixtures ${plan.fixtures.join(', ')} in ${dir}`);
  const fixtures = await buildFixtures(dir, plan.fixtures);
  const fixture = (name: FixtureName): Fixture => fixtures.get(name)!;
  const [copyA, copyB] = [join(dir, 'run-a.db'), join(dir, 'run-b.db')];

  const idle = await runScenario('idle', {});
  const results: BenchResults = {
    mode,
    machine,
    fixtures: [...fixtures.values()].map(({ path: _path, ...rest }): FixtureRecord => rest),
    idleRssMb: idle.peakRssMb,
    populate: [],
    naive: [],
    parse: [],
    reads: null,
    external: [],
    mssql: { skipped: 'not run yet' },
    targets: [],
    seconds: 0,
  };

  for (const name of plan.populate.fixtures) {
    const f = fixture(name);
    const rows = POPULATE_VARIANTS.map((v): PopulateMeasurement => ({ fixture: name, blocks: f.blocks, variant: v.name, phases: [...v.phases], runs: [] }));
    // Repeat round by round, so drift in the machine's load spreads over every variant.
    for (let r = 0; r < plan.populate.repeats; r++) {
      for (const row of rows) {
        progress(`populate ${name} ${row.variant}, run ${r + 1}/${plan.populate.repeats}`);
        row.runs.push(await runScenario<PopulateRunResult>('populate', { path: copyFixture(f, copyA), scheduleId: f.scheduleId, phases: row.phases }));
      }
    }
    results.populate.push(...rows);
  }

  for (const { fixture: name, binSeconds } of plan.naive.runs) {
    const f = fixture(name);
    const comparison: NaiveComparison = { fixture: name, blocks: f.blocks, binSeconds, naive: [], etl: [], rowsCompared: {} };
    for (let r = 0; r < plan.naive.repeats; r++) {
      progress(`naive baseline vs tsi-etl, ${name} with ${binSeconds / 60}-minute bins, run ${r + 1}/${plan.naive.repeats}`);
      comparison.naive.push(await runScenario<NaiveSummary>('naive', { path: copyFixture(f, copyA), scheduleId: f.scheduleId, binSeconds }, NAIVE_NODE_OPTIONS));
      comparison.etl.push(await runScenario<PopulateRunResult>('populate', { path: copyFixture(f, copyB), scheduleId: f.scheduleId, phases: [1, 2, 3], binSeconds }));
      // Checked after the first round: a baseline that computes something else must stop the run, not be timed.
      if (r === 0) comparison.rowsCompared = await compareAnalytics(copyA, copyB, f.scheduleId);
    }
    results.naive.push(comparison);
  }

  const parseFixture = fixture(plan.parse.fixture);
  for (let r = 0; r < plan.parse.runs; r++) {
    progress(`parse stage on the ${parseFixture.name} corpus, run ${r + 1}/${plan.parse.runs}`);
    results.parse.push(await runScenario<ParseRunResult>('parse', { path: copyFixture(parseFixture, copyA), scheduleId: parseFixture.scheduleId, repeats: plan.parse.passes }));
  }

  const readsFixture = fixture(plan.reads.fixture);
  progress(`reads on ${readsFixture.name}, analytics vs legacy, ${plan.reads.repeats} calls each`);
  results.reads = await runScenario<ReadMeasurement[]>('reads', { path: copyFixture(readsFixture, copyA), scheduleId: readsFixture.scheduleId, repeats: plan.reads.repeats });

  for (const e of EXTERNAL) {
    if (!existsSync(fileURLToPath(new URL(`./${e.module}`, import.meta.url)))) {
      progress(`${e.name}: bench/${e.module.replace(/\.js$/, '.ts')} is not built, skipped`);
      continue;
    }
    const params = e.params[mode];
    const call = `${e.exportName}(${params.map((p) => JSON.stringify(p)).join(', ')})`;
    progress(`${e.name}: ${call}`);
    results.external.push({ name: e.name, call, run: await runScenario('external', { module: e.module, exportName: e.exportName, params }) });
  }

  results.mssql = await runMssqlBench(plan.populate.repeats, progress);

  results.targets = evaluateTargets(results);
  results.seconds = (performance.now() - started) / 1000;
  return results;
}

/** Writes the JSON results (dated and latest) and, for a full run, the memory chart. */
function writeResults(results: BenchResults): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const written = [`${results.machine.date.slice(0, 10)}-${results.mode}.json`, `latest-${results.mode}.json`];
  for (const name of written) writeFileSync(join(RESULTS_DIR, name), json);
  const points = results.populate
    .filter((m) => m.variant === 'all phases')
    .map((m) => ({ blocks: m.blocks, peakRssMb: peakRss(m.runs).median, seconds: populateSeconds(m.runs).median }));
  // The chart is the full run's (10k, 30k, 100k blocks): a quick run would replace it with a single point.
  if (results.mode === 'full' && points.length > 0) {
    const m = results.machine;
    writeFileSync(join(RESULTS_DIR, 'memory-vs-blocks.svg'), memoryChartSvg(points, `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date.slice(0, 10)}; medians of ${results.populate[0].runs.length} runs`));
    written.push('memory-vs-blocks.svg');
  }
  return written.map((name) => join(RESULTS_DIR, name));
}

async function main(): Promise<void> {
  const mode = parseMode(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'tsi-bench-'));
  try {
    const results = await runBench(mode, dir);
    process.stdout.write(renderReport(results));
    for (const path of writeResults(results)) progress(`wrote ${path}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

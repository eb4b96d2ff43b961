/*
 * Backfill throughput against concurrency on the embedded SQLite default:
 * the fixture is 20 schedules × 2,000 blocks × 30 nights. With
 * concurrency > 1 the populates run whole in that many worker threads
 * (compute in parallel, writes in turn under SQLite's one write lock), so the
 * ratio is bounded by the cores and by the share of a populate spent writing.
 * Each backfill runs in a fresh child process on a fresh copy of the
 * fixture, so its time includes starting the workers and warming their JIT,
 * and its peak RSS (worker threads included) is its own. Rounds interleave
 * the concurrencies, so drift in the machine's load spreads over all of them.
 *
 * Run: npm run build && node dist/bench/backfill.bench.js [repeats] [--no-reuse]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { sql } from 'kysely';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { backfill } from '../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';
import { runScenario } from './child-process.js';
import { removeDatabase } from './fixtures.js';
import { spread } from './stats.js';

/** One concurrency's row: medians (and range) over the runs. Flat, so the bench report prints it as a table. */
export interface BackfillBenchResult {
  concurrency: number;
  cores: number;
  schedules: number;
  blocks: number;
  reuse: boolean;
  runs: number;
  seconds: number;
  secondsMin: number;
  secondsMax: number;
  blocksPerSec: number;
  /** Median seconds of concurrency 1 over this one's (higher is faster; the target for 2 is 1.6). */
  ratio: number;
  /** Median peak RSS of the backfill's process, worker threads included. */
  peakRssMb: number;
}

interface BackfillOnce {
  seconds: number;
  blocks: number;
  done: number;
}

/** One backfill of every schedule of `path` (in a bench child process). */
export async function backfillOnce(path: string, concurrency: number, reuse: boolean): Promise<BackfillOnce> {
  const store = new SqliteStore({ path });
  try {
    const report = await backfill(store, { mode: 'missing', concurrency, pipeline: { reuse } });
    return { seconds: report.seconds, blocks: report.blocks, done: report.done.length };
  } finally {
    await store.close();
  }
}

/**
 * Generates the schedules (seeds 1..n) once into a temporary SQLite file,
 * then for each round and concurrency times a `missing` backfill of all of
 * them (all phases) in a child process on a copy of it. The files are
 * removed afterwards. Throws when a backfill does not finish every schedule.
 *
 * @param days nights per schedule. Default: 30.
 * @param repeats rounds over every concurrency. Default: 1.
 * @param reuse reuse of visibility facts. Default: true (the CLI's default); the schedules share no blocks, so it only adds the facts' writes.
 */
export async function measureBackfill(concurrencies: number[], schedules: number, blocksEach: number, days = 30, repeats = 1, reuse = true): Promise<BackfillBenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-bench-backfill-'));
  try {
    const template = join(dir, 'template.db');
    const store = new SqliteStore({ path: template, create: true });
    try {
      await store.migrate();
      for (let seed = 1; seed <= schedules; seed++) await loadGeneratedSchedule(store, { blocks: blocksEach, days, seed });
      // The WAL goes into the file, so copying the .db alone copies everything (as bench/fixtures.ts does).
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    } finally {
      await store.close();
    }
    const copy = join(dir, 'run.db');
    const runs = new Map(concurrencies.map((c) => [c, [] as { seconds: number; blocks: number; peakRssMb: number }[]]));
    for (let r = 0; r < repeats; r++) {
      for (const concurrency of concurrencies) {
        process.stderr.write(`[bench] backfill: ${schedules} × ${blocksEach} blocks, --concurrency ${concurrency}, run ${r + 1}/${repeats}\n`);
        removeDatabase(copy);
        copyFileSync(template, copy);
        const run = await runScenario<BackfillOnce>('external', { module: 'backfill.bench.js', exportName: 'backfillOnce', params: [copy, concurrency, reuse] });
        if (run.result.done !== schedules) throw new Error(`concurrency ${concurrency}: ${run.result.done} of ${schedules} schedules done`);
        runs.get(concurrency)!.push({ seconds: run.result.seconds, blocks: run.result.blocks, peakRssMb: run.peakRssMb });
      }
    }
    const first = spread(runs.get(concurrencies[0])!.map((x) => x.seconds)).median;
    return concurrencies.map((concurrency) => {
      const measured = runs.get(concurrency)!;
      const seconds = spread(measured.map((x) => x.seconds));
      return {
        concurrency,
        cores: availableParallelism(),
        schedules,
        blocks: measured[0].blocks,
        reuse,
        runs: seconds.n,
        seconds: seconds.median,
        secondsMin: seconds.min,
        secondsMax: seconds.max,
        blocksPerSec: measured[0].blocks / seconds.median,
        ratio: first / seconds.median,
        peakRssMb: spread(measured.map((x) => x.peakRssMb)).median,
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const repeats = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
  const reuse = !process.argv.includes('--no-reuse');
  const load = loadavg()[0].toFixed(2);
  const results = await measureBackfill([1, 2, 4], 20, 2000, 30, repeats, reuse);
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load average ${load} at the start; reuse ${reuse ? 'on' : 'off'}; medians (min–max) of ${repeats} runs`);
  console.log('| concurrency | schedules | blocks | seconds | blocks/s | vs concurrency 1 | peak RSS MB |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.concurrency} | ${r.schedules} | ${r.blocks} | ${r.seconds.toFixed(2)} (${r.secondsMin.toFixed(2)}–${r.secondsMax.toFixed(2)}) | ${r.blocksPerSec.toFixed(0)} | ${r.ratio.toFixed(2)}x | ${r.peakRssMb.toFixed(0)} |`);
  }
}

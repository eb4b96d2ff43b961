/*
 * populate scaling with threads: all phases of W10k (and W100k in a full
 * run) at --threads 1, 2, 3 and the default (with --threads-min-blocks 0, so
 * W10k does use them), each run in a fresh child
 * process so its peak RSS (the whole process: worker threads included) is
 * its own. Rounds interleave the thread counts, so drift in the machine's
 * load spreads over all of them. The result names the machine's cores: with
 * more threads than cores the workers only take turns.
 *
 * Run: npm run build && node dist/bench/threads.bench.js [W10k|W100k ...]
 * (the bench runner calls `measureThreads` too).
 */
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_PIPELINE_CONFIG } from '../pipeline/config.js';
import { runScenario } from './child-process.js';
import { buildFixtures, copyFixture, type FixtureName } from './fixtures.js';
import type { PopulateRunResult } from './populate.bench.js';
import { spread, type Spread } from './stats.js';

export interface ThreadsBenchRow {
  fixture: FixtureName;
  threads: number;
  /** True for the count the pipeline uses by default on this machine for this fixture (1 under DEFAULT_THREADS_MIN_BLOCKS blocks). */
  isDefault: boolean;
  cores: number;
  seconds: Spread;
  peakRssMb: Spread;
  /** Median seconds over those of --threads 1 (lower is faster). */
  ofOneThread: number;
}

export async function measureThreads(fixtures: FixtureName[], threadCounts: number[], repeats: number): Promise<ThreadsBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-bench-threads-'));
  try {
    const built = await buildFixtures(dir, fixtures);
    const counts = [...new Set([1, ...threadCounts, DEFAULT_PIPELINE_CONFIG.threads])].sort((a, b) => a - b);
    const rows: ThreadsBenchRow[] = [];
    for (const name of fixtures) {
      const f = built.get(name)!;
      const runs = new Map(counts.map((t) => [t, [] as { seconds: number; peakRssMb: number }[]]));
      for (let r = 0; r < repeats; r++) {
        for (const threads of counts) {
          process.stderr.write(`[bench] threads: ${name} --threads ${threads}, run ${r + 1}/${repeats}\n`);
          // threadsMinBlocks 0: every fixture runs on the threads asked for, also those the default keeps on one.
          const run = await runScenario<PopulateRunResult>('populate', { path: copyFixture(f, join(dir, 'run.db')), scheduleId: f.scheduleId, phases: [1, 2, 3], threads, threadsMinBlocks: 0 });
          runs.get(threads)!.push({ seconds: run.result.seconds.total, peakRssMb: run.peakRssMb });
        }
      }
      const one = spread(runs.get(1)!.map((r) => r.seconds)).median;
      const byDefault = f.blocks < DEFAULT_PIPELINE_CONFIG.threadsMinBlocks ? 1 : DEFAULT_PIPELINE_CONFIG.threads;
      for (const threads of counts) {
        const seconds = spread(runs.get(threads)!.map((r) => r.seconds));
        rows.push({
          fixture: name,
          threads,
          isDefault: threads === byDefault,
          cores: availableParallelism(),
          seconds,
          peakRssMb: spread(runs.get(threads)!.map((r) => r.peakRssMb)),
          ofOneThread: seconds.median / one,
        });
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cell = (s: Spread, digits: number) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fixtures = (process.argv.length > 2 ? process.argv.slice(2) : ['W10k']) as FixtureName[];
  const rows = await measureThreads(fixtures, [2, 3], 3);
  console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores; default --threads ${DEFAULT_PIPELINE_CONFIG.threads}`);
  console.log('| fixture | threads | total s | of --threads 1 | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.fixture} | ${r.threads}${r.isDefault ? ' (default)' : ''} | ${cell(r.seconds, 2)} | ${r.ofOneThread.toFixed(2)} | ${cell(r.peakRssMb, 0)} |`);
  }
}

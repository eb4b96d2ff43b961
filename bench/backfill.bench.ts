/*
 * Backfill throughput against concurrency on the embedded SQLite default.
 * SQLite has one writer and a populate holds it for its whole run, so more
 * concurrency in one process should buy nothing: the ratio shows it.
 *
 * Run: npx tsc -p tsconfig.json && node scripts/copy-sql.mjs && node dist/bench/backfill.bench.js
 * Fixture: `schedules` generated schedules (seeds 1..n) of `blocksEach` blocks x `days` nights.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { backfill } from '../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';
import { ALL_PHASES } from '../sql/table-specs.js';

export interface BackfillBenchResult {
  concurrency: number;
  schedules: number;
  blocks: number;
  seconds: number;
  blocksPerSec: number;
  /** blocksPerSec over that of the first concurrency measured. */
  ratio: number;
}

/**
 * Generates the schedules once into a temporary SQLite file, then for each
 * concurrency deletes every schedule's analytics and times a `missing`
 * backfill of all of them (all phases). The file is removed afterwards.
 * Throws when a backfill does not finish every schedule.
 *
 * @param days nights per schedule. Default: 30.
 */
export async function measureBackfill(concurrencies: number[], schedules: number, blocksEach: number, days = 30): Promise<BackfillBenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-bench-backfill-'));
  const store = new SqliteStore({ path: join(dir, 'bench.db'), create: true });
  try {
    await store.migrate();
    for (let seed = 1; seed <= schedules; seed++) await loadGeneratedSchedule(store, { blocks: blocksEach, days, seed });
    const results: BackfillBenchResult[] = [];
    for (const concurrency of concurrencies) {
      for (let id = 1; id <= schedules; id++) await store.deleteAnalytics(id, ALL_PHASES);
      const report = await backfill(store, { mode: 'missing', concurrency });
      if (report.done.length !== schedules) throw new Error(`concurrency ${concurrency}: ${report.done.length} of ${schedules} schedules done`);
      const blocksPerSec = report.blocks / report.seconds;
      results.push({ concurrency, schedules, blocks: report.blocks, seconds: report.seconds, blocksPerSec, ratio: blocksPerSec / (results[0]?.blocksPerSec ?? blocksPerSec) });
    }
    return results;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await measureBackfill([1, 2, 4], 100, 1000);
  console.log('| concurrency | schedules | blocks | seconds | blocks/s | vs concurrency 1 |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.concurrency} | ${r.schedules} | ${r.blocks} | ${r.seconds.toFixed(2)} | ${r.blocksPerSec.toFixed(0)} | ${r.ratio.toFixed(2)}x |`);
  }
}

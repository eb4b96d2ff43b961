/*
 * Reuse of visibility facts: populates that find every block's JSON
 * unchanged, against full populates (`reuse: false`) in the same run.
 * Targets: windows-only repopulate ≤ 20% of a full populate, a variant's
 * populate ≤ 30%, a backfill of 10 variants ≤ 25% of ten full populates,
 * peak RSS ≤ 200 MB.
 *
 * Run: npx tsc -p tsconfig.json && node scripts/copy-sql.mjs && node dist/bench/reuse.bench.js
 * Fixture: a generated schedule (blocks × days, seed 1) and `variants`
 * variants of it (`generate --variant-of`, seeds 1..n: same block rows,
 * about a fifth of the windows changed), in one temporary SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { backfill } from '../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import { populateSchedule } from '../pipeline/populate.js';
import { loadVariantSchedule } from '../pipeline/variant-schedule.js';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';
import { ALL_PHASES } from '../sql/table-specs.js';

export interface ReuseBenchRow {
  case: string;
  seconds: number;
  /** Seconds over those of the full path it stands for. */
  vsFull: number;
  target: number | null;
  reusedBlocks: number;
  parsedBlocks: number;
}

export interface ReuseBenchResult {
  blocks: number;
  variants: number;
  rows: ReuseBenchRow[];
  peakRssMb: number;
}

/**
 * Times, on one file: a full populate of S; the first populate with reuse
 * (which stores the facts); S again after shifting every window by 90 s;
 * a variant of S; then, with no analytics and no facts, a backfill of
 * `variants` variants with reuse and one without.
 */
export async function measureReuse(blocks: number, days: number, variants: number): Promise<ReuseBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-bench-reuse-'));
  const store = new SqliteStore({ path: join(dir, 'bench.db'), create: true });
  try {
    await store.migrate();
    const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks, days, seed: 1 });
    const variantIds: number[] = [];
    for (let seed = 1; seed <= variants; seed++) variantIds.push((await loadVariantSchedule(store, { variantOf: s, seed })).scheduleId);

    const rows: ReuseBenchRow[] = [];
    const full = await populateSchedule(store, s, { reuse: false });
    const row = (name: string, summary: typeof full, base: number, target: number | null) => rows.push({
      case: name, seconds: summary.seconds.total, vsFull: summary.seconds.total / base, target, reusedBlocks: summary.reusedBlocks, parsedBlocks: summary.parsedBlocks,
    });
    const fullSeconds = full.seconds.total;
    row('full populate (--no-reuse)', full, fullSeconds, null);
    row('first populate with reuse (stores the facts)', await populateSchedule(store, s), fullSeconds, null);
    await sql`UPDATE schedule_scheduling_blocks SET start_time_mjd = start_time_mjd + 90.0 / 86400, stop_time_mjd = stop_time_mjd + 90.0 / 86400 WHERE schedule_id = ${s}`.execute(store.db);
    row('repopulate after only windows changed', await populateSchedule(store, s), fullSeconds, 0.2);
    row('populate a variant', await populateSchedule(store, variantIds[0]), fullSeconds, 0.3);

    const backfillRow = async (reuse: boolean) => {
      for (const id of [s, ...variantIds]) await store.deleteAnalytics(id, ALL_PHASES);
      const report = await backfill(store, { mode: 'missing', scheduleIds: variantIds, pipeline: { reuse } });
      if (report.done.length !== variants) throw new Error(`backfill: ${report.done.length} of ${variants} schedules done`);
      return report;
    };
    const fullBackfill = await backfillRow(false);
    const reuseBackfill = await backfillRow(true);
    rows.push({ case: `backfill of ${variants} variants (--no-reuse)`, seconds: fullBackfill.seconds, vsFull: 1, target: null, reusedBlocks: 0, parsedBlocks: fullBackfill.parsedBlocks });
    rows.push({
      case: `backfill of ${variants} variants with reuse`, seconds: reuseBackfill.seconds, vsFull: reuseBackfill.seconds / fullBackfill.seconds, target: 0.25,
      reusedBlocks: reuseBackfill.reusedBlocks, parsedBlocks: reuseBackfill.parsedBlocks,
    });
    return { blocks, variants, rows, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await measureReuse(10_000, 183, 10);
  console.log(`W${r.blocks / 1000}k, ${r.variants} variants; peak RSS ${r.peakRssMb.toFixed(0)} MB (target ≤ 200)`);
  console.log('| case | seconds | vs full | target | reused | parsed |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const x of r.rows) {
    console.log(`| ${x.case} | ${x.seconds.toFixed(2)} | ${(100 * x.vsFull).toFixed(0)}% | ${x.target === null ? '' : `≤ ${100 * x.target}%`} | ${x.reusedBlocks} | ${x.parsedBlocks} |`);
  }
}

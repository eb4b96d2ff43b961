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
 * Every timed run is the built CLI in a child process (`--json`), so its
 * peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import type { BackfillReport } from '../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import type { PopulateSummary } from '../pipeline/populate.js';
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
  /** Whether the populate kept Phase 3 whole (its inputs unchanged); null for a backfill. */
  phase3Kept: boolean | null;
  /** Peak RSS of the CLI process that ran it. */
  peakRssMb: number | null;
}

export interface ReuseBenchResult {
  blocks: number;
  variants: number;
  rows: ReuseBenchRow[];
}

const CLI = fileURLToPath(new URL('../pipeline/cli.js', import.meta.url));

/** Runs the built CLI with `--json` in a child process (its own peak RSS) and returns what it printed. */
function cli<T>(args: string[]): T {
  const child = spawnSync(process.execPath, [CLI, ...args, '--json', '--log-level', 'warn'], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`tsi-etl ${args[0]} failed (exit ${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout) as T;
}

/**
 * Times, on one file, each in a CLI child process: a full populate of S;
 * the first populate with reuse (which stores the facts); S again after
 * shifting every window by 90 s; a variant of S; then, with no analytics
 * (so no facts), a backfill of the `variants` variants without reuse and
 * one with.
 */
export async function measureReuse(blocks: number, days: number, variants: number): Promise<ReuseBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-bench-reuse-'));
  const path = join(dir, 'bench.db');
  const store = new SqliteStore({ path, create: true });
  try {
    await store.migrate();
    const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks, days, seed: 1 });
    const variantIds: number[] = [];
    for (let seed = 1; seed <= variants; seed++) variantIds.push((await loadVariantSchedule(store, { variantOf: s, seed })).scheduleId);

    const rows: ReuseBenchRow[] = [];
    const populate = (id: number, ...extra: string[]) => cli<PopulateSummary & { peakRssMb: number }>(['populate', '--schedule', String(id), '--db', path, ...extra]);
    const row = (name: string, summary: PopulateSummary & { peakRssMb: number }, base: number, target: number | null) => rows.push({
      case: name, seconds: summary.seconds.total, vsFull: summary.seconds.total / base, target,
      reusedBlocks: summary.reusedBlocks, parsedBlocks: summary.parsedBlocks, phase3Kept: summary.phase3Kept, peakRssMb: summary.peakRssMb,
    });
    const full = populate(s, '--no-reuse');
    row('full populate (--no-reuse)', full, full.seconds.total, null);
    row('first populate with reuse (stores the facts)', populate(s), full.seconds.total, null);
    await sql`UPDATE schedule_scheduling_blocks SET start_time_mjd = start_time_mjd + 90.0 / 86400, stop_time_mjd = stop_time_mjd + 90.0 / 86400 WHERE schedule_id = ${s}`.execute(store.db);
    row('repopulate after only windows changed', populate(s), full.seconds.total, 0.2);
    row('populate a variant', populate(variantIds[0]), full.seconds.total, 0.3);

    const backfill = async (...extra: string[]) => {
      for (const id of [s, ...variantIds]) await store.deleteAnalytics(id, ALL_PHASES);
      const report = cli<BackfillReport>(['backfill', '--db', path, ...variantIds.flatMap((id) => ['--schedule', String(id)]), ...extra]);
      if (report.done.length !== variants) throw new Error(`backfill: ${report.done.length} of ${variants} schedules done`);
      return report;
    };
    const fullBackfill = await backfill('--no-reuse');
    const reuseBackfill = await backfill();
    rows.push({ case: `backfill of ${variants} variants (--no-reuse)`, seconds: fullBackfill.seconds, vsFull: 1, target: null, reusedBlocks: 0, parsedBlocks: fullBackfill.parsedBlocks, phase3Kept: null, peakRssMb: null });
    rows.push({
      case: `backfill of ${variants} variants with reuse`, seconds: reuseBackfill.seconds, vsFull: reuseBackfill.seconds / fullBackfill.seconds, target: 0.25,
      reusedBlocks: reuseBackfill.reusedBlocks, parsedBlocks: reuseBackfill.parsedBlocks, phase3Kept: null, peakRssMb: null,
    });
    return { blocks, variants, rows };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await measureReuse(10_000, 183, 10);
  console.log(`W${r.blocks / 1000}k, ${r.variants} variants (peak RSS target ≤ 200 MB)`);
  console.log('| case | seconds | vs full | target | reused | parsed | Phase 3 kept | peak RSS MB |');
  console.log('|---|---:|---:|---:|---:|---:|---|---:|');
  for (const x of r.rows) {
    const target = x.target === null ? '' : `≤ ${100 * x.target}%`;
    const kept = x.phase3Kept === null ? '' : x.phase3Kept ? 'yes' : 'no';
    console.log(`| ${x.case} | ${x.seconds.toFixed(2)} | ${(100 * x.vsFull).toFixed(0)}% | ${target} | ${x.reusedBlocks} | ${x.parsedBlocks} | ${kept} | ${x.peakRssMb?.toFixed(0) ?? ''} |`);
  }
}

/*
 * The Compare read of two W10k-sized schedules run over the same blocks:
 * computed from the analytics tables (diff rows asked, so never the cache),
 * answered from the comparison cache (figures only), and computed from the
 * source tables (the legacy path) in the same run, as a ratio. Targets:
 * analytics ≤ 100 ms, cache ≤ 10 ms.
 *
 * Run: npx tsc -p tsconfig.json && node scripts/copy-sql.mjs && node dist/bench/compare.bench.js
 * Fixture: a generated schedule (blocks × days, seed 1) and its variant from
 * `generate --variant-of` (seed 2: about a fifth of the blocks left out,
 * unscheduled, newly scheduled or retimed), both populated.
 * Measured 2026-12-01 (2-core Intel Xeon VM, load average ~5, Node 20.20.2),
 * W10k, medians of 5 calls (wall / CPU):
 *   analytics 67 / 73 ms; cache 0.2 / 0.2 ms; legacy 97 / 108 ms.
 * The CPU time is the better guide on a loaded machine. Half of a side's read
 * is the join for original_block_id: SQLite stores that column (added by
 * ALTER TABLE) after the visibility JSON, so reaching it walks the row's
 * overflow pages (31 ms CPU with the join, 14 ms without, for 10,000 rows).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import { loadVariantSchedule } from '../pipeline/variant-schedule.js';
import { populateSchedule } from '../pipeline/populate.js';
import { compareSchedules, type CompareOptions } from '../queries/compare-reads.js';
import { SqliteStore } from '../sql/sqlite/sqlite-store.js';
import type { Store } from '../sql/store.js';
import { spread, type Spread } from './stats.js';

export interface CompareBenchResult {
  read: string;
  blocks: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median CPU time of this process per call: on a machine shared with other jobs, closer to what the read costs than wall time. */
  cpuMedianMs: number;
  /** Median over the analytics path's median. */
  vsAnalytics: number;
}

/** Wall and CPU milliseconds of `repeats` calls, after one untimed warm-up call whose answer must come from `source`. */
async function timeRead(store: Store, a: number, b: number, options: CompareOptions, source: string, repeats: number): Promise<{ wall: Spread; cpu: Spread }> {
  const warm = await compareSchedules(store, a, [b], options);
  if (warm.comparisons[0].source !== source) throw new Error(`expected the ${source} path, got ${warm.comparisons[0].source}`);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await compareSchedules(store, a, [b], options);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: spread(wall), cpu: spread(cpu) };
}

/** Builds the fixture in a temporary SQLite file, then times the three reads; the file is removed afterwards. */
export async function measureCompare(blocks: number, days: number, repeats: number): Promise<CompareBenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-bench-compare-'));
  const store = new SqliteStore({ path: join(dir, 'bench.db'), create: true });
  try {
    await store.migrate();
    const { scheduleId: a } = await loadGeneratedSchedule(store, { blocks, days, seed: 1 });
    const { scheduleId: b } = await loadVariantSchedule(store, { variantOf: a, seed: 2 });
    await populateSchedule(store, a);
    await populateSchedule(store, b);
    const reads: [string, CompareOptions, string][] = [
      ['analytics tables (figures + 20 rows)', { rows: 20 }, 'analytics'],
      ['comparison cache (figures)', {}, 'cache'],
      ['legacy path (figures + 20 rows)', { rows: 20, useAnalyticsTable: false }, 'legacy'],
    ];
    const measured: { read: string; wall: Spread; cpu: Spread }[] = [];
    for (const [read, options, source] of reads) measured.push({ read, ...(await timeRead(store, a, b, options, source, repeats)) });
    return measured.map(({ read, wall, cpu }) => ({
      read, blocks, medianMs: wall.median, minMs: wall.min, maxMs: wall.max, cpuMedianMs: cpu.median, vsAnalytics: wall.median / measured[0].wall.median,
    }));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await measureCompare(10_000, 183, 5);
  console.log('| read | blocks | median ms | min ms | max ms | CPU ms (median) | vs analytics |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.read} | ${r.blocks} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${r.cpuMedianMs.toFixed(1)} | ${r.vsAnalytics.toFixed(2)} |`);
}

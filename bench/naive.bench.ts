/*
 * tsi-etl against the naive baseline (naive-baseline.ts, the original
 * system's shape) on the same data in the same bench run: W10k with
 * 15-minute time bins and W2k with 1-minute bins, each side in its own
 * child process, on its own copy of the fixture. After the runs, every row
 * the two wrote is compared (compareAnalytics); a difference fails the bench.
 *
 * Fixtures: W10k (10,000 blocks × 183 nights) and W2k (2,000 × 183), seed 1.
 * Run: npm run bench (both), npm run bench -- --quick (W2k with 15-minute bins only).
 * Medians of 3 (full run, 2-core Intel Xeon VM shared with other jobs (load average ~7.6), Node 20.20.2, 2026-11-26):
 *   W10k, 15-min bins: baseline 9.67 s / 1,241 MB, tsi-etl 0.81 s / 137 MB (11.9× time, 9.1× RSS);
 *   W2k, 1-min bins: baseline 21.4 s / 3,598 MB, tsi-etl 0.55 s / 146 MB (38.8×, 24.7×).
 */
import { sql } from 'kysely';
import { openStore } from '../sql/create-store.js';
import type { Store } from '../sql/store.js';
import { runNaiveEtl, type NaiveSummary } from './naive-baseline.js';

export interface NaiveRunArgs {
  /** A fresh copy of a fixture database. */
  path: string;
  scheduleId: number;
  binSeconds: number;
}

/** One run of the naive baseline (synchronous, like the original's driver calls). */
export async function naiveOnce(args: NaiveRunArgs): Promise<NaiveSummary> {
  return runNaiveEtl(args.path, args.scheduleId, { binSeconds: args.binSeconds });
}

/** Heap for the naive child: its Sets reach ~4 GB on W2k at 1-minute bins, about V8's default limit here. */
export const NAIVE_NODE_OPTIONS: readonly string[] = ['--max-old-space-size=12288'];

/** What both sides wrote, table by table: the columns compared and the row order. */
const COMPARED_TABLES: readonly { table: string; columns: string; orderBy: string }[] = [
  {
    table: 'schedule_blocks_analytics',
    columns: 'scheduling_block_id, priority_bucket, requested_hours, elevation_range_deg, is_scheduled, scheduled_duration_sec, total_visibility_hours, visibility_period_count, is_impossible',
    orderBy: 'scheduling_block_id',
  },
  {
    table: 'schedule_summary_analytics',
    columns: 'total_blocks, scheduled_blocks, unscheduled_blocks, impossible_blocks, scheduling_rate, priority_min, priority_max, priority_mean, priority_median, priority_scheduled_mean, priority_unscheduled_mean, visibility_total_hours, visibility_mean_hours, visibility_min_hours, visibility_max_hours, requested_total_hours, requested_mean_hours, scheduled_total_hours, corr_priority_visibility, corr_priority_requested, corr_visibility_requested, conflict_count',
    orderBy: 'schedule_id',
  },
  {
    table: 'schedule_priority_rates',
    columns: 'priority_value, total_count, scheduled_count, scheduling_rate, visibility_mean_hours, requested_mean_hours',
    orderBy: 'priority_value',
  },
  {
    table: 'schedule_visibility_bins',
    columns: 'bin_index, bin_min_hours, bin_max_hours, bin_mid_hours, total_count, scheduled_count, scheduling_rate',
    orderBy: 'bin_index',
  },
  {
    table: 'schedule_heatmap_bins',
    columns: 'visibility_bin_index, time_bin_index, visibility_mid_hours, time_mid_hours, total_count, scheduled_count, scheduling_rate',
    orderBy: 'visibility_bin_index, time_bin_index',
  },
  {
    table: 'schedule_visibility_time_metadata',
    columns: 'time_range_start_unix, time_range_end_unix, bin_duration_seconds, total_bins, total_blocks, blocks_with_visibility, priority_min, priority_max, max_visible_in_bin, mean_visible_per_bin',
    orderBy: 'schedule_id',
  },
  {
    table: 'schedule_visibility_time_bins',
    columns: 'bin_index, bin_start_unix, bin_end_unix, total_visible_count, priority_q1_count, priority_q2_count, priority_q3_count, priority_q4_count, scheduled_visible_count, unscheduled_visible_count',
    orderBy: 'bin_index',
  },
];

/** SEMANTICS: floating values agree to a relative 1e-9 (sums in a different order differ in the last bits). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  const x = Number(a);
  const y = Number(b);
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

async function tableRows(store: Store, t: (typeof COMPARED_TABLES)[number], scheduleId: number): Promise<Record<string, unknown>[]> {
  const q = sql<Record<string, unknown>>`SELECT ${sql.raw(t.columns)} FROM ${sql.table(t.table)} WHERE schedule_id = ${scheduleId} ORDER BY ${sql.raw(t.orderBy)}`;
  return (await q.execute(store.db)).rows;
}

/**
 * Compares every row and column both sides wrote for `scheduleId` (all
 * analytics tables of the three phases).
 * @returns rows compared per table.
 * @throws Error naming the table, row, column and both values at the first difference.
 */
export async function compareAnalytics(naivePath: string, etlPath: string, scheduleId: number): Promise<Record<string, number>> {
  const naive = await openStore(naivePath);
  const etl = await openStore(etlPath);
  try {
    const compared: Record<string, number> = {};
    for (const t of COMPARED_TABLES) {
      const [a, b] = [await tableRows(naive, t, scheduleId), await tableRows(etl, t, scheduleId)];
      if (a.length === 0 || a.length !== b.length) {
        throw new Error(`naive baseline vs tsi-etl: ${t.table} has ${a.length} rows from the baseline and ${b.length} from tsi-etl`);
      }
      a.forEach((row, i) => {
        for (const [column, value] of Object.entries(row)) {
          if (sameValue(value, b[i][column])) continue;
          const key = t.orderBy.split(', ').filter((k) => k in row).map((k) => `${k} ${String(row[k])}`);
          throw new Error(`naive baseline vs tsi-etl: ${t.table} row ${[i, ...key].join(', ')}: ${column} is ${String(value)} from the baseline, ${String(b[i][column])} from tsi-etl`);
        }
      });
      compared[t.table] = a.length;
    }
    return compared;
  } finally {
    await naive.close();
    await etl.close();
  }
}

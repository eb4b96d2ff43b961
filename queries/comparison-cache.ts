import { sql } from 'kysely';
import type { Logger } from '../base/logger.js';
import type { ComparisonCacheRow, Store } from '../sql/store.js';
import { BLOCK_STATUSES, type BlockStatus } from './core/block-status.js';
import type { PairFigures } from './core/compare-pair.js';
import type { ScheduleFigures } from './core/schedule-figures.js';

/*
 * The Compare cache (`schedule_comparisons`): a pair's figures, stored with
 * the fingerprint and completion time of both schedules' analytics runs, and
 * served only while both runs are still those. A populate writes a new run
 * record, so a repopulated schedule's pairs go stale by themselves.
 */

/** Which analytics run a schedule's per-block rows come from. */
export interface RunToken {
  fingerprint: string;
  /**
   * The completion time as the database's own text: a SQL Server DATETIME2
   * has 100 ns steps, finer than a JS Date, so it is never read as a Date.
   */
  completedAt: string;
}

/** The figures of a pair as the cache holds them. */
export interface CachedPair {
  a: ScheduleFigures;
  b: ScheduleFigures;
  pair: PairFigures;
}

const FIGURE_KEYS = [
  'blocks', 'scheduled_count', 'scheduled_priority_sum', 'priority_capture', 'scheduled_priority_mean', 'scheduled_priority_median',
  'scheduled_hours', 'scheduled_union_hours', 'gap_count', 'gap_total_hours', 'gap_mean_hours', 'gap_median_hours', 'gap_p90_hours', 'gap_max_hours',
] as const satisfies readonly (keyof ScheduleFigures)[];

const PAIR_KEYS = [
  'match_ratio', 'median_shift_seconds', 'mad_shift_seconds', 'order_preservation', 'coverage_final_a', 'coverage_final_b', 'coverage_lead_top10',
] as const satisfies readonly (keyof PairFigures)[];

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null ? null : Number(v));

function figuresFrom(row: Row, side: 'a' | 'b'): ScheduleFigures {
  return Object.fromEntries(FIGURE_KEYS.map((k) => [k, num(row[`${side}_${k}`])])) as unknown as ScheduleFigures;
}

/** The current run of each schedule that has analytics. Read before the rows, so a token is never newer than the rows it vouches for. */
export async function readRunTokens(store: Store, scheduleIds: readonly number[]): Promise<Map<number, RunToken>> {
  const rows = await store.db
    .selectFrom('schedule_analytics_runs')
    .select(['schedule_id', 'source_fingerprint', sql<string>`CAST(completed_at AS NVARCHAR(40))`.as('completed_at')])
    .where('schedule_id', 'in', [...new Set(scheduleIds)])
    .execute();
  return new Map(rows.map((r) => [Number(r.schedule_id), { fingerprint: r.source_fingerprint, completedAt: r.completed_at }]));
}

/** The stored figures of (A, B) when both schedules' current runs are those they were computed from. */
export async function readCachedPair(store: Store, a: number, b: number): Promise<CachedPair | undefined> {
  const row = await store.db
    .selectFrom('schedule_comparisons as c')
    .innerJoin('schedule_analytics_runs as ra', (j) => j
      .onRef('ra.schedule_id', '=', 'c.schedule_a_id')
      .onRef('ra.source_fingerprint', '=', 'c.a_source_fingerprint')
      .onRef('ra.completed_at', '=', 'c.a_run_completed_at'))
    .innerJoin('schedule_analytics_runs as rb', (j) => j
      .onRef('rb.schedule_id', '=', 'c.schedule_b_id')
      .onRef('rb.source_fingerprint', '=', 'c.b_source_fingerprint')
      .onRef('rb.completed_at', '=', 'c.b_run_completed_at'))
    .selectAll('c')
    .where('c.schedule_a_id', '=', a)
    .where('c.schedule_b_id', '=', b)
    .executeTakeFirst() as Row | undefined;
  if (row === undefined) return undefined;
  const counts = Object.fromEntries(BLOCK_STATUSES.map((s) => [s, Number(row[`count_${s}`])])) as Record<BlockStatus, number>;
  const pair = { counts, ...Object.fromEntries(PAIR_KEYS.map((k) => [k, num(row[k])])) } as PairFigures;
  return { a: figuresFrom(row, 'a'), b: figuresFrom(row, 'b'), pair };
}

/** The cache row of (A, B) computed from the runs `tokenA` and `tokenB`. */
export function cacheRow(a: number, b: number, tokenA: RunToken, tokenB: RunToken, figures: CachedPair): ComparisonCacheRow {
  const row: Row = {
    schedule_a_id: a,
    schedule_b_id: b,
    a_source_fingerprint: tokenA.fingerprint,
    b_source_fingerprint: tokenB.fingerprint,
    a_run_completed_at: tokenA.completedAt,
    b_run_completed_at: tokenB.completedAt,
  };
  for (const k of FIGURE_KEYS) {
    row[`a_${k}`] = figures.a[k];
    row[`b_${k}`] = figures.b[k];
  }
  for (const s of BLOCK_STATUSES) row[`count_${s}`] = figures.pair.counts[s];
  for (const k of PAIR_KEYS) row[k] = figures.pair[k];
  return row as unknown as ComparisonCacheRow;
}

/** Stores the row; a failure only costs the next reader a recomputation, so it is logged, never thrown. */
export async function saveCachedPair(store: Store, row: ComparisonCacheRow, log: Logger): Promise<void> {
  try {
    await store.saveComparison(row);
  } catch (error) {
    log.warn({ scheduleA: row.schedule_a_id, scheduleB: row.schedule_b_id, err: (error as Error).message }, 'could not store the comparison in the cache; the next read recomputes it');
  }
}

import type { Store } from '../sql/store.js';
import { blockKey } from '../stages/core/block-key.js';
import { mjdToUnix } from '../stages/core/time.js';
import type { CompareBlock } from './core/compare-block.js';
import { assertScheduleExists } from './legacy/fetch-legacy-blocks.js';

/** One per-block row as both paths select it (SQL Server returns BIGINT ids as strings). */
interface BlockRow {
  scheduling_block_id: number | string;
  original_block_id: string | null;
  priority: number;
  requested_hours: number;
  start_mjd: number | null;
  stop_mjd: number | null;
  duration_sec: number | null;
}

function toCompareBlock(r: BlockRow): CompareBlock {
  const id = Number(r.scheduling_block_id);
  const scheduled = r.start_mjd !== null && r.stop_mjd !== null;
  return {
    scheduling_block_id: id,
    key: blockKey(r.original_block_id, id),
    priority: r.priority,
    requested_hours: r.requested_hours,
    start_unix: scheduled ? mjdToUnix(r.start_mjd!) : null,
    stop_unix: scheduled ? mjdToUnix(r.stop_mjd!) : null,
    scheduled_duration_sec: scheduled ? r.duration_sec : null,
  };
}

/** The schedule's Phase 1 rows with each block's key; undefined when it has none. */
export async function analyticsCompareBlocks(store: Store, scheduleId: number): Promise<CompareBlock[] | undefined> {
  const rows = await store.db
    .selectFrom('schedule_blocks_analytics as a')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'a.scheduling_block_id')
    .select([
      'a.scheduling_block_id', 'sb.original_block_id', 'a.priority', 'a.requested_hours',
      'a.scheduled_start_mjd as start_mjd', 'a.scheduled_stop_mjd as stop_mjd', 'a.scheduled_duration_sec as duration_sec',
    ])
    .where('a.schedule_id', '=', scheduleId)
    .orderBy('a.scheduling_block_id')
    .execute();
  return rows.length === 0 ? undefined : rows.map(toCompareBlock);
}

/**
 * The same from the source tables, as the dashboards would compute it: the
 * schedule's links and blocks, no JSON (Compare needs none), with SEMANTICS
 * "Per block" for the derived columns.
 */
export async function legacyCompareBlocks(store: Store, scheduleId: number): Promise<CompareBlock[]> {
  const rows = await store.db
    .selectFrom('schedule_scheduling_blocks as ssb')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
    .select(['sb.scheduling_block_id', 'sb.original_block_id', 'sb.priority', 'sb.requested_duration_sec', 'ssb.start_time_mjd as start_mjd', 'ssb.stop_time_mjd as stop_mjd'])
    .where('ssb.schedule_id', '=', scheduleId)
    .orderBy('sb.scheduling_block_id')
    .execute();
  if (rows.length === 0) await assertScheduleExists(store, scheduleId);
  return rows.map((r) => toCompareBlock({
    ...r,
    requested_hours: r.requested_duration_sec / 3600,
    duration_sec: r.start_mjd !== null && r.stop_mjd !== null ? (r.stop_mjd - r.start_mjd) * 86400 : null,
  }));
}

/** Each block's key, by block id, for the paths that read blocks without their original id. */
export async function fetchBlockKeys(store: Store, scheduleId: number): Promise<Map<number, string>> {
  const rows = await store.db
    .selectFrom('schedule_scheduling_blocks as ssb')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
    .select(['sb.scheduling_block_id', 'sb.original_block_id'])
    .where('ssb.schedule_id', '=', scheduleId)
    .execute();
  return new Map(rows.map((r) => [Number(r.scheduling_block_id), blockKey(r.original_block_id, Number(r.scheduling_block_id))]));
}

import type { Store } from '../../sql/store.js';
import { blockKey } from '../../stages/core/block-key.js';
import { toCompareBlock, type CompareBlock } from '../core/compare-block.js';
import { assertScheduleExists } from './fetch-legacy-blocks.js';

/**
 * A schedule's blocks as Compare needs them, from the source tables (the
 * legacy path): its links and blocks, no JSON (Compare needs none), with
 * SEMANTICS "Per block" for the derived columns.
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

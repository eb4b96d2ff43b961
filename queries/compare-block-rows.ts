import type { Store } from '../sql/store.js';
import { toCompareBlock, type CompareBlock } from './core/compare-block.js';

/** A schedule's blocks as Compare needs them, from its Phase 1 rows with each block's key; undefined when it has none. */
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

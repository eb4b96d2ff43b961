// STAND-IN: replaced by the real read at merge (issue I/J build the real block keys).
import type { Store } from '../sql/store.js';

/** Each block of a schedule → its key: trim(original_block_id) when non-empty, else the decimal scheduling_block_id. */
export async function scheduleBlockKeys(store: Store, scheduleId: number): Promise<Map<number, string>> {
  const rows = await store.db
    .selectFrom('schedule_scheduling_blocks as ssb')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
    .select(['sb.scheduling_block_id as id', 'sb.original_block_id as original'])
    .where('ssb.schedule_id', '=', scheduleId)
    .execute();
  return new Map(rows.map((r) => [Number(r.id), r.original?.trim() ? r.original.trim() : String(r.id)]));
}

import type { Store } from '../sql/store.js';

/** A block's scheduled window in MJD, as `schedule_scheduling_blocks` holds it. */
export type Window = [number | null, number | null];

let variantCounter = 0;

/**
 * A new schedule linking the same `scheduling_blocks` rows as `baseId`, with
 * each block's window replaced by `change(blockId, window, index)`
 * (undefined leaves the block out). Written straight into the source tables,
 * as a scheduler run over the same pool of blocks would.
 */
export async function insertVariantSchedule(
  store: Store,
  baseId: number,
  change: (blockId: number, window: Window, index: number) => Window | undefined,
): Promise<number> {
  const links = await store.db
    .selectFrom('schedule_scheduling_blocks')
    .select(['scheduling_block_id', 'start_time_mjd', 'stop_time_mjd'])
    .where('schedule_id', '=', baseId)
    .orderBy('scheduling_block_id')
    .execute();
  const inserted = await store.db
    .insertInto('schedules')
    .values({ schedule_name: `variant of ${baseId}`, checksum: `variant-${process.pid}-${++variantCounter}-${Date.now()}`, dark_periods_json: null })
    .executeTakeFirstOrThrow();
  const scheduleId = Number(inserted.insertId);
  const rows = links.flatMap((l, i) => {
    const w = change(l.scheduling_block_id, [l.start_time_mjd, l.stop_time_mjd], i);
    return w === undefined ? [] : [{ schedule_id: scheduleId, scheduling_block_id: l.scheduling_block_id, start_time_mjd: w[0], stop_time_mjd: w[1] }];
  });
  for (let i = 0; i < rows.length; i += 500) await store.db.insertInto('schedule_scheduling_blocks').values(rows.slice(i, i + 500)).execute();
  return scheduleId;
}

/**
 * About a fifth of the blocks changed, deterministically by position: some
 * left out, some unscheduled, some newly scheduled, some retimed by seconds
 * to hours; the rest as they were.
 */
export function typicalChange(_blockId: number, [start, stop]: Window, index: number): Window | undefined {
  const scheduled = start !== null && stop !== null;
  switch (index % 25) {
    case 0: return undefined;
    case 1: return [null, null];
    case 2: return scheduled ? [start, stop] : [60_700 + index / 1000, 60_700 + index / 1000 + 0.02];
    case 3: return scheduled ? [start + 5 / 86_400, stop + 5 / 86_400] : [null, null];
    case 4: return scheduled ? [start - (index % 7) / 24, stop - (index % 7) / 24] : [null, null];
    default: return [start, stop];
  }
}

/** Sets `scheduling_blocks.original_block_id` for the given blocks. */
export async function setOriginalIds(store: Store, ids: ReadonlyMap<number, string | null>): Promise<void> {
  for (const [blockId, original] of ids) {
    await store.db.updateTable('scheduling_blocks').set({ original_block_id: original }).where('scheduling_block_id', '=', blockId).execute();
  }
}

/*
 * A schedule and its variant over the same blocks, for the report's bench
 * and tests (a comparison needs two schedules whose block keys match).
 */

import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import { populateSchedule } from '../pipeline/populate.js';
import type { Store } from '../sql/store.js';

/**
 * A second schedule over the same blocks as `scheduleId` (so their keys
 * match): every 7th block left out, every 5th one's scheduled status
 * flipped, every 3rd scheduled one moved an hour later. Its analytics are
 * populated like the first's.
 */
export async function insertVariant(store: Store, scheduleId: number): Promise<number> {
  const links = await store.db.selectFrom('schedule_scheduling_blocks').selectAll().where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute();
  const { schedule_id: variant } = await store.db.insertInto('schedules')
    .values({ schedule_name: `variant-of-${scheduleId}`, checksum: `variant-${scheduleId}-${Date.now()}`, dark_periods_json: null })
    .returning('schedule_id').executeTakeFirstOrThrow();
  const rows = links.flatMap((l, i) => {
    if (i % 7 === 0) return [];
    let [start, stop] = [l.start_time_mjd, l.stop_time_mjd];
    if (i % 5 === 0) [start, stop] = start === null ? [60680 + i / 1000, 60680 + i / 1000 + 0.02] : [null, null];
    else if (i % 3 === 0 && start !== null && stop !== null) [start, stop] = [start + 1 / 24, stop + 1 / 24];
    return [{ schedule_id: variant, scheduling_block_id: l.scheduling_block_id, start_time_mjd: start, stop_time_mjd: stop }];
  });
  for (let i = 0; i < rows.length; i += 100) await store.db.insertInto('schedule_scheduling_blocks').values(rows.slice(i, i + 100)).execute();
  await populateSchedule(store, variant);
  return variant;
}

/** A populated generated schedule (seed 11) and its populated variant. */
export async function loadScheduleAndVariant(store: Store, blocks: number, days: number): Promise<{ a: number; b: number }> {
  const { scheduleId: a } = await loadGeneratedSchedule(store, { blocks, days, seed: 11 });
  await populateSchedule(store, a);
  return { a, b: await insertVariant(store, a) };
}

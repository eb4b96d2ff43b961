/*
 * A schedule and its variant over the same blocks, for the report's bench
 * and tests (a comparison needs two schedules whose block keys match).
 */

import { loadGeneratedSchedule } from '../pipeline/load-schedule.js';
import { populateSchedule } from '../pipeline/populate.js';
import { loadVariantSchedule } from '../pipeline/variant-schedule.js';
import type { Store } from '../sql/store.js';

/** A populated generated schedule (seed 11) and its populated variant (`generate --variant-of`, seed 2). */
export async function loadScheduleAndVariant(store: Store, blocks: number, days: number): Promise<{ a: number; b: number }> {
  const { scheduleId: a } = await loadGeneratedSchedule(store, { blocks, days, seed: 11 });
  const { scheduleId: b } = await loadVariantSchedule(store, { variantOf: a, seed: 2 });
  await populateSchedule(store, a);
  await populateSchedule(store, b);
  return { a, b };
}

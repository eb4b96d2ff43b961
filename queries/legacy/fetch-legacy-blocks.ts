import type { Store, SourceBlockRow } from '../../sql/store.js';
import { selectSourceBlocks } from '../../sql/queries/source-blocks.js';
import { UnknownScheduleError } from '../../base/errors.js';
import type { LegacyBlock } from './legacy-block.js';
import { parsePeriodsLegacy } from './parse-periods-legacy.js';

/**
 * The legacy read: the five-table join into memory and one `JSON.parse` per
 * block, as the dashboards did before the ETL. Bad JSON marks the block
 * `invalid` (its visibility left out), like the ETL's lenient mode.
 */
export async function fetchLegacyBlocks(store: Store, scheduleId: number): Promise<LegacyBlock[]> {
  const rows = (await selectSourceBlocks(store.db, scheduleId).execute()) as SourceBlockRow[];
  if (rows.length === 0) await assertScheduleExists(store, scheduleId);
  return rows.map((r) => {
    const parsed = parsePeriodsLegacy(r.visibilityJson);
    const invalid = typeof parsed === 'string';
    return {
      scheduleId,
      blockId: Number(r.blockId),
      raDeg: r.raDeg,
      decDeg: r.decDeg,
      priority: r.priority,
      requestedDurationSec: r.requestedDurationSec,
      minObservationSec: r.minObservationSec,
      minAltDeg: r.minAltDeg,
      maxAltDeg: r.maxAltDeg,
      minAzDeg: r.minAzDeg,
      maxAzDeg: r.maxAzDeg,
      scheduledStartMjd: r.scheduledStartMjd,
      scheduledStopMjd: r.scheduledStopMjd,
      periods: invalid ? [] : parsed,
      invalid,
    };
  });
}

export async function assertScheduleExists(store: Store, scheduleId: number): Promise<void> {
  const found = await store.db.selectFrom('schedules').select('schedule_id').where('schedule_id', '=', scheduleId).executeTakeFirst();
  if (!found) throw new UnknownScheduleError(scheduleId);
}

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * How many metadata rows and minute-bin rows a schedule has, in one
 * statement: before keeping them in place, a populate checks that the rows
 * its run record's digest describes are all there (a table dropped and
 * re-created by `migrate`, or rows deleted by hand, are not).
 */
export function countMinuteBinRows(db: Kysely<Database>, scheduleId: number) {
  return db.selectNoFrom((eb) => [
    eb.selectFrom('schedule_visibility_time_metadata').select(eb.fn.countAll<number>().as('n')).where('schedule_id', '=', scheduleId).as('metadataRows'),
    eb.selectFrom('schedule_visibility_time_bins').select(eb.fn.countAll<number>().as('n')).where('schedule_id', '=', scheduleId).as('binRows'),
  ]);
}

/** Whether the rows in place are those a run with `stored` digest wrote, so a new output with digest `digest` may keep them. */
export function minuteBinsUnchanged(stored: Uint8Array | null, digest: Uint8Array, counts: { metadataRows: number | null; binRows: number | null }, binRows: number): boolean {
  return stored !== null && Buffer.from(stored).equals(digest) && Number(counts.metadataRows) === 1 && Number(counts.binRows) === binRows;
}

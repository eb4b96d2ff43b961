import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** How many rows of each Phase 3 table a schedule has. */
export interface Phase3RowCounts {
  metadataRows: number;
  binRows: number;
  rangeRows: number;
}

/**
 * How many Phase 3 rows of each table a schedule has, in one statement:
 * before keeping rows in place, a populate checks that the rows its run
 * record describes are all there (a table dropped and re-created by
 * `migrate`, or rows deleted by hand, are not).
 */
export function countPhase3Rows(db: Kysely<Database>, scheduleId: number) {
  return db.selectNoFrom((eb) => [
    eb.selectFrom('schedule_visibility_time_metadata').select(eb.fn.countAll<number>().as('n')).where('schedule_id', '=', scheduleId).as('metadataRows'),
    eb.selectFrom('schedule_visibility_time_bins').select(eb.fn.countAll<number>().as('n')).where('schedule_id', '=', scheduleId).as('binRows'),
    eb.selectFrom('schedule_block_visibility_ranges').select(eb.fn.countAll<number>().as('n')).where('schedule_id', '=', scheduleId).as('rangeRows'),
  ]);
}

/** The counts as numbers (a driver may return BIGINT counts as strings). */
export function phase3RowCounts(row: { metadataRows: unknown; binRows: unknown; rangeRows: unknown }): Phase3RowCounts {
  return { metadataRows: Number(row.metadataRows), binRows: Number(row.binRows), rangeRows: Number(row.rangeRows) };
}

/** Whether the rows in place are those a run with `stored` digest wrote, so a new output with digest `digest` may keep them. */
export function minuteBinsUnchanged(stored: Uint8Array, digest: Uint8Array, counts: Phase3RowCounts, binRows: number): boolean {
  return Buffer.from(stored).equals(digest) && Number(counts.metadataRows) === 1 && Number(counts.binRows) === binRows;
}

import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** One `schedule_scheduling_blocks` row with the block's requested duration (ids may be BIGINT strings on SQL Server). */
export interface ScheduleLinkRow {
  scheduling_block_id: number | string;
  start_time_mjd: number | null;
  stop_time_mjd: number | null;
  requested_duration_sec: number;
}

/** A schedule's links to its blocks, in block-id order, for `generate --variant-of`. */
export function selectScheduleLinks(db: Kysely<Database>, scheduleId: number) {
  return db
    .selectFrom('schedule_scheduling_blocks as ssb')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
    .select(['ssb.scheduling_block_id', 'ssb.start_time_mjd', 'ssb.stop_time_mjd', 'sb.requested_duration_sec'])
    .where('ssb.schedule_id', '=', scheduleId)
    .orderBy('ssb.scheduling_block_id');
}

/** The earliest start, latest stop and mean length of a schedule's scheduled windows (all null when nothing is scheduled). */
export function selectScheduledSpan(db: Kysely<Database>, scheduleId: number) {
  return db
    .selectFrom('schedule_scheduling_blocks')
    .select((eb) => [
      eb.fn.min('start_time_mjd').as('first_start'),
      eb.fn.max('stop_time_mjd').as('last_stop'),
      sql<number | null>`AVG(stop_time_mjd - start_time_mjd)`.as('mean_window_days'),
    ])
    .where('schedule_id', '=', scheduleId)
    .where('start_time_mjd', 'is not', null)
    .where('stop_time_mjd', 'is not', null);
}

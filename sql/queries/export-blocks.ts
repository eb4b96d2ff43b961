import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { joinedBlocks } from './source-blocks.js';

/**
 * One block with every source column a schedule document carries. The three
 * ids come from the joined tables and are read only to tell a missing row
 * from a row of NULLs, as the analytics see it (on SQL Server they may
 * arrive as BIGINT strings; only their nullness is used).
 */
export interface ExportBlockRow {
  name: string;
  ra_deg: number;
  dec_deg: number;
  ra_pm_masyr: number;
  dec_pm_masyr: number;
  equinox: number;
  constraints_id: number | string | null;
  start_time_mjd: number | null;
  stop_time_mjd: number | null;
  altitude_constraints_id: number | string | null;
  min_alt_deg: number | null;
  max_alt_deg: number | null;
  azimuth_constraints_id: number | string | null;
  min_az_deg: number | null;
  max_az_deg: number | null;
  priority: number;
  min_observation_sec: number;
  requested_duration_sec: number;
  scheduled_start_mjd: number | null;
  scheduled_stop_mjd: number | null;
  visibility_periods_json: string | null;
  scheduling_block_id: number | string;
  original_block_id: string | null;
}

/**
 * The plan's five-table join with the columns `selectSourceBlocks` leaves
 * out (target name, proper motion, equinox, the constraint window), for
 * `tsi-etl export`.
 */
export function selectExportBlocks(db: Kysely<Database>, scheduleId: number) {
  return joinedBlocks(db)
    .select([
      't.name',
      't.ra_deg',
      't.dec_deg',
      't.ra_pm_masyr',
      't.dec_pm_masyr',
      't.equinox',
      'c.constraints_id',
      'c.start_time_mjd',
      'c.stop_time_mjd',
      'ac.altitude_constraints_id',
      'ac.min_alt_deg',
      'ac.max_alt_deg',
      'az.azimuth_constraints_id',
      'az.min_az_deg',
      'az.max_az_deg',
      'sb.priority',
      'sb.min_observation_sec',
      'sb.requested_duration_sec',
      'ssb.start_time_mjd as scheduled_start_mjd',
      'ssb.stop_time_mjd as scheduled_stop_mjd',
      'sb.visibility_periods_json',
      'sb.scheduling_block_id',
      'sb.original_block_id',
    ])
    .where('ssb.schedule_id', '=', scheduleId)
    .orderBy('ssb.scheduling_block_id');
}

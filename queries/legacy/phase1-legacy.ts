import type { ResultRow, ScheduleBlocksAnalyticsTable } from '../../sql/schema.js';
import { priorityBucket } from './legacy-priority-bucket.js';
import type { LegacyBlock } from './legacy-block.js';
import { legacyUnionHours } from './legacy-union-hours.js';

/** One per-block row as the plan's table holds it (computed columns included). */
export type BlockAnalyticsRow = ResultRow<ScheduleBlocksAnalyticsTable>;

/** SEMANTICS "Per block", computed from the legacy join for every block of a schedule. */
export function computePhase1Legacy(blocks: readonly LegacyBlock[]): BlockAnalyticsRow[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of blocks) {
    lo = Math.min(lo, b.priority);
    hi = Math.max(hi, b.priority);
  }
  return blocks.map((b) => {
    const scheduled = b.scheduledStartMjd !== null && b.scheduledStopMjd !== null;
    const hours = legacyUnionHours(b.periods);
    return {
      scheduling_block_id: b.blockId,
      target_ra_deg: b.raDeg,
      target_dec_deg: b.decDeg,
      priority: b.priority,
      priority_bucket: priorityBucket(b.priority, lo, hi),
      requested_duration_sec: b.requestedDurationSec,
      min_observation_sec: b.minObservationSec,
      requested_hours: b.requestedDurationSec / 3600,
      elevation_range_deg: (b.maxAltDeg ?? 90) - (b.minAltDeg ?? 0),
      min_altitude_deg: b.minAltDeg,
      max_altitude_deg: b.maxAltDeg,
      min_azimuth_deg: b.minAzDeg,
      max_azimuth_deg: b.maxAzDeg,
      is_scheduled: scheduled ? 1 : 0,
      scheduled_start_mjd: scheduled ? b.scheduledStartMjd : null,
      scheduled_stop_mjd: scheduled ? b.scheduledStopMjd : null,
      scheduled_duration_sec: scheduled ? ((b.scheduledStopMjd as number) - (b.scheduledStartMjd as number)) * 86400 : null,
      total_visibility_hours: hours,
      visibility_period_count: b.periods.length,
      visibility_invalid: b.invalid ? 1 : 0,
      is_impossible: !b.invalid && hours === 0 ? 1 : 0,
    };
  });
}

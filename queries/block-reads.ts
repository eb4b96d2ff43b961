import type { Store } from '../sql/store.js';
import { ALL_PHASES, type Phase } from '../sql/table-specs.js';
import { fetchLegacyBlocks } from './legacy/fetch-legacy-blocks.js';
import { computePhase1Legacy, type BlockAnalyticsRow } from './legacy/phase1-legacy.js';
import { withFallback, type ReadOptions } from './read-options.js';

/** What the Sky Map page plots per block. */
export type SkyMapBlock = Pick<
  BlockAnalyticsRow,
  'scheduling_block_id' | 'target_ra_deg' | 'target_dec_deg' | 'priority' | 'priority_bucket' | 'requested_hours'
  | 'is_scheduled' | 'scheduled_start_mjd' | 'scheduled_stop_mjd'
>;

/** What the Distributions page bins per block. */
export type DistributionBlock = Pick<
  BlockAnalyticsRow,
  'scheduling_block_id' | 'priority' | 'priority_bucket' | 'total_visibility_hours' | 'visibility_period_count'
  | 'requested_hours' | 'elevation_range_deg' | 'is_scheduled' | 'is_impossible' | 'visibility_invalid'
>;

const SKY_MAP_COLUMNS = [
  'scheduling_block_id', 'target_ra_deg', 'target_dec_deg', 'priority', 'priority_bucket', 'requested_hours',
  'is_scheduled', 'scheduled_start_mjd', 'scheduled_stop_mjd',
] as const satisfies readonly (keyof SkyMapBlock)[];

const DISTRIBUTION_COLUMNS = [
  'scheduling_block_id', 'priority', 'priority_bucket', 'total_visibility_hours', 'visibility_period_count',
  'requested_hours', 'elevation_range_deg', 'is_scheduled', 'is_impossible', 'visibility_invalid',
] as const satisfies readonly (keyof DistributionBlock)[];

function pick<K extends keyof BlockAnalyticsRow>(rows: BlockAnalyticsRow[], keys: readonly K[]): Pick<BlockAnalyticsRow, K>[] {
  return rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])) as Pick<BlockAnalyticsRow, K>);
}

/** Booleans arrive as BIT/boolean from SQL Server and 0/1 from SQLite: one shape for callers. */
function normalizeFlags<T extends Partial<Record<'is_scheduled' | 'is_impossible' | 'visibility_invalid', unknown>>>(rows: T[]): T[] {
  for (const r of rows) {
    for (const k of ['is_scheduled', 'is_impossible', 'visibility_invalid'] as const) {
      if (k in r) (r as Record<string, unknown>)[k] = Number(r[k]);
    }
  }
  return rows;
}

async function analyticsBlocks<K extends keyof BlockAnalyticsRow>(store: Store, scheduleId: number, columns: readonly K[]) {
  const rows = await store.db
    .selectFrom('schedule_blocks_analytics')
    .select(columns as never)
    .where('schedule_id', '=', scheduleId)
    .orderBy('scheduling_block_id')
    .execute();
  return rows.length === 0 ? undefined : (normalizeFlags(rows as Record<string, unknown>[]) as unknown as Pick<BlockAnalyticsRow, K>[]);
}

async function legacyBlocks<K extends keyof BlockAnalyticsRow>(store: Store, scheduleId: number, columns: readonly K[]) {
  return pick(computePhase1Legacy(await fetchLegacyBlocks(store, scheduleId)), columns);
}

/** Sky Map blocks of a schedule, ordered by block id (plan: fetch_analytics_blocks_for_sky_map). */
export async function fetchSkyMapBlocks(store: Store, scheduleId: number, options: ReadOptions = {}): Promise<SkyMapBlock[]> {
  const r = await withFallback('sky-map', options, () => analyticsBlocks(store, scheduleId, SKY_MAP_COLUMNS), () => legacyBlocks(store, scheduleId, SKY_MAP_COLUMNS));
  return r.value;
}

/** Distributions blocks of a schedule, ordered by block id (plan: fetch_analytics_blocks_for_distribution). */
export async function fetchDistributionBlocks(store: Store, scheduleId: number, options: ReadOptions = {}): Promise<DistributionBlock[]> {
  const r = await withFallback('distributions', options, () => analyticsBlocks(store, scheduleId, DISTRIBUTION_COLUMNS), () => legacyBlocks(store, scheduleId, DISTRIBUTION_COLUMNS));
  return r.value;
}

/** True when the schedule has per-block analytics rows. */
export async function hasAnalyticsData(store: Store, scheduleId: number): Promise<boolean> {
  // MIN, not LIMIT 1: T-SQL has no LIMIT, and the (schedule_id, block) index answers it with one seek.
  const row = await store.db.selectFrom('schedule_blocks_analytics').select((eb) => eb.fn.min('scheduling_block_id').as('first')).where('schedule_id', '=', scheduleId).executeTakeFirst();
  return row?.first !== null && row?.first !== undefined;
}

/** Deletes the schedule's analytics of the given phases (default: all) without touching its source; returns rows deleted. */
export async function deleteAnalytics(store: Store, scheduleId: number, phases: readonly Phase[] = ALL_PHASES): Promise<number> {
  return store.deleteAnalytics(scheduleId, phases);
}

export interface ScheduleListing {
  schedule_id: number;
  schedule_name: string;
  upload_timestamp: string;
  block_count: number;
  has_analytics: boolean;
  analytics_phases: string | null;
  analytics_completed_at: string | null;
}

/** Every schedule with its block count and whether (and which) analytics exist. */
export async function listSchedules(store: Store): Promise<ScheduleListing[]> {
  const rows = await store.db
    .selectFrom('schedules as s')
    .leftJoin('schedule_analytics_runs as r', 'r.schedule_id', 's.schedule_id')
    .select((eb) => [
      's.schedule_id',
      's.schedule_name',
      's.upload_timestamp',
      eb.selectFrom('schedule_scheduling_blocks as ssb').whereRef('ssb.schedule_id', '=', 's.schedule_id').select(eb.fn.countAll<number>().as('n')).as('block_count'),
      'r.phases as analytics_phases',
      'r.completed_at as analytics_completed_at',
    ])
    .orderBy('s.schedule_id')
    .execute();
  return rows.map((r) => ({
    schedule_id: Number(r.schedule_id),
    schedule_name: r.schedule_name,
    upload_timestamp: String(r.upload_timestamp),
    block_count: Number(r.block_count ?? 0),
    has_analytics: r.analytics_phases !== null,
    analytics_phases: r.analytics_phases,
    analytics_completed_at: r.analytics_completed_at === null ? null : String(r.analytics_completed_at),
  }));
}

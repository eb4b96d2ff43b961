import { TsiError, UnknownScheduleError, ParameterError } from '../base/errors.js';
import type { Kysely } from 'kysely';
import type { Database } from '../sql/schema.js';
import type { Store } from '../sql/store.js';
import { blockKey } from '../stages/core/block-key.js';
import { PeriodBuffer } from '../stages/core/period-buffer.js';
import { MJD_UNIX_EPOCH, mjdToUnix } from '../stages/core/time.js';
import { scanVisibilityPeriods } from '../stages/core/visibility-scanner.js';
import { hasAnalyticsData } from './block-reads.js';
import { fetchBlockKeys } from './legacy/legacy-compare-blocks.js';
import { fetchLegacyBlocks } from './legacy/fetch-legacy-blocks.js';
import { computePhase1Legacy, type BlockAnalyticsRow } from './legacy/phase1-legacy.js';
import { withFallback, type ReadOptions, type ReadSource } from './read-options.js';

export interface TimelineQuery {
  scheduleId: number;
  /** Keep blocks whose scheduled window overlaps `[fromUnix, toUnix)`; either bound may be left out. */
  fromUnix?: number;
  toUnix?: number;
  /** Inclusive bounds on the raw priority. */
  priorityMin?: number;
  priorityMax?: number;
}

export interface TimelineBlock {
  scheduling_block_id: number;
  key: string;
  priority: number;
  priority_bucket: number;
  scheduled_start_mjd: number;
  scheduled_stop_mjd: number;
  scheduled_start_unix: number;
  scheduled_stop_unix: number;
  scheduled_duration_sec: number;
  requested_hours: number;
  ra_deg: number;
  dec_deg: number;
  total_visibility_hours: number;
}

export interface DarkPeriod {
  start_mjd: number;
  stop_mjd: number;
  start_unix: number;
  stop_unix: number;
}

/** A schedule's scheduled blocks in start order (SEMANTICS "Timeline read"); the figures are over the blocks returned. */
export interface Timeline {
  schedule_id: number;
  source: ReadSource;
  scheduled_count: number;
  priority_min: number | null;
  priority_max: number | null;
  /** Sorted distinct UTC 'YYYY-MM' of the starts. */
  months: string[];
  dark_periods: DarkPeriod[];
  blocks: TimelineBlock[];
}

/** One day in MJD is 86,400 s: a bound widened by this (≈ 86 ms) cannot lose a block to the millisecond rounding of the "Time" rule. */
const MJD_MARGIN = 1e-6;

const unixToMjd = (unix: number) => unix / 86_400 + MJD_UNIX_EPOCH;

function assertQuery(q: TimelineQuery): void {
  for (const name of ['fromUnix', 'toUnix', 'priorityMin', 'priorityMax'] as const) {
    if (q[name] !== undefined && !Number.isFinite(q[name])) throw new ParameterError(name, `must be a finite number, got ${q[name]}`);
  }
  if (q.fromUnix !== undefined && q.toUnix !== undefined && q.fromUnix >= q.toUnix) throw new ParameterError('fromUnix', `must be before toUnix (${q.fromUnix} >= ${q.toUnix})`);
  if (q.priorityMin !== undefined && q.priorityMax !== undefined && q.priorityMin > q.priorityMax) {
    throw new ParameterError('priorityMin', `(${q.priorityMin}) must not exceed priorityMax (${q.priorityMax})`);
  }
}

/** The exact filters, on the Unix-second windows ("Time" rule) and the raw priority. */
function keep(q: TimelineQuery, b: TimelineBlock): boolean {
  return (q.fromUnix === undefined || b.scheduled_stop_unix > q.fromUnix)
    && (q.toUnix === undefined || b.scheduled_start_unix < q.toUnix)
    && (q.priorityMin === undefined || b.priority >= q.priorityMin)
    && (q.priorityMax === undefined || b.priority <= q.priorityMax);
}

/** The schedule's dark periods, validated like visibility periods. @throws UnknownScheduleError, or TsiError naming the schedule for bad JSON. */
async function darkPeriods(store: Store, scheduleId: number): Promise<DarkPeriod[]> {
  const row = await store.db.selectFrom('schedules').select('dark_periods_json').where('schedule_id', '=', scheduleId).executeTakeFirst();
  if (row === undefined) throw new UnknownScheduleError(scheduleId);
  if (row.dark_periods_json === null) return [];
  const periods = new PeriodBuffer(16);
  const problem = scanVisibilityPeriods(row.dark_periods_json, periods);
  if (problem !== null) throw new TsiError(`schedule ${scheduleId}: bad dark_periods_json: ${problem} (fix the schedules row, or re-import the schedule with valid dark_periods)`);
  return Array.from({ length: periods.length }, (_, i) => ({
    start_mjd: periods.starts[i],
    stop_mjd: periods.stops[i],
    start_unix: mjdToUnix(periods.starts[i]),
    stop_unix: mjdToUnix(periods.stops[i]),
  }));
}

/** What a Timeline block needs of a per-block row: the same columns in both paths. */
type TimelineRow = Pick<
  BlockAnalyticsRow,
  'scheduling_block_id' | 'priority' | 'priority_bucket' | 'scheduled_start_mjd' | 'scheduled_stop_mjd' | 'scheduled_duration_sec'
  | 'requested_hours' | 'target_ra_deg' | 'target_dec_deg' | 'total_visibility_hours'
>;

function timelineBlock(r: TimelineRow, key: string): TimelineBlock {
  return {
    scheduling_block_id: Number(r.scheduling_block_id),
    key,
    priority: r.priority,
    priority_bucket: Number(r.priority_bucket),
    scheduled_start_mjd: r.scheduled_start_mjd!,
    scheduled_stop_mjd: r.scheduled_stop_mjd!,
    scheduled_start_unix: mjdToUnix(r.scheduled_start_mjd!),
    scheduled_stop_unix: mjdToUnix(r.scheduled_stop_mjd!),
    scheduled_duration_sec: r.scheduled_duration_sec!,
    requested_hours: r.requested_hours,
    ra_deg: r.target_ra_deg,
    dec_deg: r.target_dec_deg,
    total_visibility_hours: r.total_visibility_hours,
  };
}

/**
 * The Phase 1 rows of a Timeline, through `ix_sba_timeline`: the index
 * gives the schedule's scheduled rows in start order, and `toUnix` bounds
 * the range scan. Widened by MJD_MARGIN; `keep` then filters exactly.
 */
export function selectTimelineRows(db: Kysely<Database>, q: TimelineQuery) {
  let query = db
    .selectFrom('schedule_blocks_analytics as a')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'a.scheduling_block_id')
    .select([
      'a.scheduling_block_id', 'sb.original_block_id', 'a.priority', 'a.priority_bucket', 'a.scheduled_start_mjd', 'a.scheduled_stop_mjd',
      'a.scheduled_duration_sec', 'a.requested_hours', 'a.target_ra_deg', 'a.target_dec_deg', 'a.total_visibility_hours',
    ])
    .where('a.schedule_id', '=', q.scheduleId)
    .where('a.is_scheduled', '=', 1);
  if (q.toUnix !== undefined) query = query.where('a.scheduled_start_mjd', '<', unixToMjd(q.toUnix) + MJD_MARGIN);
  if (q.fromUnix !== undefined) query = query.where('a.scheduled_stop_mjd', '>', unixToMjd(q.fromUnix) - MJD_MARGIN);
  if (q.priorityMin !== undefined) query = query.where('a.priority', '>=', q.priorityMin);
  if (q.priorityMax !== undefined) query = query.where('a.priority', '<=', q.priorityMax);
  return query.orderBy('a.scheduled_start_mjd').orderBy('a.scheduling_block_id');
}

/** The Timeline blocks from the Phase 1 table; undefined when the schedule has no per-block analytics. */
async function analyticsTimeline(store: Store, q: TimelineQuery): Promise<TimelineBlock[] | undefined> {
  const rows = await selectTimelineRows(store.db, q).execute();
  if (rows.length === 0) return (await hasAnalyticsData(store, q.scheduleId)) ? [] : undefined;
  return rows.map((r) => timelineBlock(r, blockKey(r.original_block_id, Number(r.scheduling_block_id)))).filter((b) => keep(q, b));
}

/** The same from the source tables: the legacy join, SEMANTICS "Per block", then sort and filter. */
async function legacyTimeline(store: Store, q: TimelineQuery): Promise<TimelineBlock[]> {
  const keys = await fetchBlockKeys(store, q.scheduleId);
  return computePhase1Legacy(await fetchLegacyBlocks(store, q.scheduleId))
    .filter((r) => r.is_scheduled === 1)
    .map((r) => timelineBlock(r, keys.get(r.scheduling_block_id) ?? String(r.scheduling_block_id)))
    .filter((b) => keep(q, b))
    .sort((x, y) => x.scheduled_start_mjd - y.scheduled_start_mjd || x.scheduling_block_id - y.scheduling_block_id);
}

/** 'YYYY-MM' (UTC) of a Unix time. */
const month = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 7);

/**
 * The Timeline page: a schedule's scheduled blocks ordered by start, then
 * block id, with their keys, the schedule's dark periods, and the count,
 * priority range and months of the blocks returned (after the filters).
 * @throws UnknownScheduleError; ParameterError for a non-finite bound or from ≥ to;
 *   TsiError naming the schedule when its dark_periods_json is bad.
 */
export async function fetchTimeline(store: Store, query: TimelineQuery, options: ReadOptions = {}): Promise<Timeline> {
  assertQuery(query);
  const dark = await darkPeriods(store, query.scheduleId);
  const { value: blocks, source } = await withFallback('timeline', options, () => analyticsTimeline(store, query), () => legacyTimeline(store, query));
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of blocks) {
    lo = Math.min(lo, b.priority);
    hi = Math.max(hi, b.priority);
  }
  return {
    schedule_id: query.scheduleId,
    source,
    scheduled_count: blocks.length,
    priority_min: blocks.length > 0 ? lo : null,
    priority_max: blocks.length > 0 ? hi : null,
    months: [...new Set(blocks.map((b) => month(b.scheduled_start_unix)))].sort(),
    dark_periods: dark,
    blocks,
  };
}

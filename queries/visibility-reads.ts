import type { Store } from '../sql/store.js';
import { ParameterError } from '../base/errors.js';
import { decodeMinuteRanges } from '../stages/core/minute-range-codec.js';
import { MinuteRangeBuffer } from '../stages/core/period-math.js';
import type { VisibilityMetadataRow } from '../stages/core/minute-bin-accumulator.js';
import { priorityBucket } from './legacy/legacy-priority-bucket.js';
import { mjdToUnix } from './legacy/legacy-time.js';
import { HistogramCounter, assertHistogramParams, type HistogramBin } from './core/histogram-counter.js';
import { fetchLegacyBlocks } from './legacy/fetch-legacy-blocks.js';
import { histogramLegacy, minuteBinsLegacy } from './legacy/histogram-legacy.js';
import type { LegacyBlock } from './legacy/legacy-block.js';
import { readConsistently } from './consistent-read.js';
import { UseLegacy, withFallback, type ReadOptions } from './read-options.js';

export type { HistogramBin } from './core/histogram-counter.js';

export interface VisibilityMetadata extends VisibilityMetadataRow {
  schedule_id: number;
}

/** The Visibility Map query (SEMANTICS "Visibility histogram query"). */
export interface HistogramQuery {
  scheduleId: number;
  /** Unix seconds; default: the schedule's time range start. */
  startUnix?: number;
  /** Unix seconds; default: the schedule's time range end. */
  endUnix?: number;
  /** Output bin width in minutes, > 0. */
  binMinutes: number;
  /** Inclusive bounds on the raw priority. */
  priorityMin?: number;
  priorityMax?: number;
  /** Keep only these priority buckets (1..4). */
  buckets?: readonly number[];
  /** true: scheduled blocks only; false: unscheduled only. */
  scheduled?: boolean;
  /** Keep only these blocks. */
  blockIds?: readonly number[];
}

/** Block-id lists up to this size filter in SQL; longer ones in memory (SQL Server caps parameters). */
const MAX_SQL_IDS = 500;

const toNumber = (v: unknown) => (v === null ? null : Number(v));

async function metadataFromAnalytics(store: Store, scheduleId: number): Promise<VisibilityMetadata | undefined> {
  const row = await store.db.selectFrom('schedule_visibility_time_metadata').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirst();
  if (!row) return undefined;
  const { id: _id, created_at: _created, ...rest } = row;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k.startsWith('priority_') || k === 'mean_visible_per_bin' ? toNumber(v) : Number(v)])) as unknown as VisibilityMetadata;
}

function priorityRange(blocks: readonly LegacyBlock[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of blocks) {
    lo = Math.min(lo, b.priority);
    hi = Math.max(hi, b.priority);
  }
  return [lo, hi];
}

async function metadataFromLegacy(store: Store, scheduleId: number, blocks?: LegacyBlock[]): Promise<VisibilityMetadata> {
  const all = blocks ?? (await fetchLegacyBlocks(store, scheduleId));
  const [lo, hi] = priorityRange(all);
  return { schedule_id: scheduleId, ...minuteBinsLegacy(all, lo, hi).metadata };
}

/** The schedule's Phase 3 metadata (time range, bins, counts); legacy fallback recomputes it. */
export async function getVisibilityMetadata(store: Store, scheduleId: number, options: ReadOptions = {}): Promise<VisibilityMetadata> {
  const r = await withFallback('visibility-metadata', options, () => metadataFromAnalytics(store, scheduleId), () => metadataFromLegacy(store, scheduleId));
  return r.value;
}

/** True when the schedule has Phase 3 analytics (its metadata row). */
export async function hasVisibilityTimeBins(store: Store, scheduleId: number): Promise<boolean> {
  return (await metadataFromAnalytics(store, scheduleId)) !== undefined;
}

/** Deletes the schedule's Phase 3 analytics only; returns rows deleted. */
export async function deleteVisibilityTimeBins(store: Store, scheduleId: number): Promise<number> {
  return store.deleteAnalytics(scheduleId, [3]);
}

/** Parameter checks shared by both paths, as named errors. */
function checkQuery(q: HistogramQuery, start: number, end: number): void {
  try {
    assertHistogramParams(start, end, q.binMinutes);
  } catch (error) {
    // Its messages begin with the parameter's name.
    const [, parameter, problem] = /^(\w+) (.*)$/s.exec((error as Error).message) ?? [undefined, 'histogram', (error as Error).message];
    throw new ParameterError(parameter!, problem!);
  }
  if (q.buckets?.some((b) => ![1, 2, 3, 4].includes(b))) throw new ParameterError('buckets', `must be among 1, 2, 3, 4, got ${q.buckets.join(',')}`);
  if (q.priorityMin !== undefined && q.priorityMax !== undefined && q.priorityMin > q.priorityMax) {
    throw new ParameterError('priority_min', `(${q.priorityMin}) must not exceed priority_max (${q.priorityMax})`);
  }
}

/** The schedule's minute-aligned time range (SEMANTICS "Minute bins" with 60 s), or null without any valid period. */
type TimeRange = { start: number; end: number } | null;

function resolveRange(q: HistogramQuery, range: TimeRange): [number, number] {
  if ((q.startUnix === undefined || q.endUnix === undefined) && (range === null || range.start === range.end)) {
    throw new ParameterError('schedule_id', `schedule ${q.scheduleId} has no visibility periods: there is no time range to bin (give start_unix and end_unix)`);
  }
  return [q.startUnix ?? range!.start, q.endUnix ?? range!.end];
}

const isWholeMinute = (unix: number) => unix % 60 === 0;

/**
 * Analytics path: each block's merged minute ranges, filtered in SQL, fed
 * to one HistogramCounter: exact for whole-minute start, end and width.
 * Other inputs return UseLegacy so the exact legacy path answers.
 */
async function histogramFromAnalytics(store: Store, q: HistogramQuery): Promise<HistogramBin[] | UseLegacy | undefined> {
  const meta = await metadataFromAnalytics(store, q.scheduleId);
  if (!meta) return undefined;
  const explicit = q.startUnix !== undefined && q.endUnix !== undefined;
  // The stored range is on the stored bins' grid: the schedule's minute-aligned range only for 60 s bins.
  // Otherwise it comes from the blocks' minute ranges (a read of all of them, still far cheaper than parsing).
  const range = explicit || meta.bin_duration_seconds === 60
    ? { start: meta.time_range_start_unix, end: meta.time_range_end_unix }
    : await minuteAlignedRange(store, q.scheduleId);
  const [start, end] = resolveRange(q, range);
  checkQuery(q, start, end);
  if (!isWholeMinute(start) || !isWholeMinute(end) || !Number.isInteger(q.binMinutes)) {
    return new UseLegacy(`start ${start}, end ${end} and width ${q.binMinutes} min are not all whole minutes: the stored minute ranges cannot answer exactly`);
  }
  const fromBins = await histogramFromTimeBins(store, q, meta, start, end);
  if (fromBins) return fromBins;
  let query = store.db
    .selectFrom('schedule_block_visibility_ranges')
    .select(['scheduling_block_id', 'minute_ranges'])
    .where('schedule_id', '=', q.scheduleId);
  if (q.priorityMin !== undefined) query = query.where('priority', '>=', q.priorityMin);
  if (q.priorityMax !== undefined) query = query.where('priority', '<=', q.priorityMax);
  if (q.buckets !== undefined) query = q.buckets.length === 0 ? query.where('priority_bucket', '<', 0) : query.where('priority_bucket', 'in', [...q.buckets]);
  if (q.scheduled !== undefined) query = query.where('is_scheduled', '=', q.scheduled ? 1 : 0);
  const ids = q.blockIds;
  if (ids !== undefined && ids.length <= MAX_SQL_IDS) query = ids.length === 0 ? query.where('scheduling_block_id', '<', 0) : query.where('scheduling_block_id', 'in', [...ids]);
  const idSet = ids !== undefined && ids.length > MAX_SQL_IDS ? new Set(ids) : undefined;
  const counter = new HistogramCounter(start, end, q.binMinutes);
  const ranges = new MinuteRangeBuffer();
  for (const row of await query.execute()) {
    if (idSet && !idSet.has(Number(row.scheduling_block_id))) continue;
    counter.addBlock(decodeMinuteRanges(row.minute_ranges, ranges), ranges.count);
  }
  return counter.finish();
}

/**
 * The schedule's minute-aligned time range from its blocks' merged minute
 * ranges (each sorted: the first pair starts a block's visibility, the last
 * ends it), or null when no block has any.
 */
async function minuteAlignedRange(store: Store, scheduleId: number): Promise<TimeRange> {
  const rows = await store.db.selectFrom('schedule_block_visibility_ranges').select('minute_ranges').where('schedule_id', '=', scheduleId).execute();
  const ranges = new MinuteRangeBuffer();
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    const r = decodeMinuteRanges(row.minute_ranges, ranges);
    if (ranges.count === 0) continue;
    first = Math.min(first, r[0]);
    last = Math.max(last, r[2 * ranges.count - 1]);
  }
  return first === Infinity ? null : { start: first * 60, end: last * 60 };
}

/**
 * When the output bins are the stored bins (same width, on their grid) and
 * the filters are only buckets or only scheduled/unscheduled, the stored
 * counts are the answer: each counts a block once per bin, and the buckets
 * (and the two statuses) split the blocks without overlap, so their sum is
 * a distinct count too. Reads only the bins in range (W10k, one night at
 * 1-minute bins: ~1 ms instead of decoding every block's ranges).
 */
async function histogramFromTimeBins(store: Store, q: HistogramQuery, meta: VisibilityMetadata, start: number, end: number): Promise<HistogramBin[] | undefined> {
  const d = meta.bin_duration_seconds;
  const simpleFilter = q.priorityMin === undefined && q.priorityMax === undefined && q.blockIds === undefined
    && (q.buckets === undefined || q.scheduled === undefined);
  if (!simpleFilter || q.binMinutes * 60 !== d || start % d !== 0 || end % d !== 0 || meta.total_bins === 0) return undefined;
  const rows = await store.db
    .selectFrom('schedule_visibility_time_bins')
    .select(['bin_index', 'total_visible_count', 'priority_q1_count', 'priority_q2_count', 'priority_q3_count', 'priority_q4_count', 'scheduled_visible_count', 'unscheduled_visible_count'])
    .where('schedule_id', '=', q.scheduleId)
    .where('bin_index', '>=', (start - meta.time_range_start_unix) / d)
    .where('bin_index', '<', (end - meta.time_range_start_unix) / d)
    .execute();
  const buckets = q.buckets ? new Set(q.buckets) : undefined;
  const counts = new Float64Array((end - start) / d);
  const offset = (meta.time_range_start_unix - start) / d;
  for (const r of rows) {
    let count = Number(r.total_visible_count);
    if (q.scheduled !== undefined) count = Number(q.scheduled ? r.scheduled_visible_count : r.unscheduled_visible_count);
    else if (buckets) {
      count = (buckets.has(1) ? Number(r.priority_q1_count) : 0) + (buckets.has(2) ? Number(r.priority_q2_count) : 0)
        + (buckets.has(3) ? Number(r.priority_q3_count) : 0) + (buckets.has(4) ? Number(r.priority_q4_count) : 0);
    }
    counts[Number(r.bin_index) + offset] = count;
  }
  return Array.from(counts, (count, k) => ({ binStartUnix: start + k * d, binEndUnix: start + (k + 1) * d, count }));
}

/** The time range straight from the periods, without computing any bin. */
function legacyTimeRange(blocks: readonly LegacyBlock[]): TimeRange {
  let min = Infinity;
  let max = -Infinity;
  for (const b of blocks) {
    for (const p of b.periods) {
      min = Math.min(min, mjdToUnix(p.start));
      max = Math.max(max, mjdToUnix(p.stop));
    }
  }
  return min === Infinity ? null : { start: Math.floor(min / 60) * 60, end: Math.ceil(max / 60) * 60 };
}

/** Legacy path: the join, JSON.parse per block, the formula per bin. */
async function histogramFromLegacy(store: Store, q: HistogramQuery): Promise<HistogramBin[]> {
  const blocks = await fetchLegacyBlocks(store, q.scheduleId);
  if (blocks.length === 0) throw new ParameterError('schedule_id', `schedule ${q.scheduleId} has no blocks`);
  const [start, end] = resolveRange(q, q.startUnix !== undefined && q.endUnix !== undefined ? null : legacyTimeRange(blocks));
  checkQuery(q, start, end);
  const [lo, hi] = priorityRange(blocks);
  const ids = q.blockIds === undefined ? undefined : new Set(q.blockIds);
  const kept = blocks.filter((b) =>
    (q.priorityMin === undefined || b.priority >= q.priorityMin)
    && (q.priorityMax === undefined || b.priority <= q.priorityMax)
    && (q.buckets === undefined || q.buckets.includes(priorityBucket(b.priority, lo, hi)))
    && (q.scheduled === undefined || (b.scheduledStartMjd !== null && b.scheduledStopMjd !== null) === q.scheduled)
    && (ids === undefined || ids.has(b.blockId)));
  return histogramLegacy(kept, start, end, q.binMinutes);
}

/**
 * The Visibility Map histogram: for each output bin, the number of DISTINCT
 * blocks (after filters) visible at any moment in it, exact at any width.
 * Served from the per-block minute ranges; falls back to parsing the JSON.
 * @throws ParameterError for start ≥ end, width ≤ 0, a schedule with no data;
 *   UnknownScheduleError for a schedule that does not exist.
 */
export async function getVisibilityHistogram(store: Store, query: HistogramQuery, options: ReadOptions = {}): Promise<HistogramBin[]> {
  // The metadata and the ranges or time bins it reads must come from the same populate.
  const analytics = () => readConsistently(store, query.scheduleId, () => histogramFromAnalytics(store, query));
  const r = await withFallback('visibility-histogram', options, analytics, () => histogramFromLegacy(store, query));
  return r.value;
}

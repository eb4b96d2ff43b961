// STAND-IN: replaced by the real read at merge (the Timeline read is built in issue I).
// A simple, correct implementation over the Phase 1 reads, so the report and its tests run before the merge.
import type { Store } from '../sql/store.js';
import { TsiError } from '../base/errors.js';
import { mjdToUnix } from '../stages/core/time.js';
import { fetchDistributionBlocks, fetchSkyMapBlocks } from './block-reads.js';
import type { ReadOptions, ReadSource } from './read-options.js';
import { scheduleBlockKeys } from './stand-in-block-keys.js';

export interface TimelineQuery { scheduleId: number; fromUnix?: number; toUnix?: number; priorityMin?: number; priorityMax?: number }
export interface TimelineBlock {
  scheduling_block_id: number; key: string; priority: number; priority_bucket: number;
  scheduled_start_mjd: number; scheduled_stop_mjd: number; scheduled_start_unix: number; scheduled_stop_unix: number;
  scheduled_duration_sec: number; requested_hours: number; ra_deg: number; dec_deg: number; total_visibility_hours: number;
}
export interface DarkPeriod { start_mjd: number; stop_mjd: number; start_unix: number; stop_unix: number }
export interface Timeline {
  schedule_id: number; source: 'analytics' | 'legacy'; scheduled_count: number;
  priority_min: number | null; priority_max: number | null; months: string[];
  dark_periods: DarkPeriod[]; blocks: TimelineBlock[];
}

async function darkPeriods(store: Store, scheduleId: number): Promise<DarkPeriod[]> {
  const row = await store.db.selectFrom('schedules').select('dark_periods_json').where('schedule_id', '=', scheduleId).executeTakeFirst();
  if (!row?.dark_periods_json) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.dark_periods_json);
  } catch {
    throw new TsiError(`schedule ${scheduleId}: bad dark_periods_json: not JSON`);
  }
  if (!Array.isArray(parsed)) throw new TsiError(`schedule ${scheduleId}: bad dark_periods_json: not an array`);
  return parsed.map((p: { start?: unknown; stop?: unknown }) => {
    if (typeof p?.start !== 'number' || typeof p?.stop !== 'number' || !(p.stop >= p.start)) throw new TsiError(`schedule ${scheduleId}: bad dark_periods_json: a period needs numeric start <= stop`);
    return { start_mjd: p.start, stop_mjd: p.stop, start_unix: mjdToUnix(p.start), stop_unix: mjdToUnix(p.stop) };
  });
}

export async function fetchTimeline(store: Store, query: TimelineQuery, options: ReadOptions = {}): Promise<Timeline> {
  let source: ReadSource = 'analytics';
  const noteSource = { ...options, onSource: (read: string, s: ReadSource) => { if (s === 'legacy') source = s; options.onSource?.(read, s); } };
  const [sky, dist, keys] = [await fetchSkyMapBlocks(store, query.scheduleId, noteSource), await fetchDistributionBlocks(store, query.scheduleId, noteSource), await scheduleBlockKeys(store, query.scheduleId)];
  const hours = new Map(dist.map((d) => [d.scheduling_block_id, d.total_visibility_hours]));
  const blocks: TimelineBlock[] = [];
  for (const b of sky) {
    if (!b.is_scheduled || b.scheduled_start_mjd === null || b.scheduled_stop_mjd === null) continue;
    const start = mjdToUnix(b.scheduled_start_mjd);
    const stop = mjdToUnix(b.scheduled_stop_mjd);
    if (query.priorityMin !== undefined && b.priority < query.priorityMin) continue;
    if (query.priorityMax !== undefined && b.priority > query.priorityMax) continue;
    if (query.fromUnix !== undefined && !(stop > query.fromUnix)) continue;
    if (query.toUnix !== undefined && !(start < query.toUnix)) continue;
    blocks.push({
      scheduling_block_id: b.scheduling_block_id, key: keys.get(b.scheduling_block_id) ?? String(b.scheduling_block_id),
      priority: b.priority, priority_bucket: b.priority_bucket,
      scheduled_start_mjd: b.scheduled_start_mjd, scheduled_stop_mjd: b.scheduled_stop_mjd, scheduled_start_unix: start, scheduled_stop_unix: stop,
      scheduled_duration_sec: (b.scheduled_stop_mjd - b.scheduled_start_mjd) * 86400, requested_hours: b.requested_hours,
      ra_deg: b.target_ra_deg, dec_deg: b.target_dec_deg, total_visibility_hours: hours.get(b.scheduling_block_id) ?? 0,
    });
  }
  blocks.sort((x, y) => x.scheduled_start_mjd - y.scheduled_start_mjd || x.scheduling_block_id - y.scheduling_block_id);
  const priorities = blocks.map((b) => b.priority);
  return {
    schedule_id: query.scheduleId, source, scheduled_count: blocks.length,
    priority_min: blocks.length ? Math.min(...priorities) : null, priority_max: blocks.length ? Math.max(...priorities) : null,
    months: [...new Set(blocks.map((b) => new Date(b.scheduled_start_unix * 1000).toISOString().slice(0, 7)))].sort(),
    dark_periods: await darkPeriods(store, query.scheduleId), blocks,
  };
}

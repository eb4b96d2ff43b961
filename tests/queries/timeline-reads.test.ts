import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ParameterError, UnknownScheduleError } from '../../base/errors.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { fetchTimeline, selectTimelineRows, type TimelineQuery } from '../../queries/timeline-reads.js';
import { mjdToUnix } from '../../stages/core/time.js';
import { setOriginalIds } from '../compare-fixtures.js';
import { close, insertSchedule, periodsJson, withStore } from '../helpers.js';

const DAY = 86_400;

describe('fetchTimeline', () => {
  it('answers the same from the analytics table and the legacy path, with and without filters', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 300, days: 6, seed: 5 });
      await populateSchedule(store, scheduleId);
      const [first, second] = (await fetchTimeline(store, { scheduleId })).blocks.map((b) => b.scheduling_block_id);
      await setOriginalIds(store, new Map([[first, ' orig-1 '], [second, '']]));
      const all = await fetchTimeline(store, { scheduleId });
      const start = all.blocks[0].scheduled_start_unix;
      const queries: TimelineQuery[] = [
        { scheduleId },
        { scheduleId, fromUnix: start + DAY, toUnix: start + 3 * DAY },
        { scheduleId, priorityMin: 3, priorityMax: 7 },
        { scheduleId, fromUnix: start + 2 * DAY, priorityMax: 5 },
      ];
      for (const q of queries) {
        const analytics = await fetchTimeline(store, q);
        const legacy = await fetchTimeline(store, q, { useAnalyticsTable: false });
        expect([analytics.source, legacy.source]).toEqual(['analytics', 'legacy']);
        expect(analytics.blocks.map((b) => b.scheduling_block_id)).toEqual(legacy.blocks.map((b) => b.scheduling_block_id));
        analytics.blocks.forEach((b, i) => {
          for (const [k, v] of Object.entries(legacy.blocks[i])) {
            if (typeof v === 'number') expect(close(b[k as keyof typeof b] as number, v), k).toBe(true);
            else expect(b[k as keyof typeof b]).toEqual(v);
          }
        });
        expect({ ...analytics, source: '', blocks: [] }).toEqual({ ...legacy, source: '', blocks: [] });
      }
      expect(all.scheduled_count).toBeGreaterThan(50);
      expect(all.blocks.slice(0, 3).map((b) => b.key)).toEqual(['orig-1', String(second), String(all.blocks[2].scheduling_block_id)]);
    });
  });

  it('orders by start, then block id; filters by overlap with [from, to) and inclusive priority', async () => {
    await withStore(async (store) => {
      const m = 60_700;
      const { scheduleId, blockIds } = await insertSchedule(store, [
        { json: null, priority: 1, scheduled: [m + 0.5, m + 0.6] },
        { json: null, priority: 2, scheduled: [m + 0.1, m + 0.2] },
        { json: null, priority: 3, scheduled: [m + 0.1, m + 0.3] },
        { json: null, priority: 4 },
        { json: null, priority: 5, scheduled: [m + 31, m + 31.5] },
      ]);
      await populateSchedule(store, scheduleId);
      for (const options of [{}, { useAnalyticsTable: false }]) {
        const ids = async (q: Omit<TimelineQuery, 'scheduleId'>) => (await fetchTimeline(store, { scheduleId, ...q }, options)).blocks.map((b) => blockIds.indexOf(b.scheduling_block_id));
        expect(await ids({})).toEqual([1, 2, 0, 4]);
        const at = (d: number) => mjdToUnix(m + d);
        // [from, to) overlaps [start, stop) iff start < to and stop > from.
        expect(await ids({ fromUnix: at(0.2), toUnix: at(0.5) })).toEqual([2]);
        expect(await ids({ fromUnix: at(0.2) - 0.001, toUnix: at(0.5) + 0.001 })).toEqual([1, 2, 0]);
        expect(await ids({ fromUnix: at(1) })).toEqual([4]);
        expect(await ids({ priorityMin: 2, priorityMax: 3 })).toEqual([1, 2]);
        const t = await fetchTimeline(store, { scheduleId }, options);
        expect([t.scheduled_count, t.priority_min, t.priority_max, t.months]).toEqual([4, 1, 5, ['2025-01', '2025-02']]);
        const none = await fetchTimeline(store, { scheduleId, priorityMin: 100 }, options);
        expect([none.source, none.scheduled_count, none.priority_min, none.months]).toEqual(['useAnalyticsTable' in options ? 'legacy' : 'analytics', 0, null, []]);
      }
    });
  });

  it('returns the dark periods, and names the schedule when they are bad', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60_700, 60_701]]) }]);
      const setDark = (json: string | null) => store.db.updateTable('schedules').set({ dark_periods_json: json }).where('schedule_id', '=', scheduleId).execute();
      expect((await fetchTimeline(store, { scheduleId })).dark_periods).toEqual([]);
      await setDark(periodsJson([[60_700.25, 60_700.75]]));
      expect((await fetchTimeline(store, { scheduleId })).dark_periods).toEqual([
        { start_mjd: 60_700.25, stop_mjd: 60_700.75, start_unix: mjdToUnix(60_700.25), stop_unix: mjdToUnix(60_700.75) },
      ]);
      await setDark('[{"start": 2, "stop": 1}]');
      await expect(fetchTimeline(store, { scheduleId })).rejects.toThrow(new RegExp(`^schedule ${scheduleId}: bad dark_periods_json: `));
    });
  });

  it('is served through the Timeline index, its range bounded by the end of the window', async () => {
    await withStore(async (store, path) => {
      const q = selectTimelineRows(store.db, { scheduleId: 1, toUnix: 1_800_000_000, priorityMin: 2 }).compile();
      const raw = new BetterSqlite3(path, { readonly: true });
      const plan = (raw.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.parameters as unknown[]) as { detail: string }[]).map((r) => r.detail);
      raw.close();
      expect(plan).toContain('SEARCH a USING INDEX ix_sba_timeline (schedule_id=? AND is_scheduled=? AND scheduled_start_mjd<?)');
    });
  });

  it('rejects an unknown schedule and bad bounds', async () => {
    await withStore(async (store) => {
      await expect(fetchTimeline(store, { scheduleId: 42 })).rejects.toThrow(UnknownScheduleError);
      await expect(fetchTimeline(store, { scheduleId: 42, fromUnix: 10, toUnix: 10 })).rejects.toThrow(ParameterError);
      await expect(fetchTimeline(store, { scheduleId: 42, priorityMin: Number.NaN })).rejects.toThrow(ParameterError);
    });
  });
});

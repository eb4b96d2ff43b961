import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { populateSchedule } from '../../pipeline/populate.js';
import { ParameterError, UnknownScheduleError } from '../../base/errors.js';
import { deleteVisibilityTimeBins, getVisibilityHistogram, getVisibilityMetadata, hasVisibilityTimeBins } from '../../queries/visibility-reads.js';
import { insertSchedule, periodsJson, runCli, withStore, type HandBlock } from '../helpers.js';

const MJD0 = 60676; // 2025-01-01T00:00Z = Unix 1735689600
const UNIX0 = 1735689600;

/** Random blocks over two days: periods at odd second offsets, zero-length ones, overlaps, unsorted order. */
const blockArb: fc.Arbitrary<HandBlock> = fc.record({
  priority: fc.integer({ min: 0, max: 8 }).map((p) => p / 2),
  periods: fc.array(
    fc.tuple(fc.integer({ min: 0, max: 2 * 86400 }), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 * 3600 }))),
    { maxLength: 6 },
  ),
  scheduled: fc.boolean(),
}).map(({ priority, periods, scheduled }) => ({
  priority,
  json: periodsJson(periods.map(([s, len]) => [MJD0 + s / 86400, MJD0 + (s + len) / 86400])),
  scheduled: scheduled ? [MJD0 + 0.1, MJD0 + 0.2] : undefined,
}));

const queryArb = fc.record({
  startMinute: fc.integer({ min: -120, max: 2 * 1440 }),
  lengthMinutes: fc.integer({ min: 1, max: 3 * 1440 }),
  binMinutes: fc.oneof(fc.constant(1), fc.constant(60), fc.constant(1440), fc.integer({ min: 1, max: 1440 })),
  priorityMin: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  buckets: fc.option(fc.subarray([1, 2, 3, 4], { minLength: 1 }), { nil: undefined }),
  scheduled: fc.option(fc.boolean(), { nil: undefined }),
});

describe('getVisibilityHistogram', () => {
  it('analytics path equals the legacy path for random schedules, widths and filters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(blockArb, { minLength: 1, maxLength: 12 }), fc.array(queryArb, { minLength: 1, maxLength: 4 }), async (blocks, queries) => {
        await withStore(async (store) => {
          const { scheduleId, blockIds } = await insertSchedule(store, blocks);
          await populateSchedule(store, scheduleId);
          for (const q of queries) {
            const query = {
              scheduleId,
              startUnix: UNIX0 + q.startMinute * 60,
              endUnix: UNIX0 + (q.startMinute + q.lengthMinutes) * 60,
              binMinutes: q.binMinutes,
              priorityMin: q.priorityMin,
              buckets: q.buckets,
              scheduled: q.scheduled,
              blockIds: q.priorityMin === 3 ? blockIds.slice(0, 3) : undefined,
            };
            const fast = await getVisibilityHistogram(store, query);
            const legacy = await getVisibilityHistogram(store, query, { useAnalyticsTable: false });
            expect(fast).toEqual(legacy);
          }
        });
      }),
      { numRuns: 40 },
    );
  });

  it('over the whole range, with stored bins of any width, the analytics path answers (no fallback) what the legacy path does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(blockArb, { minLength: 1, maxLength: 12 }), fc.constantFrom(60, 120, 3600), fc.array(queryArb, { minLength: 1, maxLength: 3 }),
        async (blocks, binSeconds, queries) => {
          await withStore(async (store) => {
            const { scheduleId } = await insertSchedule(store, blocks);
            await populateSchedule(store, scheduleId, { binSeconds });
            for (const q of queries) {
              const query = { scheduleId, binMinutes: q.binMinutes, priorityMin: q.priorityMin, buckets: q.buckets, scheduled: q.scheduled };
              const sources: string[] = [];
              const fast = await getVisibilityHistogram(store, query, { onSource: (_read, source) => sources.push(source) }).catch((e: unknown) => e);
              const legacy = await getVisibilityHistogram(store, query, { useAnalyticsTable: false }).catch((e: unknown) => e);
              expect(fast).toEqual(legacy);
              if (!(fast instanceof Error)) expect(sources).toEqual(['analytics']);
            }
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('counts a block once per bin however many of its minutes are visible (no SUM), and across minutes (no MAX)', async () => {
    await withStore(async (store) => {
      // Block A visible minutes 0-9, block B minutes 20-29: a 60-minute bin holds both once each.
      const { scheduleId } = await insertSchedule(store, [
        { json: periodsJson([[MJD0, MJD0 + 600 / 86400]]) },
        { json: periodsJson([[MJD0 + 1200 / 86400, MJD0 + 1800 / 86400]]) },
      ]);
      await populateSchedule(store, scheduleId);
      const bins = await getVisibilityHistogram(store, { scheduleId, startUnix: UNIX0, endUnix: UNIX0 + 3600, binMinutes: 60 });
      expect(bins).toEqual([{ binStartUnix: UNIX0, binEndUnix: UNIX0 + 3600, count: 2 }]);
      const minutes = await getVisibilityHistogram(store, { scheduleId, startUnix: UNIX0, endUnix: UNIX0 + 3600, binMinutes: 1 });
      expect(minutes.map((b) => b.count).reduce((a, b) => a + b)).toBe(20);
      // Default range = the schedule's time range; last bin truncated at the end.
      const whole = await getVisibilityHistogram(store, { scheduleId, binMinutes: 7 });
      expect(whole[0].binStartUnix).toBe(UNIX0);
      expect(whole[whole.length - 1].binEndUnix).toBe(UNIX0 + 1800);
    });
  });

  it('answers stored-width queries with bucket or status filters from the time bins alone', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [
        { priority: 1, json: periodsJson([[MJD0, MJD0 + 0.01], [MJD0 + 0.02, MJD0 + 0.03]]), scheduled: [MJD0, MJD0 + 0.01] },
        { priority: 9, json: periodsJson([[MJD0 + 0.005, MJD0 + 0.025]]) },
        { priority: 5, json: periodsJson([[MJD0 + 0.001, MJD0 + 0.002]]) },
      ]);
      await populateSchedule(store, scheduleId);
      // Without the per-block ranges only the time bins can give the right answer.
      await store.db.deleteFrom('schedule_block_visibility_ranges').where('schedule_id', '=', scheduleId).execute();
      const base = { scheduleId, startUnix: UNIX0 - 120, endUnix: UNIX0 + 3000, binMinutes: 1 };
      for (const filter of [{}, { buckets: [1, 3] }, { buckets: [4] }, { scheduled: true }, { scheduled: false }]) {
        const q = { ...base, ...filter };
        const bins = await getVisibilityHistogram(store, q);
        expect(bins).toEqual(await getVisibilityHistogram(store, q, { useAnalyticsTable: false }));
        expect(bins.some((b) => b.count > 0)).toBe(true);
      }
    });
  });

  it('rejects bad parameters with errors naming them', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[MJD0, MJD0 + 0.1]]) }]);
      const empty = await insertSchedule(store, [{ json: '[]' }], 'empty');
      await populateSchedule(store, scheduleId);
      await populateSchedule(store, empty.scheduleId);
      const bad = (q: object) => getVisibilityHistogram(store, { scheduleId, binMinutes: 60, ...q }).catch((e: unknown) => e);
      const e1 = await bad({ startUnix: UNIX0 + 60, endUnix: UNIX0 });
      expect(e1).toBeInstanceOf(ParameterError);
      expect((e1 as Error).message).toMatch(/start_unix/);
      const e2 = await bad({ binMinutes: 0 });
      expect((e2 as Error).message).toMatch(/bin_duration_minutes/);
      const e3 = await bad({ binMinutes: -5 });
      expect(e3).toBeInstanceOf(ParameterError);
      expect(await getVisibilityHistogram(store, { scheduleId: 999, binMinutes: 60, startUnix: UNIX0, endUnix: UNIX0 + 60 }).catch((e: unknown) => e)).toBeInstanceOf(UnknownScheduleError);
      const e5 = await getVisibilityHistogram(store, { scheduleId: empty.scheduleId, binMinutes: 60 }).catch((e: unknown) => e);
      expect(e5).toBeInstanceOf(ParameterError);
      expect((e5 as Error).message).toMatch(/no visibility periods/);
    });
  });

  it('answers non-minute-aligned ranges exactly through the legacy path', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[MJD0 + 10 / 86400, MJD0 + 20 / 86400]]) }]);
      await populateSchedule(store, scheduleId);
      const bins = await getVisibilityHistogram(store, { scheduleId, startUnix: UNIX0 + 20, endUnix: UNIX0 + 80, binMinutes: 1 });
      // [start+20, start+80): the period [10, 20) ends exactly where the bin starts → not visible.
      expect(bins).toEqual([{ binStartUnix: UNIX0 + 20, binEndUnix: UNIX0 + 80, count: 0 }]);
    });
  });
});

describe('visibility metadata', () => {
  it('analytics equals legacy; delete removes phase 3 only and the reads fall back', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [
        { priority: 1, json: periodsJson([[MJD0 + 0.001, MJD0 + 0.25]]) },
        { priority: 5, json: periodsJson([[MJD0 + 0.1, MJD0 + 0.3]]), scheduled: [MJD0 + 0.1, MJD0 + 0.2] },
        { priority: 3, json: '[]' },
      ]);
      await populateSchedule(store, scheduleId);
      const meta = await getVisibilityMetadata(store, scheduleId);
      expect(meta).toEqual(await getVisibilityMetadata(store, scheduleId, { useAnalyticsTable: false }));
      expect(meta.time_range_start_unix).toBe(UNIX0 + 60);
      expect(meta.time_range_end_unix).toBe(UNIX0 + 0.3 * 86400);
      expect([meta.total_blocks, meta.blocks_with_visibility, meta.max_visible_in_bin]).toEqual([3, 2, 2]);
      expect(await hasVisibilityTimeBins(store, scheduleId)).toBe(true);
      const before = await getVisibilityHistogram(store, { scheduleId, binMinutes: 30 });
      expect(await deleteVisibilityTimeBins(store, scheduleId)).toBeGreaterThan(0);
      expect(await hasVisibilityTimeBins(store, scheduleId)).toBe(false);
      expect(await getVisibilityHistogram(store, { scheduleId, binMinutes: 30 })).toEqual(before);
      expect(await getVisibilityMetadata(store, scheduleId)).toEqual(meta);
    });
  });
});

describe('tsi-etl histogram', () => {
  it('prints JSON bins with snake_case keys, and exits 2 on a bad width', async () => {
    await withStore(async (store, path) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[MJD0, MJD0 + 1 / 24]]) }]);
      await populateSchedule(store, scheduleId);
      const r = runCli(['histogram', '--db', path, '--schedule', String(scheduleId), '--bin-minutes', '30', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([
        { bin_start_unix: UNIX0, bin_end_unix: UNIX0 + 1800, count: 1 },
        { bin_start_unix: UNIX0 + 1800, bin_end_unix: UNIX0 + 3600, count: 1 },
      ]);
      const bad = runCli(['histogram', '--db', path, '--schedule', String(scheduleId), '--bin-minutes', '0']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    });
  });
});

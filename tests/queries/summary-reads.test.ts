import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { BadInputError, UnknownScheduleError } from '../../base/errors.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { fetchLegacyBlocks } from '../../queries/legacy/fetch-legacy-blocks.js';
import { computePhase2Legacy } from '../../queries/legacy/phase2-legacy.js';
import {
  deleteSummaryAnalytics,
  getHeatmapBins,
  getPriorityRates,
  getScheduleSummary,
  getSummaryReport,
  getVisibilityBins,
  hasSummaryAnalytics,
  type SummaryReadOptions,
} from '../../queries/summary-reads.js';
import type { AnalyticsReplaceTx, Store } from '../../sql/store.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { close, insertSchedule, periodsJson, tableRows, withStore } from '../helpers.js';
import { maxOf } from '../../base/array-extent.js';

const PHASE2_TABLES = ['schedule_summary_analytics', 'schedule_priority_rates', 'schedule_visibility_bins', 'schedule_heatmap_bins'];

/** Same rows in the same order with the same keys; numbers equal to a relative 1e-9 (SEMANTICS), nulls equal. */
function expectClose(actual: object[], expected: object[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => {
    const got = row as Record<string, unknown>;
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected[i]).sort());
    for (const [key, want] of Object.entries(expected[i])) {
      if (typeof want === 'number' && typeof got[key] === 'number' && close(got[key] as number, want)) continue;
      expect({ row: i, [key]: got[key] }).toEqual({ row: i, [key]: want });
    }
  });
}

/**
 * A real pino logger into memory, keeping withFallback's events (debug or warn) of the
 * times it tried the analytics path and the legacy path answered; a disabled path is not a fall back.
 */
function recordingLogger() {
  const messages: string[] = [];
  const log = pino({ level: 'debug' }, {
    write: (line: string) => {
      const event = JSON.parse(line) as { msg: string; reason?: string };
      if (!event.reason?.startsWith('disabled')) messages.push(event.msg);
    },
  });
  return { log, messages };
}

/** The four reads, each on its own, with whether any of them fell back from the analytics path. */
async function readAll(store: Store, scheduleId: number, options: SummaryReadOptions = {}) {
  const { log, messages } = recordingLogger();
  const o = { ...options, log };
  const result = {
    summary: await getScheduleSummary(store, scheduleId, o),
    rates: await getPriorityRates(store, scheduleId, o),
    visibility: await getVisibilityBins(store, scheduleId, o),
    heatmap: await getHeatmapBins(store, scheduleId, o),
  };
  return { ...result, fellBack: messages.length > 0 };
}

function expectSameReads(a: Awaited<ReturnType<typeof readAll>>, b: Awaited<ReturnType<typeof readAll>>): void {
  expectClose([a.summary], [b.summary]);
  expectClose(a.rates, b.rates);
  expectClose(a.visibility, b.visibility);
  expectClose(a.heatmap, b.heatmap);
}

async function generated(store: Store, blocks: number, days = 30): Promise<number> {
  return (await loadGeneratedSchedule(store, { blocks, days, seed: 5 })).scheduleId;
}

describe('summary reads on a hand-made schedule', () => {
  // b1..b6: visibility 12, 6, 0, 0, 18, 3 h; scheduled b1 [.1,.3], b2 [.2,.4], b3 [.4,.5], b6 [.25,.35] (MJD 60000 + x).
  const blocks = [
    { priority: 1, json: periodsJson([[60000, 60000.5]]), scheduled: [60000.1, 60000.3] as [number, number] },
    { priority: 4, json: periodsJson([[60000, 60000.25]]), scheduled: [60000.2, 60000.4] as [number, number] },
    { priority: 2.5, json: '[]', scheduled: [60000.4, 60000.5] as [number, number] },
    { priority: 10, json: null },
    { priority: 3, json: periodsJson([[60001, 60001.5], [60001.25, 60001.75]]) },
    { priority: 7, json: periodsJson([[60002, 60002.125]]), scheduled: [60000.25, 60000.35] as [number, number] },
  ];

  it('gives the hand-computed summary, rates and bins on both paths', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, blocks);
      await populateSchedule(store, scheduleId);
      for (const useAnalyticsTable of [true, false]) {
        const r = await readAll(store, scheduleId, { useAnalyticsTable });
        expect(r.fellBack).toBe(false);
        expectClose([r.summary], [{
          schedule_id: scheduleId,
          total_blocks: 6,
          scheduled_blocks: 4,
          unscheduled_blocks: 2,
          impossible_blocks: 2,
          invalid_visibility_blocks: 0,
          scheduling_rate: 4 / 6,
          priority_min: 1,
          priority_max: 10,
          priority_mean: 27.5 / 6,
          // sorted 1, 2.5, 3, 4, 7, 10: the mean of the two middle values
          priority_median: 3.5,
          priority_scheduled_mean: (1 + 4 + 2.5 + 7) / 4,
          priority_unscheduled_mean: (10 + 3) / 2,
          visibility_total_hours: 39,
          visibility_mean_hours: 6.5,
          visibility_min_hours: 0,
          visibility_max_hours: 18,
          requested_total_hours: 6,
          requested_mean_hours: 1,
          scheduled_total_hours: (0.2 + 0.2 + 0.1 + 0.1) * 24,
          // ranks: priority 1,4,2,6,3,5; visibility 5,4,1.5,1.5,6,3 → Σdxdy = -7.5, Σdx² = 17.5, Σdy² = 17
          corr_priority_visibility: -7.5 / Math.sqrt(17.5 * 17),
          // requested is constant
          corr_priority_requested: null,
          corr_visibility_requested: null,
          // b1-b2, b1-b6, b2-b6; b2-b3 only touch at .4
          conflict_count: 3,
          n_bins: 10,
          // the windows make one interval [.1, .5] (b3 touches b2 at .4): no gap
          scheduled_union_hours: 0.4 * 24,
          gap_count: 0,
          gap_total_hours: null,
          gap_mean_hours: null,
          gap_median_hours: null,
          gap_p90_hours: null,
          gap_max_hours: null,
        }]);
        expectClose(r.rates, [
          { priority_value: 1, total_count: 1, scheduled_count: 1, scheduling_rate: 1, visibility_mean_hours: 12, requested_mean_hours: 1 },
          // 2.5 rounds away from zero, joining 3
          { priority_value: 3, total_count: 2, scheduled_count: 1, scheduling_rate: 0.5, visibility_mean_hours: 9, requested_mean_hours: 1 },
          { priority_value: 4, total_count: 1, scheduled_count: 1, scheduling_rate: 1, visibility_mean_hours: 6, requested_mean_hours: 1 },
          { priority_value: 7, total_count: 1, scheduled_count: 1, scheduling_rate: 1, visibility_mean_hours: 3, requested_mean_hours: 1 },
          { priority_value: 10, total_count: 1, scheduled_count: 0, scheduling_rate: 0, visibility_mean_hours: 0, requested_mean_hours: 1 },
        ]);
        // width 1.8 h over [0, 18]: 0 → 0, 3 → 1, 6 → 3, 12 → 6, 18 → 9 (the last bin)
        const bin = (i: number, total: number, scheduled: number) => ({
          bin_index: i, bin_min_hours: 1.8 * i, bin_max_hours: 1.8 * (i + 1), bin_mid_hours: 1.8 * i + 0.9,
          total_count: total, scheduled_count: scheduled, scheduling_rate: scheduled / total,
        });
        expectClose(r.visibility, [bin(0, 2, 1), bin(1, 1, 1), bin(3, 1, 1), bin(6, 1, 1), bin(9, 1, 0)]);
        // the requested axis is constant: one time bin with midpoint 1 h
        expectClose(r.heatmap, [bin(0, 2, 1), bin(1, 1, 1), bin(3, 1, 1), bin(6, 1, 1), bin(9, 1, 0)].map((b) => ({
          visibility_bin_index: b.bin_index, time_bin_index: 0, visibility_mid_hours: b.bin_mid_hours, time_mid_hours: 1,
          total_count: b.total_count, scheduled_count: b.scheduled_count, scheduling_rate: b.scheduling_rate,
        })));
      }
    });
  });

  it('answers an empty schedule from its stored rows without falling back', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, []);
      await populateSchedule(store, scheduleId);
      const stored = await readAll(store, scheduleId);
      expect(stored.fellBack).toBe(false);
      expect([stored.summary.total_blocks, stored.summary.scheduling_rate, stored.summary.priority_median]).toEqual([0, 0, null]);
      expect([stored.rates, stored.visibility, stored.heatmap]).toEqual([[], [], []]);
      expectSameReads(stored, await readAll(store, scheduleId, { useAnalyticsTable: false }));
    });
  });

  it('rejects an unknown schedule on either path', async () => {
    await withStore(async (store) => {
      await expect(getScheduleSummary(store, 4242)).rejects.toBeInstanceOf(UnknownScheduleError);
      await expect(getSummaryReport(store, 4242, { useAnalyticsTable: false })).rejects.toBeInstanceOf(UnknownScheduleError);
      expect(await hasSummaryAnalytics(store, 4242)).toBe(false);
    });
  });
});

describe('summary reads on a generated schedule (300 blocks × 30 days, seed 5)', () => {
  it('the analytics and legacy paths agree on all four reads, and the report matches them', async () => {
    await withStore(async (store) => {
      const scheduleId = await generated(store, 300);
      await populateSchedule(store, scheduleId);
      const stored = await readAll(store, scheduleId);
      const legacy = await readAll(store, scheduleId, { useAnalyticsTable: false });
      expect(stored.fellBack).toBe(false);
      expect(stored.summary.total_blocks).toBe(300);
      expect(stored.summary.scheduled_blocks).toBeGreaterThan(0);
      expect(stored.visibility.length).toBeGreaterThan(1);
      expect(stored.heatmap.length).toBeGreaterThan(1);
      expectSameReads(stored, legacy);
      // sorted as the accumulator sorts
      expect(stored.rates.map((r) => r.priority_value)).toEqual(stored.rates.map((r) => r.priority_value).sort((a, b) => a - b));
      const cells = stored.heatmap.map((c) => c.visibility_bin_index * 100 + c.time_bin_index);
      expect(cells).toEqual([...cells].sort((a, b) => a - b));

      const report = await getSummaryReport(store, scheduleId);
      expect(report).toEqual({ summary: stored.summary, priority_rates: stored.rates, visibility_bins: stored.visibility, heatmap_bins: stored.heatmap, source: 'analytics' });
      const legacyReport = await getSummaryReport(store, scheduleId, { useAnalyticsTable: false });
      expect(legacyReport.source).toBe('legacy');
      expectClose(legacyReport.visibility_bins, stored.visibility);
    });
  });

  it('falls back to the legacy path with the same values once the Phase 2 rows are deleted', async () => {
    await withStore(async (store) => {
      const scheduleId = await generated(store, 300);
      expect(await hasSummaryAnalytics(store, scheduleId)).toBe(false);
      await populateSchedule(store, scheduleId, { phases: [1] });
      expect(await hasSummaryAnalytics(store, scheduleId)).toBe(false);
      await populateSchedule(store, scheduleId);
      expect(await hasSummaryAnalytics(store, scheduleId)).toBe(true);
      const stored = await readAll(store, scheduleId);
      const blockRows = await tableRows(store, 'schedule_blocks_analytics', scheduleId);
      const counts = await Promise.all(PHASE2_TABLES.map(async (t) => (await tableRows(store, t, scheduleId)).length));

      expect(await deleteSummaryAnalytics(store, scheduleId)).toBe(counts.reduce((a, b) => a + b, 0));
      expect(await hasSummaryAnalytics(store, scheduleId)).toBe(false);
      for (const t of PHASE2_TABLES) expect(await tableRows(store, t, scheduleId)).toEqual([]);
      expect(await tableRows(store, 'schedule_blocks_analytics', scheduleId)).toEqual(blockRows);

      const fallback = await readAll(store, scheduleId);
      expect(fallback.fellBack).toBe(true);
      expectSameReads(fallback, stored);
      expect((await getSummaryReport(store, scheduleId)).source).toBe('legacy');
    });
  });

  it('uses the stored bins only when they were computed with the requested bin count', async () => {
    await withStore(async (store) => {
      const scheduleId = await generated(store, 300);
      await populateSchedule(store, scheduleId, { nBins: 4 });
      const stored = await readAll(store, scheduleId);
      expect(stored.fellBack).toBe(false);
      expect(stored.summary.n_bins).toBe(4);
      expect(maxOf(stored.visibility.map((b) => b.bin_index))).toBe(3);
      expect((await readAll(store, scheduleId, { nBins: 4 })).fellBack).toBe(false);

      const other = await readAll(store, scheduleId, { nBins: 7 });
      expect(other.fellBack).toBe(true);
      const expected = computePhase2Legacy(await fetchLegacyBlocks(store, scheduleId), 7);
      expect(other.summary.n_bins).toBe(7);
      expectClose(other.visibility, expected.visibilityBins);
      expectClose(other.heatmap, expected.heatmapBins);
      expect(maxOf(other.visibility.map((b) => b.bin_index))).toBe(6);
    });
  });
});

describe('atomic replacement', () => {
  /** Records the tables each insert of the next populates went to, in order. */
  function recordInserts(store: SqliteStore): string[] {
    const tables: string[] = [];
    const begin = store.beginAnalyticsReplace.bind(store);
    vi.spyOn(store, 'beginAnalyticsReplace').mockImplementation(async (id, phases) => {
      const tx = await begin(id, phases);
      const recorded: AnalyticsReplaceTx = {
        ...tx,
        insert: (table, batch) => {
          tables.push(table.name);
          return tx.insert(table, batch);
        },
        commit: () => tx.commit(),
        rollback: () => tx.rollback(),
      };
      return recorded;
    });
    return tables;
  }

  it('a populate failing after Phase 1 rows were written leaves the old Phase 1 and Phase 2 rows exactly as they were', async () => {
    await withStore(async (store) => {
      const scheduleId = await generated(store, 1200, 10);
      await populateSchedule(store, scheduleId);
      const tables = ['schedule_blocks_analytics', ...PHASE2_TABLES, 'schedule_analytics_runs'];
      const before = await Promise.all(tables.map((t) => tableRows(store, t, scheduleId)));
      const report = await getSummaryReport(store, scheduleId);

      // A new priority for the first block would change both phases; bad JSON in the last block fails the run at the end of the stream.
      const ids = (await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId)
        .orderBy('scheduling_block_id').execute()).map((r) => r.scheduling_block_id);
      await store.db.updateTable('scheduling_blocks').set({ priority: 1000 }).where('scheduling_block_id', '=', ids[0]).execute();
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[{"start": 60000, "stop": "later"}]' })
        .where('scheduling_block_id', '=', ids[ids.length - 1]).execute();

      const inserted = recordInserts(store);
      const error = await populateSchedule(store, scheduleId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadInputError);
      expect((error as Error).message).toContain(`block ${ids[ids.length - 1]}`);
      // The failure came after per-block batches were written, before any Phase 2 row.
      expect(inserted.filter((t) => t === 'schedule_blocks_analytics').length).toBeGreaterThanOrEqual(1);
      expect(inserted.filter((t) => PHASE2_TABLES.includes(t))).toEqual([]);

      expect(await Promise.all(tables.map((t) => tableRows(store, t, scheduleId)))).toEqual(before);
      expect(await getSummaryReport(store, scheduleId)).toEqual(report);
    });
  });
});

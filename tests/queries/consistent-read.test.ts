import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { AnalyticsChangedError, readConsistently } from '../../queries/consistent-read.js';
import { getSummaryReport } from '../../queries/summary-reads.js';
import { getVisibilityHistogram } from '../../queries/visibility-reads.js';
import type { Store } from '../../sql/store.js';
import { withStore } from '../helpers.js';

async function populated(store: Store): Promise<number> {
  const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 200, days: 10, seed: 3 });
  await populateSchedule(store, scheduleId, { nBins: 10 });
  return scheduleId;
}

/** `builder` (a kysely query builder) whose execution first awaits `before`, through every chained call. */
function delayed<T extends object>(builder: T, before: () => Promise<void>): T {
  return new Proxy(builder, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && prop.startsWith('execute')) {
        return async (...args: unknown[]) => {
          await before();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result !== null && typeof result === 'object' && 'execute' in result ? delayed(result, before) : result;
      };
    },
  });
}

/** The store, except that the first read of `table` runs `hook` before it (a populate committing mid-read). */
function storeWithHook(store: Store, table: string, hook: () => Promise<unknown>): Store {
  let fired = false;
  const once = async () => {
    if (fired) return;
    fired = true;
    await hook();
  };
  const db = new Proxy(store.db, {
    get(target, prop) {
      if (prop !== 'selectFrom') return Reflect.get(target, prop);
      return (from: string) => (from === table ? delayed(target.selectFrom(from as never), once) : target.selectFrom(from as never));
    },
  });
  return new Proxy(store, { get: (target, prop) => (prop === 'db' ? db : Reflect.get(target, prop)) });
}

describe('readConsistently (SQLite, real populates)', () => {
  it('reads again when a populate commits between the reads, and returns the new run only', async () => {
    await withStore(async (store) => {
      const scheduleId = await populated(store);
      let attempts = 0;
      const read = async () => {
        attempts++;
        const summary = await store.db.selectFrom('schedule_summary_analytics').select('n_bins').where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
        if (attempts === 1) await populateSchedule(store, scheduleId, { nBins: 4 });
        const bins = await store.db.selectFrom('schedule_visibility_bins').select('bin_index').where('schedule_id', '=', scheduleId).execute();
        return { nBins: Number(summary.n_bins), maxBin: Math.max(...bins.map((b) => Number(b.bin_index))) };
      };
      const answer = await readConsistently(store, scheduleId, read);
      expect(attempts).toBe(2);
      expect(answer.nBins).toBe(4);
      expect(answer.maxBin).toBeLessThan(4);
    });
  });

  it('gives up after the attempts when every read sees a new run', async () => {
    await withStore(async (store) => {
      const scheduleId = await populated(store);
      let attempts = 0;
      const read = async () => {
        attempts++;
        await populateSchedule(store, scheduleId, { phases: [2] });
      };
      await expect(readConsistently(store, scheduleId, read, 3)).rejects.toThrow(AnalyticsChangedError);
      expect(attempts).toBe(3);
    });
  });

  it('answers the summary report from one populate when another commits in the middle of it', async () => {
    await withStore(async (store) => {
      const scheduleId = await populated(store);
      const hooked = storeWithHook(store, 'schedule_visibility_bins', () => populateSchedule(store, scheduleId, { nBins: 4 }));
      const report = await getSummaryReport(hooked, scheduleId);
      expect(report.source).toBe('analytics');
      expect(report.summary.n_bins).toBe(4);
      expect(report).toEqual(await getSummaryReport(store, scheduleId));
      // The same populate, read without the retry, would have mixed a 10-bin summary with 4-bin histograms.
      expect(report.visibility_bins.every((b) => b.bin_index < 4)).toBe(true);
    });
  });

  it('answers the histogram from one state when its ranges are deleted between the metadata and the ranges', async () => {
    await withStore(async (store) => {
      const scheduleId = await populated(store);
      const query = { scheduleId, binMinutes: 60 };
      const before = await getVisibilityHistogram(store, query);
      expect(before.some((b) => b.count > 0)).toBe(true);
      const hooked = storeWithHook(store, 'schedule_block_visibility_ranges', () => store.deleteAnalytics(scheduleId, [3]));
      // Without the retry: the old metadata with no ranges, all zeros. With it: no metadata, so the legacy path answers.
      expect(await getVisibilityHistogram(hooked, query)).toEqual(before);
    });
  });
});

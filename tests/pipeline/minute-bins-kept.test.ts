import { describe, expect, it } from 'vitest';
import { onFaultPoint } from '../../base/fault-injection.js';
import { silentLogger } from '../../base/logger.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule, type PopulateHow } from '../../pipeline/populate.js';
import type { PipelineConfig } from '../../pipeline/config.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { analyticsDigests } from '../faults/crash-harness.js';
import { withStore } from '../helpers.js';

/*
 * A populate whose Phase 3 minute bins come out identical to the stored ones
 * (same digest, same bin width, all rows there) leaves them in place instead
 * of deleting and inserting ~120k rows on W10k; what the tables hold still
 * equals a full recomputation.
 */

/** The ids of the schedule's minute-bin rows: unchanged ids mean the rows were not rewritten. */
async function binRowIds(store: SqliteStore, scheduleId: number): Promise<number[]> {
  const rows = await store.db.selectFrom('schedule_visibility_time_bins').select('id').where('schedule_id', '=', scheduleId).orderBy('id').execute();
  const meta = await store.db.selectFrom('schedule_visibility_time_metadata').select('id').where('schedule_id', '=', scheduleId).execute();
  return [...meta.map((r) => Number(r.id)), ...rows.map((r) => Number(r.id))];
}

/** Populates (with reuse), then checks every table against a full recomputation; returns whether the minute bins were kept. */
async function keptAndEqual(store: SqliteStore, scheduleId: number, config: Partial<PipelineConfig> = {}, how: PopulateHow = {}): Promise<boolean> {
  const before = await binRowIds(store, scheduleId);
  const run = await populateSchedule(store, scheduleId, config, silentLogger, how);
  const after = await binRowIds(store, scheduleId);
  expect(after.length).toBeGreaterThan(0);
  expect(run.minuteBinsKept ? after : [], 'kept rows are the same rows').toEqual(run.minuteBinsKept ? before : []);
  const digests = await analyticsDigests(store.db, scheduleId);
  await store.deleteAnalytics(scheduleId, [1, 2, 3]);
  await populateSchedule(store, scheduleId, { ...config, reuse: false });
  expect(digests).toEqual(await analyticsDigests(store.db, scheduleId));
  // The full recomputation wrote new rows; populate again so the next step starts from kept-able rows.
  await populateSchedule(store, scheduleId, config);
  return run.minuteBinsKept;
}

const moveWindows = (store: SqliteStore, scheduleId: number, seconds: number) => store.db.updateTable('schedule_scheduling_blocks')
  .set((eb) => ({ start_time_mjd: eb('start_time_mjd', '+', seconds / 86_400), stop_time_mjd: eb('stop_time_mjd', '+', seconds / 86_400) }))
  .where('schedule_id', '=', scheduleId).execute();

describe('Phase 3 minute bins left in place when unchanged', () => {
  for (const how of [{}, { computeBeforeWriteLock: true }] as PopulateHow[]) {
    it(`${how.computeBeforeWriteLock ? 'computing before the write lock' : 'streaming'}: kept after a windows-only change, rewritten after a scheduled-flag, priority, JSON or bin-width change`, async () => {
      await withStore(async (store) => {
        const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 120, days: 4, seed: 4 });
        expect((await populateSchedule(store, s, {}, silentLogger, how)).minuteBinsKept).toBe(false);

        await moveWindows(store, s, 90);
        expect(await keptAndEqual(store, s, {}, how)).toBe(true);

        const scheduled = await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', s).where('start_time_mjd', 'is not', null).executeTakeFirstOrThrow();
        await store.db.updateTable('schedule_scheduling_blocks').set({ start_time_mjd: null, stop_time_mjd: null })
          .where('schedule_id', '=', s).where('scheduling_block_id', '=', scheduled.scheduling_block_id).execute();
        expect(await keptAndEqual(store, s, {}, how)).toBe(false);

        // A new priority range moves blocks between quartile buckets.
        await store.db.updateTable('scheduling_blocks').set({ priority: 1000 }).where('scheduling_block_id', '=', scheduled.scheduling_block_id).execute();
        expect(await keptAndEqual(store, s, {}, how)).toBe(false);

        await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[{"start":60400.5,"stop":60401}]' }).where('scheduling_block_id', '=', scheduled.scheduling_block_id).execute();
        expect(await keptAndEqual(store, s, {}, how)).toBe(false);

        expect(await keptAndEqual(store, s, { binSeconds: 120 }, how)).toBe(false);
        expect(await keptAndEqual(store, s, {}, how)).toBe(false);
        expect(await keptAndEqual(store, s, { threads: 3, threadsMinBlocks: 0 }, how)).toBe(true);
      });
    });
  }

  it('rewrites them when rows are missing, or the run record has no Phase 3; keeps its digest through a populate of other phases', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 60, days: 3, seed: 2 });
      await populateSchedule(store, s);
      const digest = async () => (await store.db.selectFrom('schedule_analytics_runs').select('phase3_digest').where('schedule_id', '=', s).executeTakeFirstOrThrow()).phase3_digest;
      const stored = await digest();
      expect(stored).toHaveLength(32);

      // A populate of phases 1 and 2 keeps the Phase 3 rows and their digest: the next full one keeps them.
      await populateSchedule(store, s, { phases: [1, 2] });
      expect(await digest()).toEqual(stored);
      expect((await populateSchedule(store, s)).minuteBinsKept).toBe(true);
      // --no-reuse is the full path: it rewrites them, with the same digest.
      expect((await populateSchedule(store, s, { reuse: false })).minuteBinsKept).toBe(false);
      expect(await digest()).toEqual(stored);

      // Bins deleted by hand (or a table re-created by migrate): written again.
      const oneBin = await store.db.selectFrom('schedule_visibility_time_bins').select('id').where('schedule_id', '=', s).executeTakeFirstOrThrow();
      await store.db.deleteFrom('schedule_visibility_time_bins').where('id', '=', oneBin.id).execute();
      expect(await keptAndEqual(store, s)).toBe(false);
      await store.db.deleteFrom('schedule_visibility_time_metadata').where('schedule_id', '=', s).execute();
      expect(await keptAndEqual(store, s)).toBe(false);

      // Phase 3 deleted: the record's phases say so, and its old digest is not trusted.
      await store.deleteAnalytics(s, [3]);
      expect((await populateSchedule(store, s)).minuteBinsKept).toBe(false);
      expect(await digest()).toEqual(stored);
    });
  });

  it('a populate that fails after deciding leaves the old rows, kept or about to be replaced', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 60, days: 3, seed: 6 });
      await populateSchedule(store, s);
      const before = await analyticsDigests(store.db, s);
      const off = onFaultPoint('before-commit', () => {
        throw new Error('injected');
      });
      try {
        await moveWindows(store, s, 90);
        await expect(populateSchedule(store, s)).rejects.toThrow('injected');
        await store.db.updateTable('schedule_scheduling_blocks').set({ start_time_mjd: null, stop_time_mjd: null }).where('schedule_id', '=', s).execute();
        await expect(populateSchedule(store, s)).rejects.toThrow('injected');
      } finally {
        off();
      }
      expect(await analyticsDigests(store.db, s)).toEqual(before);
      expect((await populateSchedule(store, s)).minuteBinsKept).toBe(false);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../base/errors.js';
import { backfill } from '../../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { analyticsDigests } from '../faults/crash-harness.js';
import { insertSchedule, periodsJson, withStore } from '../helpers.js';

/*
 * A populate that computes before taking the write lock (what backfill does
 * when it runs more schedules at once than the store has writers) writes
 * exactly what a streaming populate writes, records the fingerprint of the
 * snapshot it read, and leaves the old analytics when it fails.
 */

describe('computing a schedule before the write lock', () => {
  it('writes the same tables and run record as the streaming populate, on 1 and 2 threads', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 700, days: 10, seed: 8 });
      await populateSchedule(store, scheduleId, { threads: 1 });
      const streamed = await analyticsDigests(store.db, scheduleId);
      for (const threads of [1, 2]) {
        await store.deleteAnalytics(scheduleId, [1, 2, 3]);
        const summary = await populateSchedule(store, scheduleId, { threads, threadsMinBlocks: 0 }, undefined, { computeBeforeWriteLock: true });
        expect(await analyticsDigests(store.db, scheduleId)).toEqual(streamed);
        expect(summary.fingerprint).toBe(await store.sourceFingerprint(scheduleId));
      }
    });
  });

  it('lets several schedules compute at once and each lands whole', async () => {
    await withStore(async (store) => {
      const ids: number[] = [];
      for (let seed = 1; seed <= 4; seed++) ids.push((await loadGeneratedSchedule(store, { blocks: 300, days: 5, seed })).scheduleId);
      const expected: string[][] = [];
      for (const id of ids) {
        await populateSchedule(store, id);
        expected.push(await analyticsDigests(store.db, id));
        await store.deleteAnalytics(id, [1, 2, 3]);
      }
      const report = await backfill(store, { concurrency: 4, pipeline: { threads: 2, threadsMinBlocks: 0 } });
      expect(report.done).toEqual(ids);
      for (const [i, id] of ids.entries()) expect(await analyticsDigests(store.db, id)).toEqual(expected[i]);
    });
  });

  it('a failure while computing leaves the old analytics and the store free for the next write', async () => {
    await withStore(async (store) => {
      const good = periodsJson([[60000.25, 60000.5]]);
      const { scheduleId, blockIds } = await insertSchedule(store, [{ json: good }, { json: good }, { json: good }]);
      await populateSchedule(store, scheduleId);
      const before = await analyticsDigests(store.db, scheduleId);
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: 'nope' }).where('scheduling_block_id', '=', blockIds[2]).execute();
      const error = await populateSchedule(store, scheduleId, {}, undefined, { computeBeforeWriteLock: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadInputError);
      expect(await analyticsDigests(store.db, scheduleId)).toEqual(before);
      expect((await populateSchedule(store, scheduleId, { lenient: true }, undefined, { computeBeforeWriteLock: true })).invalidBlockIds).toEqual([blockIds[2]]);
    });
  });
});

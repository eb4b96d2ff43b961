import { afterEach, describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { osThreads, withStore } from '../helpers.js';
import { analyticsDigests } from './crash-harness.js';

/*
 * A worker thread that throws or dies mid-run fails the populate with an
 * error naming the schedule and blocks, the previous analytics stay as they
 * were, and no worker thread is left running. Worker threads read TSI_FAULT
 * when they start, so setting it here reaches them and not this thread.
 */

afterEach(() => {
  delete process.env.TSI_FAULT;
});

describe('a failing worker thread rolls the populate back', () => {
  it.each([
    ['throws', 'worker-chunk@2:throw', /^schedule \d+, block \d+: injected fault at worker-chunk$/],
    ['exits', 'worker-chunk@2:exit', /^schedule \d+: worker thread \d exited with code 70 while processing blocks \d+–\d+; the populate was rolled back/],
  ])('a worker that %s mid-run', async (_, fault, message) => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 400, days: 5, seed: 3 });
      await populateSchedule(store, scheduleId, { threads: 1, nBins: 7 });
      const before = await analyticsDigests(store.db, scheduleId);
      const threadsBefore = osThreads();

      process.env.TSI_FAULT = fault;
      // No reuse: the blocks whose facts the first populate stored would all stay on this thread.
      const error = await populateSchedule(store, scheduleId, { threads: 3, chunkRows: 50, threadsMinBlocks: 0, reuse: false }).catch((e: unknown) => e);
      delete process.env.TSI_FAULT;
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      expect(await analyticsDigests(store.db, scheduleId)).toEqual(before);
      expect(osThreads()).toBe(threadsBefore);

      // Nothing is left locked or half-done: the next populate succeeds.
      const summary = await populateSchedule(store, scheduleId, { threads: 3, chunkRows: 50, threadsMinBlocks: 0 });
      expect(summary.blocks).toBe(400);
      expect(await analyticsDigests(store.db, scheduleId)).not.toEqual(before);
    });
  });

  it('leaves no worker thread behind after a successful populate', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 100, days: 2, seed: 5 });
      const threadsBefore = osThreads();
      await populateSchedule(store, scheduleId, { threads: 4, chunkRows: 10, threadsMinBlocks: 0 });
      expect(osThreads()).toBe(threadsBefore);
    });
  });
});

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { backfill } from '../../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import type { Store } from '../../sql/store.js';
import { osThreads, withStore } from '../helpers.js';
import { analyticsDigests, OLD_CONFIG } from './crash-harness.js';

/*
 * A backfill whose populates run in worker threads (SQLite, concurrency 2)
 * fails a schedule exactly as the one-thread backfill does: bad JSON names
 * the schedule and the block with the same message, a worker that dies
 * mid-write fails its schedule with a message saying so, the schedule's
 * previous analytics stay, the other schedules are done, and nothing is
 * left running, locked or claimed. Worker threads read TSI_FAULT when they
 * start, so setting it here reaches them and not this thread.
 */

afterEach(() => {
  delete process.env.TSI_FAULT;
});

interface States {
  ids: number[];
  /** Analytics digests per schedule after a populate with OLD_CONFIG: what a failed schedule must keep. */
  old: string[][];
  /** Analytics digests per schedule after a default populate: what a done schedule must have. */
  fresh: string[][];
}

/** `n` schedules holding OLD_CONFIG analytics, and the digests of both states. */
async function prepare(store: Store, n: number): Promise<States> {
  const ids: number[] = [];
  for (let seed = 1; seed <= n; seed++) ids.push((await loadGeneratedSchedule(store, { blocks: 300, days: 5, seed })).scheduleId);
  const fresh: string[][] = [];
  const old: string[][] = [];
  for (const id of ids) {
    await populateSchedule(store, id);
    fresh.push(await analyticsDigests(store.db, id));
    await populateSchedule(store, id, OLD_CONFIG);
    old.push(await analyticsDigests(store.db, id));
  }
  return { ids, old, fresh };
}

/** Each schedule's analytics are its old ones when it failed and the fresh ones when it was done. */
async function expectOldOrFresh(store: Store, s: States, failed: number[]): Promise<void> {
  for (const [i, id] of s.ids.entries()) {
    expect(await analyticsDigests(store.db, id), `schedule ${id}`).toEqual(failed.includes(id) ? s.old[i] : s.fresh[i]);
  }
}

describe('a failing populate in a backfill worker thread', () => {
  it('bad JSON (strict): the same error as on one thread, naming schedule and block; the old analytics stay; the others are done', async () => {
    await withStore(async (store) => {
      const s = await prepare(store, 4);
      const bad = await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', s.ids[1]).orderBy('scheduling_block_id').executeTakeFirstOrThrow();
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[{"start": 1, "stop": ' }).where('scheduling_block_id', '=', bad.scheduling_block_id).execute();
      const threadsBefore = osThreads();
      const logs: Record<string, unknown>[] = [];
      const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });

      const report = await backfill(store, { mode: 'all', concurrency: 2, log });
      expect(report.done).toEqual(s.ids.filter((id) => id !== s.ids[1]));
      expect(report.failed).toEqual([{ scheduleId: s.ids[1], error: expect.stringMatching(new RegExp(`^schedule ${s.ids[1]}, block ${bad.scheduling_block_id}: bad visibility_periods_json: `)) }]);
      await expectOldOrFresh(store, s, [s.ids[1]]);
      expect(osThreads()).toBe(threadsBefore);
      // The error is rebuilt as the class the worker threw.
      expect(logs.find((l) => l.msg === 'stack of the failure')).toMatchObject({ err: { type: 'BadInputError' } });

      const inline = await backfill(store, { mode: 'all', concurrency: 1, scheduleIds: [s.ids[1]] });
      expect(inline.failed).toEqual(report.failed);
    });
  });

  it.each(['before-commit@2:exit', 'after-commit@2:exit'])('a worker that dies (%s) fails only its schedule, with a message saying so; nothing is left locked, claimed or running', async (fault) => {
    await withStore(async (store) => {
      const s = await prepare(store, 5);
      const threadsBefore = osThreads();
      process.env.TSI_FAULT = fault;
      const report = await backfill(store, { mode: 'all', concurrency: 2 });
      delete process.env.TSI_FAULT;

      // Each worker dies in its second populate and a new one takes the next schedule.
      expect(report.failed).toHaveLength(2);
      for (const f of report.failed) {
        expect(f.error).toMatch(new RegExp(`^schedule ${f.scheduleId}: backfill worker thread \\d+ exited with code 70 before finishing it; `));
      }
      expect([...report.done, ...report.failed.map((f) => f.scheduleId)].sort((a, b) => a - b)).toEqual(s.ids);
      expect(osThreads()).toBe(threadsBefore);
      expect(await store.db.selectFrom('schedule_etl_locks').selectAll().execute()).toEqual([]);
      // Died before its commit: rolled back. After it: committed, though the schedule was reported failed.
      if (fault.startsWith('before')) await expectOldOrFresh(store, s, report.failed.map((f) => f.scheduleId));
      else await expectOldOrFresh(store, s, []);

      // SQLite's lock and this process's write turn were released with the dead threads: the next backfill writes.
      const again = await backfill(store, { mode: 'changed', concurrency: 2 });
      expect(again.done).toEqual(fault.startsWith('before') ? report.failed.map((f) => f.scheduleId).sort((a, b) => a - b) : []);
      await expectOldOrFresh(store, s, []);
    });
  });
});

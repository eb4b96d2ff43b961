import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { backfill, type BackfillReport } from '../../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { loadVariantSchedule } from '../../pipeline/variant-schedule.js';
import type { Store } from '../../sql/store.js';
import { analyticsDigests, rowsDigest } from '../faults/crash-harness.js';
import { osThreads, withStore } from '../helpers.js';

/*
 * A backfill on SQLite with concurrency > 1 runs whole populates in worker
 * threads, each with its own connections. What it writes is what the
 * one-thread backfill writes, table by table, with reuse of visibility facts
 * on and off; its logs reach the backfill's logger; no thread outlives it.
 */

/** Three generated schedules and two variants of the first (they share its blocks, so reuse has something to reuse). */
async function loadPool(store: Store): Promise<number[]> {
  const ids: number[] = [];
  for (let seed = 1; seed <= 3; seed++) ids.push((await loadGeneratedSchedule(store, { blocks: 250, days: 6, seed })).scheduleId);
  for (const seed of [4, 5]) ids.push((await loadVariantSchedule(store, { variantOf: ids[0], seed })).scheduleId);
  return ids;
}

/** Every schedule's analytics digests, and the visibility facts table's. */
async function everything(store: Store, ids: number[]): Promise<string[][]> {
  const digests = await Promise.all(ids.map((id) => analyticsDigests(store.db, id)));
  const facts = await store.db.selectFrom('block_visibility_facts').selectAll().execute();
  return [...digests, [rowsDigest(facts as Record<string, unknown>[])]];
}

interface Run {
  report: BackfillReport;
  tables: string[][];
  /** Most OS threads seen at a progress report, less those before the backfill. */
  extraThreads: number;
  /** Lines the backfill's logger wrote. */
  logs: Record<string, unknown>[];
}

async function run(concurrency: number, reuse: boolean): Promise<Run> {
  return withStore(async (store) => {
    const ids = await loadPool(store);
    const before = osThreads();
    let most = before;
    const logs: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
    const report = await backfill(store, { concurrency, pipeline: { reuse }, log, onProgress: () => (most = Math.max(most, osThreads())) });
    expect(osThreads(), 'threads left after the backfill').toBe(before);
    return { report, tables: await everything(store, ids), extraThreads: most - before, logs };
  });
}

describe('backfill in worker threads (SQLite, concurrency > 1)', () => {
  it.each([true, false])('writes the same tables as concurrency 1 (reuse %s), with the same report and logs', async (reuse) => {
    const one = await run(1, reuse);
    expect(one.extraThreads).toBe(0);
    for (const concurrency of [2, 3]) {
      const many = await run(concurrency, reuse);
      expect(many.extraThreads, 'worker threads while the backfill ran').toBeGreaterThanOrEqual(concurrency);
      expect(many.tables).toEqual(one.tables);
      const { seconds: _a, concurrency: _b, reusedBlocks, parsedBlocks, ...rest } = many.report;
      const { seconds: _c, concurrency: _d, reusedBlocks: reusedOne, parsedBlocks: parsedOne, ...restOne } = one.report;
      expect(rest).toEqual(restOne);
      // Which schedule parses a shared block first depends on the order they run in; every block is parsed or reused either way.
      expect(reusedBlocks + parsedBlocks).toBe(reusedOne + parsedOne);
      if (!reuse) expect(reusedBlocks).toBe(0);
      const populated = (r: Run) => r.logs.filter((l) => l.event === 'populated').map((l) => [l.level, l.scheduleId, l.blocks]).sort();
      expect(populated(many)).toEqual(populated(one));
      expect(many.logs.map((l) => l.event).sort()).toEqual(one.logs.map((l) => l.event).sort());
    }
  });

  it('populates a single selected schedule on this thread: a worker would only add its start', async () => {
    await withStore(async (store) => {
      const ids = await loadPool(store);
      const before = osThreads();
      let most = before;
      const report = await backfill(store, { concurrency: 2, scheduleIds: [ids[2]], onProgress: () => (most = Math.max(most, osThreads())) });
      expect(report.done).toEqual([ids[2]]);
      expect(most).toBe(before);
    });
  });

  it('relays a worker\'s warnings with their fields: lenient mode\'s bad blocks', async () => {
    await withStore(async (store) => {
      const ids = await loadPool(store);
      const bad = await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', ids[1]).orderBy('scheduling_block_id').executeTakeFirstOrThrow();
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[{' }).where('scheduling_block_id', '=', bad.scheduling_block_id).execute();
      const logs: Record<string, unknown>[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
      const report = await backfill(store, { concurrency: 2, pipeline: { lenient: true }, log });
      expect(report.done).toEqual(ids);
      expect(logs).toEqual([expect.objectContaining({ level: 40, scheduleId: ids[1], invalidBlocks: 1, blockIds: [bad.scheduling_block_id] })]);
    });
  });
});

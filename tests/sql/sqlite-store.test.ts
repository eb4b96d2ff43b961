import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { TsiError, UnknownScheduleError } from '../../base/errors.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { listSchedules } from '../../queries/block-reads.js';
import { BLOCKS_ANALYTICS } from '../../sql/table-specs.js';
import { insertSchedule, periodsJson, tableRows, withStore } from '../helpers.js';

describe('SqliteStore', () => {
  it('migrates idempotently and refuses a database file that does not exist', async () => {
    await withStore(async (store) => {
      const again = await store.migrate();
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toHaveLength(10);
      await store.healthcheck();
    });
    expect(() => new SqliteStore({ path: '/nonexistent/dir/x.db' })).toThrow(TsiError);
    expect(() => new SqliteStore({ path: '/nonexistent/dir/x.db' })).toThrow(/does not exist.*tsi-etl migrate/);
  });

  it('closes every connection it opened: the last close folds the WAL into the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsi-close-'));
    const path = join(dir, 'x.db');
    const openFiles = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
      } catch {
        return false; // an fd closed while listing (readdir's own)
      }
    }).length;
    try {
      // Only writes: kysely's reader connection is never used.
      const store = new SqliteStore({ path, create: true });
      await store.migrate();
      expect(openFiles()).toBeGreaterThan(0);
      await store.close();
      expect(openFiles()).toBe(0);
      expect(existsSync(`${path}-wal`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a schedule in block-id order, in chunks, with its priority range', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [{ json: '[]', priority: 4 }, { json: null, priority: 1 }, { json: '[]', priority: 9 }]);
      const snapshot = await store.openSource(scheduleId);
      expect([snapshot.blockCount, snapshot.priorityMin, snapshot.priorityMax]).toEqual([3, 1, 9]);
      const chunks = [];
      for await (const chunk of snapshot.blocks(2)) chunks.push(chunk.map((r) => r.blockId));
      await snapshot.close();
      expect(chunks).toEqual([blockIds.slice(0, 2), blockIds.slice(2)]);
      await expect(store.openSource(12345)).rejects.toBeInstanceOf(UnknownScheduleError);
    });
  });

  it('rolls back a replace: the old analytics stay', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60001]]) }]);
      await populateSchedule(store, scheduleId);
      const before = await tableRows(store, BLOCKS_ANALYTICS.name, scheduleId);
      const tx = await store.beginAnalyticsReplace(scheduleId, [1, 2, 3]);
      expect(tx.keptPhases).toEqual([]);
      expect(await tableRows(store, BLOCKS_ANALYTICS.name, scheduleId)).toEqual(before); // readers see the old rows meanwhile
      await tx.rollback();
      expect(await tableRows(store, BLOCKS_ANALYTICS.name, scheduleId)).toEqual(before);
    });
  });

  it('deleting some phases keeps the others and their run record; a later populate of one phase keeps the rest listed', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60001]]) }]);
      await populateSchedule(store, scheduleId);
      expect(await store.deleteAnalytics(scheduleId, [2])).toBeGreaterThan(0);
      expect((await listSchedules(store))[0].analytics_phases).toBe('1,3');
      await populateSchedule(store, scheduleId, { phases: [2] });
      expect((await listSchedules(store))[0].analytics_phases).toBe('1,2,3');
      await store.deleteAnalytics(scheduleId, [1, 2, 3]);
      expect((await listSchedules(store))[0].has_analytics).toBe(false);
      expect(await tableRows(store, BLOCKS_ANALYTICS.name, scheduleId)).toEqual([]);
    });
  });

  it('a populate of other phases keeps the bins and bin width the kept phases were computed with', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60001]]) }]);
      await populateSchedule(store, scheduleId, { nBins: 5, binSeconds: 120 });
      await populateSchedule(store, scheduleId, { phases: [1] });
      const run = await store.db.selectFrom('schedule_analytics_runs').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect([run.phases, run.n_bins, run.bin_duration_seconds]).toEqual(['1,2,3', 5, 120]);
    });
  });

  it('lets one worker claim a schedule at a time, and takes over stale claims', async () => {
    await withStore(async (store) => {
      expect(await store.tryClaimSchedule(1, 'a')).toBe(true);
      expect(await store.tryClaimSchedule(1, 'b')).toBe(false);
      await store.releaseSchedule(1, 'a');
      expect(await store.tryClaimSchedule(1, 'b')).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.tryClaimSchedule(1, 'c', 5)).toBe(true);
    });
  });
});

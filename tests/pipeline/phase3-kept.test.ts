import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../base/logger.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule, type PopulateHow, type PopulateSummary } from '../../pipeline/populate.js';
import type { PipelineConfig } from '../../pipeline/config.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { analyticsDigests } from '../faults/crash-harness.js';
import { withStore } from '../helpers.js';

/*
 * A populate whose source has the Phase 3 inputs key of the run in place (no
 * visibility JSON, priority or scheduled flag changed, same bin width, every
 * Phase 3 row still there) keeps all of Phase 3 without computing or reading
 * it; every table still equals a full recomputation.
 */

/** Row ids of the minute-bin tables (the ranges table has none): unchanged ids mean the rows were not rewritten. */
async function minuteBinRowIds(store: SqliteStore, scheduleId: number): Promise<number[][]> {
  const ids = async (table: 'schedule_visibility_time_metadata' | 'schedule_visibility_time_bins') =>
    (await store.db.selectFrom(table).select('id').where('schedule_id', '=', scheduleId).orderBy('id').execute()).map((r) => Number(r.id));
  return [await ids('schedule_visibility_time_metadata'), await ids('schedule_visibility_time_bins')];
}

/** Populates with reuse and checks every table against a full recomputation; returns the populate's summary. */
async function populateAndCheck(store: SqliteStore, scheduleId: number, config: Partial<PipelineConfig> = {}, how: PopulateHow = {}): Promise<PopulateSummary> {
  const before = await minuteBinRowIds(store, scheduleId);
  const run = await populateSchedule(store, scheduleId, config, silentLogger, how);
  if (run.phase3Kept) expect(await minuteBinRowIds(store, scheduleId), 'kept rows are the same rows').toEqual(before);
  // Kept: not one Phase 3 row written; recomputed: the ranges are written again.
  expect(run.rowsWritten.schedule_block_visibility_ranges ?? 0).toBe(run.phase3Kept ? 0 : await rangeRows(store, scheduleId));
  const digests = await analyticsDigests(store.db, scheduleId);
  const key = await inputsKey(store, scheduleId);
  expect(key).toHaveLength(32);
  // The full path, from nothing: the same tables, and the same key in the run record (so the next run may keep).
  await store.deleteAnalytics(scheduleId, [1, 2, 3]);
  await populateSchedule(store, scheduleId, { ...config, reuse: false });
  expect(await analyticsDigests(store.db, scheduleId)).toEqual(digests);
  expect(await inputsKey(store, scheduleId)).toEqual(key);
  return run;
}

async function inputsKey(store: SqliteStore, scheduleId: number): Promise<Uint8Array | null> {
  return (await store.db.selectFrom('schedule_analytics_runs').select('phase3_inputs_key').where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow()).phase3_inputs_key;
}

async function rangeRows(store: SqliteStore, scheduleId: number): Promise<number> {
  return Number((await store.db.selectFrom('schedule_block_visibility_ranges').select((eb) => eb.fn.countAll().as('n')).where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow()).n);
}

const moveWindows = (store: SqliteStore, scheduleId: number, seconds: number) => store.db.updateTable('schedule_scheduling_blocks')
  .set((eb) => ({ start_time_mjd: eb('start_time_mjd', '+', seconds / 86_400), stop_time_mjd: eb('stop_time_mjd', '+', seconds / 86_400) }))
  .where('schedule_id', '=', scheduleId).execute();

async function someBlock(store: SqliteStore, scheduleId: number, scheduled: boolean): Promise<number> {
  const q = store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId);
  const row = await (scheduled ? q.where('start_time_mjd', 'is not', null) : q).orderBy('scheduling_block_id').executeTakeFirstOrThrow();
  return Number(row.scheduling_block_id);
}

describe('Phase 3 kept whole when its inputs are unchanged', () => {
  it('after windows-only changes; recomputed after a scheduled-flag, priority, JSON or bin-width change', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 150, days: 4, seed: 8 });
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(false);

      // The check above re-populated without reuse: the key it stored is the same, so the next run keeps.
      await moveWindows(store, s, 90);
      const kept = await populateAndCheck(store, s);
      expect([kept.phase3Kept, kept.minuteBinsKept]).toEqual([true, true]);
      expect(kept.rowsWritten).not.toHaveProperty('schedule_block_visibility_ranges');
      expect(kept.rowsWritten).not.toHaveProperty('schedule_visibility_time_bins');
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(true);

      const block = await someBlock(store, s, true);
      await store.db.updateTable('schedule_scheduling_blocks').set({ start_time_mjd: null, stop_time_mjd: null })
        .where('schedule_id', '=', s).where('scheduling_block_id', '=', block).execute();
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(false);

      await store.db.updateTable('scheduling_blocks').set({ priority: 7.25 }).where('scheduling_block_id', '=', block).execute();
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(false);

      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[{"start":60400.5,"stop":60401}]' }).where('scheduling_block_id', '=', block).execute();
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(false);

      expect((await populateAndCheck(store, s, { binSeconds: 120 })).phase3Kept).toBe(false);
      expect((await populateAndCheck(store, s, { binSeconds: 120, threads: 3, threadsMinBlocks: 0 })).phase3Kept).toBe(true);
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(false);
    });
  });

  it('an edit of any block\'s JSON in the database, even of another schedule, recomputes (the change count is global)', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 40, days: 3, seed: 3 });
      const { scheduleId: other } = await loadGeneratedSchedule(store, { blocks: 5, days: 3, seed: 4 });
      await populateSchedule(store, s);
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[]' }).where('scheduling_block_id', '=', await someBlock(store, other, false)).execute();
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(false);
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(true);
    });
  });

  it('reads no stored minute ranges when it keeps Phase 3', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 40, days: 3, seed: 5 });
      await populateSchedule(store, s);
      // A stored blob that cannot be decoded: only a populate that reads it fails.
      await sql`UPDATE block_visibility_facts SET minute_ranges = X'FF' WHERE range_count > 0`.execute(store.db);
      expect((await populateSchedule(store, s)).phase3Kept).toBe(true);
      await moveWindows(store, s, 60);
      expect((await populateSchedule(store, s)).phase3Kept).toBe(true);
      await store.db.updateTable('scheduling_blocks').set({ priority: 99 }).where('scheduling_block_id', '=', await someBlock(store, s, false)).execute();
      await expect(populateSchedule(store, s)).rejects.toThrow(/minute range blob ends inside a range/);
    });
  });

  it('recomputes when rows are missing, Phase 3 was deleted, or the triggers were re-created; keeps the key through a populate of other phases', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 60, days: 3, seed: 2 });
      await populateSchedule(store, s);
      const key = () => inputsKey(store, s);
      const stored = await key();
      expect(stored).toHaveLength(32);

      await populateSchedule(store, s, { phases: [1, 2] });
      expect(await key()).toEqual(stored);
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(true);

      const oneRange = await store.db.selectFrom('schedule_block_visibility_ranges').select('scheduling_block_id').where('schedule_id', '=', s).executeTakeFirstOrThrow();
      await store.db.deleteFrom('schedule_block_visibility_ranges').where('schedule_id', '=', s).where('scheduling_block_id', '=', oneRange.scheduling_block_id).execute();
      expect((await populateAndCheck(store, s)).phase3Kept, 'a range row deleted').toBe(false);
      for (const table of ['schedule_visibility_time_bins', 'schedule_visibility_time_metadata'] as const) {
        const one = await store.db.selectFrom(table).select('id').where('schedule_id', '=', s).executeTakeFirstOrThrow();
        await store.db.deleteFrom(table).where('id', '=', one.id).execute();
        expect((await populateAndCheck(store, s)).phase3Kept, table).toBe(false);
      }

      await store.deleteAnalytics(s, [3]);
      expect((await populateSchedule(store, s, { phases: [3] })).phase3Kept).toBe(false);
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(true);

      // Edits made while a trigger was missing went uncounted: re-creating it counts one change.
      await sql`DROP TRIGGER trg_sb_json_update_drops_facts`.execute(store.db);
      expect((await populateSchedule(store, s)).phase3Kept).toBe(false);
      await store.migrate();
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(false);
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(true);
    });
  });

  it('computing before the write lock: never kept (the decision needs the lock), the same tables', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 50, days: 3, seed: 6 });
      await populateSchedule(store, s);
      await moveWindows(store, s, 30);
      expect((await populateAndCheck(store, s, {}, { computeBeforeWriteLock: true })).phase3Kept).toBe(false);
      expect((await populateAndCheck(store, s)).phase3Kept).toBe(true);
    });
  });
});

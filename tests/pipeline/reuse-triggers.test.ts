import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { onFaultPoint } from '../../base/fault-injection.js';
import { silentLogger } from '../../base/logger.js';
import { COMPUTE_FIRST_MAX_BLOCKS, populateSchedule } from '../../pipeline/populate.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { analyticsDigests } from '../faults/crash-harness.js';
import { insertSchedule, periodsJson, withStore } from '../helpers.js';

/*
 * SQLite keeps a block's visibility facts current with triggers (migration
 * 007): the source serves stored facts without reading the JSON, so every
 * way a block's JSON can change must drop its facts in the same statement.
 */

/** Runs SQL from a connection of its own, as another process would (foreign keys off: blocks are deleted and re-inserted under their links). */
function onFile(path: string, sqlText: string, ...params: unknown[]): void {
  const conn = new BetterSqlite3(path);
  try {
    conn.pragma('foreign_keys = OFF');
    if (params.length > 0) conn.prepare(sqlText).run(...params);
    else conn.exec(sqlText);
  } finally {
    conn.close();
  }
}

async function factIds(store: SqliteStore): Promise<number[]> {
  return (await store.db.selectFrom('block_visibility_facts').select('scheduling_block_id').orderBy('scheduling_block_id').execute()).map((r) => Number(r.scheduling_block_id));
}

/** Populates with reuse and checks the tables equal a full recomputation's; returns the reused count. */
async function reusedAndEqual(store: SqliteStore, scheduleId: number, how = {}): Promise<number> {
  const summary = await populateSchedule(store, scheduleId, {}, silentLogger, how);
  const withReuse = await analyticsDigests(store.db, scheduleId);
  await populateSchedule(store, scheduleId, { reuse: false });
  expect(withReuse).toEqual(await analyticsDigests(store.db, scheduleId));
  return summary.reusedBlocks;
}

const A = periodsJson([[60000, 60001]]);
const B = periodsJson([[60000.5, 60002.5], [60003, 60003.25]]);

describe('SQLite facts triggers', () => {
  it('store facts without a digest, and drop a block\'s facts when its JSON is edited in place, its id changes, or it is deleted or replaced', async () => {
    await withStore(async (store, path) => {
      const { scheduleId, blockIds: [b0, b1, b2, b3] } = await insertSchedule(store, [{ json: A }, { json: A }, { json: A }, { json: A }]);
      await populateSchedule(store, scheduleId);
      const digests = await store.db.selectFrom('block_visibility_facts').select(['json_digest', 'json_length']).execute();
      expect(digests.map((r) => [Buffer.from(r.json_digest).length, Number(r.json_length)])).toEqual(Array(4).fill([0, Buffer.byteLength(A)]));

      onFile(path, 'UPDATE scheduling_blocks SET visibility_periods_json = ? WHERE scheduling_block_id = ?', B, b0);
      onFile(path, 'DELETE FROM scheduling_blocks WHERE scheduling_block_id = ?', b1);
      onFile(path, `INSERT OR REPLACE INTO scheduling_blocks (scheduling_block_id, target_id, constraints_id, priority, min_observation_sec, requested_duration_sec, visibility_periods_json)
        SELECT scheduling_block_id, target_id, constraints_id, priority, min_observation_sec, requested_duration_sec, ? FROM scheduling_blocks WHERE scheduling_block_id = ?`, B, b2);
      expect(await factIds(store)).toEqual([b3]);
      // b1 comes back with other JSON: it is parsed, not served A's facts.
      onFile(path, `INSERT INTO scheduling_blocks (scheduling_block_id, target_id, priority, min_observation_sec, requested_duration_sec, visibility_periods_json)
        SELECT ?, target_id, priority, min_observation_sec, requested_duration_sec, ? FROM scheduling_blocks WHERE scheduling_block_id = ?`, b1, B, b3);
      expect(await reusedAndEqual(store, scheduleId)).toBe(1);
      const hours = await store.db.selectFrom('schedule_blocks_analytics').select(['scheduling_block_id', 'total_visibility_hours']).where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute();
      expect(hours.map((r) => r.total_visibility_hours)).toEqual([54, 54, 54, 24]);

      // A new id moves the block: neither id keeps facts.
      await populateSchedule(store, scheduleId);
      onFile(path, 'UPDATE scheduling_blocks SET scheduling_block_id = 999 WHERE scheduling_block_id = ?', b3);
      expect(await factIds(store)).toEqual([b0, b1, b2]);
    });
  });

  it('a missing trigger: populate warns, parses everything and stores no facts; migrate re-creates it and drops every fact', async () => {
    await withStore(async (store, path) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [{ json: A }, { json: B }]);
      await populateSchedule(store, scheduleId);
      onFile(path, 'DROP TRIGGER trg_sb_json_update_drops_facts');
      // Unwatched, an edit leaves a stale fact behind.
      onFile(path, 'UPDATE scheduling_blocks SET visibility_periods_json = ? WHERE scheduling_block_id = ?', B, blockIds[0]);
      onFile(path, 'DELETE FROM block_visibility_facts WHERE scheduling_block_id = ?', blockIds[1]);

      const warnings: string[] = [];
      const log = { ...silentLogger, child: () => log, warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as typeof silentLogger;
      const run = await populateSchedule(store, scheduleId, {}, log);
      expect([run.reusedBlocks, run.parsedBlocks]).toEqual([0, 2]);
      expect(warnings).toEqual([`visibility facts not reused: ${path} lacks the trigger(s) that keep them current (trg_sb_json_update_drops_facts); this populate parses every block and stores no facts. Run \`tsi-etl migrate --db ${path}\` to re-create them`]);
      expect(await factIds(store)).toEqual([blockIds[0]]);

      expect((await store.migrate()).recreated).toEqual(['trigger trg_sb_json_update_drops_facts on scheduling_blocks']);
      expect(await factIds(store)).toEqual([]);
      await populateSchedule(store, scheduleId);
      expect(await reusedAndEqual(store, scheduleId)).toBe(2);
    });
  });

  it('upgrading a database to migration 007 drops the facts stored before it, whose JSON no trigger watched', async () => {
    await withStore(async (store, path) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [{ json: A }, { json: B }]);
      // The database as migration 006 left it, with facts stored then.
      onFile(path, `DROP TRIGGER trg_sb_json_update_drops_facts; DROP TRIGGER trg_sb_delete_drops_facts; DROP TRIGGER trg_sb_replace_drops_facts;
        DROP TABLE block_visibility_json_changes; ALTER TABLE schedule_analytics_runs DROP COLUMN phase3_digest; DELETE FROM schema_migrations WHERE version = '007'`);
      onFile(path, 'INSERT INTO block_visibility_facts VALUES (?, ?, ?, 1, 99, 0, ?)', blockIds[0], Buffer.alloc(32), Buffer.byteLength(A), Buffer.alloc(0));
      expect((await store.migrate()).applied).toEqual(['007_incremental_refresh.sql']);
      expect(await factIds(store)).toEqual([]);
      const run = await populateSchedule(store, scheduleId);
      expect([run.reusedBlocks, run.parsedBlocks]).toEqual([0, 2]);
      expect(await reusedAndEqual(store, scheduleId)).toBe(2);
    });
  });

  // Small: computed and buffered, then the lock ('computed'). Over COMPUTE_FIRST_MAX_BLOCKS: the lock is
  // taken after the snapshot and the blocks stream under it ('source-open').
  it.each([
    { blocks: 2, at: 'computed' as const },
    { blocks: COMPUTE_FIRST_MAX_BLOCKS + 1, at: 'source-open' as const },
  ])('a populate computing before the write lock stores no facts when a block\'s JSON changed after its snapshot ($blocks blocks, edit at $at)', async ({ blocks, at }) => {
    await withStore(async (store, path) => {
      const { scheduleId, blockIds } = await insertSchedule(store, Array.from({ length: blocks }, () => ({ json: A })));
      // Before the write lock: another connection commits an edit of a block that has no facts yet.
      const off = onFaultPoint(at, () => onFile(path, 'UPDATE scheduling_blocks SET visibility_periods_json = ? WHERE scheduling_block_id = ?', B, blockIds[1]));
      try {
        const run = await populateSchedule(store, scheduleId, {}, silentLogger, { computeBeforeWriteLock: true });
        expect(run.parsedBlocks).toBe(blocks);
      } finally {
        off();
      }
      // Its analytics are those of its snapshot; it stored no fact that could be of the old JSON.
      expect(await factIds(store)).toEqual([]);
      expect(await reusedAndEqual(store, scheduleId, { computeBeforeWriteLock: true })).toBe(0);
      expect(await reusedAndEqual(store, scheduleId, { computeBeforeWriteLock: true })).toBe(blocks);
    });
  });
});

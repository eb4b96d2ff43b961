import { CompiledQuery, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { selectPhase3Inputs, selectSourceAggregates, selectSourceBlocksWithFactsSqlite } from '../../sql/queries/source-blocks.js';
import { migrationFiles } from '../../sql/migration-files.js';
import { SOURCE_COLUMNS_INDEX, sqliteJsonBytes, throughSourceColumnsIndex } from '../../sql/sqlite/source-columns-index.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { insertSchedule, periodsJson, withStore } from '../helpers.js';

/*
 * Migration 009's index keeps every column of scheduling_blocks but the JSON:
 * the passes that read only those must go through it without touching the
 * table (a "COVERING INDEX" plan), and must return what they return through
 * the table.
 */

async function plan(store: SqliteStore, q: CompiledQuery): Promise<string> {
  const rows = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${q.sql}`, [...q.parameters]));
  return rows.rows.map((r) => r.detail).join(' | ');
}

async function run(store: SqliteStore, q: CompiledQuery): Promise<unknown[]> {
  return (await store.db.executeQuery(q)).rows;
}

/** A generated schedule, populated (so facts are stored), plus a hand-made one with nulls in every nullable source column. */
async function schedules(store: SqliteStore): Promise<number[]> {
  const { scheduleId: generated } = await loadGeneratedSchedule(store, { blocks: 50, days: 3, seed: 9 });
  const { scheduleId: hand } = await insertSchedule(store, [
    { json: periodsJson([[60000, 60000.25]]), alt: [20, 80], az: [null, 270], scheduled: [60000.1, 60000.2] },
    { json: null, constraints: true },
    { json: '[]', scheduled: [60001, null] },
  ], 'hand');
  await populateSchedule(store, generated, { reuse: true });
  // One edited JSON: its facts are dropped, so the facts query reads that block's JSON through the table.
  await sql`UPDATE scheduling_blocks SET visibility_periods_json = ${periodsJson([[60000.5, 60000.75]])}
    WHERE scheduling_block_id = (SELECT MIN(scheduling_block_id) FROM schedule_scheduling_blocks WHERE schedule_id = ${generated})`.execute(store.db);
  return [generated, hand];
}

describe('the source columns index (migration 009)', () => {
  it('covers the source aggregates and the Phase 3 inputs, which return what they return through the table', async () => {
    await withStore(async (store) => {
      for (const id of await schedules(store)) {
        for (const query of [selectSourceAggregates(store.db, id, sqliteJsonBytes).compile(), selectPhase3Inputs(store.db, id).compile()]) {
          const indexed = throughSourceColumnsIndex(query);
          expect(await plan(store, query)).not.toContain(SOURCE_COLUMNS_INDEX);
          expect(await plan(store, indexed)).toContain(`USING COVERING INDEX ${SOURCE_COLUMNS_INDEX}`);
          expect(await run(store, indexed)).toEqual(await run(store, query));
        }
      }
    });
  });

  it('serves the source rows with facts, JSON included where no fact joined', async () => {
    await withStore(async (store) => {
      const [generated, hand] = await schedules(store);
      const { n } = (await sql<{ n: number }>`SELECT COUNT(*) AS n FROM schedule_scheduling_blocks ssb JOIN scheduling_blocks sb USING (scheduling_block_id)
        WHERE ssb.schedule_id = ${generated} AND sb.visibility_periods_json IS NOT NULL`.execute(store.db)).rows[0];
      // Every generated block with JSON but the edited one has its facts; the hand-made schedule was never populated.
      for (const [id, reused, withJson] of [[generated, n - 1, 1], [hand, 0, 2]]) {
        for (const minuteRanges of [true, false]) {
          const query = selectSourceBlocksWithFactsSqlite(store.db, id, sqliteJsonBytes('sb.visibility_periods_json'), minuteRanges).compile();
          const indexed = throughSourceColumnsIndex(query);
          expect(await plan(store, indexed)).toContain(`USING INDEX ${SOURCE_COLUMNS_INDEX}`);
          const rows = (await run(store, indexed)) as { factsPeriodCount: number | null; visibilityJson: string | null }[];
          expect(rows).toEqual(await run(store, query));
          expect(rows.filter((r) => r.factsPeriodCount !== null)).toHaveLength(reused);
          expect(rows.filter((r) => r.visibilityJson !== null)).toHaveLength(withJson);
        }
      }
    });
  });

  it('indexes the length as the queries write it, with no function newer than SQLite 3.40 (others write this table too)', () => {
    const migration = migrationFiles('sqlite').find((f) => f.name.startsWith('009_'))!.sql.replace(/--[^\n]*/g, '');
    // The covering plans above prove the queries' expression matches it.
    expect(migration).toContain('length(CAST(visibility_periods_json AS BLOB))');
    // octet_length (SQLite 3.43) in an index made Debian 12's sqlite3 (3.40) fail every insert into scheduling_blocks.
    for (const file of migrationFiles('sqlite')) expect(file.sql.replace(/--[^\n]*/g, ''), file.name).not.toMatch(/octet_length|unhex|->>/i);
  });

  it('goes after the alias of scheduling_blocks, once, and refuses a query without it', () => {
    const q = CompiledQuery.raw('select 1 from "scheduling_blocks" as "sb" where "sb"."priority" > ?', [1]);
    expect(throughSourceColumnsIndex(q)).toEqual({ ...q, sql: `select 1 from "scheduling_blocks" as "sb" indexed by "${SOURCE_COLUMNS_INDEX}" where "sb"."priority" > ?` });
    expect(() => throughSourceColumnsIndex(CompiledQuery.raw('select 1 from "targets" as "t"'))).toThrow(/one "scheduling_blocks" as "sb"/);
    expect(() => throughSourceColumnsIndex(CompiledQuery.raw('select 1 from "scheduling_blocks" as "sb", "scheduling_blocks" as "sb"'))).toThrow(/one/);
  });

  it('when dropped, makes a populate say to migrate, and migrate re-creates it', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 10, days: 2, seed: 3 });
      await sql.raw(`DROP INDEX ${SOURCE_COLUMNS_INDEX}`).execute(store.db);
      await expect(populateSchedule(store, scheduleId)).rejects.toThrow(`index ${SOURCE_COLUMNS_INDEX} is missing from`);
      expect((await store.migrate()).recreated).toEqual([`index ${SOURCE_COLUMNS_INDEX} on scheduling_blocks`]);
      expect((await populateSchedule(store, scheduleId)).blocks).toBe(10);
    });
  });
});

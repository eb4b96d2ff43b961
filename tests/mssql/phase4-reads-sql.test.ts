import mssql from 'mssql';
import { Kysely, MssqlAdapter, MssqlIntrospector, MssqlQueryCompiler, type CompiledQuery, type DatabaseConnection, type Driver } from 'kysely';
import { describe, expect, it } from 'vitest';
import { analyticsCompareBlocks } from '../../queries/compare-block-rows.js';
import { legacyCompareBlocks } from '../../queries/legacy/legacy-compare-blocks.js';
import { readCachedPair, readRunTokens } from '../../queries/comparison-cache.js';
import { hasAnalyticsData } from '../../queries/block-reads.js';
import { fetchTimeline } from '../../queries/timeline-reads.js';
import { isDuplicateKey, upsertComparisonMssql } from '../../sql/mssql/mssql-comparison-upsert.js';
import { mssqlKysely } from '../../sql/mssql/mssql-driver.js';
import { MssqlTableNamesPlugin } from '../../sql/mssql/table-names.js';
import { deleteComparisonsOf } from '../../sql/queries/comparison-cache.js';
import type { Database } from '../../sql/schema.js';
import type { ComparisonCacheRow, Store } from '../../sql/store.js';

/**
 * The SQL Server store's `db` without a server: kysely's mssql compiler and
 * our table-name plugin, over a driver that records each statement and
 * answers it with `answer(sql)`.
 */
function recordingStore(answer: (sql: string) => unknown[] = () => []): { store: Store; statements: CompiledQuery[] } {
  const statements: CompiledQuery[] = [];
  const connection: DatabaseConnection = {
    executeQuery: async (query) => {
      statements.push(query);
      return { rows: answer(query.sql) as never[] };
    },
    streamQuery: () => { throw new Error('not used'); },
  };
  const driver: Driver = {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: async () => {},
    commitTransaction: async () => {},
    rollbackTransaction: async () => {},
    releaseConnection: async () => {},
    destroy: async () => {},
  };
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new MssqlAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new MssqlIntrospector(k),
      createQueryCompiler: () => new MssqlQueryCompiler(),
    },
    plugins: [new MssqlTableNamesPlugin()],
  });
  return { store: { db } as Store, statements };
}

describe('Phase 4 reads compiled for SQL Server', () => {
  it('reads a Timeline through the index columns, in start order, with the key column', async () => {
    const { store, statements } = recordingStore((q) => (q.includes('"dbo"."schedules"') ? [{ dark_periods_json: null }] : [{
      scheduling_block_id: '7', original_block_id: null, priority: 2, priority_bucket: 1, scheduled_start_mjd: 60_700, scheduled_stop_mjd: 60_700.5,
      scheduled_duration_sec: 43_200, requested_hours: 1, target_ra_deg: 1, target_dec_deg: 2, total_visibility_hours: 3,
    }]));
    const t = await fetchTimeline(store, { scheduleId: 3, toUnix: 1_800_000_000, priorityMin: 1 });
    expect(t.blocks[0]).toMatchObject({ scheduling_block_id: 7, key: '7' });
    expect(statements[1].sql).toBe(
      'select "a"."scheduling_block_id", "sb"."original_block_id", "a"."priority", "a"."priority_bucket", "a"."scheduled_start_mjd", "a"."scheduled_stop_mjd", '
      + '"a"."scheduled_duration_sec", "a"."requested_hours", "a"."target_ra_deg", "a"."target_dec_deg", "a"."total_visibility_hours" '
      + 'from "analytics"."schedule_blocks_analytics" as "a" inner join "dbo"."scheduling_blocks" as "sb" on "sb"."scheduling_block_id" = "a"."scheduling_block_id" '
      + 'where "a"."schedule_id" = @1 and "a"."is_scheduled" = @2 and "a"."scheduled_start_mjd" < @3 and "a"."priority" >= @4 '
      + 'order by "a"."scheduled_start_mjd", "a"."scheduling_block_id"',
    );
    expect(statements[1].parameters.slice(0, 2)).toEqual([3, 1]);
  });

  it('tells an empty Timeline with analytics from a schedule without them in T-SQL (no LIMIT, which T-SQL lacks)', async () => {
    for (const [first, has] of [[null, false], ['7', true]] as const) {
      const { store, statements } = recordingStore((q) => (q.includes('min(') ? [{ first }] : []));
      expect(await hasAnalyticsData(store, 3)).toBe(has);
      expect(statements.map((s) => s.sql)).toEqual(['select min("scheduling_block_id") as "first" from "analytics"."schedule_blocks_analytics" where "schedule_id" = @1']);
    }
    // The Timeline asks it when no block is in range: every statement of that path is T-SQL.
    const { store, statements } = recordingStore((q) => (q.includes('"dbo"."schedules"') ? [{ dark_periods_json: null }] : q.includes('min(') ? [{ first: '7' }] : []));
    expect((await fetchTimeline(store, { scheduleId: 3 })).blocks).toEqual([]);
    expect(statements.some((s) => s.sql.includes('min("scheduling_block_id")'))).toBe(true);
    for (const s of statements) expect(s.sql).not.toMatch(/\blimit\b/i);
  });

  it('reads the per-block rows of a Compare side from the analytics table and from the source tables', async () => {
    const { store, statements } = recordingStore();
    await analyticsCompareBlocks(store, 4);
    expect(statements[0].sql).toBe(
      'select "a"."scheduling_block_id", "sb"."original_block_id", "a"."priority", "a"."requested_hours", "a"."scheduled_start_mjd" as "start_mjd", '
      + '"a"."scheduled_stop_mjd" as "stop_mjd", "a"."scheduled_duration_sec" as "duration_sec" from "analytics"."schedule_blocks_analytics" as "a" '
      + 'inner join "dbo"."scheduling_blocks" as "sb" on "sb"."scheduling_block_id" = "a"."scheduling_block_id" where "a"."schedule_id" = @1 order by "a"."scheduling_block_id"',
    );
    await legacyCompareBlocks(store, 4).catch(() => undefined); // no such schedule in the recording store
    expect(statements[1].sql).toContain('from "dbo"."schedule_scheduling_blocks" as "ssb" inner join "dbo"."scheduling_blocks" as "sb"');
    expect(statements[1].sql).not.toContain('visibility_periods_json');
  });

  it('reads run tokens as text (DATETIME2 is finer than a JS Date) and serves the cache only for current runs', async () => {
    const { store, statements } = recordingStore();
    await readRunTokens(store, [1, 2, 1]);
    expect(statements[0].sql).toBe('select "schedule_id", "source_fingerprint", CAST(completed_at AS NVARCHAR(40)) as "completed_at" from "analytics"."schedule_analytics_runs" where "schedule_id" in (@1, @2)');
    await readCachedPair(store, 1, 2);
    expect(statements[1].sql).toBe(
      'select "c".* from "analytics"."schedule_comparisons" as "c" '
      + 'inner join "analytics"."schedule_analytics_runs" as "ra" on "ra"."schedule_id" = "c"."schedule_a_id" and "ra"."source_fingerprint" = "c"."a_source_fingerprint" and "ra"."completed_at" = "c"."a_run_completed_at" '
      + 'inner join "analytics"."schedule_analytics_runs" as "rb" on "rb"."schedule_id" = "c"."schedule_b_id" and "rb"."source_fingerprint" = "c"."b_source_fingerprint" and "rb"."completed_at" = "c"."b_run_completed_at" '
      + 'where "c"."schedule_a_id" = @1 and "c"."schedule_b_id" = @2',
    );
  });

  it('upserts a cache row with an UPDATE, then an INSERT when none was updated, and deletes a schedule\'s pairs on either side', () => {
    const db = mssqlKysely(new mssql.ConnectionPool({ server: 'localhost' }));
    const row = { schedule_a_id: 1, schedule_b_id: 2, a_source_fingerprint: 'f', match_ratio: null } as unknown as ComparisonCacheRow;
    const upsert = upsertComparisonMssql(db, row);
    expect(upsert.sql).toBe(
      'UPDATE [analytics].[schedule_comparisons] SET "a_source_fingerprint" = @1, "match_ratio" = @2, computed_at = SYSUTCDATETIME()\n'
      + 'WHERE schedule_a_id = @3 AND schedule_b_id = @4;\n'
      + 'IF @@ROWCOUNT = 0 INSERT INTO [analytics].[schedule_comparisons] ("schedule_a_id", "schedule_b_id", "a_source_fingerprint", "match_ratio") VALUES (@5, @6, @7, @8);',
    );
    expect(upsert.parameters).toEqual(['f', null, 1, 2, 1, 2, 'f', null]);
    expect(isDuplicateKey(Object.assign(new Error('Violation of PRIMARY KEY constraint'), { number: 2627 }))).toBe(true);
    expect(isDuplicateKey(Object.assign(new Error('Cannot insert duplicate key row'), { number: 2601 }))).toBe(true);
    expect(isDuplicateKey(Object.assign(new Error('deadlock'), { number: 1205 }))).toBe(false);
    expect(deleteComparisonsOf(db, 5).compile().sql).toBe('delete from "analytics"."schedule_comparisons" where ("schedule_a_id" = @1 or "schedule_b_id" = @2)');
  });
});

import mssql from 'mssql';
import { describe, expect, it } from 'vitest';
import { mssqlKysely } from '../../sql/mssql/mssql-driver.js';
import { CREATE_STAGING, upsertStagedFacts, stageFactsStatements } from '../../sql/mssql/mssql-facts-upsert.js';
import { MSSQL_MAX_PARAMETERS } from '../../sql/mssql/mssql-row-writer.js';
import { selectSourceBlocksWithFactsMssql } from '../../sql/queries/source-blocks.js';
import { deleteUnusedFacts } from '../../sql/queries/visibility-facts.js';
import { VISIBILITY_FACTS } from '../../sql/table-specs.js';

// Compiling needs no server: the pool is never connected.
const db = mssqlKysely(new mssql.ConnectionPool({ server: 'localhost' }));
const WIDTH = VISIBILITY_FACTS.columns.length;

describe('the T-SQL of visibility facts', () => {
  it('digests the JSON on the server and sends it, with that digest, only for blocks without matching facts', () => {
    const q = selectSourceBlocksWithFactsMssql(db, 42).compile();
    expect(q.sql).toContain(
      'left join "analytics"."block_visibility_facts" as "f" on "f"."scheduling_block_id" = "sb"."scheduling_block_id" ' +
        "and f.json_length = DATALENGTH(sb.visibility_periods_json) AND f.json_digest = HASHBYTES('SHA2_256', sb.visibility_periods_json)",
    );
    expect(q.sql).toContain('CASE WHEN f.scheduling_block_id IS NULL THEN sb.visibility_periods_json END as "visibilityJson"');
    expect(q.sql).toContain('"f"."period_count" as "factsPeriodCount", "f"."union_hours" as "factsUnionHours", "f"."range_count" as "factsRangeCount", "f"."minute_ranges" as "factsMinuteRanges"');
    // Blocks sent to parse come with the server's digest, which their new facts are stored with.
    expect(q.sql).toContain(`CASE WHEN f.scheduling_block_id IS NULL THEN HASHBYTES('SHA2_256', sb.visibility_periods_json) END as "jsonDigestBytes"`);
    expect(q.sql).toContain('CASE WHEN f.scheduling_block_id IS NULL THEN DATALENGTH(sb.visibility_periods_json) END as "jsonLength"');
    // The JSON text is selected nowhere else: reused text never crosses the network.
    expect(q.sql.match(/visibility_periods_json/g)).toHaveLength(5);
    expect(q.sql).toMatch(/where "ssb"."schedule_id" = @1 order by "ssb"."scheduling_block_id"$/);
    expect(q.parameters).toEqual([42]);
  });

  it('stages facts rows in a session temporary table, within the parameter limit', () => {
    expect(CREATE_STAGING).toMatch(/^DROP TABLE IF EXISTS #tsi_visibility_facts;\nCREATE TABLE #tsi_visibility_facts \(\n  scheduling_block_id BIGINT NOT NULL PRIMARY KEY, json_digest BINARY\(32\) NOT NULL,/);
    const row = (id: number) => [id, Buffer.alloc(32, id), 100 + id, id, id / 3, 1, Buffer.from([id])];
    const statements = stageFactsStatements(db, Array.from({ length: 700 }, (_, i) => row(i + 1)));
    const perStatement = Math.floor(MSSQL_MAX_PARAMETERS / WIDTH);
    expect(statements.map((s) => s.parameters.length / WIDTH)).toEqual([perStatement, perStatement, 700 - 2 * perStatement]);
    expect(statements[0].sql).toMatch(/^INSERT INTO #tsi_visibility_facts \("scheduling_block_id", "json_digest", "json_length", "period_count", "union_hours", "range_count", "minute_ranges"\) VALUES \(@1, @2, @3, @4, @5, @6, @7\), \(@8,/);
    expect(statements[2].parameters.slice(0, WIDTH)).toEqual(row(2 * perStatement + 1));
  });

  it('upserts the staged facts without MERGE, writing only missing or changed ones, then drops the staging table', () => {
    const text = upsertStagedFacts(db);
    expect(text).not.toMatch(/MERGE/);
    const [update, insert, drop] = text.split(';\n');
    expect(update).toBe(
      'UPDATE f SET "json_digest" = v."json_digest", "json_length" = v."json_length", "period_count" = v."period_count", "union_hours" = v."union_hours", '
      + '"range_count" = v."range_count", "minute_ranges" = v."minute_ranges"\n'
      + 'FROM [analytics].[block_visibility_facts] AS f INNER JOIN #tsi_visibility_facts AS v ON f.scheduling_block_id = v.scheduling_block_id\n'
      + 'WHERE f.json_digest <> v.json_digest OR f.json_length <> v.json_length',
    );
    expect(insert).toBe(
      'INSERT INTO [analytics].[block_visibility_facts] ("scheduling_block_id", "json_digest", "json_length", "period_count", "union_hours", "range_count", "minute_ranges")\n'
      + 'SELECT v."scheduling_block_id", v."json_digest", v."json_length", v."period_count", v."union_hours", v."range_count", v."minute_ranges" FROM #tsi_visibility_facts AS v\n'
      + 'WHERE NOT EXISTS (SELECT 1 FROM [analytics].[block_visibility_facts] AS f WHERE f.scheduling_block_id = v.scheduling_block_id)',
    );
    expect(drop).toBe('DROP TABLE #tsi_visibility_facts;');
  });

  it('cleans up only facts that no schedule with analytics links, naming columns through an alias (no schema.table.column)', () => {
    const q = deleteUnusedFacts(db, 42).compile();
    expect(q.sql).toBe(
      'delete from "analytics"."block_visibility_facts" where "scheduling_block_id" in (select "f"."scheduling_block_id" from "analytics"."block_visibility_facts" as "f" ' +
        'where ("f"."scheduling_block_id" in (select "scheduling_block_id" from "dbo"."schedule_scheduling_blocks" where "schedule_id" = @1) ' +
        'or not exists (select 1 as "one" from "dbo"."scheduling_blocks" as "sb" where "sb"."scheduling_block_id" = "f"."scheduling_block_id")) ' +
        'and not exists (select 1 as "one" from "dbo"."schedule_scheduling_blocks" as "o" inner join "analytics"."schedule_analytics_runs" as "r" on "r"."schedule_id" = "o"."schedule_id" ' +
        'where "o"."scheduling_block_id" = "f"."scheduling_block_id"))',
    );
    expect(q.sql).not.toMatch(/"\w+"\."\w+"\."\w+"/);
  });
});

import mssql from 'mssql';
import { describe, expect, it } from 'vitest';
import { mssqlKysely } from '../../sql/mssql/mssql-driver.js';
import { mergeFactsStatements } from '../../sql/mssql/mssql-facts-merge.js';
import { MSSQL_MAX_PARAMETERS } from '../../sql/mssql/mssql-row-writer.js';
import { selectSourceBlocksWithFactsMssql } from '../../sql/queries/source-blocks.js';
import { deleteUnusedFacts } from '../../sql/queries/visibility-facts.js';
import { VISIBILITY_FACTS } from '../../sql/table-specs.js';

// Compiling needs no server: the pool is never connected.
const db = mssqlKysely(new mssql.ConnectionPool({ server: 'localhost' }));

describe('the T-SQL of visibility facts', () => {
  it('digests the JSON on the server and sends it only for blocks without matching facts', () => {
    const q = selectSourceBlocksWithFactsMssql(db, 42).compile();
    expect(q.sql).toContain(
      'left join "analytics"."block_visibility_facts" as "f" on "f"."scheduling_block_id" = "sb"."scheduling_block_id" ' +
        "and f.json_length = DATALENGTH(sb.visibility_periods_json) AND f.json_digest = HASHBYTES('SHA2_256', sb.visibility_periods_json)",
    );
    expect(q.sql).toContain('CASE WHEN f.scheduling_block_id IS NULL THEN sb.visibility_periods_json END as "visibilityJson"');
    expect(q.sql).toContain('"f"."period_count" as "factsPeriodCount", "f"."union_hours" as "factsUnionHours", "f"."range_count" as "factsRangeCount", "f"."minute_ranges" as "factsMinuteRanges"');
    // The JSON column is selected nowhere else: reused text never crosses the network.
    expect(q.sql.match(/visibility_periods_json/g)).toHaveLength(3);
    expect(q.sql).toMatch(/where "ssb"."schedule_id" = @1 order by "ssb"."scheduling_block_id"$/);
    expect(q.parameters).toEqual([42]);
  });

  it('upserts facts with MERGE … WITH (HOLDLOCK) in block-id order, writing only missing or changed ones, within the parameter limit', () => {
    const row = (id: number) => [id, Buffer.alloc(32, id), 100 + id, id, id / 3, 1, Buffer.from([id])];
    const ids = Array.from({ length: 700 }, (_, i) => 700 - i);
    const statements = mergeFactsStatements(db, ids.map(row));
    const perStatement = Math.floor(MSSQL_MAX_PARAMETERS / VISIBILITY_FACTS.columns.length);
    expect(statements.map((s) => s.parameters.length / VISIBILITY_FACTS.columns.length)).toEqual([perStatement, perStatement, 700 - 2 * perStatement]);
    expect(statements.every((s) => s.parameters.length <= MSSQL_MAX_PARAMETERS)).toBe(true);
    const blockIds = statements.flatMap((s) => s.parameters.filter((_, i) => i % VISIBILITY_FACTS.columns.length === 0));
    expect(blockIds).toEqual([...ids].sort((a, b) => a - b));
    const text = statements[0].sql;
    expect(text).toMatch(/^MERGE \[analytics\]\.\[block_visibility_facts\] WITH \(HOLDLOCK\) AS f\nUSING \(VALUES \(@1, @2, @3, @4, @5, @6, @7\), \(@8,/);
    expect(text).toContain('ON f.scheduling_block_id = v.scheduling_block_id');
    expect(text).toContain('WHEN MATCHED AND (f.json_digest <> v.json_digest OR f.json_length <> v.json_length) THEN UPDATE SET f."json_digest" = v."json_digest", ');
    expect(text).toContain('WHEN NOT MATCHED THEN INSERT ("scheduling_block_id", "json_digest", "json_length", "period_count", "union_hours", "range_count", "minute_ranges")');
  });

  it('cleans up only facts that no schedule with analytics links', () => {
    const q = deleteUnusedFacts(db, 42).compile();
    expect(q.sql).toBe(
      'delete from "analytics"."block_visibility_facts" where ("analytics"."block_visibility_facts"."scheduling_block_id" in ' +
        '(select "scheduling_block_id" from "dbo"."schedule_scheduling_blocks" where "schedule_id" = @1) ' +
        'or not exists (select 1 as "one" from "dbo"."scheduling_blocks" as "sb" where "sb"."scheduling_block_id" = "analytics"."block_visibility_facts"."scheduling_block_id")) ' +
        'and not exists (select 1 as "one" from "dbo"."schedule_scheduling_blocks" as "o" inner join "analytics"."schedule_analytics_runs" as "r" on "r"."schedule_id" = "o"."schedule_id" ' +
        'where "o"."scheduling_block_id" = "analytics"."block_visibility_facts"."scheduling_block_id")',
    );
  });
});

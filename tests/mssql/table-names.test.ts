import mssql from 'mssql';
import { describe, expect, it } from 'vitest';
import { mssqlKysely } from '../../sql/mssql/mssql-driver.js';
import { qualifiedTableName, TABLE_SCHEMAS } from '../../sql/mssql/table-names.js';

const db = mssqlKysely(new mssql.ConnectionPool({ server: 'localhost' }));

describe('MssqlTableNamesPlugin', () => {
  it('puts source tables in dbo and derived ones in analytics, aliases untouched', () => {
    const q = db
      .selectFrom('schedule_blocks_analytics as b')
      .innerJoin('schedules as s', 's.schedule_id', 'b.schedule_id')
      .select(['b.priority', 's.schedule_name'])
      .where('b.schedule_id', '=', 1)
      .compile();
    expect(q.sql).toBe(
      'select "b"."priority", "s"."schedule_name" from "analytics"."schedule_blocks_analytics" as "b" ' +
        'inner join "dbo"."schedules" as "s" on "s"."schedule_id" = "b"."schedule_id" where "b"."schedule_id" = @1',
    );
  });

  it('qualifies a column named through its bare table name like the table itself', () => {
    expect(db.selectFrom('schedule_analytics_runs').select('schedule_analytics_runs.source_fingerprint').compile().sql).toBe(
      'select "analytics"."schedule_analytics_runs"."source_fingerprint" from "analytics"."schedule_analytics_runs"',
    );
  });

  it('maps tables inside subqueries, updates and deletes', () => {
    const q = db
      .selectFrom('schedules')
      .select('schedule_id')
      .where(({ exists, selectFrom }) => exists(selectFrom('schedule_summary_analytics').select('id').whereRef('schedule_summary_analytics.schedule_id', '=', 'schedules.schedule_id')))
      .compile();
    expect(q.sql).toBe(
      'select "schedule_id" from "dbo"."schedules" where exists (select "id" from "analytics"."schedule_summary_analytics" ' +
        'where "analytics"."schedule_summary_analytics"."schedule_id" = "dbo"."schedules"."schedule_id")',
    );
    expect(db.updateTable('schedule_etl_locks').set({ owner: 'w1' }).where('schedule_id', '=', 4).compile().sql).toBe(
      'update "analytics"."schedule_etl_locks" set "owner" = @1 where "schedule_id" = @2',
    );
    expect(db.deleteFrom('schedule_scheduling_blocks').where('schedule_id', '=', 4).compile().sql).toBe('delete from "dbo"."schedule_scheduling_blocks" where "schedule_id" = @1');
  });

  it('leaves CTE names and names that already have a schema alone', () => {
    const q = db.with('recent', (qb) => qb.selectFrom('schedules').select('schedule_id')).selectFrom('recent').selectAll().compile();
    expect(q.sql).toBe('with "recent" as (select "schedule_id" from "dbo"."schedules") select * from "recent"');
    expect(db.selectFrom('sys.tables' as never).selectAll().compile().sql).toBe('select * from "sys"."tables"');
  });
});

describe('TABLE_SCHEMAS', () => {
  it('puts the 7 source tables in dbo and the 12 analytics tables in analytics', () => {
    const bySchema = (schema: string) => [...TABLE_SCHEMAS].filter(([, s]) => s === schema).map(([t]) => t).sort();
    expect(bySchema('dbo')).toEqual(['altitude_constraints', 'azimuth_constraints', 'constraints', 'schedule_scheduling_blocks', 'schedules', 'scheduling_blocks', 'targets']);
    expect(bySchema('analytics')).toEqual([
      'block_visibility_facts',
      'schedule_analytics_runs',
      'schedule_block_visibility_ranges',
      'schedule_blocks_analytics',
      'schedule_comparisons',
      'schedule_etl_locks',
      'schedule_heatmap_bins',
      'schedule_priority_rates',
      'schedule_summary_analytics',
      'schedule_visibility_bins',
      'schedule_visibility_time_bins',
      'schedule_visibility_time_metadata',
    ]);
  });

  it('gives bulk copy bracketed names', () => {
    expect(qualifiedTableName('targets')).toBe('[dbo].[targets]');
    expect(qualifiedTableName('schedule_visibility_time_bins')).toBe('[analytics].[schedule_visibility_time_bins]');
  });
});

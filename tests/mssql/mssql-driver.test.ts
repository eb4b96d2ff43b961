import mssql from 'mssql';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { InsertStatementCache } from '../../sql/insert-statements.js';
import { bindParameters, mssqlKysely } from '../../sql/mssql/mssql-driver.js';
import { selectSourceAggregates, selectSourceBlocks } from '../../sql/queries/source-blocks.js';
import { SUMMARY } from '../../sql/table-specs.js';

// Compiling needs no server: the pool is never connected.
const db = mssqlKysely(new mssql.ConnectionPool({ server: 'localhost' }));

describe('the T-SQL kysely compiles for the SQL Server store', () => {
  it('compiles the source-blocks query against dbo, with @1', () => {
    const q = selectSourceBlocks(db, 42).compile();
    expect(q.sql).toBe(
      'select "sb"."scheduling_block_id" as "blockId", "t"."ra_deg" as "raDeg", "t"."dec_deg" as "decDeg", "sb"."priority" as "priority", ' +
        '"sb"."requested_duration_sec" as "requestedDurationSec", "sb"."min_observation_sec" as "minObservationSec", ' +
        '"ac"."min_alt_deg" as "minAltDeg", "ac"."max_alt_deg" as "maxAltDeg", "az"."min_az_deg" as "minAzDeg", "az"."max_az_deg" as "maxAzDeg", ' +
        '"ssb"."start_time_mjd" as "scheduledStartMjd", "ssb"."stop_time_mjd" as "scheduledStopMjd", "sb"."visibility_periods_json" as "visibilityJson" ' +
        'from "dbo"."schedule_scheduling_blocks" as "ssb" ' +
        'inner join "dbo"."scheduling_blocks" as "sb" on "sb"."scheduling_block_id" = "ssb"."scheduling_block_id" ' +
        'inner join "dbo"."targets" as "t" on "t"."target_id" = "sb"."target_id" ' +
        'left join "dbo"."constraints" as "c" on "c"."constraints_id" = "sb"."constraints_id" ' +
        'left join "dbo"."altitude_constraints" as "ac" on "ac"."altitude_constraints_id" = "c"."altitude_constraints_id" ' +
        'left join "dbo"."azimuth_constraints" as "az" on "az"."azimuth_constraints_id" = "c"."azimuth_constraints_id" ' +
        'where "ssb"."schedule_id" = @1 order by "ssb"."scheduling_block_id"',
    );
    expect(q.parameters).toEqual([42]);
  });

  it('compiles the aggregates query with DATALENGTH as the JSON size', () => {
    const q = selectSourceAggregates(db, 42, (c) => sql.raw(`DATALENGTH(${c})`)).compile();
    expect(q.sql).toBe(
      'select count(*) as "blockCount", min("sb"."priority") as "priorityMin", max("sb"."priority") as "priorityMax", ' +
        'SUM(CAST(ROUND((sb.priority) * 1000000, 0) AS BIGINT) * (1 + sb.scheduling_block_id % 7)) as "prioritySum", ' +
        'SUM(sb.scheduling_block_id + sb.requested_duration_sec * 3 + sb.min_observation_sec * 5) as "intSum", ' +
        'SUM(CAST(ROUND((COALESCE(ssb.start_time_mjd, -1)) * 1000000, 0) AS BIGINT) + CAST(ROUND((COALESCE(ssb.stop_time_mjd, -2)) * 1000000, 0) AS BIGINT) * 3) as "windowSum", ' +
        'SUM(CAST(ROUND((t.ra_deg + t.dec_deg * 3 + COALESCE(ac.min_alt_deg, -1) * 5 + COALESCE(ac.max_alt_deg, -1) * 7 + COALESCE(az.min_az_deg, -1) * 11 + COALESCE(az.max_az_deg, -1) * 13) * 1000000, 0) AS BIGINT)) as "geometrySum", ' +
        'SUM(COALESCE(DATALENGTH(sb.visibility_periods_json), -1) * (1 + sb.scheduling_block_id % 13)) as "jsonSizeSum" ' +
        'from "dbo"."schedule_scheduling_blocks" as "ssb" ' +
        'inner join "dbo"."scheduling_blocks" as "sb" on "sb"."scheduling_block_id" = "ssb"."scheduling_block_id" ' +
        'inner join "dbo"."targets" as "t" on "t"."target_id" = "sb"."target_id" ' +
        'left join "dbo"."constraints" as "c" on "c"."constraints_id" = "sb"."constraints_id" ' +
        'left join "dbo"."altitude_constraints" as "ac" on "ac"."altitude_constraints_id" = "c"."altitude_constraints_id" ' +
        'left join "dbo"."azimuth_constraints" as "az" on "az"."azimuth_constraints_id" = "c"."azimuth_constraints_id" ' +
        'where "ssb"."schedule_id" = @1',
    );
    expect(q.parameters).toEqual([42]);
  });

  it('compiles a 2-row insert into schedule_summary_analytics with @1…@64', () => {
    const columns = SUMMARY.columns.map((c) => `"${c.name}"`).join(', ');
    const row = (first: number) => `(${Array.from({ length: 32 }, (_, i) => `@${first + i}`).join(', ')})`;
    expect(new InsertStatementCache(db).sql(SUMMARY, 2)).toBe(`insert into "analytics"."schedule_summary_analytics" (${columns}) values ${row(1)}, ${row(33)}`);
    // The columns in TableSpec order, spelled out once by hand:
    expect(columns).toBe(
      '"schedule_id", "total_blocks", "scheduled_blocks", "unscheduled_blocks", "impossible_blocks", "invalid_visibility_blocks", "scheduling_rate", ' +
        '"priority_min", "priority_max", "priority_mean", "priority_median", "priority_scheduled_mean", "priority_unscheduled_mean", ' +
        '"visibility_total_hours", "visibility_mean_hours", "visibility_min_hours", "visibility_max_hours", "requested_total_hours", "requested_mean_hours", ' +
        '"scheduled_total_hours", "corr_priority_visibility", "corr_priority_requested", "corr_visibility_requested", "conflict_count", "n_bins", ' +
        '"scheduled_union_hours", "gap_count", "gap_total_hours", "gap_mean_hours", "gap_median_hours", "gap_p90_hours", "gap_max_hours"',
    );
  });

  it('compiles reads, deletes and the schedule insert with the right schema', () => {
    expect(db.selectFrom('schedule_blocks_analytics').selectAll().where('schedule_id', '=', 7).orderBy('scheduling_block_id').compile().sql).toBe(
      'select * from "analytics"."schedule_blocks_analytics" where "schedule_id" = @1 order by "scheduling_block_id"',
    );
    expect(db.deleteFrom('schedule_heatmap_bins').where('schedule_id', '=', 3).compile().sql).toBe('delete from "analytics"."schedule_heatmap_bins" where "schedule_id" = @1');
    expect(db.insertInto('schedules').values({ schedule_name: 'n', checksum: 'c', dark_periods_json: null }).output('inserted.schedule_id').compile().sql).toBe(
      'insert into "dbo"."schedules" ("schedule_name", "checksum", "dark_periods_json") output "inserted"."schedule_id" values (@1, @2, @3)',
    );
  });
});

describe('bindParameters', () => {
  it('binds value i as input "i+1", typed by mssql from the value', () => {
    const bytes = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    const request = bindParameters(new mssql.Request(), [7, 1.5, 2 ** 40, 'x', null, undefined, bytes]);
    const p = request.parameters;
    expect(Object.keys(p)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect([p['1'].type, p['1'].value]).toEqual([mssql.Int, 7]);
    expect([p['2'].type, p['2'].value]).toEqual([mssql.Float, 1.5]);
    expect([p['3'].type, p['3'].value]).toEqual([mssql.BigInt, 2 ** 40]);
    expect([p['4'].type, p['4'].value]).toEqual([mssql.NVarChar, 'x']);
    expect([p['5'].value, p['6'].value]).toEqual([null, null]);
    // A Uint8Array view goes as the Buffer of exactly its bytes, not as text.
    expect(p['7'].type).toBe(mssql.VarBinary);
    expect(p['7'].value).toEqual(Buffer.from([8, 7]));
  });
});

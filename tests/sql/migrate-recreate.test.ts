import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { backfill } from '../../pipeline/backfill.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { verifySchedule } from '../../pipeline/verify.js';
import { getScheduleSummary, getSummaryReport } from '../../queries/summary-reads.js';
import { getVisibilityHistogram } from '../../queries/visibility-reads.js';
import { migrationFiles } from '../../sql/migration-files.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { runCli, withStore } from '../helpers.js';

const GAP_COLUMNS = ['scheduled_union_hours', 'gap_count', 'gap_total_hours', 'gap_mean_hours', 'gap_median_hours', 'gap_p90_hours', 'gap_max_hours'];
const ALL_FILES = migrationFiles('sqlite').map((f) => f.name);

/** Runs DDL on the file from a connection of its own, as a DBA rolling back by hand would. */
function onFile(path: string, ddl: string): void {
  const conn = new BetterSqlite3(path);
  try {
    conn.exec(ddl);
  } finally {
    conn.close();
  }
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(() => new Error('expected a failure'), (e: unknown) => e as Error);
}

async function populated(store: SqliteStore): Promise<number> {
  const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 150, days: 8, seed: 3 });
  await populateSchedule(store, scheduleId);
  return scheduleId;
}

describe('rollback by DROP TABLE, then migrate', () => {
  it('fails a populate with one line naming the table, then migrate re-creates it with every column, and populate works again', async () => {
    await withStore(async (store, path) => {
      const id = await populated(store);
      onFile(path, 'DROP TABLE schedule_summary_analytics');

      // Reads fall back to the legacy path meanwhile.
      expect((await getSummaryReport(store, id)).source).toBe('legacy');
      const error = await errorOf(populateSchedule(store, id));
      expect(error.message).toBe(`table schedule_summary_analytics is missing from sqlite:${path}: run \`tsi-etl migrate\` on this database to re-create it (nothing was written)`);
      // nothing was written: phase 1 rows of the earlier run are still there
      expect((await store.db.selectFrom('schedule_blocks_analytics').select('id').where('schedule_id', '=', id).execute()).length).toBe(150);

      const report = await store.migrate();
      expect(report.applied).toEqual([]);
      expect(report.alreadyApplied).toEqual(ALL_FILES);
      expect(report.recreated).toEqual(['table schedule_summary_analytics', ...GAP_COLUMNS.map((c) => `column schedule_summary_analytics.${c}`)]);
      // Phase 2 is incomplete without its summary row: deleted, so nothing serves a summary without it.
      expect(report.analyticsDeleted).toEqual([{ phase: 2, scheduleIds: [id] }]);
      expect(await store.db.selectFrom('schedule_priority_rates').select('schedule_id').where('schedule_id', '=', id).execute()).toEqual([]);
      expect(await store.db.selectFrom('schedule_analytics_runs').select('phases').where('schedule_id', '=', id).execute()).toEqual([{ phases: '1,3' }]);
      expect((await getSummaryReport(store, id)).source).toBe('legacy');
      expect(await store.migrate()).toMatchObject({ recreated: [], analyticsDeleted: [] });

      await populateSchedule(store, id);
      const summary = await getScheduleSummary(store, id);
      expect(summary.gap_count).toBeGreaterThan(0);
      expect((await verifySchedule(store, id)).drifts).toEqual([]);
    });
  });

  it('re-creates a dropped column and a dropped index, and leaves the rest alone', async () => {
    await withStore(async (store, path) => {
      const id = await populated(store);
      onFile(path, 'ALTER TABLE schedule_summary_analytics DROP COLUMN gap_p90_hours; DROP INDEX ix_sba_timeline;');
      expect((await errorOf(populateSchedule(store, id))).message).toMatch(/^column schedule_summary_analytics\.gap_p90_hours is missing from .*: run `tsi-etl migrate`/);
      const report = await store.migrate();
      expect(report.recreated).toEqual(['column schedule_summary_analytics.gap_p90_hours', 'index ix_sba_timeline on schedule_blocks_analytics']);
      // the summary rows that were there are still there (the table was not re-created)
      expect((await getScheduleSummary(store, id)).gap_count).toBeGreaterThan(0);
      await populateSchedule(store, id);
      expect((await verifySchedule(store, id)).ok).toBe(true);
    });
  });
});

describe('a re-created table of a phase', () => {
  it('deletes that phase from every schedule that had some of it: reads fall back, backfill computes it again', async () => {
    await withStore(async (store, path) => {
      const a = await populated(store);
      const { scheduleId: b } = await loadGeneratedSchedule(store, { blocks: 80, days: 5, seed: 4 });
      await populateSchedule(store, b, { phases: [1, 2] });
      const { scheduleId: c } = await loadGeneratedSchedule(store, { blocks: 60, days: 4, seed: 5 });
      await populateSchedule(store, c);
      const query = { scheduleId: a, binMinutes: 240 };
      const before = await getVisibilityHistogram(store, query);
      expect(before.some((bin) => bin.count > 0)).toBe(true);

      // The plan's rollback of one Phase 3 table; c also lost its metadata row by hand (its run record still lists Phase 3).
      onFile(path, `DROP TABLE schedule_block_visibility_ranges; DELETE FROM schedule_visibility_time_metadata WHERE schedule_id = ${c}`);
      const report = await store.migrate();
      expect(report.recreated).toEqual(['table schedule_block_visibility_ranges']);
      // b never had Phase 3; a and c lose what was left of theirs.
      expect(report.analyticsDeleted).toEqual([{ phase: 3, scheduleIds: [a, c] }]);
      for (const id of [a, b, c]) {
        for (const table of ['schedule_visibility_time_metadata', 'schedule_visibility_time_bins'] as const) {
          expect(await store.db.selectFrom(table).select('schedule_id').where('schedule_id', '=', id).execute(), `${table} ${id}`).toEqual([]);
        }
      }
      expect((await store.db.selectFrom('schedule_analytics_runs').select(['schedule_id', 'phases']).orderBy('schedule_id').execute()))
        .toEqual([{ schedule_id: a, phases: '1,2' }, { schedule_id: b, phases: '1,2' }, { schedule_id: c, phases: '1,2' }]);

      // Before the fix the histogram read the empty ranges table as "no block visible anywhere".
      const sources: string[] = [];
      expect(await getVisibilityHistogram(store, query, { onSource: (_read, source) => sources.push(source) })).toEqual(before);
      expect(sources).toEqual(['legacy']);

      // A plain backfill (missing phases) computes Phase 3 again for a, b and c.
      const refilled = await backfill(store, {});
      expect(refilled.done).toEqual([a, b, c]);
      expect(await getVisibilityHistogram(store, query, { onSource: (_read, source) => sources.push(source) })).toEqual(before);
      expect(sources).toEqual(['legacy', 'analytics']);
      for (const id of [a, b, c]) expect((await verifySchedule(store, id)).drifts, `schedule ${id}`).toEqual([]);
    });
  });
});

describe('the deletion of an incomplete phase', () => {
  it('is part of the transaction that re-creates the table: a migrate that fails there leaves both undone for the next', async () => {
    await withStore(async (store, path) => {
      const id = await populated(store);
      onFile(path, `DROP TABLE schedule_block_visibility_ranges;
        CREATE TRIGGER refuse_bin_deletes BEFORE DELETE ON schedule_visibility_time_bins BEGIN SELECT RAISE(ABORT, 'bins are kept'); END;`);
      expect((await errorOf(store.migrate())).message).toMatch(/^migration 003_create_visibility_time_bins\.sql failed: bins are kept$/);
      // Rolled back whole: the table is still missing and the run record still lists Phase 3.
      expect((await errorOf(populateSchedule(store, id))).message).toMatch(/^table schedule_block_visibility_ranges is missing from /);
      expect(await store.db.selectFrom('schedule_analytics_runs').select('phases').execute()).toEqual([{ phases: '1,2,3' }]);

      onFile(path, 'DROP TRIGGER refuse_bin_deletes');
      expect(await store.migrate()).toMatchObject({ recreated: ['table schedule_block_visibility_ranges'], analyticsDeleted: [{ phase: 3, scheduleIds: [id] }] });
      expect(await store.db.selectFrom('schedule_analytics_runs').select('phases').execute()).toEqual([{ phases: '1,2' }]);
      expect(await store.db.selectFrom('schedule_visibility_time_bins').select('schedule_id').execute()).toEqual([]);
    });
  });
});

describe('a database migrated before 005', () => {
  it('gets 005 from migrate; its old summary rows read null gaps until a populate fills them', async () => {
    await withStore(async (store, path) => {
      const id = await populated(store);
      // Back to the schema and rows of before 005 (SQLite can drop columns since 3.35).
      onFile(path, [
        ...GAP_COLUMNS.map((c) => `ALTER TABLE schedule_summary_analytics DROP COLUMN ${c}`),
        'ALTER TABLE scheduling_blocks DROP COLUMN original_block_id',
        'DROP INDEX ix_sba_timeline',
        'DROP TABLE schedule_comparisons',
        "DELETE FROM schema_migrations WHERE version = '005'",
      ].join(';\n'));

      const report = await store.migrate();
      expect(report.applied).toEqual([ALL_FILES[5]]);
      expect(report.recreated).toEqual([]);
      const old = await getSummaryReport(store, id);
      expect(old.source).toBe('analytics');
      for (const c of GAP_COLUMNS) expect(old.summary[c as keyof typeof old.summary], c).toBeNull();
      expect(old.summary.total_blocks).toBe(150);
      expect(runCli(['summary', '--schedule', String(id), '--db', path]).stdout).toContain('\ngaps: not stored for this schedule yet (run `tsi-etl populate` again to compute them)\n');

      await populateSchedule(store, id);
      const fresh = await getScheduleSummary(store, id);
      expect(fresh.scheduled_union_hours).toBeGreaterThan(0);
      expect(fresh.gap_count).toBeGreaterThan(0);
    });
  });
});

// Runs the BUILT cli.
describe('the CLI', () => {
  it('migrate names what it re-created; populate against a missing table is exit 1 with one line', async () => {
    await withStore(async (store, path) => {
      const id = await populated(store);
      onFile(path, 'DROP TABLE schedule_summary_analytics');
      const populate = runCli(['populate', '--schedule', String(id), '--db', path, '--log-level', 'silent']);
      expect(populate.code).toBe(1);
      expect(populate.stderr.trimEnd().split('\n')).toEqual([
        `tsi-etl populate: table schedule_summary_analytics is missing from sqlite:${path}: run \`tsi-etl migrate\` on this database to re-create it (nothing was written)`,
      ]);
      const migrate = runCli(['migrate', '--db', path]);
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toBe([
        `sqlite:${path}: re-created what was missing: table schedule_summary_analytics, ${GAP_COLUMNS.map((c) => `column schedule_summary_analytics.${c}`).join(', ')}`,
        `sqlite:${path}: deleted the Phase 2 analytics of 1 schedule (${id}), incomplete without the re-created table; reads fall back to the source tables until \`tsi-etl backfill\` computes them again`,
      ].join('\n') + '\n');
      expect(runCli(['migrate', '--db', path]).stdout).toBe(`sqlite:${path}: schema is up to date (${ALL_FILES.length} migrations)\n`);
      expect(runCli(['populate', '--schedule', String(id), '--db', path, '--log-level', 'silent']).code).toBe(0);
      const summary = runCli(['summary', '--schedule', String(id), '--db', path]);
      expect(summary.stdout).toMatch(/\ngaps: union of scheduled windows [\d.,]+ h; \d+ gaps, total [\d.,]+ h, mean [\d.,]+ h, median [\d.,]+ h, p90 [\d.,]+ h, max [\d.,]+ h\n/);
      // generate migrates on its way, and says so when that deleted a phase.
      onFile(path, 'DROP TABLE schedule_heatmap_bins');
      const generated = runCli(['generate', '--db', path, '--blocks', '5', '--days', '1', '--seed', '77', '--log-format', 'json']);
      expect(generated.code, generated.stderr).toBe(0);
      expect(generated.stderr).toContain(`"msg":"sqlite:${path}: deleted the Phase 2 analytics of 1 schedule (${id}), incomplete without the re-created table`);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { migrationFiles } from '../../sql/migration-files.js';
import { phasesOfTables } from '../../sql/incomplete-phases.js';
import { describeObject, migrationObjects, tablesRecreated } from '../../sql/migration-objects.js';
import { withMigrateHint } from '../../sql/missing-schema-error.js';

const bare = (name: string) => name.replace(/^(dbo|analytics)\./, '');

describe('migrationObjects', () => {
  it('reads the tables, added columns and indexes of a migration, ignoring comments', () => {
    const objects = migrationObjects(`-- CREATE TABLE commented_out (x INT);
CREATE TABLE IF NOT EXISTS a (x INT);
IF OBJECT_ID(N'analytics.b', N'U') IS NULL
CREATE TABLE analytics.b (y INT);
ALTER TABLE a ADD COLUMN z REAL NULL;
ALTER TABLE analytics.b ADD w FLOAT NULL;
ALTER TABLE analytics.b ADD CONSTRAINT ck CHECK (y > 0);
CREATE UNIQUE INDEX IF NOT EXISTS ix_a ON a (x);
  CREATE NONCLUSTERED INDEX ix_b
    ON analytics.b (y);`);
    expect(objects.map(describeObject)).toEqual(['table a', 'table analytics.b', 'column a.z', 'column analytics.b.w', 'index ix_a on a', 'index ix_b on analytics.b']);
  });

  it('reads triggers, whose bodies hold statements of their own', () => {
    const objects = migrationObjects(`CREATE TRIGGER IF NOT EXISTS trg_a
AFTER UPDATE OF x, y ON a
BEGIN
  DELETE FROM b WHERE id = OLD.x;
END;
CREATE TRIGGER trg_b BEFORE INSERT ON analytics.c WHEN NEW.x > 0 BEGIN SELECT 1; END;`);
    expect(objects.map(describeObject)).toEqual(['trigger trg_a on a', 'trigger trg_b on analytics.c']);
  });

  it('finds the same tables and added columns in both dialects (but SQLite\'s facts triggers and their change counter)', () => {
    const sqlite = migrationFiles('sqlite');
    const mssql = migrationFiles('mssql');
    expect(mssql.map((f) => f.name)).toEqual(sqlite.map((f) => f.name));
    const sqliteOnly = new Set(['table block_visibility_json_changes.block_visibility_json_changes']);
    sqlite.forEach((file, i) => {
      const shape = (sqlText: string) => migrationObjects(sqlText).filter((o) => o.kind !== 'index').map((o) => `${o.kind} ${bare(o.table)}.${o.name.replace(/^.*\./, '')}`)
        .filter((o) => !sqliteOnly.has(o) && !o.startsWith('trigger '));
      expect(shape(mssql[i].sql), file.name).toEqual(shape(file.sql));
    });
    const phase4 = migrationObjects(sqlite[5].sql).map(describeObject);
    expect(phase4).toContain('column scheduling_blocks.original_block_id');
    expect(phase4).toContain('table schedule_comparisons');
    expect(phase4).toContain('index ix_sba_timeline on schedule_blocks_analytics');
    expect(migrationObjects(sqlite[6].sql).map(describeObject)).toEqual(['table block_visibility_facts', 'index ix_ssb_block on schedule_scheduling_blocks']);
    expect(migrationObjects(mssql[6].sql).map(describeObject)).toEqual(['table analytics.block_visibility_facts', 'index ix_ssb_block on dbo.schedule_scheduling_blocks']);
    expect(migrationObjects(sqlite[7].sql).map(describeObject)).toEqual([
      'table block_visibility_json_changes', 'column schedule_analytics_runs.phase3_digest',
      'trigger trg_sb_json_update_drops_facts on scheduling_blocks', 'trigger trg_sb_delete_drops_facts on scheduling_blocks', 'trigger trg_sb_replace_drops_facts on scheduling_blocks',
    ]);
    expect(migrationObjects(mssql[7].sql).map(describeObject)).toEqual(['column analytics.schedule_analytics_runs.phase3_digest']);
  });
});

describe('the phases a re-created table leaves incomplete', () => {
  it('are those of the re-created tables (either dialect\'s names), not of re-added columns, indexes or triggers', () => {
    const tables = tablesRecreated([
      'table analytics.schedule_summary_analytics', 'column analytics.schedule_heatmap_bins.total_count', 'index ix_sba_timeline on schedule_blocks_analytics',
      'trigger trg_sb_delete_drops_facts on scheduling_blocks', 'table schedule_block_visibility_ranges', 'table block_visibility_facts',
    ]);
    expect(tables).toEqual(['schedule_summary_analytics', 'schedule_block_visibility_ranges', 'block_visibility_facts']);
    expect(phasesOfTables(tables)).toEqual([2, 3]);
    expect(phasesOfTables(['schedule_blocks_analytics'])).toEqual([1]);
    // The run log, the facts cache and the comparisons cache belong to no phase.
    expect(phasesOfTables(['schedule_analytics_runs', 'block_visibility_facts', 'schedule_comparisons'])).toEqual([]);
  });
});

describe('withMigrateHint', () => {
  it.each([
    ['no such table: main.schedule_summary_analytics', 'table schedule_summary_analytics'],
    ['table schedule_summary_analytics has no column named gap_count', 'column schedule_summary_analytics.gap_count'],
    ['no such index: ix_sb_source_columns', 'index ix_sb_source_columns'],
    ["Invalid object name 'analytics.schedule_summary_analytics'.", 'table analytics.schedule_summary_analytics'],
    ["Invalid column name 'gap_count'.", 'column gap_count'],
  ])('turns "%s" into one line naming %s', (driverMessage, named) => {
    const error = withMigrateHint(new Error(driverMessage), 'mssql://host/db') as Error;
    expect(error.message).toBe(`${named} is missing from mssql://host/db: run \`tsi-etl migrate\` on this database to re-create it (nothing was written)`);
  });

  it('passes any other error through', () => {
    const other = new Error('disk I/O error');
    expect(withMigrateHint(other, 'sqlite:x')).toBe(other);
  });
});

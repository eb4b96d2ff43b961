import { describe, expect, it } from 'vitest';
import { migrationFiles } from '../../sql/migration-files.js';
import { splitGoBatches } from '../../sql/mssql/go-batches.js';
import { prefixPattern } from '../../sql/mssql/mssql-migrator.js';
import { TABLE_SCHEMAS } from '../../sql/mssql/table-names.js';
import { ALL_PHASES, ANALYTICS_RUNS, PHASE_TABLES, SOURCE_TABLES, type ColumnKind, type TableSpec } from '../../sql/table-specs.js';

interface TableDdl {
  schema: string | null;
  name: string;
  /** Column name → the rest of its definition (type, NULL, DEFAULT, AS …). */
  columns: Map<string, string>;
}

const TABLE_CONSTRAINT = /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b/i;

/** Items of a parenthesized list, split on commas outside nested parentheses. */
function topLevelItems(body: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (body[i] === ',' && depth === 0) {
      items.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  items.push(body.slice(start).trim());
  return items;
}

/** Every CREATE TABLE of a script (SQLite or T-SQL), with its columns. */
function createTables(script: string): TableDdl[] {
  const text = script.replace(/--[^\n]*/g, '');
  const tables: TableDdl[] = [];
  for (const m of text.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(?:(\w+)\.)?(\w+) \(/gi)) {
    let depth = 1;
    let end = m.index + m[0].length;
    for (; depth > 0; end++) depth += text[end] === '(' ? 1 : text[end] === ')' ? -1 : 0;
    const body = text.slice(m.index + m[0].length, end - 1);
    const columns = new Map<string, string>();
    for (const item of topLevelItems(body)) {
      if (TABLE_CONSTRAINT.test(item)) continue;
      const [, name, definition] = /^(\w+)\s+([\s\S]*)$/.exec(item)!;
      columns.set(name, definition.replace(/\s+/g, ' '));
    }
    tables.push({ schema: m[1] ?? null, name: m[2], columns });
  }
  return tables;
}

/** Columns added by ALTER TABLE … ADD, as `[table, column, definition]`. */
function addedColumns(script: string): [string, string, string][] {
  const text = script.replace(/--[^\n]*/g, '');
  return [...text.matchAll(/ALTER TABLE (?:\w+\.)?(\w+) ADD (?:COLUMN )?(\w+) ([^;]*);/gi)].map((m) => [m[1], m[2], m[3].replace(/\s+/g, ' ')]);
}

/** Every table of a dialect's migrations as the last one leaves it: created, then the columns later files add. */
function finalTables(files: { sql: string }[]): Map<string, TableDdl> {
  const tables = new Map(files.flatMap((f) => createTables(f.sql)).map((t) => [t.name, t]));
  for (const [table, column, definition] of files.flatMap((f) => addedColumns(f.sql))) tables.get(table)!.columns.set(column, definition);
  return tables;
}

const mssqlFiles = migrationFiles('mssql');
const sqliteFiles = migrationFiles('sqlite');
const mssqlTables = finalTables(mssqlFiles);
/** SQLite's change counter of its facts triggers (migration 007) has no SQL Server twin: facts there carry a digest. */
const SQLITE_ONLY = 'block_visibility_json_changes';
const sqliteTables = new Map([...finalTables(sqliteFiles)].filter(([name]) => name !== SQLITE_ONLY));

/** What each column kind must be declared as, so bulk copy's column metadata matches the table. */
const TSQL_TYPE: Record<ColumnKind, RegExp> = {
  bigint: /^BIGINT\b/,
  int: /^INT\b/,
  tinyint: /^TINYINT\b/,
  bit: /^BIT\b/,
  float: /^FLOAT\b/,
  // original_block_id (migration 005) is NVARCHAR(256), as SEMANTICS bounds the key.
  nvarchar: /^NVARCHAR\((MAX|256)\)/,
  // phase3_digest (migration 007) is a SHA-256: VARBINARY(32).
  varbinary: /^VARBINARY\((MAX|32)\)/,
};

const SPECS: readonly TableSpec[] = [...(Object.values(SOURCE_TABLES) as TableSpec[]), ...ALL_PHASES.flatMap((p): readonly TableSpec[] => PHASE_TABLES[p]), ANALYTICS_RUNS];

describe('the T-SQL migrations', () => {
  it('are the same numbered files as the SQLite ones', () => {
    expect(mssqlFiles.map((f) => f.name)).toEqual(sqliteFiles.map((f) => f.name));
    expect(mssqlFiles.map((f) => f.name)).toEqual([
      '000_create_source_tables.sql',
      '001_create_analytics_table.sql',
      '002_create_summary_tables.sql',
      '003_create_visibility_time_bins.sql',
      '004_create_run_log.sql',
      '005_phase4_keys_gaps_timeline_compare.sql',
      '006_block_visibility_facts.sql',
      '007_incremental_refresh.sql',
      '008_phase3_inputs_key.sql',
      '009_source_columns_index.sql',
    ]);
  });

  it('split into GO batches, each CREATE TABLE alone and guarded, and never use MERGE', () => {
    for (const file of mssqlFiles) {
      expect(file.sql).not.toMatch(/\bMERGE\b/i);
      const batches = splitGoBatches(file.sql).map((b) => b.replace(/--[^\n]*/g, '').trim());
      const alterOrIndex = batches.filter((b) => /^IF (COL_LENGTH|NOT EXISTS \(SELECT 1 FROM sys\.indexes)/.test(b)).length;
      // 009 changes nothing on SQL Server: its one batch only sets NOCOUNT.
      const noOps = batches.filter((b) => b === 'SET NOCOUNT ON;').length;
      expect(batches.length).toBe(createTables(file.sql).length + alterOrIndex + noOps + (file.version === '001' ? 1 : 0));
      for (const batch of batches) {
        if (/^IF COL_LENGTH/.test(batch)) {
          // Each ADD COLUMN is guarded by the column's absence.
          for (const stmt of batch.split(/;\s*/).filter(Boolean)) expect(stmt).toMatch(/^IF COL_LENGTH\(N'(\w+)\.(\w+)', N'(\w+)'\) IS NULL\s+ALTER TABLE \1\.\2 ADD \3 /);
          continue;
        }
        if (/^IF NOT EXISTS \(SELECT 1 FROM sys\.indexes/.test(batch)) {
          // By its name, or its name as a prefix (Babelfish before 2025 lists its internal name: name, table, hash).
          const m = /^IF NOT EXISTS \(SELECT 1 FROM sys\.indexes WHERE \(name = N'(\w+)' OR name LIKE N'([\w[\]]+)%'\) AND object_id = OBJECT_ID\(N'(\w+\.\w+)'\)\)\s+CREATE NONCLUSTERED INDEX \1\s+ON \3 \(/.exec(batch);
          expect(m, batch).not.toBeNull();
          expect(m![2]).toBe(prefixPattern(m![1]).slice(0, -1));
          continue;
        }
        if (batch === 'SET NOCOUNT ON;') continue;
        if (/CREATE SCHEMA/i.test(batch)) {
          // CREATE SCHEMA must be alone in its batch: EXEC runs it as one.
          expect(batch).toBe("IF SCHEMA_ID(N'analytics') IS NULL EXEC(N'CREATE SCHEMA analytics');");
          continue;
        }
        expect(batch).toMatch(/^IF OBJECT_ID\(N'(\w+)\.(\w+)', N'U'\) IS NULL\nCREATE TABLE \1\.\2 \(/);
      }
    }
  });

  it('create every SQLite table, in dbo or analytics as the table-name plugin maps it', () => {
    expect([...mssqlTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    expect(mssqlTables.size).toBe(19);
    for (const [name, table] of mssqlTables) expect([name, table.schema]).toEqual([name, TABLE_SCHEMAS.get(name as never)]);
  });

  it('give every table the columns of its SQLite twin (allowing an identity id)', () => {
    const allowedExtras = new Set(['id']);
    for (const [name, sqlite] of sqliteTables) {
      const tsql = [...mssqlTables.get(name)!.columns.keys()];
      expect([name, tsql.filter((c) => !allowedExtras.has(c) || sqlite.columns.has(c))]).toEqual([name, [...sqlite.columns.keys()]]);
    }
  });

  it('declare every column a writer supplies with the type and nullability of its TableSpec', () => {
    for (const spec of SPECS) {
      const columns = mssqlTables.get(spec.name)!.columns;
      for (const column of spec.columns) {
        const definition = columns.get(column.name);
        expect([spec.name, column.name, definition]).toEqual([spec.name, column.name, expect.stringMatching(TSQL_TYPE[column.kind])]);
        expect([spec.name, column.name, /\bNOT NULL\b/.test(definition!)]).toEqual([spec.name, column.name, !column.nullable]);
      }
    }
  });

  it("make the plan's computed columns PERSISTED, where SQLite has STORED generated columns", () => {
    const computed = (t: TableDdl | undefined, marker: RegExp) => [...t!.columns].filter(([, d]) => marker.test(d)).map(([c]) => c);
    const tsql = computed(mssqlTables.get('schedule_blocks_analytics'), /^AS \(.*\) PERSISTED$/);
    expect(tsql).toEqual(['requested_hours', 'elevation_range_deg', 'scheduled_duration_sec', 'is_impossible']);
    expect(computed(sqliteTables.get('schedule_blocks_analytics'), /GENERATED ALWAYS AS .* STORED$/)).toEqual(tsql);
    expect(mssqlTables.get('schedule_blocks_analytics')!.columns.get('is_impossible')).toBe(
      'AS (CASE WHEN visibility_invalid = 0 AND total_visibility_hours = 0 THEN 1 ELSE 0 END) PERSISTED',
    );
  });
});

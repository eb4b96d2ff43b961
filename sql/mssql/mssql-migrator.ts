import mssql from 'mssql';
import { TsiError } from '../../base/errors.js';
import { migrationFiles, type MigrationFile } from '../migration-files.js';
import { describeObject, migrationObjects, type MigrationObject } from '../migration-objects.js';
import type { MigrationReport, PhaseDeleted } from '../store.js';
import { getAppLock, MIGRATION_LOCK } from './mssql-app-lock.js';
import { splitGoBatches } from './go-batches.js';
import { inTransaction } from './mssql-transaction.js';

const CREATE_MIGRATIONS_TABLE = `IF OBJECT_ID(N'dbo.schema_migrations', N'U') IS NULL
CREATE TABLE dbo.schema_migrations (
  version NVARCHAR(32) NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
  name NVARCHAR(256) NOT NULL,
  applied_at DATETIME2 NOT NULL CONSTRAINT df_schema_migrations_applied_at DEFAULT SYSUTCDATETIME()
)`;

const RECORD_VERSION = `INSERT INTO dbo.schema_migrations (version, name)
SELECT @version, @name WHERE NOT EXISTS (SELECT 1 FROM dbo.schema_migrations WHERE version = @version)`;

/**
 * The objects of `objects` that do not exist, one parameter set per object
 * (the names come from our own files, but are bound, never spliced). An
 * index matches its name or, for Babelfish before 2025, which lists an
 * index under an internal name (the given name, the table's, a hash), the
 * name as a prefix (`@like`).
 */
export function missingObjectsQuery(objects: readonly MigrationObject[]): string {
  const rows = objects.map((_, i) => `(${i}, @kind${i}, @table${i}, @name${i}, @like${i})`).join(',\n  ');
  return `SELECT o.i FROM (VALUES
  ${rows}
) AS o(i, kind, tbl, name, name_like)
WHERE (o.kind = N'table' AND OBJECT_ID(o.tbl, N'U') IS NULL)
   OR (o.kind = N'column' AND COL_LENGTH(o.tbl, o.name) IS NULL)
   OR (o.kind = N'index' AND NOT EXISTS (SELECT 1 FROM sys.indexes AS ix WHERE (ix.name = o.name OR ix.name LIKE o.name_like) AND ix.object_id = OBJECT_ID(o.tbl)))
ORDER BY o.i`;
}

/** A LIKE pattern for names that start with `name` (its `[`, `_` and `%` taken literally). */
export function prefixPattern(name: string): string {
  return name.replace(/[[_%]/g, (c) => `[${c}]`) + '%';
}

async function missingObjects(transaction: mssql.Transaction, objects: readonly MigrationObject[]): Promise<MigrationObject[]> {
  if (objects.length === 0) return [];
  const request = new mssql.Request(transaction);
  objects.forEach((o, i) => request.input(`kind${i}`, mssql.NVarChar(16), o.kind).input(`table${i}`, mssql.NVarChar(256), o.table)
    .input(`name${i}`, mssql.NVarChar(256), o.name).input(`like${i}`, mssql.NVarChar(512), prefixPattern(o.name)));
  const result = await request.query<{ i: number }>(missingObjectsQuery(objects));
  return (result.recordset ?? []).map((r) => objects[r.i]);
}

/** Holds the migration lock for the transaction, so concurrent migrators run one after the other. */
async function lockMigrations(transaction: mssql.Transaction, timeoutMs: number): Promise<void> {
  const code = await getAppLock(transaction, MIGRATION_LOCK, timeoutMs);
  if (code < 0) throw new TsiError(`another process is migrating this database (waited ${timeoutMs} ms; sp_getapplock returned ${code})`);
}

/** Run in a migration's transaction after it re-created `recreated`: the store's cleanup of the phases left incomplete. */
export type AfterRecreate = (transaction: mssql.Transaction, recreated: string[]) => Promise<PhaseDeleted[]>;

/**
 * Applies the numbered files of `sql/mssql/` that `dbo.schema_migrations`
 * does not list, each in its own transaction under the migration lock:
 * the version row first, then each GO batch as sqlcmd would send it.
 * Running it twice applies nothing the second time, unless something a
 * recorded file creates is missing (a dropped table): then that file runs
 * again (every file is idempotent) and the report lists what was re-created.
 */
export async function migrate(pool: mssql.ConnectionPool, lockTimeoutMs: number, afterRecreate: AfterRecreate = async () => []): Promise<MigrationReport> {
  await inTransaction(pool, async (transaction) => {
    await lockMigrations(transaction, lockTimeoutMs);
    await new mssql.Request(transaction).batch(CREATE_MIGRATIONS_TABLE);
  });
  const report: MigrationReport = { applied: [], alreadyApplied: [], recreated: [], analyticsDeleted: [] };
  for (const file of migrationFiles('mssql')) {
    const applied = await inTransaction(pool, async (transaction) => {
      await lockMigrations(transaction, lockTimeoutMs);
      const recorded = await new mssql.Request(transaction)
        .input('version', mssql.NVarChar(32), file.version)
        .input('name', mssql.NVarChar(256), file.name)
        .query(RECORD_VERSION);
      const fresh = recorded.rowsAffected[0] !== 0;
      // Checked file by file, after the earlier files ran: a table re-created by 002 lacks the columns 005 adds.
      const missing = fresh ? [] : await missingObjects(transaction, migrationObjects(file.sql));
      if (!fresh && missing.length === 0) return false;
      for (const batch of splitGoBatches(file.sql)) await new mssql.Request(transaction).batch(batch);
      if (missing.length > 0) {
        const recreated = missing.map(describeObject);
        report.recreated.push(...recreated);
        report.analyticsDeleted.push(...(await afterRecreate(transaction, recreated)));
      }
      return fresh;
    }).catch((error: unknown) => {
      throw new TsiError(`migration ${file.name} failed: ${(error as Error).message}`, { cause: error });
    });
    (applied ? report.applied : report.alreadyApplied).push(file.name);
  }
  return report;
}

/** The migration files not yet applied (all of them on a database never migrated). */
export async function missingMigrations(pool: mssql.ConnectionPool): Promise<MigrationFile[]> {
  const exists = await pool.request().query<{ id: number | null }>(`SELECT OBJECT_ID(N'dbo.schema_migrations', N'U') AS id`);
  const applied = new Set<string>();
  if (exists.recordset[0].id !== null) {
    const versions = await pool.request().query<{ version: string }>('SELECT version FROM dbo.schema_migrations');
    for (const row of versions.recordset) applied.add(row.version);
  }
  return migrationFiles('mssql').filter((f) => !applied.has(f.version));
}

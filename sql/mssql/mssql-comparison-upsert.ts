import { sql, type Kysely } from 'kysely';
import { comparisonValueColumns } from '../queries/comparison-cache.js';
import type { Database } from '../schema.js';
import type { ComparisonCacheRow } from '../store.js';
import { qualifiedTableName } from './table-names.js';

/**
 * The Compare cache upsert on SQL Server: an UPDATE of the pair's row, and
 * an INSERT when there was none, in one batch. Not MERGE: Babelfish (a
 * T-SQL server on PostgreSQL) rejects it. Two readers storing the same new
 * pair at once can both reach the INSERT; the loser gets a duplicate-key
 * error and runs the batch again, which then updates (isDuplicateKey).
 */
export function upsertComparisonMssql(db: Kysely<Database>, row: ComparisonCacheRow) {
  const columns = Object.keys(row);
  const value = (c: string) => row[c as keyof ComparisonCacheRow];
  const ref = (c: string) => sql.ref(c);
  const table = sql.raw(qualifiedTableName('schedule_comparisons'));
  const set = [...comparisonValueColumns(row).map((c) => sql`${ref(c)} = ${value(c)}`), sql`computed_at = SYSUTCDATETIME()`];
  return sql`UPDATE ${table} SET ${sql.join(set)}
WHERE schedule_a_id = ${row.schedule_a_id} AND schedule_b_id = ${row.schedule_b_id};
IF @@ROWCOUNT = 0 INSERT INTO ${table} (${sql.join(columns.map(ref))}) VALUES (${sql.join(columns.map(value))});`.compile(db);
}

/** A primary key (2627) or unique index (2601) violation: mssql's RequestError carries the server's error number. */
export function isDuplicateKey(error: unknown): boolean {
  const number = (error as { number?: unknown } | null)?.number;
  return number === 2627 || number === 2601;
}

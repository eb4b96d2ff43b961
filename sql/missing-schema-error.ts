import { TsiError } from '../base/errors.js';

/*
 * The drivers' words for a table, column or index that is not there: SQLite
 * prepares fail with "no such table: main.x", "table x has no column named
 * y" or, for a query that names its index, "no such index: ix"; SQL Server
 * with "Invalid object name 'analytics.x'." (error 208) or "Invalid column
 * name 'y'." (207).
 */
const MISSING = [
  { pattern: /no such table: (?:main\.)?([\w.]+)/, what: 'table' },
  { pattern: /table ([\w.]+) has no column named (\w+)/, what: 'column' },
  { pattern: /no such index: (\w+)/, what: 'index' },
  { pattern: /Invalid object name '([\w.]+)'/, what: 'table' },
  { pattern: /Invalid column name '(\w+)'/, what: 'column' },
] as const;

/**
 * The error to report for a write that failed: when a table, column or index
 * the migrations create is missing (e.g. a table dropped to roll back), one line
 * naming it and saying how to re-create it; otherwise `error` itself.
 */
export function withMigrateHint(error: unknown, storeDescription: string): unknown {
  const message = error instanceof Error ? error.message : '';
  for (const { pattern, what } of MISSING) {
    const m = pattern.exec(message);
    if (m === null) continue;
    const name = m.slice(1).join('.');
    return new TsiError(`${what} ${name} is missing from ${storeDescription}: run \`tsi-etl migrate\` on this database to re-create it (nothing was written)`, { cause: error });
  }
  return error;
}

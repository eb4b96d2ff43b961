import { readdirSync, readFileSync } from 'node:fs';

export interface MigrationFile {
  /** The numeric prefix, e.g. "001". */
  version: string;
  /** The file name, e.g. "001_create_analytics_table.sql". */
  name: string;
  sql: string;
}

/**
 * The numbered `.sql` files of a dialect, in order. They sit beside this
 * module in both the source tree and `dist/` (copied by scripts/copy-sql.mjs),
 * so DBAs run the very files the CLI runs.
 */
export function migrationFiles(dialect: 'sqlite' | 'mssql'): MigrationFile[] {
  const dir = new URL(`./${dialect}/`, import.meta.url);
  return readdirSync(dir)
    .filter((name) => /^\d+_.*\.sql$/.test(name))
    .sort()
    .map((name) => ({
      version: name.slice(0, name.indexOf('_')),
      name,
      sql: readFileSync(new URL(name, dir), 'utf8'),
    }));
}

import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { TableSpec } from './table-specs.js';

/**
 * Multi-row INSERT text for `rowCount` rows of `table`, built by kysely once
 * per (table, rowCount) and cached, so the hot path only binds a flat array.
 * An `upsert` table gets SQLite's INSERT OR REPLACE (SQL Server upserts those
 * with an UPDATE and an INSERT of its own, mssql-facts-upsert.ts).
 */
export class InsertStatementCache {
  readonly #db: Kysely<Database>;
  readonly #cache = new Map<string, string>();

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  sql(table: TableSpec, rowCount: number): string {
    const key = `${table.name}:${rowCount}`;
    let text = this.#cache.get(key);
    if (text === undefined) {
      const row = Object.fromEntries(table.columns.map((c) => [c.name, null]));
      const rows = Array.from({ length: rowCount }, () => row);
      // The values are placeholders: kysely turns each into a bound parameter.
      const insert = this.#db.insertInto(table.name).values(rows as never);
      text = (table.upsert ? insert.orReplace() : insert).compile().sql;
      this.#cache.set(key, text);
    }
    return text;
  }
}

/** Rows per statement: as many as the dialect's parameter limit allows, capped. */
export function rowsPerStatement(table: TableSpec, maxParameters: number, cap: number): number {
  return Math.max(1, Math.min(cap, Math.floor(maxParameters / table.columns.length)));
}

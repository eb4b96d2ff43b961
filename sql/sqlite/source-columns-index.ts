import { sql, type CompiledQuery, type RawBuilder } from 'kysely';

/** The index of migration 009: every column of scheduling_blocks but the JSON, and the JSON's byte length. */
export const SOURCE_COLUMNS_INDEX = 'ix_sb_source_columns';

const SB = '"scheduling_blocks" as "sb"';

/**
 * The JSON's byte length as migration 009 indexes it, for `column` (e.g.
 * `sb.visibility_periods_json`): written exactly so, a query through the
 * index reads the length from it instead of the table row.
 */
export function sqliteJsonBytes(column: string): RawBuilder<number | null> {
  return sql<number | null>`length(CAST(${sql.raw(column)} AS BLOB))`;
}

/**
 * The query with `scheduling_blocks as sb` read through SOURCE_COLUMNS_INDEX.
 * SQLite's planner seeks the table by rowid even when the index covers every
 * column a query reads, and a table row is mostly JSON: one page per block.
 * Through the index, a JSON the query does read (a block without reusable
 * facts) is still fetched from the table, and only that block's row.
 * Kysely cannot write INDEXED BY, which follows the alias, so it goes into
 * the compiled text.
 * @throws Error when the query does not read `scheduling_blocks as sb` exactly once.
 */
export function throughSourceColumnsIndex<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  const at = query.sql.indexOf(SB);
  if (at < 0 || query.sql.indexOf(SB, at + SB.length) >= 0) throw new Error(`expected one ${SB} in: ${query.sql.slice(0, 120)}…`);
  return { ...query, sql: `${query.sql.slice(0, at + SB.length)} indexed by "${SOURCE_COLUMNS_INDEX}"${query.sql.slice(at + SB.length)}` };
}

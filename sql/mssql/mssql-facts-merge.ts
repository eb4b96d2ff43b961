import mssql from 'mssql';
import { sql, type Kysely } from 'kysely';
import { TsiError } from '../../base/errors.js';
import type { Database } from '../schema.js';
import { VISIBILITY_FACTS, type RowBatch } from '../table-specs.js';
import { getAppLock } from './mssql-app-lock.js';
import { executeStatement, type SqlStatement } from './mssql-driver.js';
import { MSSQL_MAX_PARAMETERS } from './mssql-row-writer.js';
import { qualifiedTableName } from './table-names.js';

/**
 * Serializes the writers of `block_visibility_facts` across processes (a
 * populate's facts, a delete's cleanup). Owned by the transaction, so held
 * from the facts write to the commit only.
 */
export const VISIBILITY_FACTS_LOCK = 'tsi-etl:visibility-facts';

const COLUMNS = VISIBILITY_FACTS.columns.map((c) => c.name);
const WIDTH = COLUMNS.length;
/** Rows per MERGE: as many as the parameter limit allows. */
const ROWS_PER_MERGE = Math.floor(MSSQL_MAX_PARAMETERS / WIDTH);

/**
 * The upsert of facts rows, one MERGE per ROWS_PER_MERGE rows in block-id
 * order: a block without facts gets them, a block whose stored facts are of
 * other JSON (digest or length differ) gets them replaced, and a block whose
 * facts are already those is not written at all (a second populate sharing
 * the blocks writes nothing). HOLDLOCK keeps the key ranges locked from the
 * match to the insert. `rows` are row-major, in VISIBILITY_FACTS' columns.
 */
export function mergeFactsStatements(db: Kysely<Database>, rows: readonly (readonly unknown[])[]): SqlStatement[] {
  const sorted = [...rows].sort((a, b) => (a[0] as number) - (b[0] as number));
  const ref = (c: string) => sql.ref(c);
  const statements: SqlStatement[] = [];
  for (let at = 0; at < sorted.length; at += ROWS_PER_MERGE) {
    const values = sorted.slice(at, at + ROWS_PER_MERGE).map((row) => sql`(${sql.join(row)})`);
    statements.push(sql`MERGE ${sql.raw(qualifiedTableName('block_visibility_facts'))} WITH (HOLDLOCK) AS f
USING (VALUES ${sql.join(values)}) AS v (${sql.join(COLUMNS.map(ref))})
ON f.scheduling_block_id = v.scheduling_block_id
WHEN MATCHED AND (f.json_digest <> v.json_digest OR f.json_length <> v.json_length) THEN UPDATE SET ${sql.join(COLUMNS.slice(1).map((c) => sql`f.${ref(c)} = v.${ref(c)}`))}
WHEN NOT MATCHED THEN INSERT (${sql.join(COLUMNS.map(ref))}) VALUES (${sql.join(COLUMNS.map((c) => sql`v.${ref(c)}`))});`.compile(db));
  }
  return statements;
}

/**
 * The facts rows of one populate, held until its commit and merged then.
 * Not written as they come: the populate's own source read (on another
 * connection) joins this table, and rows this transaction wrote would block
 * it. Held in memory: ~1 KB a parsed block (W10k: ~10 MB), none for reused ones.
 */
export class MssqlFactsBuffer {
  readonly #rows: unknown[][] = [];

  add(batch: RowBatch): void {
    for (let r = 0; r < batch.rowCount; r++) this.#rows.push(batch.values.slice(r * WIDTH, (r + 1) * WIDTH));
  }

  /** Takes the facts lock (waiting up to `lockTimeoutMs`) and merges every row held, in block-id order. */
  async mergeInto(transaction: mssql.Transaction, db: Kysely<Database>, lockTimeoutMs: number): Promise<void> {
    if (this.#rows.length === 0) return;
    await lockFacts(transaction, lockTimeoutMs);
    for (const statement of mergeFactsStatements(db, this.#rows)) await executeStatement(new mssql.Request(transaction), statement);
    this.#rows.length = 0;
  }
}

/** Takes VISIBILITY_FACTS_LOCK for the transaction, or throws saying what to do. */
export async function lockFacts(transaction: mssql.Transaction, lockTimeoutMs: number): Promise<void> {
  const code = await getAppLock(transaction, VISIBILITY_FACTS_LOCK, lockTimeoutMs);
  if (code < 0) {
    throw new TsiError(`the visibility facts are being written by another process (lock not granted within ${lockTimeoutMs} ms; sp_getapplock returned ${code}): retry, or raise the lock timeout`);
  }
}

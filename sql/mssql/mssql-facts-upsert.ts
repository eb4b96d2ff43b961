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
/** Rows per INSERT: as many as the parameter limit allows. */
const ROWS_PER_INSERT = Math.floor(MSSQL_MAX_PARAMETERS / WIDTH);
/** Facts rows held in memory before they go to the session's temporary table (~3 MB). */
const HELD_ROWS = 10 * ROWS_PER_INSERT;

/**
 * The session's staging table: private to the populate's connection, so
 * writing it blocks no reader. Created and dropped by plain batches
 * (`request.batch`): a #table created inside sp_executesql, which
 * parameterized `request.query` uses, would be dropped when that call ends.
 */
const STAGING = '#tsi_visibility_facts';

// DROP first: a staging table left on a pooled session (whatever went wrong) must not block the next populate.
export const CREATE_STAGING = `DROP TABLE IF EXISTS ${STAGING};
CREATE TABLE ${STAGING} (
  scheduling_block_id BIGINT NOT NULL PRIMARY KEY, json_digest BINARY(32) NOT NULL, json_length BIGINT NOT NULL,
  period_count INT NOT NULL, union_hours FLOAT NOT NULL, range_count INT NOT NULL, minute_ranges VARBINARY(MAX) NOT NULL)`;

const ref = (c: string) => sql.ref(c);

/**
 * The upsert of the staged facts into the table, run under the facts lock
 * (so no other writer interleaves): a block whose stored facts are of other
 * JSON (digest or length differ) gets them replaced, a block without facts
 * gets them, and a block whose facts are already those is not written at
 * all (a second populate sharing the blocks writes nothing). An UPDATE and
 * an INSERT rather than MERGE, which Babelfish rejects.
 */
export function upsertStagedFacts(db: Kysely<Database>): string {
  const table = sql.raw(qualifiedTableName('block_visibility_facts'));
  return sql`UPDATE f SET ${sql.join(COLUMNS.slice(1).map((c) => sql`${ref(c)} = v.${ref(c)}`))}
FROM ${table} AS f INNER JOIN ${sql.raw(STAGING)} AS v ON f.scheduling_block_id = v.scheduling_block_id
WHERE f.json_digest <> v.json_digest OR f.json_length <> v.json_length;
INSERT INTO ${table} (${sql.join(COLUMNS.map(ref))})
SELECT ${sql.join(COLUMNS.map((c) => sql`v.${ref(c)}`))} FROM ${sql.raw(STAGING)} AS v
WHERE NOT EXISTS (SELECT 1 FROM ${table} AS f WHERE f.scheduling_block_id = v.scheduling_block_id);
DROP TABLE ${sql.raw(STAGING)};`.compile(db).sql;
}

/** Inserts of facts rows (row-major, in VISIBILITY_FACTS' columns) into the staging table, ROWS_PER_INSERT a statement. */
export function stageFactsStatements(db: Kysely<Database>, rows: readonly (readonly unknown[])[]): SqlStatement[] {
  const statements: SqlStatement[] = [];
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const values = rows.slice(at, at + ROWS_PER_INSERT).map((row) => sql`(${sql.join(row)})`);
    statements.push(sql`INSERT INTO ${sql.raw(STAGING)} (${sql.join(COLUMNS.map(ref))}) VALUES ${sql.join(values)}`.compile(db));
  }
  return statements;
}

/**
 * The facts rows of one populate. They reach the facts table only at
 * commit, after the source was read: the populate's source query (on
 * another connection) joins that table, and rows this transaction wrote
 * would make it wait for this very transaction. Until then they are held
 * (up to HELD_ROWS) and staged in a temporary table of the transaction's
 * session, so memory stays bounded whatever the schedule's size.
 */
export class MssqlFactsBuffer {
  readonly #db: Kysely<Database>;
  readonly #transaction: mssql.Transaction;
  readonly #rows: unknown[][] = [];
  #staged = false;

  constructor(db: Kysely<Database>, transaction: mssql.Transaction) {
    this.#db = db;
    this.#transaction = transaction;
  }

  async add(batch: RowBatch): Promise<void> {
    for (let r = 0; r < batch.rowCount; r++) this.#rows.push(batch.values.slice(r * WIDTH, (r + 1) * WIDTH));
    if (this.#rows.length >= HELD_ROWS) await this.#stage();
  }

  /** Takes the facts lock (waiting up to `lockTimeoutMs`) and upserts every row into the facts table. */
  async mergeInto(lockTimeoutMs: number): Promise<void> {
    if (this.#rows.length > 0) await this.#stage();
    if (!this.#staged) return;
    await lockFacts(this.#transaction, lockTimeoutMs);
    await new mssql.Request(this.#transaction).batch(upsertStagedFacts(this.#db));
  }

  async #stage(): Promise<void> {
    if (!this.#staged) await new mssql.Request(this.#transaction).batch(CREATE_STAGING);
    this.#staged = true;
    for (const statement of stageFactsStatements(this.#db, this.#rows)) await executeStatement(new mssql.Request(this.#transaction), statement);
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

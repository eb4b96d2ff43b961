import mssql from 'mssql';
import {
  Kysely,
  MssqlAdapter,
  MssqlIntrospector,
  MssqlQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type IsolationLevel,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Database } from '../schema.js';
import { MssqlTableNamesPlugin } from './table-names.js';
import { streamRows } from './mssql-row-stream.js';
import { rowConverter } from './mssql-type-map.js';

type Row = Record<string, unknown>;

/** What a compiled statement is: kysely's CompiledQuery, or T-SQL written by hand with @1…@n. */
export interface SqlStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** A value as mssql's type inference should see it: Uint8Array as Buffer (else it is sent as NVARCHAR), undefined as NULL. */
export function driverValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/**
 * Binds kysely's positional parameters: its MssqlQueryCompiler names them
 * `@1`, `@2`, …, so value i is input `String(i + 1)`; mssql infers each type
 * from the value (integer → INT or BIGINT, fraction → FLOAT, string → NVARCHAR).
 */
export function bindParameters(request: mssql.Request, parameters: readonly unknown[]): mssql.Request {
  parameters.forEach((value, i) => request.input(String(i + 1), driverValue(value)));
  return request;
}

/** Runs one statement on a request (of the pool or of a transaction); rows come back in schema.ts's types. */
export async function executeStatement<R = Row>(request: mssql.Request, statement: SqlStatement): Promise<{ rows: R[]; rowsAffected: number }> {
  const result = await bindParameters(request, statement.parameters).query<R>(statement.sql);
  const recordset = result.recordset;
  if (recordset !== undefined) {
    const convert = rowConverter(recordset.columns);
    for (const row of recordset) convert(row as Row);
  }
  return { rows: recordset ?? [], rowsAffected: result.rowsAffected.reduce((a, b) => a + b, 0) };
}

const ISOLATION_LEVELS: Record<IsolationLevel, number> = {
  'read uncommitted': mssql.ISOLATION_LEVEL.READ_UNCOMMITTED,
  'read committed': mssql.ISOLATION_LEVEL.READ_COMMITTED,
  'repeatable read': mssql.ISOLATION_LEVEL.REPEATABLE_READ,
  serializable: mssql.ISOLATION_LEVEL.SERIALIZABLE,
  snapshot: mssql.ISOLATION_LEVEL.SNAPSHOT,
};

/** kysely's stream chunk size when the caller gives none (kysely's own default). */
const DEFAULT_STREAM_CHUNK_ROWS = 100;

/**
 * A kysely connection is only a handle here: every request borrows a pooled
 * connection from mssql and returns it when done, except inside a kysely
 * transaction, where an `mssql.Transaction` keeps one connection.
 */
class MssqlPoolConnection implements DatabaseConnection {
  readonly #pool: mssql.ConnectionPool;
  #transaction: mssql.Transaction | undefined;

  constructor(pool: mssql.ConnectionPool) {
    this.#pool = pool;
  }

  #request(): mssql.Request {
    return this.#transaction === undefined ? new mssql.Request(this.#pool) : new mssql.Request(this.#transaction);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, rowsAffected } = await executeStatement<R>(this.#request(), query);
    return { rows, numAffectedRows: BigInt(rowsAffected) };
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize = DEFAULT_STREAM_CHUNK_ROWS): AsyncIterableIterator<QueryResult<R>> {
    for await (const rows of streamRows(bindParameters(this.#request(), query.parameters), query.sql, chunkSize)) {
      yield { rows: rows as R[] };
    }
  }

  async begin(settings: TransactionSettings): Promise<void> {
    const transaction = new mssql.Transaction(this.#pool);
    await transaction.begin(settings.isolationLevel === undefined ? undefined : ISOLATION_LEVELS[settings.isolationLevel]);
    this.#transaction = transaction;
  }

  async end(commit: boolean): Promise<void> {
    const transaction = this.#transaction;
    this.#transaction = undefined;
    await (commit ? transaction?.commit() : transaction?.rollback());
  }
}

/** kysely's Driver over an mssql ConnectionPool that the store owns (and closes). */
export class MssqlPoolDriver implements Driver {
  readonly #pool: mssql.ConnectionPool;

  constructor(pool: mssql.ConnectionPool) {
    this.#pool = pool;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new MssqlPoolConnection(this.#pool);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as MssqlPoolConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as MssqlPoolConnection).end(true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as MssqlPoolConnection).end(false);
  }

  // mssql returns each connection to its pool when the request or transaction using it ends.
  async releaseConnection(): Promise<void> {}

  // The pool is shared by every store on the same connection string; MssqlStore closes it.
  async destroy(): Promise<void> {}
}

/**
 * kysely for SQL Server. The choice, made here: kysely COMPILES (its
 * MssqlQueryCompiler and MssqlAdapter, `@1…@n` parameters) and mssql RUNS
 * (MssqlPoolDriver above), so the process has one pool and one SQL Server
 * driver package, mssql, which brings tedious and tarn itself. kysely's own
 * MssqlDialect would drive tedious and tarn directly: a second pool, and
 * no bulk copy, which only mssql's API offers on the same connection.
 */
export function mssqlKysely(pool: mssql.ConnectionPool): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new MssqlAdapter(),
      createDriver: () => new MssqlPoolDriver(pool),
      createIntrospector: (db) => new MssqlIntrospector(db),
      createQueryCompiler: () => new MssqlQueryCompiler(),
    },
    plugins: [new MssqlTableNamesPlugin()],
  });
}

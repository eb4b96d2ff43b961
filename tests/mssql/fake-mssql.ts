import mssql from 'mssql';
import { vi } from 'vitest';

type Row = Record<string, unknown>;

/** What the fake answers to one statement: rows, an affected-row count, or an error. */
export interface FakeAnswer {
  rows?: Row[];
  rowsAffected?: number;
  error?: Error;
}

/**
 * A stand-in for SQL Server at the level of mssql's API, for unit tests of
 * the store's statement sequences: pool connect/close, transactions and
 * requests (query, batch, execute, bulk) are recorded in `log` in order, each
 * request tagged with the transaction it ran in (`tx1`, …) or `pool`.
 * A streamed query (`request.stream = true`) emits its rows as events.
 */
export interface FakeServer {
  log: string[];
  /** Answers a query or batch; default: no rows, 0 rows affected. */
  answer: (text: string, parameters: Record<string, unknown>) => FakeAnswer;
  /** Sees each bulk load (logged as `tx1 bulk: [schema].[table] <rows>`); an error it returns fails the load. */
  bulk: (table: mssql.Table) => Error | undefined;
  /** sp_getapplock's return code for a resource; default 0 (granted). */
  lockResult: (resource: string) => number;
  /** Pools created (each `new ConnectionPool` that connected). */
  connects: number;
  closes: number;
}

const TX_ID = Symbol('fake transaction id');

function parentLabel(request: mssql.Request): string {
  const parent = (request as unknown as { parent: Record<symbol, string> }).parent;
  return parent?.[TX_ID] ?? 'pool';
}

function values(request: mssql.Request): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request.parameters).map(([k, p]) => [k, p.value]));
}

/** Installs the fake with vi spies (undone by vi.restoreAllMocks()). */
export function installFakeServer(): FakeServer {
  const server: FakeServer = { log: [], answer: () => ({}), bulk: () => undefined, lockResult: () => 0, connects: 0, closes: 0 };
  let transactions = 0;
  const run = (request: mssql.Request, kind: string, text: string) => {
    server.log.push(`${parentLabel(request)} ${kind}: ${text}`);
    const answer = server.answer(text, values(request));
    if (answer.error) return Promise.reject(answer.error);
    const recordset = Object.assign(answer.rows ?? [], { columns: {} });
    return Promise.resolve({ recordsets: [recordset], recordset: answer.rows ? recordset : undefined, rowsAffected: [answer.rowsAffected ?? 0], output: {} });
  };
  vi.spyOn(mssql.ConnectionPool.prototype, 'connect').mockImplementation(async function (this: mssql.ConnectionPool) {
    server.connects++;
    return this;
  } as never);
  vi.spyOn(mssql.ConnectionPool.prototype, 'close').mockImplementation(async function () {
    server.closes++;
  } as never);
  vi.spyOn(mssql.Transaction.prototype, 'begin').mockImplementation(async function (this: mssql.Transaction) {
    const id = `tx${++transactions}`;
    (this as unknown as Record<symbol, string>)[TX_ID] = id;
    server.log.push(`${id} begin`);
    return this;
  } as never);
  for (const end of ['commit', 'rollback'] as const) {
    vi.spyOn(mssql.Transaction.prototype, end).mockImplementation(async function (this: mssql.Transaction) {
      server.log.push(`${(this as unknown as Record<symbol, string>)[TX_ID]} ${end}`);
    } as never);
  }
  vi.spyOn(mssql.Request.prototype, 'query').mockImplementation(function (this: mssql.Request, text: unknown) {
    if (this.stream) return stream(this, text as string);
    return run(this, 'query', text as string);
  } as never);
  vi.spyOn(mssql.Request.prototype, 'bulk').mockImplementation(async function (this: mssql.Request, table: mssql.Table) {
    server.log.push(`${parentLabel(this)} bulk: ${table.path} ${table.rows.length}`);
    const error = server.bulk(table);
    if (error) throw error;
    return { rowsAffected: table.rows.length };
  } as never);
  /** Stream mode: results come as events, after the call returns, as from tedious. */
  const stream = (request: mssql.Request, text: string) => {
    server.log.push(`${parentLabel(request)} stream: ${text}`);
    const answer = server.answer(text, values(request));
    setImmediate(() => {
      if (answer.error) request.emit('error', answer.error);
      else {
        request.emit('recordset', {});
        for (const row of answer.rows ?? []) request.emit('row', row);
      }
      request.emit('done', { rowsAffected: [] });
    });
    return request;
  };
  vi.spyOn(mssql.Request.prototype, 'batch').mockImplementation(function (this: mssql.Request, text: unknown) {
    return run(this, 'batch', text as string);
  } as never);
  vi.spyOn(mssql.Request.prototype, 'execute').mockImplementation(async function (this: mssql.Request, procedure: unknown) {
    const p = values(this);
    server.log.push(`${parentLabel(this)} exec ${procedure as string} ${p.Resource} ${p.LockMode} ${p.LockOwner} ${p.LockTimeout}`);
    return { returnValue: server.lockResult(p.Resource as string), recordsets: [], recordset: undefined, rowsAffected: [], output: {} };
  } as never);
  return server;
}

import mssql from 'mssql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inTransaction, rollbackQuietly } from '../../sql/mssql/mssql-transaction.js';
import { installFakeServer, type FakeServer } from './fake-mssql.js';

const pool = new mssql.ConnectionPool({ server: 'localhost' });
let server: FakeServer;

beforeEach(() => {
  server = installFakeServer();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const failing = (code: string) => ({ rollback: () => Promise.reject(Object.assign(new Error(code), { code })) }) as unknown as mssql.Transaction;

describe('rollbackQuietly', () => {
  it('treats a transaction that already ended as rolled back', async () => {
    await expect(rollbackQuietly(failing('ENOTBEGUN'))).resolves.toBeUndefined();
    await expect(rollbackQuietly(failing('EABORT'))).resolves.toBeUndefined();
  });

  it('passes on any other failure', async () => {
    await expect(rollbackQuietly(failing('EREQINPROG'))).rejects.toThrow('EREQINPROG');
  });
});

describe('inTransaction', () => {
  it('commits and returns what the work returns', async () => {
    expect(await inTransaction(pool, async (tx) => (await new mssql.Request(tx).query('SELECT 1'), 'result'))).toBe('result');
    expect(server.log).toEqual(['tx1 begin', 'tx1 query: SELECT 1', 'tx1 commit']);
  });

  it('rolls back and rethrows when the work fails', async () => {
    await expect(inTransaction(pool, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(server.log).toEqual(['tx1 begin', 'tx1 rollback']);
  });
});

import mssql from 'mssql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { leasePool } from '../../sql/mssql/mssql-pools.js';
import { installFakeServer, type FakeServer } from './fake-mssql.js';

let server: FakeServer;

beforeEach(() => {
  server = installFakeServer();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('leasePool', () => {
  it('shares one pool per connection string and closes it with the last lease', async () => {
    const a = await leasePool('mssql://u:p@h/one', { server: 'h', pool: { max: 7 } });
    const b = await leasePool('mssql://u:p@h/one', { server: 'h', pool: { max: 99 } });
    const other = await leasePool('mssql://u:p@h/two', { server: 'h' });
    expect(b.pool).toBe(a.pool);
    expect(other.pool).not.toBe(a.pool);
    // The first config made the pool: later ones share it as it is.
    expect([a.max, b.max, other.max]).toEqual([7, 7, 10]);
    expect(server.connects).toBe(2);
    await a.release();
    await a.release();
    expect(server.closes).toBe(0);
    await b.release();
    expect(server.closes).toBe(1);
    await other.release();
    expect(server.closes).toBe(2);
    // A released string gets a new pool.
    const again = await leasePool('mssql://u:p@h/one', { server: 'h' });
    expect(again.pool).not.toBe(a.pool);
    await again.release();
  });

  it('forgets a pool that failed to connect, so the next lease tries again', async () => {
    vi.mocked(mssql.ConnectionPool.prototype.connect).mockRejectedValueOnce(new Error('Login failed for user u'));
    await expect(leasePool('mssql://u:p@h/flaky', { server: 'h' })).rejects.toThrow('Login failed for user u');
    const lease = await leasePool('mssql://u:p@h/flaky', { server: 'h' });
    expect(lease.pool).toBeInstanceOf(mssql.ConnectionPool);
    await lease.release();
    expect(server.closes).toBe(1);
  });
});

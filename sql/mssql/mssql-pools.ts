import mssql from 'mssql';

/** A store's share of a process-wide pool. */
export interface PoolLease {
  readonly pool: mssql.ConnectionPool;
  /** The pool's size, as the config that created it set it. */
  readonly max: number;
  /** Gives the share back; the last one closes the pool (idempotent). */
  release(): Promise<void>;
}

interface PoolEntry {
  readonly connected: Promise<mssql.ConnectionPool>;
  readonly max: number;
  leases: number;
}

/** mssql's pool size when the config sets none. */
const DEFAULT_MSSQL_POOL_MAX = 10;

/** One pool per connection string per process, however many stores open it. */
const POOLS = new Map<string, PoolEntry>();

/**
 * The process's pool for `connectionString`, created and connected on first
 * use with `config` (later callers share it, whatever config they pass) and
 * closed when its last lease is released. A pool that fails to connect is
 * forgotten, so the next call tries again.
 */
export async function leasePool(connectionString: string, config: mssql.config): Promise<PoolLease> {
  let entry = POOLS.get(connectionString);
  if (entry === undefined) {
    const pool = new mssql.ConnectionPool(config);
    // Without a listener a pool 'error' event would crash the process; each error also fails the request that met it.
    pool.on('error', () => {});
    const created: PoolEntry = { connected: pool.connect(), max: config.pool?.max ?? DEFAULT_MSSQL_POOL_MAX, leases: 0 };
    created.connected.catch(() => {
      if (POOLS.get(connectionString) === created) POOLS.delete(connectionString);
    });
    POOLS.set(connectionString, created);
    entry = created;
  }
  const shared = entry;
  shared.leases++;
  let pool: mssql.ConnectionPool;
  try {
    pool = await shared.connected;
  } catch (error) {
    shared.leases--;
    throw error;
  }
  let released = false;
  return {
    pool,
    max: shared.max,
    release: async () => {
      if (released) return;
      released = true;
      if (--shared.leases > 0) return;
      if (POOLS.get(connectionString) === shared) POOLS.delete(connectionString);
      await pool.close();
    },
  };
}

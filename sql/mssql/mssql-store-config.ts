/** Options of the SQL Server store; the connection itself comes from the connection string. */
export interface MssqlStoreOptions {
  /**
   * Connections in the process's pool (else the string's `Max Pool Size`).
   * A populate holds up to three at once (a backfill worker's claim, its
   * write transaction, its source stream) and one is kept for reads, so
   * `capabilities.maxConcurrentWrites` is `floor((poolMax - 1) / 3)`.
   * The pool is shared per connection string: the first store opened sets it.
   * @default 13 (4 concurrent populates)
   */
  poolMax?: number;
  /**
   * How long a populate or delete waits for another process's populate of
   * the same schedule (sp_getapplock's @LockTimeout) before failing.
   * @default 300000
   */
  lockTimeoutMs?: number;
  /**
   * Batches with at least this many rows go through TDS bulk copy; smaller
   * ones through multi-row INSERT, where bulk copy's extra round trip for
   * its column metadata costs more than it saves.
   * @default 100
   */
  bulkMinRows?: number;
}

export const MSSQL_DEFAULTS = {
  poolMax: 13,
  lockTimeoutMs: 300_000,
  bulkMinRows: 100,
} as const satisfies Required<MssqlStoreOptions>;

/** Connections one populate may hold at once: claim, write transaction, source stream. */
export const CONNECTIONS_PER_WRITE = 3;

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
   * A table's buffered rows go through TDS bulk copy when there are at
   * least this many; fewer (the summary, the bins of Phase 2, the run
   * record) through multi-row INSERT, where bulk copy's extra round trip for
   * its column metadata costs more than it saves.
   * @default 100
   */
  bulkMinRows?: number;
  /**
   * A large table is sent in bulk loads of at most this many rows (and at
   * most bulkMaxBytes). Each load pays a round trip and the INSERT BULK
   * metadata: on a loopback server 120,000 rows took 6.3 s in 1,000-row
   * loads, 1.7 s in 10,000-row loads and 0.93 s in one (issue 11). Larger
   * loads cost memory: the rows of one load are held until it is sent.
   * @default 50000
   */
  bulkMaxRows?: number;
  /**
   * A bulk load carries at most about this many bytes of row data (as sent:
   * NVARCHAR two bytes a character), so tables with wide rows (the source
   * JSON, the minute-range blobs) stay bounded in memory too.
   * @default 8388608 (8 MiB)
   */
  bulkMaxBytes?: number;
}

export const MSSQL_DEFAULTS = {
  poolMax: 13,
  lockTimeoutMs: 300_000,
  bulkMinRows: 100,
  bulkMaxRows: 50_000,
  bulkMaxBytes: 8 * 1024 * 1024,
} as const satisfies Required<MssqlStoreOptions>;

/** Connections one populate may hold at once: claim, write transaction, source stream. */
export const CONNECTIONS_PER_WRITE = 3;

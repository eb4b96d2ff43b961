/** Options of the embedded SQLite store. */
export interface SqliteStoreConfig {
  /** Path of the database file. */
  path: string;
  /**
   * Create the file when it does not exist. Commands that only read or
   * populate pass false, so a mistyped path is an error, not an empty database.
   * @default false
   */
  create?: boolean;
  /**
   * How long a write waits for another process's write transaction (one
   * populate holds SQLite's single write lock for its whole run).
   * @default 300000
   */
  busyTimeoutMs?: number;
  /**
   * Rows per INSERT statement (capped by SQLite's 32,766 parameters).
   * 500 measured best on W10k; larger batches gained nothing.
   * @default 500
   */
  rowsPerInsert?: number;
  /**
   * The write turn (sql/sqlite/write-turn.ts) shared with the stores of this
   * database in other threads of the process; `reopenSpec()` passes it on.
   * @default a new one
   */
  writeTurn?: SharedArrayBuffer;
}

export const SQLITE_DEFAULTS = {
  create: false,
  busyTimeoutMs: 300_000,
  rowsPerInsert: 500,
} as const;

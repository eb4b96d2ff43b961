import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type CompiledQuery } from 'kysely';
import { DuplicateScheduleError, TsiError, UnknownScheduleError } from '../../base/errors.js';
import { InsertStatementCache, rowsPerStatement } from '../insert-statements.js';
import { migrationFiles } from '../migration-files.js';
import { deleteIncompletePhases } from '../incomplete-phases.js';
import { describeObject, migrationObjects, type MigrationObject } from '../migration-objects.js';
import { deleteComparisonsOf, upsertComparisonSqlite } from '../queries/comparison-cache.js';
import { selectPhase3Inputs, selectSourceAggregates, selectSourceBlocks, selectSourceBlocksWithFactsSqlite } from '../queries/source-blocks.js';
import { sqliteJsonBytes, throughSourceColumnsIndex } from './source-columns-index.js';
import { sourceRowReader } from './source-row-reader.js';
import { Phase3InputsKey } from '../phase3-inputs-key.js';
import { countPhase3Rows, minuteBinsUnchanged, phase3RowCounts, type Phase3RowCounts } from '../queries/minute-bins.js';
import { deleteUnusedFacts } from '../queries/visibility-facts.js';
import type { Database } from '../schema.js';
import { sourceFingerprint, type SourceAggregates } from '../source-fingerprint.js';
import type {
  AnalyticsReplaceOptions,
  AnalyticsReplaceTx,
  ComparisonCacheRow,
  MigrationReport,
  NewSchedule,
  NextSourceIds,
  OpenSourceOptions,
  SourceBlockRow,
  SourceBlocksOptions,
  SourceLoadTx,
  SourceSnapshot,
  Store,
  StoreCapabilities,
  StoreReopenSpec,
  WriteTx,
} from '../store.js';
import { ANALYTICS_RUNS, MINUTE_BIN_TABLES, RUN_RECORD_SETTINGS, VISIBILITY_RANGES, keptRun, tablesDeletedAtBegin, type Phase, type RunRecordSettings, type RowBatch, type TableSpec } from '../table-specs.js';
import { SQLITE_DEFAULTS, type SqliteStoreConfig } from './sqlite-store-config.js';
import { sqliteStatements } from './sqlite-statements.js';
import { WriteTurn } from './write-turn.js';

type Connection = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/** True when this process may write the file and create files beside it. */
function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The triggers that keep visibility facts current (migration 007), as the migrations create them. */
let factTriggers: string[] | undefined;
function factTriggerNames(): string[] {
  factTriggers ??= migrationFiles('sqlite').flatMap((f) => migrationObjects(f.sql)).filter((o) => o.kind === 'trigger').map((o) => o.name);
  return factTriggers;
}

/** Visibility JSON changes counted by the triggers (0 before the first). */
const JSON_CHANGE_COUNT = 'SELECT COALESCE((SELECT change_count FROM block_visibility_json_changes WHERE id = 1), 0) AS n';

function jsonChangeCount(conn: Connection): number {
  return (conn.prepare(JSON_CHANGE_COUNT).get() as { n: number }).n;
}

/** How long a write-ahead-log checkpoint waits for readers to let go. */
const CHECKPOINT_WAIT_MS = 1000;

/**
 * Writer page cache in KiB. Rows go in in key order, so few pages are hot:
 * 4 MiB populated W10k in 0.80–0.83 s against 0.79–0.82 s with 16 MiB (and
 * 16 MiB as fast as 64), with 13 MB less peak RSS (W100k on 2 threads: 193–198
 * MB against 204–214).
 */
const WRITER_CACHE_KIB = 4096;

/** SQLite's compile-time default limit of bound parameters (since 3.32). */
const SQLITE_MAX_PARAMETERS = 32_766;

/**
 * The embedded default. Three kinds of connection, because better-sqlite3 is
 * synchronous and a connection that is iterating cannot run anything else:
 * one for kysely reads, one per source snapshot (iterating in its own read
 * transaction), and one writer. WAL lets readers see the last committed
 * analytics while a populate writes, and SQLite's single write lock (BEGIN
 * IMMEDIATE, waiting up to busyTimeoutMs) serializes populates across
 * processes; inside this process a promise queue serializes them, and a
 * write turn shared with this database's stores in other threads.
 */
export class SqliteStore implements Store {
  readonly capabilities: StoreCapabilities;
  readonly db: Kysely<Database>;
  readonly description: string;

  readonly #config: Required<SqliteStoreConfig>;
  readonly #turn: WriteTurn;
  readonly #reader: Connection;
  readonly #writer: Connection;
  readonly #inserts: InsertStatementCache;
  readonly #statements = new Map<string, Statement>();
  #writeQueue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(config: SqliteStoreConfig) {
    this.#turn = new WriteTurn(config.writeTurn);
    this.#config = { ...SQLITE_DEFAULTS, ...config, writeTurn: this.#turn.buffer };
    this.description = `sqlite:${config.path}`;
    if (!this.#config.create && !existsSync(config.path)) {
      throw new TsiError(`database file ${config.path} does not exist (create it with \`tsi-etl migrate --db ${config.path}\`, or check --db)`);
    }
    if (existsSync(config.path) && !isWritable(config.path)) {
      throw new TsiError(`database file ${config.path} is read-only: tsi-etl needs write access to it and to its directory (for the -wal and -shm files)`);
    }
    this.#writer = this.#open();
    // A bigger page cache for the writer only: the index pages it updates stay hot.
    // Readers stream each page once, so SQLite's default 2 MB cache is enough.
    this.#writer.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    this.#writer.pragma('journal_mode = WAL');
    this.#reader = this.#open();
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: this.#reader }) });
    this.#inserts = new InsertStatementCache(this.db);
    this.capabilities = Object.freeze({
      dialect: 'sqlite',
      maxParameters: SQLITE_MAX_PARAMETERS,
      maxConcurrentWrites: 1,
      bulkLoad: false,
      claimsOutliveProcesses: true,
      factsKey: 'triggers',
    });
  }

  /** A configured connection; any failure names the file (not a database, a directory, …). */
  #open(): Connection {
    let conn: Connection | undefined;
    try {
      conn = new BetterSqlite3(this.#config.path, { fileMustExist: !this.#config.create });
      conn.pragma(`busy_timeout = ${Math.trunc(this.#config.busyTimeoutMs)}`);
      conn.pragma('synchronous = NORMAL');
      return conn;
    } catch (error) {
      conn?.close();
      throw new TsiError(`cannot use database file ${this.#config.path}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Applies the migrations not yet recorded, and re-runs a recorded one when
   * something it creates is missing (a dropped table, say), reporting what
   * it re-created. Each file runs in its own transaction, statement by statement.
   */
  async migrate(): Promise<MigrationReport> {
    const w = this.#writer;
    w.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)');
    const report: MigrationReport = { applied: [], alreadyApplied: [], recreated: [], analyticsDeleted: [] };
    await this.#serialized(async () => {
      for (const file of migrationFiles('sqlite')) {
        w.exec('BEGIN IMMEDIATE');
        try {
          // Record the version first, so a concurrent migrator collides here and skips.
          const inserted = w.prepare('INSERT OR IGNORE INTO schema_migrations (version, name) VALUES (?, ?)').run(file.version, file.name);
          if (inserted.changes === 0) {
            // Checked file by file, after the earlier files ran: a table re-created by 002 lacks the columns 005 adds.
            const missing = migrationObjects(file.sql).filter((o) => !this.#exists(o));
            if (missing.length > 0) {
              this.#runStatements(file.sql);
              const recreated = missing.map(describeObject);
              report.recreated.push(...recreated);
              report.analyticsDeleted.push(...(await deleteIncompletePhases(this.db, async (q) => this.#inMigration(q), recreated)));
            }
            report.alreadyApplied.push(file.name);
          } else {
            this.#runStatements(file.sql);
            report.applied.push(file.name);
          }
          w.exec('COMMIT');
        } catch (error) {
          if (w.inTransaction) w.exec('ROLLBACK');
          throw new TsiError(`migration ${file.name} failed: ${(error as Error).message}`, { cause: error });
        }
      }
    });
    return report;
  }

  /** A compiled statement on the writer, inside the migration's transaction: its rows, or none for a write. */
  #inMigration<R>(query: CompiledQuery<R>): R[] {
    const statement = this.#writer.prepare(query.sql);
    if (statement.reader) return statement.all(query.parameters as unknown[]) as R[];
    statement.run(query.parameters as unknown[]);
    return [];
  }

  /**
   * Runs a migration one statement at a time. SQLite has no ADD COLUMN IF NOT
   * EXISTS, so "duplicate column name" from an ADD COLUMN means that
   * statement was applied before, and the file goes on.
   */
  #runStatements(sqlText: string): void {
    for (const statement of sqliteStatements(sqlText)) {
      try {
        this.#writer.exec(statement);
      } catch (error) {
        if (/^\s*ALTER\s+TABLE\b[^;]*\bADD\b/i.test(statement) && /duplicate column name/i.test((error as Error).message)) continue;
        throw error;
      }
    }
  }

  /** Whether a table, column, index or trigger a migration creates is in the database. */
  #exists(o: MigrationObject): boolean {
    const w = this.#writer;
    if (o.kind === 'column') return w.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(o.table, o.name) !== undefined;
    return w.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get(o.kind, o.name) !== undefined;
  }

  async healthcheck(): Promise<void> {
    this.#reader.prepare('SELECT 1').get();
    const applied = new Set(
      (this.#reader.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").all().length > 0
        ? (this.#reader.prepare('SELECT version FROM schema_migrations').all() as { version: string }[])
        : []
      ).map((r) => r.version),
    );
    const missing = migrationFiles('sqlite').filter((f) => !applied.has(f.version));
    if (missing.length > 0) {
      throw new TsiError(`database ${this.#config.path} is missing migrations ${missing.map((f) => f.name).join(', ')} (run \`tsi-etl migrate --db ${this.#config.path}\`)`);
    }
  }

  async sourceFingerprint(scheduleId: number): Promise<string> {
    return this.#sourceAggregates(this.#reader, scheduleId).fingerprint;
  }

  #sourceAggregates(conn: Connection, scheduleId: number): { aggregates: SourceAggregates; fingerprint: string } {
    const schedule = conn.prepare('SELECT checksum FROM schedules WHERE schedule_id = ?').get(scheduleId) as { checksum: string } | undefined;
    if (!schedule) throw new UnknownScheduleError(scheduleId);
    // The JSON's byte length is in the index of migration 009, so no table row is read: W10k 4.5 ms against 12 ms through
    // the table with octet_length (which reads a record header only). The expression must be the index's.
    const q = throughSourceColumnsIndex(selectSourceAggregates(this.db, scheduleId, sqliteJsonBytes).compile());
    const aggregates = conn.prepare(q.sql).get(q.parameters as unknown[]) as SourceAggregates;
    return { aggregates, fingerprint: sourceFingerprint(schedule.checksum, aggregates) };
  }

  async openSource(scheduleId: number, options: OpenSourceOptions = {}): Promise<SourceSnapshot> {
    const conn = this.#open();
    // One read transaction: the aggregates and the streamed rows see the same snapshot.
    conn.exec('BEGIN');
    let open = true;
    let cursor: IterableIterator<unknown> | undefined;
    const close = async () => {
      if (!open) return;
      open = false;
      // A consumer that stopped early may leave the row iterator open, and
      // the connection refuses COMMIT while it is: end it first.
      cursor?.return?.();
      if (conn.inTransaction) conn.exec('COMMIT');
      conn.close();
    };
    try {
      const { aggregates, fingerprint } = this.#sourceAggregates(conn, scheduleId);
      const untrusted = this.#factsUntrusted(conn);
      const reuseRefused = options.reuseFacts === true ? untrusted : null;
      const reuse = options.reuseFacts === true && untrusted === null;
      // Counted by the triggers: without one, an edit may have gone uncounted.
      const changeCount = untrusted === null ? jsonChangeCount(conn) : null;
      const db = this.db;
      return {
        scheduleId,
        blockCount: aggregates.blockCount,
        priorityMin: aggregates.priorityMin,
        priorityMax: aggregates.priorityMax,
        fingerprint,
        reuseRefused,
        jsonChangeCount: reuse ? changeCount : null,
        phase3InputsKey: async (binSeconds: number) => {
          if (changeCount === null) return null;
          const key = new Phase3InputsKey(changeCount, binSeconds);
          const q = throughSourceColumnsIndex(selectPhase3Inputs(db, scheduleId).compile());
          for (const [blockId, priority, scheduled] of conn.prepare(q.sql).raw(true).iterate(q.parameters as unknown[]) as IterableIterator<[number, number, number]>) {
            key.add(blockId, priority, scheduled === 1);
          }
          return key.digest();
        },
        async *blocks(chunkRows: number, blockOptions: SourceBlocksOptions = {}): AsyncIterable<SourceBlockRow[]> {
          // Without reuse every JSON is read: its table row is sought anyway (through the index, W10k read 2 ms slower).
          const blocksQuery = reuse
            ? throughSourceColumnsIndex(selectSourceBlocksWithFactsSqlite(db, scheduleId, sqliteJsonBytes('sb.visibility_periods_json'), blockOptions.minuteRanges ?? true).compile())
            : selectSourceBlocks(db, scheduleId).compile();
          const statement = conn.prepare(blocksQuery.sql).raw(true);
          const toRow = sourceRowReader(statement.columns().map((c) => c.name), reuse);
          // iterate() steps the cursor only as chunks are pulled: backpressure for free.
          const rows = statement.iterate(blocksQuery.parameters as unknown[]) as IterableIterator<unknown[]>;
          cursor = rows;
          let chunk: SourceBlockRow[] = [];
          for (const row of rows) {
            chunk.push(toRow(row));
            if (chunk.length === chunkRows) {
              yield chunk;
              chunk = [];
            }
          }
          if (chunk.length > 0) yield chunk;
        },
        close,
      };
    } catch (error) {
      await close();
      throw error;
    }
  }

  /**
   * Why stored facts cannot be trusted in this database, or null: a trigger
   * of migration 007 is missing, so a JSON edit might have left a stale fact.
   */
  #factsUntrusted(conn: Connection): string | null {
    const names = factTriggerNames();
    const present = new Set((conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN (${names.map(() => '?').join(', ')})`).all(...names) as { name: string }[]).map((r) => r.name));
    const missing = names.filter((n) => !present.has(n));
    if (missing.length === 0) return null;
    return `visibility facts not reused: ${this.#config.path} lacks the trigger(s) that keep them current (${missing.join(', ')}); this populate parses every block and stores no facts. Run \`tsi-etl migrate --db ${this.#config.path}\` to re-create them`;
  }

  /** Runs `fn` when every earlier write of this store has finished, holding the write turn. */
  #serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#writeQueue.then(async () => {
      await this.#turn.acquire();
      try {
        return await fn();
      } finally {
        this.#turn.release();
      }
    });
    this.#writeQueue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Waits for this store's earlier writes, then takes the write turn (shared with this database's stores in other threads) and SQLite's write lock; returns the release. */
  async #beginWrite(): Promise<() => void> {
    let releaseQueue!: () => void;
    const finished = new Promise<void>((resolve) => (releaseQueue = resolve));
    const previous = this.#writeQueue;
    this.#writeQueue = previous.then(() => finished);
    await previous;
    await this.#turn.acquire();
    const release = () => {
      this.#turn.release();
      releaseQueue();
    };
    try {
      this.#writer.exec('BEGIN IMMEDIATE');
    } catch (error) {
      release();
      throw new TsiError(`cannot start a write on ${this.#config.path}: ${(error as Error).message}`, { cause: error });
    }
    return release;
  }

  #statement(text: string): Statement {
    let stmt = this.#statements.get(text);
    if (stmt === undefined) {
      stmt = this.#writer.prepare(text);
      this.#statements.set(text, stmt);
    }
    return stmt;
  }

  #makeTx(release: () => void): WriteTx {
    const w = this.#writer;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      release();
    };
    return {
      insert: async (table: TableSpec, batch: RowBatch) => {
        if (done) throw new TsiError('write transaction already finished');
        this.#insert(table, batch);
      },
      commit: async () => {
        if (done) throw new TsiError('write transaction already finished');
        try {
          w.exec('COMMIT');
        } finally {
          if (w.inTransaction) w.exec('ROLLBACK');
          finish();
        }
      },
      rollback: async () => {
        if (done) return;
        try {
          if (w.inTransaction) w.exec('ROLLBACK');
        } finally {
          finish();
        }
      },
    };
  }

  #insert(table: TableSpec, batch: RowBatch): void {
    const width = table.columns.length;
    const perStatement = rowsPerStatement(table, this.capabilities.maxParameters, this.#config.rowsPerInsert);
    let row = 0;
    while (row < batch.rowCount) {
      const n = Math.min(perStatement, batch.rowCount - row);
      const stmt = this.#statement(this.#inserts.sql(table, n));
      // A whole batch binds its array directly; only the tail of a larger batch is sliced.
      const values = row === 0 && n === batch.rowCount ? batch.values : batch.values.slice(row * width, (row + n) * width);
      stmt.run(values);
      row += n;
    }
  }

  async beginAnalyticsReplace(scheduleId: number, phases: readonly Phase[], options: AnalyticsReplaceOptions = {}): Promise<AnalyticsReplaceTx> {
    const release = await this.#beginWrite();
    try {
      const kept = this.#deletePhases(scheduleId, phases, options.deferPhase3 === true).kept;
      // The populate writes a fresh run record (with the kept phases added).
      this.#statement(`DELETE FROM ${ANALYTICS_RUNS.name} WHERE schedule_id = ?`).run(scheduleId);
      const countRows = async () => {
        const q = countPhase3Rows(this.db, scheduleId).compile();
        return phase3RowCounts(this.#statement(q.sql).get(q.parameters as unknown[]) as Phase3RowCounts);
      };
      const keepMinuteBins = async (digest: Uint8Array, binRows: number) => {
        // No digest stored (no previous Phase 3): nothing to keep, no rows to count.
        if (kept.previousPhase3Digest !== null && minuteBinsUnchanged(kept.previousPhase3Digest, digest, await countRows(), binRows)) return true;
        this.#deleteRows(scheduleId, MINUTE_BIN_TABLES);
        return false;
      };
      const dropVisibilityRanges = async () => void this.#deleteRows(scheduleId, [VISIBILITY_RANGES]);
      return { ...this.#makeTx(release), ...kept, jsonChangeCount: jsonChangeCount(this.#writer), countPhase3Rows: countRows, keepMinuteBins, dropVisibilityRanges };
    } catch (error) {
      this.#writer.exec('ROLLBACK');
      release();
      throw error;
    }
  }

  /**
   * Deletes the phases' rows (but Phase 3's when `deferPhase3`);
   * the run record keeps the phases that remain (or goes).
   */
  #deletePhases(scheduleId: number, phases: readonly Phase[], deferPhase3 = false): { deleted: number; kept: ReturnType<typeof keptRun> } {
    const deleted = this.#deleteRows(scheduleId, tablesDeletedAtBegin(phases, deferPhase3));
    const run = this.#statement(`SELECT ${RUN_RECORD_SETTINGS.join(', ')} FROM ${ANALYTICS_RUNS.name} WHERE schedule_id = ?`).get(scheduleId) as RunRecordSettings | undefined;
    const kept = keptRun(run, phases);
    const { keptPhases } = kept;
    if (keptPhases.length === 0) this.#statement(`DELETE FROM ${ANALYTICS_RUNS.name} WHERE schedule_id = ?`).run(scheduleId);
    else this.#statement(`UPDATE ${ANALYTICS_RUNS.name} SET phases = ? WHERE schedule_id = ?`).run(keptPhases.join(','), scheduleId);
    return { deleted, kept };
  }

  /** Deletes the schedule's rows of `tables`; returns how many. */
  #deleteRows(scheduleId: number, tables: readonly TableSpec[]): number {
    let deleted = 0;
    for (const table of tables) deleted += this.#statement(`DELETE FROM ${table.name} WHERE schedule_id = ?`).run(scheduleId).changes;
    return deleted;
  }

  async deleteAnalytics(scheduleId: number, phases: readonly Phase[]): Promise<number> {
    const release = await this.#beginWrite();
    try {
      const { deleted } = this.#deletePhases(scheduleId, phases);
      this.#run(deleteComparisonsOf(this.db, scheduleId).compile());
      this.#run(deleteUnusedFacts(this.db, scheduleId).compile());
      this.#writer.exec('COMMIT');
      return deleted;
    } catch (error) {
      if (this.#writer.inTransaction) this.#writer.exec('ROLLBACK');
      throw error;
    } finally {
      release();
    }
  }

  async saveComparison(row: ComparisonCacheRow): Promise<void> {
    const release = await this.#beginWrite();
    try {
      this.#run(upsertComparisonSqlite(this.db, row).compile());
      this.#writer.exec('COMMIT');
    } catch (error) {
      if (this.#writer.inTransaction) this.#writer.exec('ROLLBACK');
      throw error;
    } finally {
      release();
    }
  }

  /** Runs a compiled kysely statement on the writer (inside the caller's write transaction). */
  #run(query: CompiledQuery): void {
    this.#statement(query.sql).run(query.parameters as unknown[]);
  }

  async beginSourceLoad(): Promise<SourceLoadTx> {
    const release = await this.#beginWrite();
    const tx = this.#makeTx(release);
    const w = this.#writer;
    return {
      ...tx,
      createSchedule: async (schedule: NewSchedule) => {
        const existing = w.prepare('SELECT schedule_id FROM schedules WHERE checksum = ?').get(schedule.checksum) as { schedule_id: number } | undefined;
        if (existing) throw new DuplicateScheduleError(schedule.checksum, existing.schedule_id);
        const result = w
          .prepare('INSERT INTO schedules (schedule_name, checksum, dark_periods_json) VALUES (?, ?, ?)')
          .run(schedule.schedule_name, schedule.checksum, schedule.dark_periods_json);
        return Number(result.lastInsertRowid);
      },
      nextSourceIds: async (): Promise<NextSourceIds> => {
        const next = (table: string, column: string) => ((w.prepare(`SELECT MAX(${column}) AS m FROM ${table}`).get() as { m: number | null }).m ?? 0) + 1;
        return {
          target_id: next('targets', 'target_id'),
          altitude_constraints_id: next('altitude_constraints', 'altitude_constraints_id'),
          azimuth_constraints_id: next('azimuth_constraints', 'azimuth_constraints_id'),
          constraints_id: next('constraints', 'constraints_id'),
          scheduling_block_id: next('scheduling_blocks', 'scheduling_block_id'),
        };
      },
    };
  }

  async *streamQuery<T>(query: CompiledQuery, chunkRows: number): AsyncIterable<T[]> {
    const conn = this.#open();
    try {
      let chunk: T[] = [];
      for (const row of conn.prepare(query.sql).iterate(query.parameters as unknown[]) as IterableIterator<T>) {
        chunk.push(row);
        if (chunk.length === chunkRows) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      conn.close();
    }
  }

  async tryClaimSchedule(scheduleId: number, owner: string, staleAfterMs?: number): Promise<boolean> {
    return this.#serialized(async () => {
      if (staleAfterMs !== undefined) {
        const cutoff = new Date(Date.now() - staleAfterMs).toISOString();
        this.#writer.prepare('DELETE FROM schedule_etl_locks WHERE schedule_id = ? AND acquired_at < ?').run(scheduleId, cutoff);
      }
      const claimed = this.#writer.prepare('INSERT OR IGNORE INTO schedule_etl_locks (schedule_id, owner) VALUES (?, ?)').run(scheduleId, owner);
      return claimed.changes === 1;
    });
  }

  async releaseSchedule(scheduleId: number, owner: string): Promise<void> {
    await this.#serialized(async () => {
      this.#writer.prepare('DELETE FROM schedule_etl_locks WHERE schedule_id = ? AND owner = ?').run(scheduleId, owner);
    });
  }

  reopenSpec(): StoreReopenSpec {
    return { dialect: 'sqlite', config: { ...this.#config, create: false } };
  }

  writeAheadLogBytes(): number {
    return statSync(`${this.#config.path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  }

  /**
   * `wal_checkpoint(TRUNCATE)` under this store's write turn, waiting at
   * most CHECKPOINT_WAIT_MS for readers (another process's long read must
   * not stall a backfill; the log is rewound at a later gap then).
   */
  async checkpointWriteAheadLog(): Promise<void> {
    await this.#serialized(async () => {
      this.#writer.pragma(`busy_timeout = ${CHECKPOINT_WAIT_MS}`);
      try {
        this.#writer.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        this.#writer.pragma(`busy_timeout = ${Math.trunc(this.#config.busyTimeoutMs)}`);
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writeQueue;
    await this.db.destroy();
    // kysely closes the reader only if it ran a query through it: a store that only wrote (or a worker's) kept it open.
    if (this.#reader.open) this.#reader.close();
    this.#writer.close();
  }
}

import mssql from 'mssql';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { DuplicateScheduleError, TsiError, UnknownScheduleError } from '../../base/errors.js';
import { deleteComparisonsOf } from '../queries/comparison-cache.js';
import { REDACTED } from '../../base/logger.js';
import { selectSourceAggregates, selectSourceBlocks, selectSourceBlocksWithFactsMssql, withServerKey, type ServerKeyColumns } from '../queries/source-blocks.js';
import { countPhase3Rows, minuteBinsUnchanged, phase3RowCounts, type Phase3RowCounts } from '../queries/minute-bins.js';
import { deleteUnusedFacts } from '../queries/visibility-facts.js';
import type { FactsColumns } from '../visibility-facts.js';
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
  SourceLoadTx,
  SourceSnapshot,
  Store,
  StoreCapabilities,
  WriteTx,
} from '../store.js';
import { ANALYTICS_RUNS, MINUTE_BIN_TABLES, RUN_RECORD_SETTINGS, VISIBILITY_RANGES, keptRun, SOURCE_TABLES, tablesDeletedAtBegin, type Phase, type RunRecordSettings, type TableSpec } from '../table-specs.js';
import { ConnectionStringError, parseConnectionString, redactConnectionString } from './connection-string.js';
import { getAppLock, scheduleClaimLock, scheduleWriteLock, SOURCE_LOAD_LOCK } from './mssql-app-lock.js';
import { bindParameters, executeStatement, mssqlKysely, type SqlStatement } from './mssql-driver.js';
import { streamRows } from './mssql-row-stream.js';
import { deleteIncompletePhases } from '../incomplete-phases.js';
import { migrate, missingMigrations } from './mssql-migrator.js';
import { leasePool, type PoolLease } from './mssql-pools.js';
import { MSSQL_MAX_PARAMETERS, MssqlRowWriter } from './mssql-row-writer.js';
import { CONNECTIONS_PER_WRITE, MSSQL_DEFAULTS, type MssqlStoreOptions } from './mssql-store-config.js';
import { MssqlWriteBuffer, type FlushLimits } from './mssql-write-buffer.js';
import { isDuplicateKey, upsertComparisonMssql } from './mssql-comparison-upsert.js';
import { lockFacts, MssqlFactsBuffer } from './mssql-facts-upsert.js';
import { beginTransaction, inTransaction, rollbackQuietly } from './mssql-transaction.js';
import { qualifiedTableName } from './table-names.js';

/** The table whose ids each NextSourceIds field continues. */
const ID_TABLES: Record<keyof NextSourceIds, keyof typeof SOURCE_TABLES> = {
  target_id: 'targets',
  altitude_constraints_id: 'altitude_constraints',
  azimuth_constraints_id: 'azimuth_constraints',
  constraints_id: 'constraints',
  scheduling_block_id: 'scheduling_blocks',
};

/** The highest ids, read under exclusive table locks held to commit, so concurrent loaders cannot take the same ids. */
const MAX_SOURCE_IDS = `SELECT ${Object.entries(ID_TABLES)
  .map(([column, table]) => `(SELECT MAX(${column}) FROM ${qualifiedTableName(table)} WITH (TABLOCKX, HOLDLOCK)) AS ${column}`)
  .join(', ')}`;

const FIND_SCHEDULE_BY_CHECKSUM = `SELECT schedule_id FROM ${qualifiedTableName('schedules')} WITH (UPDLOCK, HOLDLOCK) WHERE checksum = @1`;

/** The same connection string with mssql's defaults replaced where an ETL needs others. */
function poolConfig(parsed: mssql.config, poolMax: number): mssql.config {
  return {
    ...parsed,
    // mssql's 15 s default would cut off the delete of a million-row schedule; lock waits are bounded by sp_getapplock.
    requestTimeout: parsed.requestTimeout ?? 0,
    pool: { ...parsed.pool, min: 0, max: poolMax },
    // XACT_ABORT: any error rolls the whole transaction back on the server, never only the failed statement.
    options: { appName: 'tsi-etl', ...parsed.options, abortTransactionOnError: true },
  };
}

/** The options given, without keys set to undefined (which mean "the default"). */
function definedOptions(options: MssqlStoreOptions): MssqlStoreOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/** `text` with every occurrence of `secret` hidden. */
function scrub(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join(REDACTED) : text;
}

/**
 * SQL Server (and Azure SQL) through mssql: one connection pool per
 * process and connection string, queries compiled by kysely, reads streamed
 * with backpressure, rows buffered per table and written in large TDS bulk
 * loads inside the write transaction (MssqlWriteBuffer), and application locks (sp_getapplock) so two processes
 * never populate one schedule at once.
 */
export class MssqlStore implements Store {
  readonly capabilities: StoreCapabilities;
  readonly db: Kysely<Database>;
  readonly description: string;

  readonly #lease: PoolLease;
  readonly #pool: mssql.ConnectionPool;
  readonly #lockTimeoutMs: number;
  readonly #writer: MssqlRowWriter;
  readonly #flushLimits: FlushLimits;
  /** Held claims: each pins a connection with a transaction that owns the claim's lock. */
  readonly #claims = new Map<number, { owner: string; transaction: mssql.Transaction }>();
  #closed = false;

  /**
   * Opens (or joins) the process's pool for the connection string: an
   * `mssql://` / `sqlserver://` URL or an ADO string (see connection-string.ts).
   * Options default as in MSSQL_DEFAULTS.
   * @throws TsiError for a bad string or a failed connection; never with the password in it.
   */
  static async connect(connectionString: string, options: MssqlStoreOptions = {}): Promise<MssqlStore> {
    const description = redactConnectionString(connectionString);
    const parsed = parseConnectionString(connectionString);
    const poolMax = options.poolMax ?? parsed.pool?.max ?? MSSQL_DEFAULTS.poolMax;
    if (!Number.isInteger(poolMax) || poolMax < CONNECTIONS_PER_WRITE + 1) {
      // From the string's Max Pool Size it is a bad --db (exit 2), like any other bad part of it.
      const Bad = options.poolMax === undefined ? ConnectionStringError : TsiError;
      throw new Bad(`SQL Server pool size must be an integer of at least ${CONNECTIONS_PER_WRITE + 1}, got ${poolMax}`);
    }
    const settings = { ...MSSQL_DEFAULTS, ...definedOptions(options) };
    for (const key of ['bulkMinRows', 'bulkMaxRows', 'bulkMaxBytes'] as const) {
      if (!Number.isInteger(settings[key]) || settings[key] < 1) throw new TsiError(`SQL Server option ${key} must be a positive integer, got ${settings[key]}`);
    }
    let lease: PoolLease;
    try {
      lease = await leasePool(connectionString, poolConfig(parsed, poolMax));
    } catch (error) {
      throw new TsiError(`cannot connect to SQL Server ${description}: ${scrub((error as Error).message, parsed.password)}`, { cause: error });
    }
    return new MssqlStore(lease, description, settings);
  }

  private constructor(lease: PoolLease, description: string, options: Required<MssqlStoreOptions>) {
    this.#lease = lease;
    this.#pool = lease.pool;
    this.description = description;
    this.#lockTimeoutMs = options.lockTimeoutMs;
    this.db = mssqlKysely(this.#pool);
    this.#writer = new MssqlRowWriter(this.db, options.bulkMinRows);
    this.#flushLimits = Object.freeze({ maxRows: options.bulkMaxRows, maxBytes: options.bulkMaxBytes });
    this.capabilities = Object.freeze({
      dialect: 'mssql',
      maxParameters: MSSQL_MAX_PARAMETERS,
      maxConcurrentWrites: Math.floor((lease.max - 1) / CONNECTIONS_PER_WRITE),
      bulkLoad: true,
      claimsOutliveProcesses: false,
      factsKey: 'server-sha256',
    });
  }

  migrate(): Promise<MigrationReport> {
    return migrate(this.#pool, this.#lockTimeoutMs, (transaction, recreated) =>
      deleteIncompletePhases(this.db, async <R>(q: CompiledQuery<R>) => (await executeStatement<R>(new mssql.Request(transaction), q)).rows, recreated));
  }

  async healthcheck(): Promise<void> {
    await this.#pool.request().query('SELECT 1');
    const missing = await missingMigrations(this.#pool);
    if (missing.length > 0) {
      throw new TsiError(`SQL Server ${this.description} is missing migrations ${missing.map((f) => f.name).join(', ')} (run \`tsi-etl migrate\` against it)`);
    }
  }

  async sourceFingerprint(scheduleId: number): Promise<string> {
    return (await this.#sourceAggregates(scheduleId)).fingerprint;
  }

  async #sourceAggregates(scheduleId: number): Promise<{ aggregates: SourceAggregates; fingerprint: string }> {
    const schedule = await this.db.selectFrom('schedules').select('checksum').where('schedule_id', '=', scheduleId).executeTakeFirst();
    if (schedule === undefined) throw new UnknownScheduleError(scheduleId);
    const aggregates = (await selectSourceAggregates(this.db, scheduleId, (c) => sql.raw(`DATALENGTH(${c})`)).executeTakeFirstOrThrow()) as SourceAggregates;
    return { aggregates, fingerprint: sourceFingerprint(schedule.checksum, aggregates) };
  }

  /**
   * The aggregates, then the blocks as a streamed request. Not one read
   * snapshot (that would need SNAPSHOT isolation enabled on the database):
   * a schedule's source is written once, by one load transaction.
   */
  async openSource(scheduleId: number, options: OpenSourceOptions = {}): Promise<SourceSnapshot> {
    const { aggregates, fingerprint } = await this.#sourceAggregates(scheduleId);
    const reuse = options.reuseFacts === true;
    const blocksQuery: SqlStatement = (reuse ? selectSourceBlocksWithFactsMssql(this.db, scheduleId) : selectSourceBlocks(this.db, scheduleId)).compile();
    const pool = this.#pool;
    const running = new Set<mssql.Request>();
    let open = true;
    return {
      scheduleId,
      blockCount: aggregates.blockCount,
      priorityMin: aggregates.priorityMin,
      priorityMax: aggregates.priorityMax,
      fingerprint,
      // Each fact carries its JSON's digest, compared on the server: nothing to refuse or to recount.
      reuseRefused: null,
      jsonChangeCount: null,
      // Knowing that no JSON changed would take digesting every block's JSON on the server first;
      // a rerun keeps the minute bins by their output digest instead (keepMinuteBins).
      phase3InputsKey: async () => null,
      // Always with the minute ranges: a SQL Server populate never keeps Phase 3 by its inputs.
      async *blocks(chunkRows: number): AsyncIterable<SourceBlockRow[]> {
        if (!open) throw new TsiError(`the source snapshot of schedule ${scheduleId} is closed`);
        const request = bindParameters(new mssql.Request(pool), blocksQuery.parameters);
        running.add(request);
        try {
          // The query's aliases are SourceBlockRow's fields, and the row converter makes its BIGINT a number.
          const chunks = streamRows(request, blocksQuery.sql, chunkRows) as AsyncIterable<unknown[]> as AsyncIterable<(SourceBlockRow & FactsColumns & ServerKeyColumns)[]>;
          if (!reuse) yield* chunks;
          else for await (const chunk of chunks) yield chunk.map(withServerKey);
        } finally {
          running.delete(request);
        }
      },
      async close() {
        open = false;
        for (const request of running) request.cancel();
      },
    };
  }

  async *streamQuery<T>(query: CompiledQuery, chunkRows: number): AsyncIterable<T[]> {
    yield* streamRows(bindParameters(new mssql.Request(this.#pool), query.parameters), query.sql, chunkRows) as AsyncIterable<unknown[]> as AsyncIterable<T[]>;
  }

  /** Waits (up to lockTimeoutMs) for the schedule's write lock, owned by `transaction`. */
  async #lockSchedule(transaction: mssql.Transaction, scheduleId: number): Promise<void> {
    const code = await getAppLock(transaction, scheduleWriteLock(scheduleId), this.#lockTimeoutMs);
    if (code < 0) {
      throw new TsiError(`schedule ${scheduleId} is being populated by another process (its lock was not granted within ${this.#lockTimeoutMs} ms; sp_getapplock returned ${code})`);
    }
  }

  /**
   * Deletes the phases' rows (but Phase 3's when `deferPhase3`);
   * the run record keeps the phases that remain (or goes).
   */
  async #deletePhases(transaction: mssql.Transaction, scheduleId: number, phases: readonly Phase[], deferPhase3 = false): Promise<{ deleted: number; kept: ReturnType<typeof keptRun> }> {
    const run = <R>(statement: SqlStatement) => executeStatement<R>(new mssql.Request(transaction), statement);
    const deleted = await this.#deleteRows(transaction, scheduleId, tablesDeletedAtBegin(phases, deferPhase3));
    const record = await run<RunRecordSettings>(this.db.selectFrom('schedule_analytics_runs').select([...RUN_RECORD_SETTINGS]).where('schedule_id', '=', scheduleId).compile());
    const kept = keptRun(record.rows[0], phases);
    const { keptPhases } = kept;
    if (keptPhases.length === 0) await this.#deleteRunRecord(transaction, scheduleId);
    else await run(this.db.updateTable('schedule_analytics_runs').set({ phases: keptPhases.join(',') }).where('schedule_id', '=', scheduleId).compile());
    return { deleted, kept };
  }

  /** Deletes the schedule's rows of `tables` in the transaction; returns how many. */
  async #deleteRows(transaction: mssql.Transaction, scheduleId: number, tables: readonly TableSpec[]): Promise<number> {
    let deleted = 0;
    for (const table of tables) {
      deleted += (await executeStatement(new mssql.Request(transaction), this.db.deleteFrom(table.name).where('schedule_id', '=', scheduleId).compile())).rowsAffected;
    }
    return deleted;
  }

  async #deleteRunRecord(transaction: mssql.Transaction, scheduleId: number): Promise<void> {
    await executeStatement(new mssql.Request(transaction), this.db.deleteFrom(ANALYTICS_RUNS.name).where('schedule_id', '=', scheduleId).compile());
  }

  /**
   * The WriteTx over a transaction: inserts are buffered per table and sent
   * in large loads (MssqlWriteBuffer); the rest goes before the commit, so
   * a failed load, wherever it happens, rolls the whole transaction back.
   */
  #writeTx(transaction: mssql.Transaction, buffer: MssqlWriteBuffer): WriteTx {
    let done = false;
    const facts = new MssqlFactsBuffer(this.db, transaction);
    return {
      insert: async (table, batch) => {
        if (done) throw new TsiError('write transaction already finished');
        if (table.upsert) await facts.add(batch);
        else await buffer.add(table, batch);
      },
      commit: async () => {
        if (done) throw new TsiError('write transaction already finished');
        done = true;
        try {
          await facts.mergeInto(this.#lockTimeoutMs);
          await buffer.flushAll();
          await transaction.commit();
        } catch (error) {
          await rollbackQuietly(transaction);
          throw error;
        }
      },
      rollback: async () => {
        if (done) return;
        done = true;
        await rollbackQuietly(transaction);
      },
    };
  }

  async beginAnalyticsReplace(scheduleId: number, phases: readonly Phase[], options: AnalyticsReplaceOptions = {}): Promise<AnalyticsReplaceTx> {
    const transaction = await beginTransaction(this.#pool);
    try {
      await this.#lockSchedule(transaction, scheduleId);
      const { kept } = await this.#deletePhases(transaction, scheduleId, phases, options.deferPhase3 === true);
      // The populate writes a fresh run record (with the kept phases added).
      await this.#deleteRunRecord(transaction, scheduleId);
      const countRows = async () => phase3RowCounts((await executeStatement<Phase3RowCounts>(new mssql.Request(transaction), countPhase3Rows(this.db, scheduleId).compile())).rows[0]);
      const keepMinuteBins = async (digest: Uint8Array, binRows: number) => {
        // No digest stored (no previous Phase 3): nothing to keep, no rows to count.
        if (kept.previousPhase3Digest !== null && minuteBinsUnchanged(kept.previousPhase3Digest, digest, await countRows(), binRows)) return true;
        await this.#deleteRows(transaction, scheduleId, MINUTE_BIN_TABLES);
        return false;
      };
      const dropVisibilityRanges = async () => void (await this.#deleteRows(transaction, scheduleId, [VISIBILITY_RANGES]));
      return { ...this.#writeTx(transaction, new MssqlWriteBuffer(transaction, this.#writer, this.#flushLimits)), ...kept, jsonChangeCount: null, countPhase3Rows: countRows, keepMinuteBins, dropVisibilityRanges };
    } catch (error) {
      await rollbackQuietly(transaction);
      throw error;
    }
  }

  deleteAnalytics(scheduleId: number, phases: readonly Phase[]): Promise<number> {
    return inTransaction(this.#pool, async (transaction) => {
      await this.#lockSchedule(transaction, scheduleId);
      const { deleted } = await this.#deletePhases(transaction, scheduleId, phases);
      await executeStatement(new mssql.Request(transaction), deleteComparisonsOf(this.db, scheduleId).compile());
      await lockFacts(transaction, this.#lockTimeoutMs);
      await executeStatement(new mssql.Request(transaction), deleteUnusedFacts(this.db, scheduleId).compile());
      return deleted;
    });
  }

  async saveComparison(row: ComparisonCacheRow): Promise<void> {
    const upsert = upsertComparisonMssql(this.db, row);
    try {
      await executeStatement(new mssql.Request(this.#pool), upsert);
    } catch (error) {
      // Another reader inserted the pair between our UPDATE and INSERT: this time the UPDATE finds it.
      if (!isDuplicateKey(error)) throw error;
      await executeStatement(new mssql.Request(this.#pool), upsert);
    }
  }

  async beginSourceLoad(): Promise<SourceLoadTx> {
    const transaction = await beginTransaction(this.#pool);
    try {
      // Loads take turns for their ids and checksums: Babelfish accepts the table hints below but takes no lock for them.
      const code = await getAppLock(transaction, SOURCE_LOAD_LOCK, this.#lockTimeoutMs);
      if (code < 0) throw new TsiError(`another process is loading a schedule into this database (its lock was not granted within ${this.#lockTimeoutMs} ms; sp_getapplock returned ${code}): retry when it is done`);
    } catch (error) {
      await rollbackQuietly(transaction);
      throw error;
    }
    const buffer = new MssqlWriteBuffer(transaction, this.#writer, this.#flushLimits);
    // Buffered rows go first: a statement of the transaction must see every row inserted before it.
    const run = async <R>(statement: SqlStatement) => {
      await buffer.flushAll();
      return executeStatement<R>(new mssql.Request(transaction), statement);
    };
    return {
      ...this.#writeTx(transaction, buffer),
      createSchedule: async (schedule: NewSchedule) => {
        // UPDLOCK, HOLDLOCK: a concurrent load of the same checksum waits here instead of racing to the insert.
        const existing = await run<{ schedule_id: number }>({ sql: FIND_SCHEDULE_BY_CHECKSUM, parameters: [schedule.checksum] });
        if (existing.rows.length > 0) throw new DuplicateScheduleError(schedule.checksum, existing.rows[0].schedule_id);
        const inserted = await run<{ schedule_id: number }>(this.db.insertInto('schedules').values(schedule).output('inserted.schedule_id').compile());
        return inserted.rows[0].schedule_id;
      },
      nextSourceIds: async () => {
        const max = (await run<Record<keyof NextSourceIds, number | null>>({ sql: MAX_SOURCE_IDS, parameters: [] })).rows[0];
        const next = (key: keyof NextSourceIds) => (max[key] ?? 0) + 1;
        return {
          target_id: next('target_id'),
          altitude_constraints_id: next('altitude_constraints_id'),
          azimuth_constraints_id: next('azimuth_constraints_id'),
          constraints_id: next('constraints_id'),
          scheduling_block_id: next('scheduling_block_id'),
        };
      },
    };
  }

  /**
   * A claim is an application lock owned by a transaction that holds one
   * pooled connection until `releaseSchedule`. Owned by the transaction,
   * not the session: ending the transaction always releases it, so a
   * connection never goes back to the pool still holding a claim, and the
   * server drops it with the session if the process dies: no claim is ever
   * stale, so there is no `staleAfterMs` parameter.
   */
  async tryClaimSchedule(scheduleId: number, owner: string): Promise<boolean> {
    if (this.#claims.has(scheduleId)) return false;
    const transaction = await beginTransaction(this.#pool);
    try {
      if ((await getAppLock(transaction, scheduleClaimLock(scheduleId), 0)) < 0) {
        await rollbackQuietly(transaction);
        return false;
      }
    } catch (error) {
      await rollbackQuietly(transaction);
      throw error;
    }
    this.#claims.set(scheduleId, { owner, transaction });
    return true;
  }

  async releaseSchedule(scheduleId: number, owner: string): Promise<void> {
    const claim = this.#claims.get(scheduleId);
    if (claim === undefined || claim.owner !== owner) return;
    this.#claims.delete(scheduleId);
    await rollbackQuietly(claim.transaction);
  }

  /** Concurrent populates share this store's pool; no other thread needs to open the server. */
  reopenSpec(): null {
    return null;
  }

  /** The server manages its own transaction log. */
  writeAheadLogBytes(): number {
    return 0;
  }

  async checkpointWriteAheadLog(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const claims = [...this.#claims.values()];
    this.#claims.clear();
    await Promise.all(claims.map((c) => rollbackQuietly(c.transaction)));
    await this.#lease.release();
  }
}

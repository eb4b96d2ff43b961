import type { CompiledQuery, Insertable, Kysely } from 'kysely';
import type { Phase3RowCounts } from './queries/minute-bins.js';
import type { Database, ScheduleComparisonsTable } from './schema.js';
import type { SqliteStoreConfig } from './sqlite/sqlite-store-config.js';
import type { Phase, RowBatch, TableSpec } from './table-specs.js';
import type { FactsKeyRule, JsonDigest, StoredVisibilityFacts } from './visibility-facts.js';

/**
 * One block as the source stage delivers it: the five-table join of the plan,
 * one row per block of the schedule, ordered by block id. Numbers are numbers
 * in every dialect (the SQL Server store converts BIGINT strings).
 */
export interface SourceBlockRow {
  blockId: number;
  raDeg: number;
  decDeg: number;
  priority: number;
  requestedDurationSec: number;
  minObservationSec: number;
  minAltDeg: number | null;
  maxAltDeg: number | null;
  minAzDeg: number | null;
  maxAzDeg: number | null;
  scheduledStartMjd: number | null;
  scheduledStopMjd: number | null;
  visibilityJson: string | null;
  /**
   * The block's stored visibility facts, when the source was opened with
   * `reuseFacts` and they match the block's current JSON (which is then not
   * read: `visibilityJson` is null). Absent or null: parse the JSON.
   */
  reused?: StoredVisibilityFacts | null;
  /**
   * The key the server computed for `visibilityJson` (SQL Server: its
   * `HASHBYTES` and `DATALENGTH`), which the block's new facts are stored
   * with. Absent where the dialect's rule takes nothing from the source.
   */
  jsonKey?: JsonDigest;
}

export interface SourceBlocksOptions {
  /**
   * False: reused facts come without their minute ranges (`minuteRanges`
   * null), for a populate that keeps Phase 3 and needs none. A store may
   * send them anyway. @default true
   */
  minuteRanges?: boolean;
}

export interface OpenSourceOptions {
  /** Hand over the stored facts of blocks whose JSON is unchanged instead of their JSON. @default false */
  reuseFacts?: boolean;
}

/** What a dialect can do, so callers decide by capability and never by name. */
export interface StoreCapabilities {
  readonly dialect: 'sqlite' | 'mssql';
  /** Bound parameters one statement may carry (SQL Server: 2,100; SQLite: 32,766). */
  readonly maxParameters: number;
  /** Schedules that can be populated at once usefully (SQLite has one writer). */
  readonly maxConcurrentWrites: number;
  /** Large tables go through a bulk-load path rather than INSERT statements. */
  readonly bulkLoad: boolean;
  /** Claims are rows that outlive a killed process (SQLite); SQL Server's session locks die with it. */
  readonly claimsOutliveProcesses: boolean;
  /** How a stored visibility fact is known to be of its block's current JSON (sql/visibility-facts.ts). */
  readonly factsKey: FactsKeyRule;
}

/**
 * How another thread opens the same database on connections of its own
 * (`reopenStore` in sql/create-store.ts): plain data, so it crosses
 * `postMessage`. Only SQLite has one: with its one writer a backfill runs
 * whole populates in worker threads, so several compute at once.
 */
export interface StoreReopenSpec {
  dialect: 'sqlite';
  config: SqliteStoreConfig & { writeTurn: SharedArrayBuffer };
}

/** A snapshot of one schedule's source, taken before streaming starts. */
export interface SourceSnapshot {
  scheduleId: number;
  blockCount: number;
  priorityMin: number | null;
  priorityMax: number | null;
  /** Cheap digest of the source rows; `backfill --changed` compares it. */
  fingerprint: string;
  /**
   * Why stored facts are neither served nor to be written although
   * `reuseFacts` was asked for (SQLite: a trigger that keeps them current is
   * missing), as a message saying what to do; null when they are, or were not asked for.
   */
  reuseRefused: string | null;
  /**
   * The store's count of visibility JSON changes in this snapshot (SQLite's
   * trigger-kept counter); null where each fact carries its JSON's digest.
   * Facts computed from the snapshot may be stored only while the write
   * transaction sees the same count (AnalyticsReplaceTx.jsonChangeCount).
   */
  jsonChangeCount: number | null;
  /**
   * The key of this snapshot's Phase 3 inputs with bins of `binSeconds`
   * (sql/phase3-inputs-key.ts), which the run record stores; null where the
   * store cannot tell without reading every JSON (SQL Server, and SQLite
   * while a trigger of migration 007 is missing). Call it before `blocks`.
   */
  phase3InputsKey(binSeconds: number): Promise<Uint8Array | null>;
  /** The blocks in block-id order, in chunks; the next chunk is read only when asked for. */
  blocks(chunkRows: number, options?: SourceBlocksOptions): AsyncIterable<SourceBlockRow[]>;
  /** Ends the read snapshot (idempotent). */
  close(): Promise<void>;
}

/** One write transaction: nothing it inserted is visible to readers before commit. */
export interface WriteTx {
  insert(table: TableSpec, batch: RowBatch): Promise<void>;
  commit(): Promise<void>;
  /** Undoes everything since begin; safe to call after a failed commit (idempotent). */
  rollback(): Promise<void>;
}

/** The replacement of a schedule's analytics, with what it leaves in place. */
export interface AnalyticsReplaceTx extends WriteTx {
  /** Phases that had analytics before and are not being replaced (their rows stay). */
  readonly keptPhases: readonly Phase[];
  /** The previous run's histogram bins and time-bin width, which kept phases 2 and 3 were computed with. */
  readonly keptNBins: number | null;
  readonly keptBinSeconds: number | null;
  /** The source fingerprint of the run the kept phases come from; null when none is kept. */
  readonly keptFingerprint: string | null;
  /** The count of visibility JSON changes as this transaction sees it (see SourceSnapshot.jsonChangeCount). */
  readonly jsonChangeCount: number | null;
  /** The previous run's `phase3_digest` when it had Phase 3 (kept with it when Phase 3 is not replaced). */
  readonly previousPhase3Digest: Uint8Array | null;
  /**
   * After a begin with `deferPhase3`: leaves the minute-bin rows
   * (MINUTE_BIN_TABLES) in place when the previous run's digest is `digest`
   * and they are all there (the metadata row and `binRows` bin rows), else
   * deletes them for the caller to write its own. True when they were kept.
   */
  keepMinuteBins(digest: Uint8Array, binRows: number): Promise<boolean>;
  /**
   * How many rows of each Phase 3 table the schedule has, as this
   * transaction sees them (on SQL Server, rows still buffered for a bulk
   * load are not counted yet).
   */
  countPhase3Rows(): Promise<Phase3RowCounts>;
  /** After a begin with `deferPhase3`: deletes the schedule's per-block minute ranges (VISIBILITY_RANGES), for the caller to write new ones. */
  dropVisibilityRanges(): Promise<void>;
  /** The previous run's `phase3_inputs_key` when it had Phase 3: its Phase 3 rows are those of a source with this key. */
  readonly previousPhase3InputsKey: Uint8Array | null;
}

export interface AnalyticsReplaceOptions {
  /**
   * Leave Phase 3's rows in place at begin even when Phase 3 is replaced.
   * The caller then keeps them all (its inputs are unchanged: it calls
   * nothing), or calls `dropVisibilityRanges` before writing any range and
   * `keepMinuteBins` before writing any minute bin.
   * @default false
   */
  deferPhase3?: boolean;
}


export interface NewSchedule {
  schedule_name: string;
  checksum: string;
  dark_periods_json: string | null;
}

/** First free ids in the source tables, for loaders that assign ids themselves. */
export interface NextSourceIds {
  target_id: number;
  altitude_constraints_id: number;
  azimuth_constraints_id: number;
  constraints_id: number;
  scheduling_block_id: number;
}

export interface SourceLoadTx extends WriteTx {
  /** Inserts the schedules row and returns its id; throws DuplicateScheduleError on a known checksum. */
  createSchedule(schedule: NewSchedule): Promise<number>;
  nextSourceIds(): Promise<NextSourceIds>;
}

/** One Compare cache row (the database sets `computed_at`). */
export type ComparisonCacheRow = Insertable<ScheduleComparisonsTable>;

/** A phase whose analytics `migrate` deleted (a table of it was re-created empty), and of which schedules. */
export interface PhaseDeleted {
  phase: Phase;
  scheduleIds: number[];
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
  /** Objects of recorded migrations that were missing and were re-created (`table x`, `column x.y`, `index ix on x`). */
  recreated: string[];
  /** Phases with a re-created table, deleted from every schedule that had some of them (sql/incomplete-phases.ts). */
  analyticsDeleted: PhaseDeleted[];
}

/**
 * The small interface every dialect implements. Only `sql/<dialect>/` code
 * imports a driver; stages and queries see this and kysely's `db`.
 */
export interface Store {
  readonly capabilities: StoreCapabilities;
  /** Typed query builder for reads (its own connection: never sees an open write). */
  readonly db: Kysely<Database>;
  /** A redacted description for logs and errors (no password). */
  readonly description: string;
  migrate(): Promise<MigrationReport>;
  healthcheck(): Promise<void>;
  /** Opens a consistent read of a schedule's source; throws UnknownScheduleError. */
  openSource(scheduleId: number, options?: OpenSourceOptions): Promise<SourceSnapshot>;
  /** Computes the fingerprint `openSource` would report, without streaming. */
  sourceFingerprint(scheduleId: number): Promise<string>;
  /**
   * Begins the atomic replacement of a schedule's analytics: serializes with
   * any other populate of the same schedule, then deletes the rows of the
   * given phases' tables (and the run record) inside the transaction (Phase
   * 3's only later, or never, with `deferPhase3`).
   */
  beginAnalyticsReplace(scheduleId: number, phases: readonly Phase[], options?: AnalyticsReplaceOptions): Promise<AnalyticsReplaceTx>;
  /**
   * Deletes analytics of the given phases in one transaction; the run record
   * keeps the other phases. The Compare cache rows involving the schedule go
   * in the same transaction, and so do the visibility facts no schedule with
   * analytics links any more. Returns rows deleted (cache and facts rows not counted).
   */
  deleteAnalytics(scheduleId: number, phases: readonly Phase[]): Promise<number>;
  /**
   * Inserts or replaces the Compare cache row of its pair in one statement,
   * safe when two readers store the same pair at once.
   */
  saveComparison(row: ComparisonCacheRow): Promise<void>;
  beginSourceLoad(): Promise<SourceLoadTx>;
  /**
   * Runs a compiled read and yields its rows in chunks, reading the next chunk
   * only when asked (for exports and other reads too large for memory).
   */
  streamQuery<T>(query: CompiledQuery, chunkRows: number): AsyncIterable<T[]>;
  /**
   * Claims a schedule for this worker without waiting: false when another
   * worker holds it. Released by `releaseSchedule` (or, for SQL Server, when
   * the session ends). A claim older than `staleAfterMs` (left by a killed
   * process) is taken over; SQL Server's session locks need no such rule.
   */
  tryClaimSchedule(scheduleId: number, owner: string, staleAfterMs?: number): Promise<boolean>;
  releaseSchedule(scheduleId: number, owner: string): Promise<void>;
  /** How a worker thread opens this database itself; null when the dialect needs no such thing (SQL Server: its pool serves concurrent populates). */
  reopenSpec(): StoreReopenSpec | null;
  /**
   * Bytes of the write-ahead log beside the database (SQLite's `-wal` file;
   * 0 where the dialect keeps none of its own). SQLite rewinds that log only
   * when no read snapshot holds it, so a caller that keeps snapshots open
   * back to back (a parallel backfill) watches it and makes a gap.
   */
  writeAheadLogBytes(): number;
  /** In such a gap: folds the write-ahead log into the database and truncates it (best effort: a reader of another process may still hold it). */
  checkpointWriteAheadLog(): Promise<void>;
  close(): Promise<void>;
}

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Selectable } from 'kysely';
import pLimit from 'p-limit';
import type { ScheduleAnalyticsRunsTable } from '../sql/schema.js';
import type { Store } from '../sql/store.js';
import { phasesCurrent } from '../sql/run-fingerprint.js';
import { remainingPhases, type Phase } from '../sql/table-specs.js';
import { DEFAULT_PIPELINE_CONFIG, type PipelineConfig } from './config.js';
import { ParameterError, UnknownScheduleError } from '../base/errors.js';
import { silentLogger, type Logger } from '../base/logger.js';
import { populateSchedule, validatePipelineConfig, type PopulateHow, type PopulateSummary } from './populate.js';
import { PopulateWorkerPool, SCHEDULES_PER_WORKER } from './populate-worker-pool.js';
import { WAL_CHECKPOINT_BYTES, WalCheckpointGate } from './wal-checkpoint-gate.js';
import { now } from '../base/run-metrics.js';

/**
 * Which schedules a backfill selects: `missing` those without analytics of
 * every requested phase, `changed` also those whose source, `nBins` (phase 2)
 * or `binSeconds` (phase 3) differs from what their analytics were computed
 * from, `all` every schedule.
 */
export const BACKFILL_MODES = ['missing', 'changed', 'all'] as const;
export type BackfillMode = (typeof BACKFILL_MODES)[number];

export interface BackfillOptions {
  /** Schedules to consider. @default every schedule in the store */
  scheduleIds?: number[];
  /** @default 'missing' */
  mode?: BackfillMode;
  /**
   * Schedules populated at once. Past the store's writers (SQLite has one),
   * each populate runs whole in one of up to `concurrency` worker threads
   * with its own connections, and schedules of up to COMPUTE_FIRST_MAX_BLOCKS blocks
   * are computed before the write lock and written in a burst, so their
   * computing overlaps on as many cores. Each populate also uses
   * `pipeline.threads` threads.
   * @default store.capabilities.maxConcurrentWrites (1 on SQLite, which has one writer)
   */
  concurrency?: number;
  /** The populate options of every schedule. @default DEFAULT_PIPELINE_CONFIG */
  pipeline?: Partial<PipelineConfig>;
  /** This worker's claim owner. @default newClaimOwner() */
  owner?: string;
  /**
   * A claim older than this is taken over even when its owner cannot be
   * checked (another host): a populate takes seconds, so 10 minutes means
   * its worker is gone. Claims of dead processes on this host are taken over
   * at once. @default 600000
   */
  staleClaimMs?: number;
  /**
   * With worker threads on SQLite: once the write-ahead log is past this
   * size, the next populate waits for the running ones to end and the log is
   * checkpointed (`WalCheckpointGate`), so it does not grow with the backfill.
   * @default WAL_CHECKPOINT_BYTES (256 MiB)
   */
  walCheckpointBytes?: number;
  /** Called with the running totals at the start and after each schedule. */
  onProgress?: (progress: BackfillProgress) => void;
  /** @default silentLogger */
  log?: Logger;
}

export interface BackfillProgress {
  /** Schedules selected. */
  total: number;
  /** Of the selected schedules, how many were done, skipped and failed so far (requested ids that do not exist are never selected: they are failures of the report only). */
  done: number;
  skipped: number;
  failed: number;
  /** Blocks of the schedules done. */
  blocks: number;
  /** Of those, blocks whose stored visibility facts were reused (their JSON not parsed). */
  reusedBlocks: number;
  seconds: number;
}

export interface BackfillReport {
  mode: BackfillMode;
  concurrency: number;
  /** Ids that needed work when the backfill started, ascending. */
  selected: number[];
  /** Ids this worker populated, ascending. */
  done: number[];
  skipped: { scheduleId: number; reason: string }[];
  /** Per-schedule failures, including requested ids that do not exist. */
  failed: { scheduleId: number; error: string }[];
  blocks: number;
  /** Of those, blocks whose stored visibility facts were reused. */
  reusedBlocks: number;
  /** Of those, blocks whose JSON was parsed. */
  parsedBlocks: number;
  seconds: number;
}

export const SKIP_HELD = 'held by another worker';
export const SKIP_DONE_ELSEWHERE = 'done by another worker';

const DEFAULT_STALE_CLAIM_MS = 600_000;

type RunRow = Selectable<ScheduleAnalyticsRunsTable>;

/** `host:pid:random`: unique per backfill, and says which process to ask whether it still runs. */
export function newClaimOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** True when `owner` names a process of this host that no longer exists, or only as a zombie. */
export function claimOwnerIsGone(owner: string): boolean {
  const m = /^(.*):(\d+):[^:]*$/.exec(owner);
  if (!m || m[1] !== hostname()) return false;
  try {
    process.kill(Number(m[2]), 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return isZombie(Number(m[2]));
}

/**
 * A killed process stays a zombie until its parent reaps it, and signals
 * still reach it: in a container whose PID 1 never reaps, its claims would
 * wait for the stale limit. Linux's /proc says so; elsewhere, false.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // `pid (comm) S …`: the state follows the last ')' (comm may hold any character).
    const state = stat.charAt(stat.lastIndexOf(')') + 2);
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

/** What a run row must match for the schedule to be left alone. */
interface WantedRun {
  phases: readonly Phase[];
  nBins: number;
  binSeconds: number;
}

/** Identity of one completed run, to notice that another worker wrote a newer one. */
function runKey(run: RunRow | undefined): string {
  return run === undefined ? 'none' : JSON.stringify([run.completed_at, run.duration_ms, run.source_fingerprint, run.phases]);
}

async function readRun(store: Store, scheduleId: number): Promise<RunRow | undefined> {
  return store.db.selectFrom('schedule_analytics_runs').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirst();
}

async function needsWork(store: Store, mode: BackfillMode, scheduleId: number, run: RunRow | undefined, wanted: WantedRun): Promise<boolean> {
  if (run === undefined || mode === 'all') return true;
  const recorded = remainingPhases(run.phases, []);
  if (wanted.phases.some((p) => !recorded.includes(p))) return true;
  if (mode === 'missing') return false;
  if (wanted.phases.includes(2) && Number(run.n_bins) !== wanted.nBins) return true;
  if (wanted.phases.includes(3) && Number(run.bin_duration_seconds) !== wanted.binSeconds) return true;
  return !phasesCurrent(run.source_fingerprint, recorded, wanted.phases, await store.sourceFingerprint(scheduleId));
}

/**
 * Populates every selected schedule, `concurrency` at a time, each in its own
 * atomic populate: a killed backfill leaves only complete schedules and the
 * next `missing` run picks up the rest. Each schedule is claimed without
 * waiting, so several workers (processes or machines) share the work and
 * finish each schedule once: a schedule another worker holds is skipped, and
 * one another worker completed after this backfill selected it is skipped
 * too. A schedule's failure is recorded and the others go on.
 *
 * On a store with one writer (SQLite) and a concurrency above it, whole
 * populates run in up to `concurrency` worker threads (started here, ended
 * before this returns), each on its own connections, so schedules compute on
 * several cores while SQLite's write lock takes their writes in turn. This
 * thread keeps choosing, claiming, reporting and logging; a populate that
 * fails in a worker fails its schedule with the error it would have thrown here.
 *
 * Throws ParameterError for a bad concurrency or pipeline config, before any work.
 */
export async function backfill(store: Store, options: BackfillOptions = {}): Promise<BackfillReport> {
  const started = now();
  const mode = options.mode ?? 'missing';
  if (!BACKFILL_MODES.includes(mode)) throw new ParameterError('mode', `must be one of ${BACKFILL_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  const concurrency = options.concurrency ?? store.capabilities.maxConcurrentWrites;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ParameterError('--concurrency', `must be a positive integer, got ${concurrency}`);
  const config: PipelineConfig = { ...DEFAULT_PIPELINE_CONFIG, ...options.pipeline };
  validatePipelineConfig(config);
  const wanted: WantedRun = { phases: config.phases, nBins: config.nBins, binSeconds: config.binSeconds };
  const owner = options.owner ?? newClaimOwner();
  const staleClaimMs = options.staleClaimMs ?? DEFAULT_STALE_CLAIM_MS;
  const log = options.log ?? silentLogger;
  const claimsOutliveProcesses = store.capabilities.claimsOutliveProcesses;
  // More schedules at once than the store has writers: compute each before taking the write lock, so one's computing overlaps another's writes.
  const how: PopulateHow = { computeBeforeWriteLock: concurrency > store.capabilities.maxConcurrentWrites };

  const existing = (await store.db.selectFrom('schedules').select('schedule_id').orderBy('schedule_id').execute()).map((r) => Number(r.schedule_id));
  const known = new Set(existing);
  const requested = options.scheduleIds === undefined ? existing : [...new Set(options.scheduleIds)].sort((a, b) => a - b);
  const failed: BackfillReport['failed'] = requested.filter((id) => !known.has(id)).map((id) => ({ scheduleId: id, error: new UnknownScheduleError(id).message }));
  const runs = new Map((await store.db.selectFrom('schedule_analytics_runs').selectAll().execute()).map((r) => [Number(r.schedule_id), r]));
  const selected: number[] = [];
  const seenRun = new Map<number, string>();
  for (const id of requested) {
    if (!known.has(id) || !(await needsWork(store, mode, id, runs.get(id), wanted))) continue;
    selected.push(id);
    seenRun.set(id, runKey(runs.get(id)));
  }
  log.info({ event: 'backfill-selected', mode, selected: selected.length, considered: requested.length, concurrency, owner }, 'backfill selected schedules');

  const done: number[] = [];
  const skipped: BackfillReport['skipped'] = [];
  let blocks = 0;
  let reusedBlocks = 0;
  let parsedBlocks = 0;
  let failures = 0;
  const progress = (): void => options.onProgress?.({
    total: selected.length, done: done.length, skipped: skipped.length, failed: failures, blocks, reusedBlocks, seconds: now() - started,
  });

  const claim = async (scheduleId: number): Promise<boolean> => {
    if (await store.tryClaimSchedule(scheduleId, owner, staleClaimMs)) return true;
    if (!claimsOutliveProcesses) return false;
    const holder = await store.db.selectFrom('schedule_etl_locks').select('owner').where('schedule_id', '=', scheduleId).executeTakeFirst();
    if (holder !== undefined) {
      if (!claimOwnerIsGone(holder.owner)) return false;
      log.info({ scheduleId, deadOwner: holder.owner }, 'taking over the claim of a worker that no longer runs');
      await store.releaseSchedule(scheduleId, holder.owner);
    }
    return store.tryClaimSchedule(scheduleId, owner, staleClaimMs);
  };

  // After claiming: has another worker completed it since we selected it?
  const stillNeeded = async (scheduleId: number): Promise<boolean> => {
    const run = await readRun(store, scheduleId);
    if (runKey(run) === seenRun.get(scheduleId)) return true;
    return mode !== 'all' && (await needsWork(store, mode, scheduleId, run, wanted));
  };

  const skip = (scheduleId: number, reason: string, slog: Logger): void => {
    skipped.push({ scheduleId, reason });
    slog.info({ event: 'backfill-skipped', reason }, 'schedule skipped');
  };

  const release = async (scheduleId: number, slog: Logger): Promise<void> => {
    try {
      await store.releaseSchedule(scheduleId, owner);
    } catch (error) {
      // The schedule's outcome stands; only its claim lingers, until it is stale.
      slog.warn({ err: error }, 'could not release the claim');
    }
  };

  // One writer: whole populates go to worker threads, so schedules compute on several cores while their writes take turns.
  // A single schedule gains nothing from a worker and would pay its start.
  const workers = Math.min(concurrency, selected.length);
  const reopen = how.computeBeforeWriteLock && workers > 1 ? store.reopenSpec() : null;
  const pool = reopen === null ? undefined : new PopulateWorkerPool({ store: reopen, config, how, logLevel: log.level }, workers, log);
  const gate = pool && new WalCheckpointGate(store, options.walCheckpointBytes ?? WAL_CHECKPOINT_BYTES, log);
  const populate = async (scheduleId: number): Promise<PopulateSummary> => {
    if (pool === undefined || gate === undefined) return populateSchedule(store, scheduleId, config, log, how);
    await gate.enter();
    try {
      return await pool.populate(scheduleId);
    } finally {
      gate.leave();
    }
  };

  const backfillOne = async (scheduleId: number): Promise<void> => {
    const slog = log.child({ scheduleId });
    try {
      if (!(await claim(scheduleId))) return skip(scheduleId, SKIP_HELD, slog);
      try {
        if (!(await stillNeeded(scheduleId))) return skip(scheduleId, SKIP_DONE_ELSEWHERE, slog);
        const summary = await populate(scheduleId);
        done.push(scheduleId);
        blocks += summary.blocks;
        reusedBlocks += summary.reusedBlocks;
        parsedBlocks += summary.parsedBlocks;
      } finally {
        await release(scheduleId, slog);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failed.push({ scheduleId, error: message });
      failures++;
      // One line per failure; the stack only at debug (the message says what to do).
      slog.error({ event: 'backfill-failed', error: message }, `schedule failed: ${message}`);
      slog.debug({ err: error }, 'stack of the failure');
    } finally {
      progress();
    }
  };

  progress();
  try {
    // Workers are sent their next schedule ahead (claimed, then waiting in the worker): still `concurrency` populates at once.
    const limit = pLimit(pool ? concurrency * SCHEDULES_PER_WORKER : concurrency);
    await limit.map(selected, backfillOne);
    // Another backfill held these; if it was killed meanwhile, its claims can be taken over now. One more try each.
    const held = skipped.filter((s) => s.reason === SKIP_HELD).map((s) => s.scheduleId);
    if (held.length > 0) {
      skipped.splice(0, skipped.length, ...skipped.filter((s) => s.reason !== SKIP_HELD));
      await limit.map(held, backfillOne);
    }
  } finally {
    await pool?.close();
  }

  const byId = (a: { scheduleId: number }, b: { scheduleId: number }) => a.scheduleId - b.scheduleId;
  return {
    mode,
    concurrency,
    selected,
    done: done.sort((a, b) => a - b),
    skipped: skipped.sort(byId),
    failed: failed.sort(byId),
    blocks,
    reusedBlocks,
    parsedBlocks,
    seconds: now() - started,
  };
}

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { PipelineConfig } from '../../pipeline/config.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule, type PopulateSummary } from '../../pipeline/populate.js';
import { openStore } from '../../sql/create-store.js';
import type { Database } from '../../sql/schema.js';
import type { Store } from '../../sql/store.js';
import { ALL_PHASES, ANALYTICS_RUNS, PHASE_TABLES, SOURCE_TABLES } from '../../sql/table-specs.js';
import { CLI } from '../helpers.js';
import { maxOf } from '../../base/array-extent.js';

/*
 * The crash and concurrency tests' shared machinery: a database whose
 * schedule already has analytics from an earlier source state and another
 * config ("old"), a digest of everything a populate may touch, and the built
 * CLI run as a child process that the tests can kill.
 */

/** Every analytics table a populate of all phases replaces, run record last. */
export const ANALYTICS_TABLES: readonly (keyof Database)[] = [
  ...ALL_PHASES.flatMap((phase) => PHASE_TABLES[phase].map((table) => table.name)),
  ANALYTICS_RUNS.name,
];

type SourceTableName = 'schedules' | keyof typeof SOURCE_TABLES;

/** The normalized tables, schedules first. */
export const SOURCE_TABLE_NAMES: readonly SourceTableName[] = ['schedules', ...(Object.keys(SOURCE_TABLES) as (keyof typeof SOURCE_TABLES)[])];

/** The earlier run's config: other bin counts and widths, so phases 2 and 3 differ from the default run. */
export const OLD_CONFIG: Partial<PipelineConfig> = { nBins: 7, binSeconds: 120, phases: [1, 2, 3] };
/** OLD_CONFIG as `populate` arguments. */
export const OLD_CONFIG_ARGS: readonly string[] = ['--bins', '7', '--bin-seconds', '120', '--phases', '1,2,3'];

/**
 * Columns that differ between two identical runs: ids, clocks, and the key of
 * Phase 3's inputs, which counts every visibility JSON edit in the database,
 * of other schedules' blocks too (tests/pipeline/phase3-kept.test.ts checks it).
 */
const VOLATILE_COLUMNS = new Set(['id', 'created_at', 'completed_at', 'duration_ms', 'phase3_inputs_key']);

/** One value as digest text: strings quoted (so '1' ≠ 1), blobs as hex, SQL Server's BIT booleans as SQLite's 0/1. */
function canonical(value: unknown): string {
  if (typeof value === 'number' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `x'${Buffer.from(value).toString('hex')}'`;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * sha256 of the rows without their volatile columns, as sorted lines: row
 * order and ids do not matter, every other column does. Lines are built by
 * concatenation, not JSON.stringify per row: three digests per crash case
 * made the suite twice as slow the other way.
 */
export function rowsDigest(rows: readonly Record<string, unknown>[]): string {
  const hash = createHash('sha256');
  if (rows.length === 0) return hash.digest('hex');
  const columns = Object.keys(rows[0]).filter((k) => !VOLATILE_COLUMNS.has(k)).sort();
  const lines = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    let line = '';
    for (const column of columns) line += canonical(rows[r][column]) + '\u001f';
    lines[r] = line;
  }
  lines.sort();
  hash.update(columns.join(',')).update('\n');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('hex');
}

/**
 * One digest per table of ANALYTICS_TABLES, in that order, for the schedule.
 * Pass a transaction to read all tables from one snapshot.
 */
export async function analyticsDigests(db: Kysely<Database>, scheduleId: number): Promise<string[]> {
  const digests: string[] = [];
  for (const table of ANALYTICS_TABLES) {
    const rows = await db.selectFrom(table).selectAll().where('schedule_id', '=', scheduleId as never).execute();
    digests.push(rowsDigest(rows as Record<string, unknown>[]));
  }
  return digests;
}

/** One digest per table of SOURCE_TABLE_NAMES, over the rows the schedule reaches (its row, its blocks and their targets and constraints). */
export async function sourceDigests(db: Kysely<Database>, scheduleId: number): Promise<string[]> {
  const blockIds = db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId);
  const constraintIds = db.selectFrom('scheduling_blocks').select('constraints_id').where('scheduling_block_id', 'in', blockIds);
  const reads: Record<SourceTableName, () => Promise<unknown[]>> = {
    schedules: () => db.selectFrom('schedules').selectAll().where('schedule_id', '=', scheduleId).execute(),
    targets: () => db.selectFrom('targets').selectAll()
      .where('target_id', 'in', db.selectFrom('scheduling_blocks').select('target_id').where('scheduling_block_id', 'in', blockIds)).execute(),
    altitude_constraints: () => db.selectFrom('altitude_constraints').selectAll()
      .where('altitude_constraints_id', 'in', db.selectFrom('constraints').select('altitude_constraints_id').where('constraints_id', 'in', constraintIds)).execute(),
    azimuth_constraints: () => db.selectFrom('azimuth_constraints').selectAll()
      .where('azimuth_constraints_id', 'in', db.selectFrom('constraints').select('azimuth_constraints_id').where('constraints_id', 'in', constraintIds)).execute(),
    constraints: () => db.selectFrom('constraints').selectAll().where('constraints_id', 'in', constraintIds).execute(),
    scheduling_blocks: () => db.selectFrom('scheduling_blocks').selectAll().where('scheduling_block_id', 'in', blockIds).execute(),
    schedule_scheduling_blocks: () => db.selectFrom('schedule_scheduling_blocks').selectAll().where('schedule_id', '=', scheduleId).execute(),
  };
  const digests: string[] = [];
  for (const table of SOURCE_TABLE_NAMES) digests.push(rowsDigest((await reads[table]()) as Record<string, unknown>[]));
  return digests;
}

/**
 * Names the state a tuple of analytics digests is in: 'old', 'new', one of
 * the other named whole states, or a description of the mix table by table.
 */
export function classifyDigests(digests: readonly string[], states: Readonly<Record<string, readonly string[]>>): string {
  for (const [name, expected] of Object.entries(states)) {
    if (expected.every((d, i) => d === digests[i])) return name;
  }
  const parts = ANALYTICS_TABLES.map((table, i) => {
    const match = Object.entries(states).find(([, expected]) => expected[i] === digests[i]);
    return `${table}=${match ? match[0] : '?'}`;
  });
  return `mixed: ${parts.join(', ')}`;
}

/** What a child process did. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

export interface SpawnOptions {
  /** Added to the environment; TSI_FAULT is removed unless given here. */
  env?: Record<string, string>;
  /** SIGKILL the child this long after spawning it. */
  killAfterMs?: number;
  /** Run the child as this user and group (root only). */
  uid?: number;
}

/** Runs the built CLI (`npm test` builds first) with `args`; logs at warn unless told otherwise. */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): Promise<ChildRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, TSI_LOG_LEVEL: 'warn', ...options.env };
  if (options.env?.TSI_FAULT === undefined) delete env.TSI_FAULT;
  const started = performance.now();
  const ids = options.uid === undefined ? {} : { uid: options.uid, gid: options.uid };
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...ids });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** `tsi-etl populate --db DB --schedule ID --json [args]` in a child process. */
export function spawnPopulate(db: string, scheduleId: number, options: SpawnOptions & { args?: readonly string[] } = {}): Promise<ChildRun> {
  return spawnCli(['populate', '--db', db, '--schedule', String(scheduleId), '--json', ...(options.args ?? [])], options);
}

/** How many batches a populate wrote, from its `--json` summary: every table's rows in batches of `batchRows`. */
export function batchesWritten(summary: Pick<PopulateSummary, 'rowsWritten'>, batchRows = 1000): number {
  return Object.values(summary.rowsWritten).reduce((n, rows) => n + Math.ceil(rows / batchRows), 0);
}

/** A schedule in "old analytics, edited source" state, and how to get back there. */
export interface CrashFixture {
  /** The `--db` of child populates. */
  readonly target: string;
  readonly scheduleId: number;
  /** Analytics digests (ANALYTICS_TABLES order) of the old state: OLD_CONFIG on the source before the edit. */
  readonly oldDigests: readonly string[];
  /** Analytics digests after a clean default populate of the edited source. */
  readonly newDigests: readonly string[];
  /** Source digests (SOURCE_TABLE_NAMES order) of the edited source. */
  readonly sourceDigests: readonly string[];
  /** Puts the database back into the old state. */
  reset(): Promise<void>;
  /** Runs `fn` on a fresh store of the target, closed afterwards. */
  withStore<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

/** The size of the generated schedule: ~2,500 blocks × 30 days populates in ~0.5 s. */
export interface CrashScenario {
  blocks: number;
  days: number;
  seed: number;
}

interface BlockValues {
  scheduling_block_id: number;
  priority: number;
  visibility_periods_json: string | null;
}

/**
 * Source edits that change every analytics table: every 7th block's priority
 * moves up by 1.5, the first block gets a new top priority (so every block's
 * quartile bucket is recomputed), and the last block with visibility has its
 * periods shifted by 0.3 day and gains one more. Returns the edits and their
 * inverse.
 */
async function planEdits(db: Kysely<Database>, scheduleId: number): Promise<{ forward: BlockValues[]; backward: BlockValues[] }> {
  const rows = await db
    .selectFrom('scheduling_blocks as sb')
    .innerJoin('schedule_scheduling_blocks as ssb', 'ssb.scheduling_block_id', 'sb.scheduling_block_id')
    .select(['sb.scheduling_block_id', 'sb.priority', 'sb.visibility_periods_json'])
    .where('ssb.schedule_id', '=', scheduleId)
    .orderBy('sb.scheduling_block_id')
    .execute();
  const top = maxOf(rows.map((r) => r.priority));
  const edited = new Map<number, BlockValues>();
  rows.forEach((r, i) => {
    if (i === 0) edited.set(r.scheduling_block_id, { ...r, priority: top + 10 });
    else if (i % 7 === 0) edited.set(r.scheduling_block_id, { ...r, priority: r.priority + 1.5 });
  });
  const last = [...rows].reverse().find((r) => r.visibility_periods_json !== null && r.visibility_periods_json.length > 2);
  if (!last) throw new Error('the generated schedule has no visibility to edit');
  const periods = JSON.parse(last.visibility_periods_json as string) as { start: number; stop: number }[];
  const shifted = periods.map((p) => ({ start: p.start + 0.3, stop: p.stop + 0.3 }));
  shifted.push({ start: periods[0].start + 0.05, stop: periods[0].start + 0.1 });
  edited.set(last.scheduling_block_id, { ...(edited.get(last.scheduling_block_id) ?? last), visibility_periods_json: JSON.stringify(shifted) });
  const before = new Map(rows.map((r) => [r.scheduling_block_id, r]));
  const forward = [...edited.values()];
  return { forward, backward: forward.map((e) => before.get(e.scheduling_block_id) as BlockValues) };
}

async function applyEdits(db: Kysely<Database>, edits: readonly BlockValues[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const e of edits) {
      await trx.updateTable('scheduling_blocks')
        .set({ priority: e.priority, visibility_periods_json: e.visibility_periods_json })
        .where('scheduling_block_id', '=', e.scheduling_block_id)
        .execute();
    }
  });
}

async function withTarget<T>(target: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(target);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Reads the old digests, populates once to learn the new ones, and resets again. */
async function describeStates(target: string, scheduleId: number, reset: () => Promise<void>) {
  await reset();
  const states = await withTarget(target, async (store) => {
    const oldDigests = await analyticsDigests(store.db, scheduleId);
    const source = await sourceDigests(store.db, scheduleId);
    await populateSchedule(store, scheduleId);
    return { oldDigests, sourceDigests: source, newDigests: await analyticsDigests(store.db, scheduleId) };
  });
  await reset();
  return states;
}

/** Folds the WAL into the main file, so copying the .db alone copies everything. */
export function checkpointSqlite(path: string): void {
  const db = new BetterSqlite3(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export function removeSqlite(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/**
 * An embedded database in a temporary directory: a generated schedule,
 * populated with OLD_CONFIG, then edited. `reset()` copies that prepared
 * file over the working one (a few MB: much faster than populating again).
 */
export async function prepareSqliteCrashFixture(scenario: CrashScenario): Promise<CrashFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tsi-crash-'));
  const template = join(dir, 'template.db');
  const target = join(dir, 'work.db');
  const store = await openStore(template, { create: true });
  let scheduleId: number;
  try {
    await store.migrate();
    ({ scheduleId } = await loadGeneratedSchedule(store, scenario));
    await populateSchedule(store, scheduleId, OLD_CONFIG);
    await applyEdits(store.db, (await planEdits(store.db, scheduleId)).forward);
  } finally {
    await store.close();
  }
  checkpointSqlite(template);
  const reset = async () => {
    removeSqlite(target);
    copyFileSync(template, target);
  };
  const states = await describeStates(target, scheduleId, reset);
  return {
    target,
    scheduleId,
    ...states,
    reset,
    withStore: (fn) => withTarget(target, fn),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A schedule of its own on a SQL Server (`TSI_MSSQL_URL`): no file to copy,
 * so `reset()` undoes the source edits, populates with OLD_CONFIG and edits
 * again. `dispose()` deletes the schedule's analytics and source rows.
 */
export async function prepareMssqlCrashFixture(target: string, scenario: CrashScenario): Promise<CrashFixture> {
  const unique = { ...scenario, seed: scenario.seed + Date.now() % 1_000_000, name: `crash-test-${process.pid}-${Date.now()}` };
  const { scheduleId, edits } = await withTarget(target, async (store) => {
    await store.migrate();
    const loaded = await loadGeneratedSchedule(store, unique);
    return { scheduleId: loaded.scheduleId, edits: await planEdits(store.db, loaded.scheduleId) };
  });
  const reset = () => withTarget(target, async (store) => {
    await applyEdits(store.db, edits.backward);
    await populateSchedule(store, scheduleId, OLD_CONFIG);
    await applyEdits(store.db, edits.forward);
  });
  const states = await describeStates(target, scheduleId, reset);
  return {
    target,
    scheduleId,
    ...states,
    reset,
    withStore: (fn) => withTarget(target, fn),
    dispose: () => withTarget(target, async (store) => {
      await store.deleteAnalytics(scheduleId, ALL_PHASES);
      await deleteScheduleSource(store.db, scheduleId);
    }),
  };
}

/** Deletes a schedule's source rows, children first (its blocks belong to it alone). */
async function deleteScheduleSource(db: Kysely<Database>, scheduleId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const blocks = (await trx.selectFrom('schedule_scheduling_blocks as ssb')
      .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
      .leftJoin('constraints as c', 'c.constraints_id', 'sb.constraints_id')
      .select(['sb.scheduling_block_id', 'sb.target_id', 'sb.constraints_id', 'c.altitude_constraints_id', 'c.azimuth_constraints_id'])
      .where('ssb.schedule_id', '=', scheduleId)
      .execute());
    const ids = <K extends keyof (typeof blocks)[number]>(key: K) => blocks.map((b) => b[key]).filter((v): v is NonNullable<typeof v> => v !== null) as number[];
    await trx.deleteFrom('schedule_scheduling_blocks').where('schedule_id', '=', scheduleId).execute();
    // Chunks of 1,000 ids stay under SQL Server's 2,100 parameters per statement.
    for (const [table, column, values] of [
      ['scheduling_blocks', 'scheduling_block_id', ids('scheduling_block_id')],
      ['targets', 'target_id', ids('target_id')],
      ['constraints', 'constraints_id', ids('constraints_id')],
      ['altitude_constraints', 'altitude_constraints_id', ids('altitude_constraints_id')],
      ['azimuth_constraints', 'azimuth_constraints_id', ids('azimuth_constraints_id')],
    ] as const) {
      for (let i = 0; i < values.length; i += 1000) {
        await trx.deleteFrom(table).where(column as never, 'in', values.slice(i, i + 1000) as never).execute();
      }
    }
    await trx.deleteFrom('schedules').where('schedule_id', '=', scheduleId).execute();
  });
}

/**
 * One crash case: resets to the old state, runs the child, and checks the
 * three promises: the analytics are one whole state (returned: 'old' or
 * 'new'), the source is untouched, and the next populate succeeds. A child
 * that exited 0 has committed, so its state must be 'new'.
 */
export async function crashAndCheck(f: CrashFixture, run: () => Promise<ChildRun>): Promise<{ state: 'old' | 'new'; child: ChildRun }> {
  await f.reset();
  const child = await run();
  const state = await f.withStore(async (store) => {
    const after = await analyticsDigests(store.db, f.scheduleId);
    const state = classifyDigests(after, { old: f.oldDigests, new: f.newDigests });
    expect(['old', 'new'], `analytics after the crash: ${state}`).toContain(state);
    expect(await sourceDigests(store.db, f.scheduleId)).toEqual(f.sourceDigests);
    await populateSchedule(store, f.scheduleId);
    expect(await analyticsDigests(store.db, f.scheduleId)).toEqual(f.newDigests);
    return state as 'old' | 'new';
  });
  if (child.code === 0) expect(state).toBe('new');
  return { state, child };
}

/** Where the timed kills fall, learned from normal runs before the cases. */
export interface RunTiming {
  runMs: number;
  firstWriteMs: number;
  batches: number;
}

export interface InjectedKill {
  name: string;
  fault: (t: RunTiming) => string;
  expected: 'old' | 'new';
}

/**
 * Kills at injected points: before the first write, after `afterBatchKills`
 * batches spread from the first to the last, just before and just after the
 * commit (the only one that must leave the new analytics).
 */
export function injectedKills(afterBatchKills: number): InjectedKill[] {
  return [
    { name: 'before the first write', fault: () => 'before-first-write:kill', expected: 'old' },
    ...Array.from({ length: afterBatchKills }, (_, k) => ({
      name: `after batch ${k + 1} of ${afterBatchKills} spread points`,
      fault: (t: RunTiming) => `after-batch@${1 + Math.round((k * (t.batches - 1)) / (afterBatchKills - 1))}:kill`,
      expected: 'old' as const,
    })),
    { name: 'just before the commit', fault: () => 'before-commit:kill', expected: 'old' },
    { name: 'just after the commit', fault: () => 'after-commit:kill', expected: 'new' },
  ];
}

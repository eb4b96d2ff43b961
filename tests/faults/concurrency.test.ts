import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { populateSchedule } from '../../pipeline/populate.js';
import { openStore } from '../../sql/create-store.js';
import {
  OLD_CONFIG, OLD_CONFIG_ARGS, analyticsDigests, classifyDigests, prepareSqliteCrashFixture, spawnPopulate, type CrashFixture,
} from './crash-harness.js';

/*
 * Populates of one schedule at the same time, and readers during a populate,
 * on the embedded default (SQLite: one writer, WAL readers). Each case starts
 * from the crash fixture's old state; "new" is a clean default populate and
 * "oldConfig" a clean OLD_CONFIG populate of the same (edited) source.
 */

describe('concurrent populates and readers (embedded SQLite)', () => {
  let f: CrashFixture;
  let states: Record<string, readonly string[]>;

  beforeAll(async () => {
    f = await prepareSqliteCrashFixture({ blocks: 1500, days: 30, seed: 23 });
    await f.reset();
    const oldConfig = await f.withStore(async (store) => {
      await populateSchedule(store, f.scheduleId, OLD_CONFIG);
      return analyticsDigests(store.db, f.scheduleId);
    });
    states = { old: f.oldDigests, new: f.newDigests, oldConfig };
  }, 60_000);

  afterAll(async () => {
    await f?.dispose();
  });

  async function stateNow(): Promise<string> {
    return f.withStore(async (store) => classifyDigests(await analyticsDigests(store.db, f.scheduleId), states));
  }

  it('runs two populates of the same schedule started together one after the other: both succeed, one complete result', async () => {
    await f.reset();
    const runs = await Promise.all([spawnPopulate(f.target, f.scheduleId), spawnPopulate(f.target, f.scheduleId)]);
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).blocks).toBe(1500);
    }
    expect(await stateNow()).toBe('new');
    const runRecords = await f.withStore((store) => store.db.selectFrom('schedule_analytics_runs').selectAll().execute());
    expect(runRecords).toHaveLength(1);
  });

  it('leaves the result of one whole populate when two with different configs race', async () => {
    await f.reset();
    const runs = await Promise.all([
      spawnPopulate(f.target, f.scheduleId, { args: OLD_CONFIG_ARGS }),
      spawnPopulate(f.target, f.scheduleId),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(['new', 'oldConfig']).toContain(await stateNow());
  });

  it('serializes two populates of one store in one process', async () => {
    await f.reset();
    await f.withStore(async (store) => {
      const [a, b] = await Promise.all([populateSchedule(store, f.scheduleId, OLD_CONFIG), populateSchedule(store, f.scheduleId)]);
      expect([a.blocks, b.blocks]).toEqual([1500, 1500]);
    });
    // The write queue keeps call order: the second call's result is the one left.
    expect(await stateNow()).toBe('new');
  });

  it('shows a reader polling in its own read transaction only whole states while populates run in a child process', async () => {
    await f.reset();
    const reader = await openStore(f.target);
    const seen = new Map<string, number>();
    const poll = async () => {
      // One snapshot for all tables: separate statements could straddle a commit and mix states by themselves.
      const digests = await reader.db.transaction().execute((trx) => analyticsDigests(trx, f.scheduleId));
      const state = classifyDigests(digests, states);
      seen.set(state, (seen.get(state) ?? 0) + 1);
    };
    try {
      await poll();
      let running = true;
      const polling = (async () => {
        while (running) {
          await poll();
          await yieldToLoop();
        }
      })();
      try {
        for (const args of [[], OLD_CONFIG_ARGS, []]) {
          const run = await spawnPopulate(f.target, f.scheduleId, { args });
          expect(run.code).toBe(0);
        }
      } finally {
        running = false;
        await polling;
      }
      await poll();
    } finally {
      await reader.close();
    }
    console.info(`reader polls by state: ${JSON.stringify(Object.fromEntries(seen))}`);
    expect([...seen.keys()].filter((state) => !(state in states))).toEqual([]);
    expect(seen.get('old')).toBeGreaterThanOrEqual(1);
    expect(seen.get('new')).toBeGreaterThanOrEqual(1);
  });

  it('waits for a write lock another process holds (SQLITE_BUSY) and then succeeds', async () => {
    await f.reset();
    const holder = holdWriteLock(f.target, 1000);
    await holder.locked;
    // The lock is held for another second: this populate's BEGIN IMMEDIATE must wait, not fail.
    await f.withStore(async (store) => {
      const summary = await populateSchedule(store, f.scheduleId);
      expect(summary.blocks).toBe(1500);
    });
    expect(await holder.exited).toBe(0);
    expect(await stateNow()).toBe('new');
  });

  it('waits in the CLI too: a populate started while another connection holds the write lock exits 0', async () => {
    await f.reset();
    const holder = new BetterSqlite3(f.target);
    holder.exec('BEGIN IMMEDIATE');
    const child = spawnPopulate(f.target, f.scheduleId);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    holder.exec('COMMIT');
    holder.close();
    const run = await child;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await stateNow()).toBe('new');
  });
});

const require = createRequire(import.meta.url);

/**
 * A child process that takes SQLite's write lock (BEGIN IMMEDIATE), holds it
 * for `ms`, then commits: `locked` resolves once it holds the lock. A child,
 * because better-sqlite3 waits for a lock synchronously: a holder in this
 * process could not release while this process waits.
 */
function holdWriteLock(path: string, ms: number): { locked: Promise<void>; exited: Promise<number | null> } {
  const script = `
    const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`lock holder exited (${code}) before taking the lock`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { locked, exited };
}

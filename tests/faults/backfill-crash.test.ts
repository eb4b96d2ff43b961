import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackfillReport } from '../../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { openStore } from '../../sql/create-store.js';
import type { Store } from '../../sql/store.js';
import {
  analyticsDigests, checkpointSqlite, classifyDigests, OLD_CONFIG, removeSqlite, spawnCli, type ChildRun,
} from './crash-harness.js';

/*
 * A backfill with --concurrency 2 (whole populates in two worker threads on
 * SQLite) killed at any point: injected kills inside a worker's populate and
 * kills after elapsed time. Every schedule's analytics are then wholly its
 * old ones or wholly the new ones, and `backfill --changed` run again (taking
 * over the dead process's claims of the old ones) leaves every schedule new.
 */

const SCHEDULES = 8;
const ARGS = ['--all', '--concurrency', '2'];

describe('backfill --concurrency 2 killed mid-run: every schedule all old or all new', () => {
  let dir: string;
  let template: string;
  let target: string;
  const ids: number[] = [];
  const old: string[][] = [];
  const fresh: string[][] = [];
  let runMs: number;

  const withTarget = async <T>(fn: (store: Store) => Promise<T>): Promise<T> => {
    const store = await openStore(target);
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const reset = () => {
    removeSqlite(target);
    copyFileSync(template, target);
  };
  const backfillCli = (extra: readonly string[], options: Parameters<typeof spawnCli>[1] = {}) => spawnCli(['backfill', '--db', target, '--json', ...extra], options);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsi-backfill-crash-'));
    template = join(dir, 'template.db');
    target = join(dir, 'work.db');
    const store = await openStore(template, { create: true });
    try {
      await store.migrate();
      for (let seed = 1; seed <= SCHEDULES; seed++) ids.push((await loadGeneratedSchedule(store, { blocks: 1000, days: 20, seed })).scheduleId);
      for (const id of ids) {
        await populateSchedule(store, id);
        fresh.push(await analyticsDigests(store.db, id));
        await populateSchedule(store, id, OLD_CONFIG);
        old.push(await analyticsDigests(store.db, id));
      }
    } finally {
      await store.close();
    }
    checkpointSqlite(template);
    reset();
    const run = await backfillCli(ARGS);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as BackfillReport).done).toEqual(ids);
    runMs = run.ms;
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** After `run`: each schedule whole (returns how many are new), and a second backfill finishes the rest. */
  async function killAndResume(run: () => Promise<ChildRun>): Promise<{ child: ChildRun; newCount: number }> {
    reset();
    const child = await run();
    const states = await withTarget(async (store) => {
      const out: string[] = [];
      for (const [i, id] of ids.entries()) out.push(classifyDigests(await analyticsDigests(store.db, id), { old: old[i], new: fresh[i] }));
      return out;
    });
    for (const state of states) expect(['old', 'new'], `analytics after the kill: ${state}`).toContain(state);
    const again = await backfillCli(['--changed', '--concurrency', '2']);
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as BackfillReport;
    expect(report.done).toEqual(ids.filter((_, i) => states[i] === 'old'));
    await withTarget(async (store) => {
      for (const [i, id] of ids.entries()) expect(await analyticsDigests(store.db, id)).toEqual(fresh[i]);
    });
    return { child, newCount: states.filter((s) => s === 'new').length };
  }

  it.each([
    // Counted per thread: each worker's own 2nd schedule, or its 5th batch.
    { fault: 'before-commit@2:kill', least: 0 },
    { fault: 'after-batch@5:kill', least: 0 },
    { fault: 'after-commit@2:kill', least: 1 },
  ])('SIGKILL in a worker thread at $fault', async ({ fault, least }) => {
    const { child, newCount } = await killAndResume(() => backfillCli(ARGS, { env: { TSI_FAULT: fault } }));
    expect(child.signal, `${fault} must kill the backfill (exit ${child.code}: ${child.stderr})`).toBe('SIGKILL');
    expect(newCount).toBeGreaterThanOrEqual(least);
    expect(newCount).toBeLessThan(SCHEDULES);
  });

  it.each([0.3, 0.6, 0.9])('SIGKILL at %d of a normal run', async (share) => {
    await killAndResume(() => backfillCli(ARGS, { killAfterMs: share * runMs }));
  });
});

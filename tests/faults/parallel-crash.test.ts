import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { populateSchedule } from '../../pipeline/populate.js';
import {
  analyticsDigests, classifyDigests, prepareSqliteCrashFixture, sourceDigests, spawnPopulate, type ChildRun, type CrashFixture,
} from './crash-harness.js';

/*
 * A representative part of the crash suite, with the populate run on 1, 2
 * and 3 threads: kills at injected points (including inside a worker
 * thread), errors thrown in the main thread and in a worker, a worker that
 * dies, and kills after elapsed time. After each, the analytics are wholly
 * old or wholly new, the source is untouched, and the next populate
 * succeeds. A child that exits at all proves no worker thread kept it alive.
 */

const THREADS = [1, 2, 3] as const;

describe.each(THREADS)('populate --threads %i killed or failing: analytics all old or all new', (threads) => {
  let f: CrashFixture;
  let runMs: number;
  // --threads-min-blocks 0: the 3,000 blocks do go to the workers; --no-reuse: they are all parsed
  // (the fixture's facts would keep every block on the main thread).
  const args = ['--threads', String(threads), '--threads-min-blocks', '0', '--no-reuse'];
  /**
   * Batches of 250 rows, so batch 9 comes mid-run. The 3,000 blocks go to the
   * workers in chunks of 32, so a worker's 2nd chunk is early in the run.
   */
  const smallChunks = [...args, '--batch-rows', '250'];

  beforeAll(async () => {
    f = await prepareSqliteCrashFixture({ blocks: 3000, days: 30, seed: 11 });
    await f.reset();
    const run = await spawnPopulate(f.target, f.scheduleId, { args });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    runMs = run.ms;
  }, 120_000);

  afterAll(async () => {
    await f?.dispose();
  });

  async function runAndCheck(run: () => Promise<ChildRun>): Promise<{ state: string; child: ChildRun }> {
    await f.reset();
    const child = await run();
    const state = await f.withStore(async (store) => {
      const state = classifyDigests(await analyticsDigests(store.db, f.scheduleId), { old: f.oldDigests, new: f.newDigests });
      expect(['old', 'new'], `analytics after the failure: ${state}`).toContain(state);
      expect(await sourceDigests(store.db, f.scheduleId)).toEqual(f.sourceDigests);
      await populateSchedule(store, f.scheduleId, { threads });
      expect(await analyticsDigests(store.db, f.scheduleId)).toEqual(f.newDigests);
      return state;
    });
    if (child.code === 0) expect(state).toBe('new');
    return { state, child };
  }

  const killedAt = [
    { fault: 'before-first-write:kill', expected: 'old' },
    { fault: 'after-batch@9:kill', expected: 'old' },
    { fault: 'before-commit:kill', expected: 'old' },
    { fault: 'after-commit:kill', expected: 'new' },
    // In a worker thread, SIGKILL ends the whole process; with --threads 1 the point is never reached.
    ...(threads > 1 ? [{ fault: 'worker-chunk@2:kill', expected: 'old' }] : []),
  ];

  it.each(killedAt)('SIGKILL at $fault', async ({ fault, expected }) => {
    const { state, child } = await runAndCheck(() => spawnPopulate(f.target, f.scheduleId, { args: smallChunks, env: { TSI_FAULT: fault } }));
    expect(child.signal, `${fault} must kill the child (exit ${child.code}: ${child.stderr})`).toBe('SIGKILL');
    expect(state).toBe(expected);
  });

  it('an error thrown on the main thread mid-run is reported in one line and rolls back', async () => {
    const { state, child } = await runAndCheck(() => spawnPopulate(f.target, f.scheduleId, { args, env: { TSI_FAULT: 'after-batch@3:throw' } }));
    expect([child.code, child.stdout, child.stderr]).toEqual([1, '', 'tsi-etl populate: injected fault at after-batch\n']);
    expect(state).toBe('old');
  });

  it.skipIf(threads === 1)('a worker that throws or dies mid-run: exit 1, one line naming the schedule and blocks, rolled back', async () => {
    for (const [fault, line] of [
      ['worker-chunk@2:throw', new RegExp(`^tsi-etl populate: schedule ${f.scheduleId}, block \\d+: injected fault at worker-chunk\\n$`)],
      ['worker-chunk@2:exit', new RegExp(`^tsi-etl populate: schedule ${f.scheduleId}: worker thread \\d exited with code 70 while processing blocks \\d+–\\d+; .*\\n$`)],
    ] as const) {
      const { state, child } = await runAndCheck(() => spawnPopulate(f.target, f.scheduleId, { args: smallChunks, env: { TSI_FAULT: fault } }));
      expect(child.code, child.stderr).toBe(1);
      expect(child.stderr).toMatch(line);
      expect(state).toBe('old');
    }
  });

  it.each([0.25, 0.6, 0.95])('SIGKILL at %d of a normal run', async (share) => {
    await runAndCheck(() => spawnPopulate(f.target, f.scheduleId, { args, killAfterMs: share * runMs }));
  });
});

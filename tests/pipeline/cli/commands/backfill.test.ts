import { describe, expect, it } from 'vitest';
import { SKIP_DONE_ELSEWHERE, SKIP_HELD, type BackfillReport } from '../../../../pipeline/backfill.js';
import { runCli, withStore } from '../../../helpers.js';
import { analytics, loadSchedules, range, referenceAnalytics, runCount, startCli } from '../../backfill-fixtures.js';

/** Larger schedules for the process tests, so a run lasts long enough to overlap and to be killed. */
const PROCESS_DATASET = [20, 100, 10] as const;

describe('tsi-etl backfill (processes)', () => {
  const parse = (r: { stdout: string }) => JSON.parse(r.stdout) as BackfillReport;

  it('two processes started together finish every schedule exactly once between them', async () => {
    const reference = await referenceAnalytics(...PROCESS_DATASET);
    await withStore(async (store, path) => {
      await loadSchedules(store, ...PROCESS_DATASET);
      const runs = [startCli(['backfill', '--db', path, '--json']), startCli(['backfill', '--db', path, '--json'])];
      const exits = await Promise.all(runs.map((r) => r.exited));
      expect(exits.map((e) => e.code)).toEqual([0, 0]);
      const [a, b] = exits.map(parse);
      expect([...a.failed, ...b.failed]).toEqual([]);
      expect([...a.done, ...b.done].sort((x, y) => x - y)).toEqual(range(20));
      // Whatever one process skipped, the other one did.
      for (const [mine, theirs] of [[a, b], [b, a]]) {
        for (const s of mine.skipped) {
          expect([SKIP_HELD, SKIP_DONE_ELSEWHERE]).toContain(s.reason);
          expect(theirs.done).toContain(s.scheduleId);
        }
      }
      expect(await runCount(store)).toBe(20);
      expect(await analytics(store, range(20))).toEqual(reference);
    });
  });

  it('killed mid-way (SIGKILL once the first schedule is done) and restarted, finishes with the analytics of a clean run', async () => {
    const reference = await referenceAnalytics(...PROCESS_DATASET);
    await withStore(async (store, path) => {
      await loadSchedules(store, ...PROCESS_DATASET);
      const run = startCli(['backfill', '--db', path, '--json']);
      while ((await runCount(store)) === 0) await new Promise((r) => setTimeout(r, 5));
      run.child.kill('SIGKILL');
      await run.exited;
      const before = await runCount(store);
      const again = runCli(['backfill', '--db', path, '--json']);
      expect(again.code).toBe(0);
      const report = parse(again);
      expect(report.selected).toHaveLength(20 - before);
      expect(report.done).toEqual(report.selected);
      expect(await runCount(store)).toBe(20);
      expect(await analytics(store, range(20))).toEqual(reference);
    });
  });

  it('interrupted (SIGINT once the first schedule is done): exit 130 and one line saying what was done and how to go on', async () => {
    const reference = await referenceAnalytics(...PROCESS_DATASET);
    await withStore(async (store, path) => {
      await loadSchedules(store, ...PROCESS_DATASET);
      const run = startCli(['backfill', '--db', path, '--json']);
      while ((await runCount(store)) === 0) await new Promise((r) => setTimeout(r, 5));
      run.child.kill('SIGINT');
      const exit = await run.exited;
      expect([exit.code, exit.signal, exit.stdout]).toEqual([130, null, '']);
      expect(exit.stderr.trimEnd().split('\n').at(-1)).toMatch(
        /^tsi-etl backfill: interrupted with \d+ of 20 schedules done; each schedule is wholly old or wholly new, and running the same command again does the rest$/,
      );
      const again = runCli(['backfill', '--db', path, '--json']);
      expect([again.code, parse(again).failed]).toEqual([0, []]);
      expect(await runCount(store)).toBe(20);
      expect(await analytics(store, range(20))).toEqual(reference);
    });
  });

  it('killed inside the second schedule, just before its commit, resumes from that schedule (its claim is taken over)', async () => {
    const reference = await referenceAnalytics(5);
    await withStore(async (store, path) => {
      await loadSchedules(store, 5);
      const killed = await startCli(['backfill', '--db', path, '--json'], { TSI_FAULT: 'before-commit@2:kill' }).exited;
      expect(killed.signal).toBe('SIGKILL');
      expect((await store.db.selectFrom('schedule_analytics_runs').select('schedule_id').execute()).map((r) => r.schedule_id)).toEqual([1]);
      expect(await store.db.selectFrom('schedule_blocks_analytics').select('schedule_id').where('schedule_id', '=', 2).execute()).toEqual([]);
      expect((await store.db.selectFrom('schedule_etl_locks').select('schedule_id').execute()).map((r) => r.schedule_id)).toEqual([2]);

      const again = runCli(['backfill', '--db', path, '--json']);
      expect(again.code).toBe(0);
      expect(parse(again)).toMatchObject({ selected: [2, 3, 4, 5], done: [2, 3, 4, 5], skipped: [], failed: [] });
      expect(await analytics(store, range(5))).toEqual(reference);
      expect(await store.db.selectFrom('schedule_etl_locks').selectAll().execute()).toEqual([]);
    });
  });

  it('--changed re-runs exactly the schedules whose source changed', async () => {
    await withStore(async (store, path) => {
      await loadSchedules(store, 20);
      expect(runCli(['backfill', '--db', path]).code).toBe(0);
      const firstBlock = async (scheduleId: number) => {
        const rows = await store.db.selectFrom('schedule_scheduling_blocks as ssb').innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
          .select(['sb.scheduling_block_id', 'sb.priority', 'sb.visibility_periods_json']).where('ssb.schedule_id', '=', scheduleId).orderBy('sb.scheduling_block_id').execute();
        return rows.find((r) => (JSON.parse(r.visibility_periods_json ?? '[]') as unknown[]).length >= 2)!;
      };
      const b3 = await firstBlock(3);
      await store.db.updateTable('scheduling_blocks').set({ priority: b3.priority + 1 }).where('scheduling_block_id', '=', b3.scheduling_block_id).execute();
      const b7 = await firstBlock(7);
      const shorter = JSON.stringify((JSON.parse(b7.visibility_periods_json!) as unknown[]).slice(0, -1));
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: shorter }).where('scheduling_block_id', '=', b7.scheduling_block_id).execute();

      const r = runCli(['backfill', '--db', path, '--changed', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'changed', selected: [3, 7], done: [3, 7], skipped: [], failed: [] });
      const row = await store.db.selectFrom('schedule_blocks_analytics').select('priority').where('scheduling_block_id', '=', b3.scheduling_block_id).executeTakeFirstOrThrow();
      expect(row.priority).toBe(b3.priority + 1);
      expect(parse(runCli(['backfill', '--db', path, '--changed', '--json'])).selected).toEqual([]);
    });
  });

  it.each(['1', '2'])('reports a failing schedule with its reason, does the others and exits 1 (--concurrency %s)', async (concurrency) => {
    await withStore(async (store, path) => {
      await loadSchedules(store, 4);
      const bad = await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', 2).orderBy('scheduling_block_id').executeTakeFirstOrThrow();
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[{"start": 1, "stop": ' }).where('scheduling_block_id', '=', bad.scheduling_block_id).execute();

      const r = runCli(['backfill', '--db', path, '--concurrency', concurrency, '--json']);
      expect(r.code).toBe(1);
      const report = parse(r);
      expect(report.done).toEqual([1, 3, 4]);
      expect(report.failed).toHaveLength(1);
      expect(report.failed[0].scheduleId).toBe(2);
      expect(report.failed[0].error).toContain(`schedule 2, block ${bad.scheduling_block_id}: bad visibility_periods_json`);
      expect(await runCount(store)).toBe(3);

      const text = runCli(['backfill', '--db', path, '--concurrency', concurrency]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^ *2 +failed +schedule 2, block \d+: bad visibility_periods_json/m);
      const lenient = runCli(['backfill', '--db', path, '--concurrency', concurrency, '--lenient', '--json']);
      expect(lenient.code).toBe(0);
      expect(parse(lenient).done).toEqual([2]);
    });
  });

  it('--concurrency 2 (worker threads) writes what a clean run writes and logs every schedule\'s events', async () => {
    const reference = await referenceAnalytics(6);
    await withStore(async (store, path) => {
      await loadSchedules(store, 6);
      const r = runCli(['backfill', '--db', path, '--concurrency', '2', '--json', '--log-format', 'json'], { TSI_LOG_LEVEL: 'info' });
      expect(r.code, r.stderr).toBe(0);
      expect(parse(r)).toMatchObject({ concurrency: 2, done: range(6), failed: [] });
      expect(await analytics(store, range(6))).toEqual(reference);
      const populated = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'populated');
      expect(populated.map((e) => e.scheduleId).sort()).toEqual(range(6));
    });
  });

  it('rejects two modes at once and a bad --schedule or --concurrency with exit code 2', async () => {
    await withStore(async (_store, path) => {
      expect(runCli(['backfill', '--db', path, '--all', '--changed'])).toMatchObject({ code: 2, stderr: expect.stringContaining('choose one of --missing, --changed, --all') });
      expect(runCli(['backfill', '--db', path, '--schedule', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--schedule: must be a positive integer id') });
      expect(runCli(['backfill', '--db', path, '--concurrency', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--concurrency: must be a positive integer') });
    });
  });
});

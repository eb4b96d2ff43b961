import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backfill, claimOwnerIsGone, SKIP_DONE_ELSEWHERE, SKIP_HELD, type BackfillMode, type BackfillProgress } from '../../pipeline/backfill.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { verifySchedule } from '../../pipeline/verify.js';
import type { Store } from '../../sql/store.js';
import { ALL_PHASES } from '../../sql/table-specs.js';
import { withStore } from '../helpers.js';
import { analytics, loadSchedules, range, referenceAnalytics, runCount } from './backfill-fixtures.js';

/** A store whose claim of `scheduleId` is preceded by `before()`: another worker finishing it in between. */
function racingStore(store: Store, scheduleId: number, before: () => Promise<unknown>): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'tryClaimSchedule') {
        return async (id: number, owner: string, staleAfterMs?: number) => {
          if (id === scheduleId) await before();
          return target.tryClaimSchedule(id, owner, staleAfterMs);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('backfill (library)', () => {
  it('gives the same analytics as plain populates at concurrency 1 and 4, reporting blocks and progress', async () => {
    const reference = await referenceAnalytics(20);
    for (const concurrency of [1, 4]) {
      await withStore(async (store) => {
        await loadSchedules(store, 20);
        const progress: BackfillProgress[] = [];
        const report = await backfill(store, { mode: 'missing', concurrency, onProgress: (p) => progress.push(p) });
        expect(report).toMatchObject({ mode: 'missing', concurrency, selected: range(20), done: range(20), skipped: [], failed: [], blocks: 600 });
        expect(await analytics(store, range(20))).toEqual(reference);
        expect(progress).toHaveLength(21);
        expect(progress[0]).toMatchObject({ total: 20, done: 0, skipped: 0, failed: 0, blocks: 0 });
        expect(progress[20]).toMatchObject({ total: 20, done: 20, skipped: 0, failed: 0, blocks: 600 });
        const finished = progress.map((p) => p.done + p.skipped + p.failed);
        expect(finished).toEqual([...finished].sort((a, b) => a - b));
        expect(await store.db.selectFrom('schedule_etl_locks').selectAll().execute()).toEqual([]);
      });
    }
  });

  it('after analytics of any subset are deleted, `missing` recomputes exactly that subset, identically', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 6, 20, 3);
      await backfill(store, { mode: 'missing' });
      const reference = await analytics(store, range(6));
      await fc.assert(
        fc.asyncProperty(fc.subarray(range(6)), fc.integer({ min: 1, max: 4 }), fc.subarray([...ALL_PHASES], { minLength: 1 }), async (ids, concurrency, phases) => {
          for (const id of ids) await store.deleteAnalytics(id, phases);
          const report = await backfill(store, { concurrency });
          expect(report.selected).toEqual(ids);
          expect(report.done).toEqual(ids);
          expect(await analytics(store, range(6))).toEqual(reference);
        }),
        { numRuns: 10 },
      );
    });
  });

  it('`all` recomputes every schedule; `missing` and `changed` look only at the requested phases', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 4);
      await backfill(store);
      expect((await backfill(store, { mode: 'missing' })).selected).toEqual([]);
      expect((await backfill(store, { mode: 'changed' })).selected).toEqual([]);
      expect((await backfill(store, { mode: 'all', scheduleIds: [4, 2, 2] })).done).toEqual([2, 4]);

      await store.deleteAnalytics(2, [2]);
      expect((await backfill(store, { mode: 'missing', pipeline: { phases: [1, 3] } })).selected).toEqual([]);
      expect((await backfill(store, { mode: 'missing', pipeline: { phases: [2] } })).done).toEqual([2]);

      expect((await backfill(store, { mode: 'changed', scheduleIds: [1, 3], pipeline: { nBins: 5 } })).done).toEqual([1, 3]);
      const runs = await store.db.selectFrom('schedule_analytics_runs').select(['phases', 'n_bins']).orderBy('schedule_id').execute();
      expect(runs).toEqual([{ phases: '1,2,3', n_bins: 5 }, { phases: '1,2,3', n_bins: 10 }, { phases: '1,2,3', n_bins: 5 }, { phases: '1,2,3', n_bins: 10 }]);
      // n_bins only matters to phase 2, bin seconds only to phase 3.
      expect((await backfill(store, { mode: 'changed', pipeline: { phases: [1, 3] } })).selected).toEqual([]);
      expect((await backfill(store, { mode: 'changed', pipeline: { phases: [1, 2] } })).done).toEqual([1, 3]);
      expect((await backfill(store, { mode: 'changed', pipeline: { phases: [1, 2], binSeconds: 120 } })).selected).toEqual([]);
      expect((await backfill(store, { mode: 'changed', pipeline: { binSeconds: 120 } })).selected).toEqual([1, 2, 3, 4]);
    });
  });

  it('`changed` still sees phases kept from a run over an older source, also once the source is changed back', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 2);
      await backfill(store);
      const blockOf = async (id: number) => (await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', id).orderBy('scheduling_block_id').executeTakeFirstOrThrow()).scheduling_block_id;
      const block = await blockOf(1);
      const original = (await store.db.selectFrom('scheduling_blocks').select('visibility_periods_json').where('scheduling_block_id', '=', block).executeTakeFirstOrThrow()).visibility_periods_json;
      const setJson = (json: string | null) => store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: json }).where('scheduling_block_id', '=', block).execute();

      // Over an unchanged source, a partial populate leaves the schedule current.
      await populateSchedule(store, 2, { phases: [1] });
      expect((await backfill(store, { mode: 'changed' })).selected).toEqual([]);

      const recorded = async () => (await store.db.selectFrom('schedule_analytics_runs').select('source_fingerprint').where('schedule_id', '=', 1).executeTakeFirstOrThrow()).source_fingerprint;
      // Phase 1 from the edited JSON; phases 2 and 3 are still those of the old one: not current.
      await setJson('[]');
      expect((await backfill(store, { mode: 'changed', pipeline: { phases: [1] } })).done).toEqual([1]);
      expect(await recorded()).not.toBe(await store.sourceFingerprint(1));
      // Back to the old JSON: phase 1 is now the stale one, and the schedule still reads as changed.
      await setJson(original);
      expect(await recorded()).not.toBe(await store.sourceFingerprint(1));
      expect((await backfill(store, { mode: 'changed' })).done).toEqual([1]);
      expect(await recorded()).toBe(await store.sourceFingerprint(1));
      expect((await backfill(store, { mode: 'changed' })).selected).toEqual([]);
      expect((await verifySchedule(store, 1)).drifts).toEqual([]);

      // Phases recomputed in two runs from one source settle: current again, nothing for --changed, no drift.
      await setJson('[]');
      await populateSchedule(store, 1, { phases: [1] });
      expect((await backfill(store, { mode: 'changed', pipeline: { phases: [1] } })).selected).toEqual([]);
      expect((await verifySchedule(store, 1)).drifts.map((d) => d.detail)).toContain('phases 2,3 came from an older source than the rest: populate them again');
      await populateSchedule(store, 1, { phases: [2, 3] });
      expect(await recorded()).toBe(await store.sourceFingerprint(1));
      expect((await backfill(store, { mode: 'changed' })).selected).toEqual([]);
      expect((await verifySchedule(store, 1)).drifts).toEqual([]);
    });
  });

  it('reports requested ids that do not exist as failures and does the rest', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 2);
      const report = await backfill(store, { scheduleIds: [2, 99] });
      expect(report.selected).toEqual([2]);
      expect(report.done).toEqual([2]);
      expect(report.failed).toEqual([{ scheduleId: 99, error: 'schedule 99 does not exist (run `tsi-etl schedules` to list them)' }]);
    });
  });

  it('rejects a bad concurrency or pipeline config before doing anything', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 1);
      await expect(backfill(store, { concurrency: 0 })).rejects.toThrow('--concurrency: must be a positive integer, got 0');
      await expect(backfill(store, { pipeline: { binSeconds: 90 } })).rejects.toThrow('--bin-seconds: must be a positive multiple of 60, got 90');
      // A library caller's typo is not taken for the default mode.
      await expect(backfill(store, { mode: 'nope' as BackfillMode })).rejects.toThrow('mode: must be one of missing, changed, all, got "nope"');
      // A batch of no rows never fills: before, the populate spun holding the write lock.
      await expect(backfill(store, { pipeline: { batchRows: 0 } })).rejects.toThrow('--batch-rows: must be a positive integer, got 0');
      await expect(backfill(store, { pipeline: { chunkRows: -5 } })).rejects.toThrow('chunkRows: must be a positive integer, got -5');
      await expect(backfill(store, { pipeline: { phases: '1,2' as never } })).rejects.toThrow('--phases: must be a list of 1, 2 and 3, got "1,2"');
      expect(await runCount(store)).toBe(0);
      await expect(populateSchedule(store, '1' as never)).rejects.toThrow('--schedule: must be a positive integer schedule id, got "1"');
      await expect(populateSchedule(store, 1, { batchRows: 0 })).rejects.toThrow('--batch-rows: must be a positive integer, got 0');
      expect(await runCount(store)).toBe(0);
    });
  });

  it('skips schedules another live worker holds, and takes over claims of dead or stale workers', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 5);
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
      const liveHere = `${hostname()}:${process.pid}:other`;
      expect(await store.tryClaimSchedule(1, liveHere)).toBe(true);
      expect(await store.tryClaimSchedule(2, 'another-host:4242:abcd')).toBe(true);
      expect(await store.tryClaimSchedule(3, `${hostname()}:${deadPid}:abcd`)).toBe(true);
      await store.db.insertInto('schedule_etl_locks').values({ schedule_id: 4, owner: 'another-host:7:ef01', acquired_at: '2000-01-01T00:00:00.000Z' }).execute();

      const report = await backfill(store, { owner: 'me:1:x' });
      expect(report.done).toEqual([3, 4, 5]);
      expect(report.skipped).toEqual([{ scheduleId: 1, reason: SKIP_HELD }, { scheduleId: 2, reason: SKIP_HELD }]);
      const locks = await store.db.selectFrom('schedule_etl_locks').select(['schedule_id', 'owner']).orderBy('schedule_id').execute();
      expect(locks).toEqual([{ schedule_id: 1, owner: liveHere }, { schedule_id: 2, owner: 'another-host:4242:abcd' }]);
    });
  });

  it('tries a held schedule once more at the end: a backfill killed meanwhile leaves it to this one', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 3);
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
      const other = `${hostname()}:${process.pid}:other`;
      expect(await store.tryClaimSchedule(2, other)).toBe(true);
      // The other backfill is alive at the first try, and killed before the second.
      let tries = 0;
      const dying = racingStore(store, 2, async () => {
        if (++tries !== 2) return;
        await store.releaseSchedule(2, other);
        expect(await store.tryClaimSchedule(2, `${hostname()}:${deadPid}:abcd`)).toBe(true);
      });
      const report = await backfill(dying, { owner: 'me:1:x' });
      expect(report).toMatchObject({ done: [1, 2, 3], skipped: [] });
      expect(await store.db.selectFrom('schedule_etl_locks').selectAll().execute()).toEqual([]);

      // Still alive at the second try: skipped once, not twice.
      await store.deleteAnalytics(2, ALL_PHASES);
      expect(await store.tryClaimSchedule(2, other)).toBe(true);
      expect((await backfill(store, { owner: 'me:1:y' })).skipped).toEqual([{ scheduleId: 2, reason: SKIP_HELD }]);
    });
  });

  it.each<BackfillMode>(['missing', 'changed', 'all'])('%s: skips a schedule another worker completed after selection', async (mode) => {
    await withStore(async (store) => {
      await loadSchedules(store, 4);
      await backfill(store);
      if (mode === 'missing') await store.deleteAnalytics(3, ALL_PHASES);
      else await store.db.updateTable('scheduling_blocks').set((eb) => ({ priority: eb('priority', '+', 1) })).execute();
      const report = await backfill(racingStore(store, 3, () => populateSchedule(store, 3)), { mode });
      expect(report.skipped).toEqual([{ scheduleId: 3, reason: SKIP_DONE_ELSEWHERE }]);
      expect(report.done).toEqual(mode === 'missing' ? [] : [1, 2, 4]);
    });
  });

  it('`changed` still recomputes a schedule another worker completed with a different config', async () => {
    await withStore(async (store) => {
      await loadSchedules(store, 2);
      await backfill(store);
      await store.db.updateTable('scheduling_blocks').set((eb) => ({ priority: eb('priority', '+', 1) })).execute();
      const report = await backfill(racingStore(store, 2, () => populateSchedule(store, 2, { nBins: 7 })), { mode: 'changed' });
      expect(report.done).toEqual([1, 2]);
      const run = await store.db.selectFrom('schedule_analytics_runs').select('n_bins').where('schedule_id', '=', 2).executeTakeFirstOrThrow();
      expect(run.n_bins).toBe(10);
    });
  });
});

describe('claimOwnerIsGone', () => {
  it('is true only for a pid of this host that no longer runs', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
    expect(claimOwnerIsGone(`${hostname()}:${deadPid}:ab12`)).toBe(true);
    expect(claimOwnerIsGone(`${hostname()}:${process.pid}:ab12`)).toBe(false);
    expect(claimOwnerIsGone(`not-${hostname()}:${deadPid}:ab12`)).toBe(false);
    expect(claimOwnerIsGone('no pid here')).toBe(false);
  });

  it.runIf(process.platform === 'linux')('is true for a zombie: killed, not yet reaped by its parent', async () => {
    // `sleep 0` exits at once; its parent, exec'd into `sleep 5`, never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number((await once(parent.stdout!, 'data'))[0].toString().trim());
      for (let i = 0; i < 50 && !readFileSync(`/proc/${zombie}/stat`, 'latin1').includes(') Z'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(claimOwnerIsGone(`${hostname()}:${zombie}:ab12`)).toBe(true);
      expect(claimOwnerIsGone(`${hostname()}:${parent.pid}:ab12`)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});


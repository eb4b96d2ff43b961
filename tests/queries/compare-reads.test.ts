import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { UnknownScheduleError } from '../../base/errors.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { deleteAnalytics } from '../../queries/block-reads.js';
import { compareSchedules, DuplicateBlockKeyError, type Comparison } from '../../queries/compare-reads.js';
import type { Store } from '../../sql/store.js';
import { insertVariantSchedule, setOriginalIds, typicalChange } from '../compare-fixtures.js';
import { close, insertSchedule, withStore } from '../helpers.js';

/** Every number of two comparisons equal to a relative 1e-9 (SEMANTICS), everything else equal. */
function expectSameFigures(actual: Comparison, expected: Comparison): void {
  const strip = ({ source: _s, ...rest }: Comparison) => rest;
  const walk = (got: unknown, want: unknown, path: string): void => {
    if (typeof want === 'number' && typeof got === 'number') {
      if (!close(got, want)) expect({ [path]: got }).toEqual({ [path]: want });
    } else if (want !== null && typeof want === 'object') {
      expect(Object.keys(got as object).sort(), path).toEqual(Object.keys(want).sort());
      for (const [k, v] of Object.entries(want)) walk((got as Record<string, unknown>)[k], v, `${path}.${k}`);
    } else {
      expect(got, path).toEqual(want);
    }
  };
  walk(strip(actual), strip(expected), 'comparison');
}

/** A generated schedule and a variant of it (same block rows), both populated. */
async function pairOfSchedules(store: Store): Promise<{ a: number; b: number }> {
  const { scheduleId: a } = await loadGeneratedSchedule(store, { blocks: 400, days: 8, seed: 11 });
  const b = await insertVariantSchedule(store, a, typicalChange);
  await populateSchedule(store, a);
  await populateSchedule(store, b);
  return { a, b };
}

const cacheRows = (store: Store) => store.db.selectFrom('schedule_comparisons').select(['schedule_a_id', 'schedule_b_id', 'computed_at']).orderBy('schedule_a_id').orderBy('schedule_b_id').execute();

describe('compareSchedules', () => {
  it('answers the same from the analytics tables, the legacy path and the cache', async () => {
    await withStore(async (store) => {
      const { a, b } = await pairOfSchedules(store);
      const [computed] = (await compareSchedules(store, a, [b])).comparisons;
      const [cached] = (await compareSchedules(store, a, [b])).comparisons;
      const [legacy] = (await compareSchedules(store, a, [b], { useAnalyticsTable: false })).comparisons;
      expect([computed.source, cached.source, legacy.source]).toEqual(['analytics', 'cache', 'legacy']);
      expectSameFigures(cached, computed);
      expectSameFigures(legacy, computed);
      // The variant changed something of every kind.
      for (const status of ['only_a', 'newly_scheduled', 'newly_unscheduled', 'retimed', 'unchanged'] as const) expect(computed.counts[status], status).toBeGreaterThan(0);
      expect(computed.a.blocks).toBe(400);
      expect(computed.a.gap_count).toBeGreaterThan(0);
      // Detail is never served from the cache, and agrees between the paths.
      const detail = await compareSchedules(store, a, [b], { rows: 1000, coverage: true });
      const legacyDetail = await compareSchedules(store, a, [b], { rows: 1000, coverage: true, useAnalyticsTable: false });
      expect(detail.comparisons[0].source).toBe('analytics');
      expectSameFigures(legacyDetail.comparisons[0], detail.comparisons[0]);
      const counts = detail.comparisons[0].counts;
      expect(detail.comparisons[0].rows).toHaveLength(counts.only_a + counts.only_b + counts.newly_scheduled + counts.newly_unscheduled + counts.retimed);
      expect(detail.comparisons[0].coverage).toHaveLength(400 - counts.only_a);
    });
  });

  it('matches a schedule with itself: every block unchanged', async () => {
    await withStore(async (store) => {
      const { a } = await pairOfSchedules(store);
      const [self] = (await compareSchedules(store, a, [a], { rows: 5 })).comparisons;
      expect(self.counts.unchanged + self.counts.unscheduled_both).toBe(400);
      expect([self.match_ratio, self.order_preservation, self.median_shift_seconds, self.rows.length]).toEqual([1, 1, 0, 0]);
      expect(self.a).toEqual(self.b);
    });
  });

  it('goes stale when either schedule is populated again, and refreshes its row', async () => {
    await withStore(async (store) => {
      const { a, b } = await pairOfSchedules(store);
      await compareSchedules(store, a, [b]);
      const [before] = await cacheRows(store);
      expect((await compareSchedules(store, a, [b])).comparisons[0].source).toBe('cache');
      await new Promise((r) => setTimeout(r, 5)); // a later completed_at
      await populateSchedule(store, b);
      expect((await compareSchedules(store, a, [b])).comparisons[0].source).toBe('analytics');
      const after = await cacheRows(store);
      expect(after).toHaveLength(1);
      expect(after[0].computed_at).not.toBe(before.computed_at);
      expect((await compareSchedules(store, a, [b])).comparisons[0].source).toBe('cache');
    });
  });

  it('loses the pairs of a schedule whose analytics are deleted, as A or as B, and no others', async () => {
    await withStore(async (store) => {
      const { a, b } = await pairOfSchedules(store);
      const c = await insertVariantSchedule(store, a, (_id, w) => w);
      await populateSchedule(store, c);
      await compareSchedules(store, a, [b, c]);
      await compareSchedules(store, b, [a]);
      await compareSchedules(store, c, [a]);
      expect(await cacheRows(store)).toHaveLength(4);
      await deleteAnalytics(store, b, [3]);
      expect((await cacheRows(store)).map((r) => [r.schedule_a_id, r.schedule_b_id])).toEqual([[a, c], [c, a]]);
      // Without B's analytics, the pair is computed on the legacy path and not cached.
      await deleteAnalytics(store, b);
      const [again] = (await compareSchedules(store, a, [b])).comparisons;
      expect(again.source).toBe('legacy');
      expect(await cacheRows(store)).toHaveLength(2);
    });
  });

  it('stores one row when two readers compute the same pair at once', async () => {
    await withStore(async (store) => {
      const { a, b } = await pairOfSchedules(store);
      const warnings: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
      const both = await Promise.all([compareSchedules(store, a, [b], { log }), compareSchedules(store, a, [b], { log })]);
      expect(both.map((r) => r.comparisons[0].source)).toEqual(['analytics', 'analytics']);
      expect(warnings).toEqual([]);
      expect(await cacheRows(store)).toHaveLength(1);
    });
  });

  it('still answers when the cache table is gone (never migrated, or dropped)', async () => {
    await withStore(async (store, path) => {
      const { a, b } = await pairOfSchedules(store);
      const { default: Database } = await import('better-sqlite3');
      const raw = new Database(path);
      raw.exec('DROP TABLE schedule_comparisons');
      raw.close();
      const [r] = (await compareSchedules(store, a, [b])).comparisons;
      expect(r.source).toBe('analytics');
    });
  });

  it('matches blocks by trimmed original id across different block rows, and by block id without one', async () => {
    await withStore(async (store) => {
      const one = await insertSchedule(store, [{ json: null, priority: 3, scheduled: [60_700, 60_700.1] }, { json: null, priority: 4 }]);
      const two = await insertSchedule(store, [{ json: null, priority: 3, scheduled: [60_700.5, 60_700.6] }, { json: null, priority: 4 }]);
      const [before] = (await compareSchedules(store, one.scheduleId, [two.scheduleId], { rows: 10 })).comparisons;
      expect(before.counts).toMatchObject({ only_a: 2, only_b: 2 });
      // Within a status, the higher priority first.
      expect(before.rows.map((r) => r.key)).toEqual([one.blockIds[1], one.blockIds[0], two.blockIds[1], two.blockIds[0]].map(String));
      await setOriginalIds(store, new Map([[one.blockIds[0], 'SB-1'], [two.blockIds[0], '  SB-1 '], [one.blockIds[1], ' '], [two.blockIds[1], 'SB-2']]));
      const [after] = (await compareSchedules(store, one.scheduleId, [two.scheduleId], { rows: 10 })).comparisons;
      expect(after.counts).toMatchObject({ retimed: 1, only_a: 1, only_b: 1 });
      expect(after.rows.map((r) => [r.status, r.key])).toEqual([['only_a', String(one.blockIds[1])], ['only_b', 'SB-2'], ['retimed', 'SB-1']]);
      expect(after.rows[2].shift_seconds).toBe(0.5 * 86_400);
    });
  });

  it('fails on a duplicate key with the schedule and the key', async () => {
    await withStore(async (store) => {
      const s = await insertSchedule(store, [{ json: null }, { json: null }, { json: null }]);
      const t = await insertSchedule(store, [{ json: null }]);
      await setOriginalIds(store, new Map([[s.blockIds[0], 'dup'], [s.blockIds[2], 'dup ']]));
      const error = await compareSchedules(store, t.scheduleId, [s.scheduleId]).catch((e: Error) => e);
      expect(error).toBeInstanceOf(DuplicateBlockKeyError);
      expect((error as Error).message).toMatch(new RegExp(`^schedule ${s.scheduleId}: block key "dup" occurs twice`));
      await expect(compareSchedules(store, t.scheduleId, [999])).rejects.toThrow(UnknownScheduleError);
      await expect(compareSchedules(store, t.scheduleId, [t.scheduleId], { rows: -1 })).rejects.toThrow('rows: must be a non-negative integer, got -1');
    });
  });

  it('builds the block-status table across several schedules', async () => {
    await withStore(async (store) => {
      const { a, b } = await pairOfSchedules(store);
      const report = await compareSchedules(store, a, [b, a], { blockStatus: true });
      const table = report.block_status!;
      expect(table.schedules).toEqual([a, b, a]);
      expect(table.rows).toHaveLength(400);
      expect(table.rows.filter((r) => r.cells[1] === 'absent')).toHaveLength(report.comparisons[0].counts.only_a);
      expect(table.rows.every((r) => r.cells[0] === r.cells[2])).toBe(true);
      expect((await compareSchedules(store, a, [b])).block_status).toBeUndefined();
    });
  });
});

import { describe, expect, it } from 'vitest';
import { backfill } from '../../../../pipeline/backfill.js';
import type { Store } from '../../../../sql/store.js';
import { PHASE_TABLES, SOURCE_TABLES, type Phase } from '../../../../sql/table-specs.js';
import { runCli, tableRows, withStore } from '../../../helpers.js';
import { analytics, loadSchedules } from '../../backfill-fixtures.js';

/** Every row of every source table, and the schedules table. */
async function sourceRows(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of ['schedules', ...Object.keys(SOURCE_TABLES)]) out[table] = await store.db.selectFrom(table as never).selectAll().execute();
  return out;
}

async function phaseRowCount(store: Store, scheduleId: number, phases: Phase[]): Promise<number> {
  let n = 0;
  for (const p of phases) for (const t of PHASE_TABLES[p]) n += (await tableRows(store, t.name, scheduleId)).length;
  return n;
}

/** From analytics of schedules [1, 2, 3], those of 1 and 3. */
function schedulesOneAndThree(all: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(all).map(([table, perSchedule]) => [table, [(perSchedule as unknown[])[0], (perSchedule as unknown[])[2]]]));
}

describe('tsi-etl delete-analytics', () => {
  it('removes the chosen phases of one schedule and nothing else; backfill then restores them', async () => {
    await withStore(async (store, path) => {
      await loadSchedules(store, 3);
      await backfill(store);
      const source = await sourceRows(store);
      const before = await analytics(store, [1, 2, 3]);
      const phases13 = await phaseRowCount(store, 2, [1, 3]);
      const phase2 = await phaseRowCount(store, 2, [2]);
      expect(phases13).toBeGreaterThan(30);
      expect(phase2).toBeGreaterThan(1);

      const partial = runCli(['delete-analytics', '--db', path, '--schedule', '2', '--phases', '3,1', '--json']);
      expect(partial.code).toBe(0);
      expect(JSON.parse(partial.stdout)).toEqual({ scheduleId: 2, phases: [1, 3], rowsDeleted: phases13 });
      expect(await phaseRowCount(store, 2, [1, 3])).toBe(0);
      const after = await analytics(store, [2]);
      for (const t of PHASE_TABLES[2]) expect(after[t.name]).toEqual([(before[t.name] as unknown[][])[1]]);
      expect(await analytics(store, [1, 3])).toEqual(schedulesOneAndThree(before));

      const rest = runCli(['delete-analytics', '--db', path, '--schedule', '2']);
      expect(rest.code).toBe(0);
      expect(rest.stdout).toBe(`schedule 2: deleted ${phase2} analytics rows of phases 1,2,3; source rows untouched\n`);
      expect(Object.values(await analytics(store, [2]))).toEqual(Object.values(before).map(() => [[]]));
      expect(await sourceRows(store)).toEqual(source);

      expect((await backfill(store)).done).toEqual([2]);
      expect(await analytics(store, [1, 2, 3])).toEqual(before);
    });
  });

  it('names an unknown schedule (exit 1) and a bad --phases or missing --schedule (exit 2)', async () => {
    await withStore(async (store, path) => {
      await loadSchedules(store, 1);
      expect(runCli(['delete-analytics', '--db', path, '--schedule', '9'])).toMatchObject({ code: 1, stderr: 'tsi-etl delete-analytics: schedule 9 does not exist (run `tsi-etl schedules` to list them)\n' });
      expect(runCli(['delete-analytics', '--db', path, '--schedule', '1', '--phases', '4'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--phases: must be a comma-separated list of 1, 2, 3') });
      expect(runCli(['delete-analytics', '--db', path])).toMatchObject({ code: 2, stderr: expect.stringContaining('--schedule: is required') });
    });
  });
});

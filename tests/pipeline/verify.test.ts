import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { verifySchedule } from '../../pipeline/verify.js';
import { runCli, withStore } from '../helpers.js';

describe('verify', () => {
  it('finds no drift after a populate, and reports drift after a source row is edited behind its back', async () => {
    await withStore(async (store, path) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 150, days: 20, seed: 3 });
      await populateSchedule(store, scheduleId);
      const clean = await verifySchedule(store, scheduleId);
      expect(clean.drifts).toEqual([]);
      expect(clean.checked).toContain('schedule_visibility_time_bins');
      expect(runCli(['verify', '--db', path, '--schedule', String(scheduleId)]).code).toBe(0);

      const block = await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').executeTakeFirstOrThrow();
      await store.db.updateTable('scheduling_blocks').set({ priority: 1234.5 }).where('scheduling_block_id', '=', block.scheduling_block_id).execute();
      const drifted = await verifySchedule(store, scheduleId);
      expect(drifted.ok).toBe(false);
      expect(drifted.drifts.map((d) => d.table)).toEqual(expect.arrayContaining(['source', 'schedule_blocks_analytics', 'schedule_summary_analytics']));
      const cli = runCli(['verify', '--db', path, '--schedule', String(scheduleId)]);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toMatch(/DRIFT/);
      expect(cli.stdout).toContain(`[${block.scheduling_block_id}]: priority: stored`);
    });
  });

  it('counts a schedule without analytics as drift', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 5, days: 3, seed: 1 });
      const report = await verifySchedule(store, scheduleId);
      expect(report.ok).toBe(false);
      expect(report.drifts[0].detail).toMatch(/no analytics/);
    });
  });
});

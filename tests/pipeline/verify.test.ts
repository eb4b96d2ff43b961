import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { verifySchedule } from '../../pipeline/verify.js';
import { loadVariantSchedule } from '../../pipeline/variant-schedule.js';
import { getScheduleSummary } from '../../queries/summary-reads.js';
import { close, runCli, withStore } from '../helpers.js';

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

  it('checks the gap columns, on a schedule and on a variant of it', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 400, days: 10, seed: 6 });
      const variant = await loadVariantSchedule(store, { variantOf: scheduleId, seed: 2, change: 0.4 });
      for (const id of [scheduleId, variant.scheduleId]) {
        await populateSchedule(store, id);
        expect((await verifySchedule(store, id)).drifts).toEqual([]);
        const stored = await getScheduleSummary(store, id);
        const legacy = await getScheduleSummary(store, id, { useAnalyticsTable: false });
        expect(stored.gap_count).toBeGreaterThan(0);
        expect(stored.gap_count).toBe(legacy.gap_count);
        for (const column of ['scheduled_union_hours', 'gap_total_hours', 'gap_median_hours', 'gap_p90_hours', 'gap_max_hours'] as const) {
          expect(close(stored[column], legacy[column]), column).toBe(true);
        }
      }
      expect((await getScheduleSummary(store, variant.scheduleId)).scheduled_union_hours).not.toBe((await getScheduleSummary(store, scheduleId)).scheduled_union_hours);

      await store.db.updateTable('schedule_summary_analytics').set({ gap_p90_hours: 99, scheduled_union_hours: null }).where('schedule_id', '=', scheduleId).execute();
      const details = (await verifySchedule(store, scheduleId)).drifts.map((d) => d.detail);
      expect(details).toEqual([
        expect.stringMatching(/^scheduled_union_hours: stored null, source gives [\d.]+$/),
        expect.stringMatching(/^gap_p90_hours: stored 99, source gives [\d.]+$/),
      ]);
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

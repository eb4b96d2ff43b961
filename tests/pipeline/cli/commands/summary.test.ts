import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../../../pipeline/load-schedule.js';
import { populateSchedule } from '../../../../pipeline/populate.js';
import { getSummaryReport } from '../../../../queries/summary-reads.js';
import { close, runCli, withStore } from '../../../helpers.js';

// Runs the BUILT cli: `npm test` builds first (or `npx tsc -p tsconfig.json; node scripts/copy-sql.mjs`).
describe('tsi-etl summary', () => {
  it('prints the stored report with --json, the legacy one with --legacy, and text otherwise', async () => {
    await withStore(async (store, path) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 300, days: 30, seed: 5 });
      await populateSchedule(store, scheduleId);
      const expected = await getSummaryReport(store, scheduleId);

      const json = runCli(['summary', '--schedule', String(scheduleId), '--json', '--db', path]);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual(expected);
      expect(expected.summary.gap_count).toBeGreaterThan(0);
      expect(expected.summary.scheduled_union_hours).toBeGreaterThan(0);

      const legacy = runCli(['summary', '--schedule', String(scheduleId), '--json', '--legacy', '--db', path]);
      expect(legacy.code).toBe(0);
      const report = JSON.parse(legacy.stdout);
      expect(report.source).toBe('legacy');
      expect(Object.keys(report).sort()).toEqual(['heatmap_bins', 'priority_rates', 'source', 'summary', 'visibility_bins']);
      expect(report.summary.total_blocks).toBe(300);
      expect(close(report.summary.priority_median, expected.summary.priority_median)).toBe(true);
      expect(report.heatmap_bins.map((c: { total_count: number }) => c.total_count)).toEqual(expected.heatmap_bins.map((c) => c.total_count));

      const text = runCli(['summary', '--schedule', String(scheduleId), '--db', path]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`schedule ${scheduleId}: 300 blocks, ${expected.summary.scheduled_blocks} scheduled`);
      expect(text.stdout).toContain('source: analytics');
      // the fullest histogram bin gets the full 40-character bar
      expect(text.stdout).toContain('█'.repeat(40));
      expect(text.stdout).not.toContain('█'.repeat(41));
    });
  });

  it('fails with a clear message for an unknown schedule and with exit 2 without --schedule', async () => {
    await withStore(async (_store, path) => {
      const unknown = runCli(['summary', '--schedule', '77', '--db', path]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('schedule 77 does not exist');
      const missing = runCli(['summary', '--db', path]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('--schedule');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../../../pipeline/load-schedule.js';
import { populateSchedule } from '../../../../pipeline/populate.js';
import { fetchTimeline } from '../../../../queries/timeline-reads.js';
import { runCli, withStore } from '../../../helpers.js';

// Runs the BUILT cli: `npm test` builds first.
describe('tsi-etl timeline', () => {
  it('prints the Timeline as JSON, a per-month summary as text, and the legacy path with --legacy', async () => {
    await withStore(async (store, path) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 300, days: 40, seed: 9 });
      await populateSchedule(store, scheduleId);
      const expected = await fetchTimeline(store, { scheduleId });
      const id = String(scheduleId);

      const json = runCli(['timeline', '--schedule', id, '--json', '--db', path]);
      expect(json.code).toBe(0);
      const timeline = JSON.parse(json.stdout);
      expect(timeline).toEqual(expected);
      expect(Object.keys(timeline).sort()).toEqual(['blocks', 'dark_periods', 'months', 'priority_max', 'priority_min', 'schedule_id', 'scheduled_count', 'source']);
      expect(Object.keys(timeline.blocks[0]).sort()).toEqual([
        'dec_deg', 'key', 'priority', 'priority_bucket', 'ra_deg', 'requested_hours', 'scheduled_duration_sec', 'scheduled_start_mjd',
        'scheduled_start_unix', 'scheduled_stop_mjd', 'scheduled_stop_unix', 'scheduling_block_id', 'total_visibility_hours',
      ]);

      const from = expected.blocks[10].scheduled_start_unix;
      const filtered = JSON.parse(runCli(['timeline', '--schedule', id, '--from', String(from), '--to', String(from + 86_400), '--priority-min', '5', '--json', '--legacy', '--db', path]).stdout);
      expect(filtered.source).toBe('legacy');
      expect(filtered.blocks).toEqual((await fetchTimeline(store, { scheduleId, fromUnix: from, toUnix: from + 86_400, priorityMin: 5 })).blocks);

      const text = runCli(['timeline', '--schedule', id, '--db', path]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`schedule ${scheduleId}: ${expected.scheduled_count} scheduled blocks in ${expected.months.length} months`);
      expect(text.stdout).toContain(`${expected.dark_periods.length} dark periods — source: analytics`);
      for (const month of expected.months) expect(text.stdout).toMatch(new RegExp(`^${month} `, 'm'));
      expect(text.stdout.split('\n').length).toBeLessThan(expected.months.length + 8);
    });
  });

  it('exits 2 on bad bounds and 1 on an unknown schedule', async () => {
    await withStore(async (_store, path) => {
      const bounds = runCli(['timeline', '--schedule', '1', '--from', '10', '--to', '5', '--db', path]);
      expect([bounds.code, bounds.stderr.trim()]).toEqual([2, 'tsi-etl timeline: --from: must be before --to, got 10 >= 5']);
      const unknown = runCli(['timeline', '--schedule', '77', '--db', path]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('schedule 77 does not exist');
    });
  });
});

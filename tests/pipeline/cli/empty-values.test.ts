import { describe, expect, it } from 'vitest';
import { insertSchedule, periodsJson, runCli, withStore } from '../../helpers.js';

// Runs the BUILT cli: `npm test` builds first.
describe('figures over nothing read as sentences, and stay null in --json', () => {
  it('timeline without blocks, summary without gaps, compare without shared blocks', async () => {
    await withStore(async (store, path) => {
      const json = periodsJson([[60000, 60000.5]]);
      // Two overlapping windows: one interval, no gap.
      const { scheduleId: joined } = await insertSchedule(store, [
        { json, scheduled: [60000.1, 60000.2] }, { json, scheduled: [60000.15, 60000.3] },
      ]);
      const { scheduleId: unscheduled } = await insertSchedule(store, [{ json }, { json }]);
      expect(runCli(['backfill', '--db', path]).code).toBe(0);
      const run = (...args: string[]) => {
        const r = runCli([...args, '--db', path]);
        expect([r.code, r.stderr]).toEqual([0, '']);
        return r.stdout;
      };

      expect(run('timeline', '--schedule', String(unscheduled))).toBe(`schedule ${unscheduled}: no scheduled blocks, 0 dark periods — source: analytics\n`);
      expect(run('timeline', '--schedule', String(joined), '--from', '1', '--to', '2', '--priority-min', '3'))
        .toBe(`schedule ${joined}: no scheduled blocks within --from 1 --to 2 --priority-min 3, 0 dark periods — source: analytics\n`);
      expect(JSON.parse(run('timeline', '--schedule', String(unscheduled), '--json'))).toMatchObject({ scheduled_count: 0, priority_min: null, priority_max: null });

      const summaryJoined = run('summary', '--schedule', String(joined));
      expect(summaryJoined).toContain('\ngaps: none, the scheduled windows form one interval of 4.800 h\n');
      const summaryUnscheduled = run('summary', '--schedule', String(unscheduled));
      expect(summaryUnscheduled).toContain('\nmean priority: scheduled none (no block is scheduled), unscheduled 5\n');
      expect(summaryUnscheduled).toContain('\ngaps: none, as no block is scheduled\n');
      expect(`${summaryJoined}${summaryUnscheduled}`).not.toMatch(/— h|: —/);
      expect(JSON.parse(run('summary', '--schedule', String(joined), '--json')).summary).toMatchObject({ gap_count: 0, gap_total_hours: null, gap_mean_hours: null });

      const compared = run('compare', '--schedule', String(joined), '--with', String(unscheduled));
      expect(compared).toContain('\nmatch ratio 0; no block is scheduled in both, so no order preservation or shift to compare\n');
      expect(compared).not.toMatch(/median — s|MAD —/);
      expect(JSON.parse(run('compare', '--schedule', String(joined), '--with', String(unscheduled), '--json')).comparisons[0])
        .toMatchObject({ match_ratio: 0, median_shift_seconds: null, mad_shift_seconds: null, order_preservation: null });
    });
  });
});

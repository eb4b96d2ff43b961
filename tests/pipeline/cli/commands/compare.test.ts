import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../../../pipeline/load-schedule.js';
import { populateSchedule } from '../../../../pipeline/populate.js';
import { compareSchedules } from '../../../../queries/compare-reads.js';
import { insertVariantSchedule, setOriginalIds, typicalChange } from '../../../compare-fixtures.js';
import { runCli, withStore } from '../../../helpers.js';

const COMPARISON_KEYS = [
  'a', 'b', 'counts', 'coverage', 'coverage_final_a', 'coverage_final_b', 'coverage_lead_top10', 'mad_shift_seconds', 'match_ratio',
  'median_shift_seconds', 'order_preservation', 'other', 'rows', 'source',
];

// Runs the BUILT cli: `npm test` builds first.
describe('tsi-etl compare', () => {
  it('prints the comparison report as JSON with the coverage curve, and the figures side by side as text', async () => {
    await withStore(async (store, path) => {
      const { scheduleId: a } = await loadGeneratedSchedule(store, { blocks: 300, days: 10, seed: 4 });
      const b = await insertVariantSchedule(store, a, typicalChange);
      const c = await insertVariantSchedule(store, a, (_id, w, i) => (i % 3 === 0 ? undefined : w));
      for (const id of [a, b, c]) await populateSchedule(store, id);

      const json = runCli(['compare', '--schedule', String(a), '--with', `${b},${c}`, '--rows', '7', '--json', '--db', path]);
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout);
      expect(Object.keys(report)).toEqual(['reference', 'comparisons']);
      expect(report).toEqual(await compareSchedules(store, a, [b, c], { rows: 7, coverage: true }));
      expect(report.comparisons.map((x: { other: number }) => x.other)).toEqual([b, c]);
      expect(Object.keys(report.comparisons[0]).sort()).toEqual(COMPARISON_KEYS);
      expect(report.comparisons[0].rows).toHaveLength(7);
      expect(report.comparisons[0].coverage.length).toBeGreaterThan(0);

      const withStatus = JSON.parse(runCli(['compare', '--schedule', String(a), '--with', String(b), '--rows', '0', '--block-status', '--json', '--db', path]).stdout);
      expect(Object.keys(withStatus)).toEqual(['reference', 'comparisons', 'block_status']);
      expect(withStatus.block_status.schedules).toEqual([a, b]);
      expect(withStatus.comparisons[0].rows).toEqual([]);

      const text = runCli(['compare', '--schedule', String(a), '--with', String(b), '--db', path]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`schedule ${a} (A) vs schedule ${b} (B)`);
      expect(text.stdout).toMatch(/^blocks +300 +\d/m);
      expect(text.stdout).toContain('first 20 changed blocks');
      const figuresOnly = runCli(['compare', '--schedule', String(a), '--with', String(b), '--rows', '0', '--db', path]);
      expect(figuresOnly.stdout).toContain('source: cache');
      expect(figuresOnly.stdout).not.toContain('changed blocks');
    });
  });

  it('exits 1 with one line naming the schedule and the key when a key occurs twice', async () => {
    await withStore(async (store, path) => {
      const { scheduleId: a } = await loadGeneratedSchedule(store, { blocks: 20, days: 2, seed: 1 });
      const b = await insertVariantSchedule(store, a, (_id, w) => w);
      await setOriginalIds(store, new Map([[3, 'X-1'], [5, ' X-1']]));
      const r = runCli(['compare', '--schedule', String(b), '--with', String(a), '--db', path]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^tsi-etl compare: schedule ${b}: block key "X-1" occurs twice`));
    });
  });

  it('exits 2 without --with or with a bad id or row count', async () => {
    await withStore(async (_store, path) => {
      expect(runCli(['compare', '--schedule', '1', '--db', path]).code).toBe(2);
      const bad = runCli(['compare', '--schedule', '1', '--with', '2,x', '--db', path]);
      expect([bad.code, bad.stderr.trim()]).toEqual([2, 'tsi-etl compare: --with: must be a positive integer id, got "x"']);
      expect(runCli(['compare', '--schedule', '1', '--with', '2', '--rows', '-1', '--db', path]).code).toBe(2);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { insertSchedule, periodsJson, runCli, withStore } from '../../helpers.js';

// Runs the BUILT cli: `npm test` builds first.
describe('an option that takes one value, given twice', () => {
  it('is a bad argument (exit 2) naming both values, and nothing is done', async () => {
    await withStore(async (store, path) => {
      for (let i = 0; i < 2; i++) await insertSchedule(store, [{ json: periodsJson([[60000, 60000.5]]) }]);
      expect(runCli(['backfill', '--db', path]).code).toBe(0);
      const twice = runCli(['delete-analytics', '--schedule', '1', '--schedule', '2', '--db', path]);
      expect([twice.code, twice.stdout, twice.stderr]).toEqual([2, '', 'tsi-etl delete-analytics: --schedule: given twice ("1", "2"); it takes one value\n']);
      // Before, the last value won: schedule 2 lost its analytics.
      expect(JSON.parse(runCli(['schedules', '--json', '--db', path]).stdout).map((s: { has_analytics: boolean }) => s.has_analytics)).toEqual([true, true]);
      const inline = runCli(['populate', '--schedule=1', '--threads', '1', '--schedule', '2', '--schedule', '1', '--db', path]);
      expect([inline.code, inline.stderr]).toEqual([2, 'tsi-etl populate: --schedule: given 3 times ("1", "2", "1"); it takes one value\n']);
      const db = runCli(['summary', '--schedule', '1', '--db', path, '--db', `${path}.other`]);
      expect([db.code, db.stderr]).toEqual([2, 'tsi-etl summary: --db: given twice; it takes one value\n']);
      // A --db value may be a connection string: never echoed.
      const secret = runCli(['summary', '--schedule', '1', '--db', 'mssql://sa:S3cret@h/db', '--db', 'Server=h;Password=S3cret2']);
      expect([secret.code, secret.stderr]).toEqual([2, 'tsi-etl summary: --db: given twice; it takes one value\n']);
    });
  });

  it('still collects the values of a repeatable option; a flag or the same value given twice means the same as once', async () => {
    await withStore(async (store, path) => {
      for (let i = 0; i < 2; i++) await insertSchedule(store, [{ json: periodsJson([[60000, 60000.5]]) }]);
      const backfill = runCli(['backfill', '--schedule', '1', '--schedule', '2', '--json', '--json', '--db', path]);
      expect(backfill.code, backfill.stderr).toBe(0);
      expect(JSON.parse(backfill.stdout).done).toEqual([1, 2]);
      const verify = runCli(['verify', '--schedule', '1', '--schedule', '2', '--db', path]);
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/^schedule 1: ok .*\nschedule 2: ok /);
      expect(runCli(['populate', '--schedule', '1', '--lenient', '--lenient', '--db', path]).code).toBe(0);
      // The same value again (an alias that already sets it, say) changes nothing.
      expect(runCli(['populate', '--schedule', '2', '--schedule', '2', '--db', path, '--db', path]).code).toBe(0);
    });
  });
});

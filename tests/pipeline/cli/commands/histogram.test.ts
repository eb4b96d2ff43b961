import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { getVisibilityHistogram, getVisibilityMetadata } from '../../../../queries/visibility-reads.js';
import { CLI, runCli, withStore } from '../../../helpers.js';

// Runs the BUILT cli (npm test builds first).
describe('tsi-etl histogram', () => {
  it('renders 1- and 2-minute bins over a six-month range (263k bins) without overflowing the stack', async () => {
    await withStore(async (store, path) => {
      expect(runCli(['generate', '--blocks', '200', '--days', '183', '--db', path]).code).toBe(0);
      expect(runCli(['populate', '--schedule', '1', '--db', path]).code).toBe(0);
      for (const binMinutes of [1, 2]) {
        const bins = await getVisibilityHistogram(store, { scheduleId: 1, binMinutes });
        expect(bins.length).toBeGreaterThan(120_000 / binMinutes);
        const r = runCli(['histogram', '--schedule', '1', '--bin-minutes', String(binMinutes), '--db', path]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const most = bins.reduce((m, b) => Math.max(m, b.count), 0);
        expect(r.stdout.split('\n')[0]).toBe(`${bins.length.toLocaleString('en-US')} bins from ${new Date(bins[0].binStartUnix * 1000).toISOString().replace('.000Z', 'Z')} to ${new Date(bins[bins.length - 1].binEndUnix * 1000).toISOString().replace('.000Z', 'Z')}; max ${most} blocks in a bin`);
      }
    });
  });

  it('ends quietly (exit 0, nothing on stderr) when its reader closes stdout early, as `| head -1` does', async () => {
    await withStore(async (_store, path) => {
      expect(runCli(['generate', '--blocks', '50', '--days', '30', '--db', path]).code).toBe(0);
      expect(runCli(['populate', '--schedule', '1', '--db', path]).code).toBe(0);
      // 43k bins of JSON (~3 MB) into a pipe that `head` closes after one line.
      const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" histogram --schedule 1 --bin-minutes 1 --json --db "$2" | head -1', process.execPath, CLI, path], {
        encoding: 'utf8', env: { ...process.env, TSI_LOG_LEVEL: 'warn' },
      });
      expect(r.stdout).toBe('[\n');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  });

  it('refuses more than a million bins with exit 2 (a range in milliseconds by mistake), and names options, not API parameters', async () => {
    await withStore(async (store, path) => {
      expect(runCli(['generate', '--blocks', '5', '--days', '2', '--db', path]).code).toBe(0);
      expect(runCli(['populate', '--schedule', '1', '--db', path]).code).toBe(0);
      for (const legacy of [[], ['--legacy']]) {
        const r = runCli(['histogram', '--schedule', '1', '--start', '0', '--end', '2000000000', '--bin-minutes', '1', '--json', ...legacy, '--db', path]);
        expect([r.code, r.stdout]).toEqual([2, '']);
        expect(r.stderr).toBe('tsi-etl histogram: --bin-minutes: (1) gives 33,333,334 bins from --start 0 to --end 2000000000, more than 1,000,000: narrow the range or widen the bins\n');
      }
      // Only --start, or only --end: the other is the schedule's, and the message says so instead of naming an option not given.
      const { time_range_start_unix: first, time_range_end_unix: last } = await getVisibilityMetadata(store, 1);
      for (const legacy of [[], ['--legacy']]) {
        const early = runCli(['histogram', '--schedule', '1', '--start', '2000000000', ...legacy, '--db', path]);
        expect([early.code, early.stderr]).toEqual([2, `tsi-etl histogram: --start: (2000000000) must be before the end (${last}, the end of the schedule's last visible minute, used because --end was not given)\n`]);
        const late = runCli(['histogram', '--schedule', '1', '--end', '1000000000', ...legacy, '--db', path]);
        expect([late.code, late.stderr]).toEqual([2, `tsi-etl histogram: --end: (1000000000) must be after the start (${first}, the schedule's first visible minute, used because --start was not given)\n`]);
        const fine = runCli(['histogram', '--schedule', '1', '--bin-minutes', '0.001', ...legacy, '--db', path]);
        expect(fine.code).toBe(2);
        expect(fine.stderr).toMatch(new RegExp(`^tsi-etl histogram: --bin-minutes: \\(0\\.001\\) gives [\\d,]+ bins from the schedule's start ${first} to the schedule's end ${last}, more than 1,000,000: narrow the range or widen the bins\n$`));
      }
      const bounds = runCli(['histogram', '--schedule', '1', '--priority-min', '9', '--priority-max', '3', '--db', path]);
      expect([bounds.code, bounds.stderr]).toEqual([2, 'tsi-etl histogram: --priority-min: (9) must not exceed --priority-max (3)\n']);
    });
  });

  it('says when no block is visible in any bin, instead of a maximum of 1', async () => {
    await withStore(async (_store, path) => {
      expect(runCli(['generate', '--blocks', '5', '--days', '2', '--db', path]).code).toBe(0);
      expect(runCli(['populate', '--schedule', '1', '--db', path]).code).toBe(0);
      const r = runCli(['histogram', '--schedule', '1', '--start', '1900000000', '--end', '1900036000', '--db', path]);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe('10 bins from 2030-03-17T17:46:40Z to 2030-03-18T03:46:40Z; no block visible in any bin');
    });
  });

  it('names --start and --end when the range is empty (no doubled prefix)', async () => {
    await withStore(async (_store, path) => {
      expect(runCli(['generate', '--blocks', '5', '--days', '2', '--db', path]).code).toBe(0);
      const r = runCli(['histogram', '--schedule', '1', '--start', '1735776000', '--end', '1735689600', '--db', path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('tsi-etl histogram: --start: must be before --end (1735776000 >= 1735689600)\n');
    });
  });
});

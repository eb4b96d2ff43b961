import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, withStore } from '../../../helpers.js';
import { hasScript, runOnTty } from '../tty.js';

describe('tsi-etl verify progress', () => {
  it('shows each step on a status line on a terminal, erased before the result; nothing on stderr otherwise', async () => {
    await withStore(async (_store, path) => {
      expect(runCli(['generate', '--blocks', '30', '--days', '5', '--db', path]).code).toBe(0);
      expect(runCli(['populate', '--schedule', '1', '--db', path]).code).toBe(0);
      const piped = runCli(['verify', '--schedule', '1', '--db', path]);
      expect(piped.code).toBe(0);
      expect(piped.stderr).toBe('');
      expect(piped.stdout).toMatch(/^schedule 1: ok — phases 1,2,3, 10 checks/);
      if (!hasScript) return;
      const tty = runOnTty(['verify', '--schedule', '1', '--db', path]);
      for (const step of ['reading the blocks and parsing their JSON', 'per-block rows', 'summary tables', 'time bins', 'histogram at 1 min', 'histogram at 1440 min']) {
        expect(tty).toMatch(new RegExp(`\\rverify schedule 1: ${step}… \\(\\d+ s\\)\\x1b\\[K`));
      }
      expect(tty).toMatch(/\r\x1b\[Kschedule 1: ok — /);
    });
  });
});

describe('tsi-etl verify into a reader that closed stdout', () => {
  it('still exits 1 when it had found drift, and 0 when it had not', async () => {
    await withStore(async (store, path) => {
      expect(runCli(['generate', '--blocks', '20', '--days', '3', '--db', path]).code).toBe(0);
      expect(runCli(['populate', '--schedule', '1', '--db', path]).code).toBe(0);
      // `true` reads nothing and exits: the first report's write fails with EPIPE.
      const piped = () => spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" verify --all --db "$2" | true', process.execPath, CLI, path], { encoding: 'utf8' });
      expect([piped().status, piped().stderr]).toEqual([0, '']);
      await store.db.updateTable('schedule_blocks_analytics').set({ total_visibility_hours: 12345 }).where('schedule_id', '=', 1).execute();
      expect([piped().status, piped().stderr]).toEqual([1, '']);
      expect(runCli(['verify', '--all', '--db', path]).code).toBe(1);
    });
  });
});

describe('tsi-etl verify --all on a database without schedules', () => {
  it('says there is nothing to verify (exit 0), and prints [] with --json', async () => {
    await withStore(async (_store, path) => {
      const text = runCli(['verify', '--all', '--db', path]);
      expect([text.code, text.stdout]).toEqual([0, 'no schedules yet: nothing to verify (try `tsi-etl generate` or `tsi-etl import FILE`)\n']);
      expect(JSON.parse(runCli(['verify', '--all', '--json', '--db', path]).stdout)).toEqual([]);
    });
  });
});

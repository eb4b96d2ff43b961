import { describe, expect, it } from 'vitest';
import { runCli, withStore } from '../../../helpers.js';
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

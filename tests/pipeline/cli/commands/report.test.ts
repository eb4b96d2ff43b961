import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, withStore } from '../../../helpers.js';
import { loadReportSchedules } from '../../../report/report-fixtures.js';

// Runs the BUILT cli: `npm test` builds first.
describe('tsi-etl report', () => {
  it('writes the report to --out and prints where, with --json its path, size and seconds', async () => {
    await withStore(async (store, path) => {
      const { a, b } = await loadReportSchedules(store, 60);
      const out = join(dirname(path), 'r.html');
      const json = runCli(['report', '--schedule', String(a), '--compare', String(b), '--out', out, '--json', '--db', path]);
      expect(json.code, json.stderr).toBe(0);
      const written = JSON.parse(json.stdout);
      expect(written).toEqual({ path: out, bytes: readFileSync(out).length, seconds: expect.any(Number) });
      expect(readFileSync(out, 'utf8')).toContain(`id="compare-${b}"`);

      const text = runCli(['report', '--schedule', String(a), '--out', out, '--db', path]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(out);
      expect(readFileSync(out, 'utf8')).not.toContain('id="compare-');
    });
  });

  it('rejects bad arguments with exit 2 and an unknown schedule with exit 1, writing nothing', async () => {
    await withStore(async (store, path) => {
      const { a } = await loadReportSchedules(store, 20);
      const out = join(dirname(path), 'never.html');
      for (const args of [['--compare', String(a)], ['--compare', '2,x'], ['--compare', '']]) {
        const r = runCli(['report', '--schedule', String(a), ...args, '--out', out, '--db', path]);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toContain('--compare');
      }
      const unknown = runCli(['report', '--schedule', '999', '--out', out, '--db', path]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('schedule 999 does not exist');
      expect(runCli(['report', '--out', out, '--db', path]).code).toBe(2);
      expect(existsSync(out)).toBe(false);
    });
  });

  it('documents every option in --help', () => {
    const help = runCli(['report', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--schedule ID', '--compare B[,C…]', '--out FILE', 'report-<ID>.html', 'no script']) expect(help.stdout).toContain(option);
  });
});

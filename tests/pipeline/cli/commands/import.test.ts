import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, withStore } from '../../../helpers.js';

describe('tsi-etl import: where bad JSON is', () => {
  it('names the block once the parser is inside blocks, and the header field before that', async () => {
    await withStore(async (_store, path) => {
      const file = `${path}.json`;
      expect(runCli(['generate', '--blocks', '3', '--days', '2', '--db', path]).code).toBe(0);
      expect(runCli(['export', '--schedule', '1', '--out', file, '--db', path]).code).toBe(0);
      const lines = readFileSync(file, 'utf8').split('\n');
      // line 1: header up to `"blocks":[`, then one block per line.
      expect(lines[0]).toMatch(/"blocks":\[$/);
      const broken = (lineIndex: number, from: string, to: string) => {
        const copy = [...lines];
        copy[lineIndex] = copy[lineIndex].replace(from, to);
        writeFileSync(file, copy.join('\n'));
        return runCli(['import', file, '--db', path]);
      };
      const inBlock1 = broken(2, '"priority":', '"priority"');
      expect(inBlock1.code).toBe(1);
      // The 1 KB window that holds the error: its lines include line 3.
      const window = /invalid JSON within bytes [\d,]+–[\d,]+ \(lines? (\d+)(?:–(\d+))?, at or after blocks\[0\]\): .*nothing was stored/.exec(inBlock1.stderr);
      expect(window, inBlock1.stderr).not.toBeNull();
      expect(Number(window![1])).toBeLessThanOrEqual(3);
      expect(Number(window![2] ?? window![1])).toBeGreaterThanOrEqual(3);
      const inHeader = broken(0, '"dark_periods":', '"dark_periods"');
      expect(inHeader.stderr).toMatch(/invalid JSON within bytes \d+–\d+ \(line 1(, at or after schedule_name)?\)/);
      expect(JSON.parse(runCli(['schedules', '--json', '--db', path]).stdout)).toHaveLength(1);
    });
  });
});

describe('tsi-etl import: a next step that works', () => {
  it('after bad visibility JSON, and for a document already stored, says what to run, and that works', async () => {
    await withStore(async (_store, path) => {
      const file = `${path}.json`;
      expect(runCli(['generate', '--blocks', '3', '--days', '2', '--db', path]).code).toBe(0);
      expect(runCli(['export', '--schedule', '1', '--out', file, '--db', path]).code).toBe(0);
      const lines = readFileSync(file, 'utf8').split('\n');
      // Block 1's first visibility period: "stop" a string.
      lines[1] = lines[1].replace(/("visibility_periods":\[\{"start":[\d.]+,"stop":)[\d.]+/, '$1"y"');
      writeFileSync(file, lines.join('\n'));

      const failed = runCli(['import', file, '--db', path]);
      expect([failed.code, failed.stderr]).toEqual([1, `tsi-etl import: ${file} was stored as schedule 2, but computing its analytics failed: schedule 2, block 4: bad visibility_periods_json: `
        + 'period 0: "stop" is a string, expected a number; run `tsi-etl populate --schedule 2 --lenient` to compute the analytics with such blocks flagged '
        + "visibility_invalid = 1 and reported, or correct the block's visibility_periods_json in the database and run `tsi-etl populate --schedule 2`\n"]);
      const stored = `tsi-etl import: ${file} is already stored as schedule 2 (same sha256 ${createHash('sha256').update(readFileSync(file)).digest('hex')}), so nothing was imported; `;
      // What the user tried before: import again with --lenient.
      const again = runCli(['import', file, '--lenient', '--db', path]);
      expect([again.code, again.stderr]).toEqual([1, `${stored}compute its analytics with \`tsi-etl populate --schedule 2\` (add --lenient to write blocks with bad visibility JSON flagged visibility_invalid = 1)\n`]);

      const advised = runCli(['populate', '--schedule', '2', '--lenient', '--db', path]);
      expect(advised.code, advised.stderr).toBe(0);
      expect(advised.stdout).toContain('bad visibility JSON (--lenient: written with visibility_invalid = 1, 0 hours, counted): 1 block: 4\n');
      const done = runCli(['import', file, '--db', path]);
      expect([done.code, done.stderr]).toEqual([1, `${stored}its analytics are computed (see \`tsi-etl summary --schedule 2\`)\n`]);
    });
  });
});

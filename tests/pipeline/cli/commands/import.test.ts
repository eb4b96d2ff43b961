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

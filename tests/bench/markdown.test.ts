import { describe, expect, it } from 'vitest';
import { markdownTable, num, ratioCell, spreadCell } from '../../bench/markdown.js';

describe('markdown cells and tables', () => {
  it('right-aligns the numeric columns only', () => {
    expect(markdownTable(['name', 'MB/s'], [['a', '1'], ['b', '22']], [1])).toBe(
      ['| name | MB/s |', '| --- | ---: |', '| a | 1 |', '| b | 22 |'].join('\n'),
    );
  });

  it('formats numbers, spreads and ratios', () => {
    expect(num(1234567.891, 1)).toBe('1,234,567.9');
    expect(spreadCell({ median: 1.5, min: 1.25, max: 2, n: 3 }, 2)).toBe('1.50 (1.25–2.00)');
    expect(spreadCell({ median: 1.5, min: 1.5, max: 1.5, n: 1 }, 1)).toBe('1.5');
    expect([ratioCell(1.234), ratioCell(12.34), ratioCell(1234.5)]).toEqual(['1.23×', '12.3×', '1,235×']);
  });
});

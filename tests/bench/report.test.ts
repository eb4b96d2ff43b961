import { describe, expect, it } from 'vitest';
import { externalSection } from '../../bench/report.js';

const section = (result: unknown) => externalSection({ name: 'x', call: 'measureX()', run: { result, peakRssMb: 100 } as never });

describe('a scenario section of the bench report', () => {
  it('makes each spread one "median (min–max)" cell of a row', () => {
    const text = section([{ fixture: 'W10k', threads: 2, seconds: { median: 0.7, min: 0.69, max: 0.77, n: 3 }, note: null }]);
    expect(text).toBe([
      '### x (`measureX()`; its bench process peaked at 100 MB RSS)',
      '',
      '| fixture | threads | seconds | note |',
      '| --- | ---: | --- | --- |',
      '| W10k | 2 | 0.70 (0.69–0.77) |  |',
    ].join('\n'));
  });

  it('tabulates an object\'s `rows`, naming its other fields in the title', () => {
    const text = section({ blocks: 10_000, variants: 10, rows: [{ case: 'a', seconds: 0.31 }, { case: 'b', seconds: 0.42 }] });
    expect(text.split('\n')[0]).toBe('### x (`measureX()`; blocks 10,000, variants 10; its bench process peaked at 100 MB RSS)');
    expect(text).toContain('| a | 0.310 |\n| b | 0.420 |');
  });

  it('falls back to the JSON when rows hold other nested values', () => {
    expect(section([{ a: { b: 1 } }])).toContain('```json');
  });
});

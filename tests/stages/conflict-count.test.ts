import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countConflicts } from '../../stages/core/conflict-count.js';

function count(intervals: [number, number][]): number {
  return countConflicts(
    Float64Array.from(intervals.map(([s]) => s)),
    Float64Array.from(intervals.map(([, e]) => e)),
  );
}

/** SEMANTICS "conflict_count" by definition: every unordered pair, O(n²). */
function countByDefinition(intervals: [number, number][]): number {
  let n = 0;
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const [s1, e1] = intervals[i];
      const [s2, e2] = intervals[j];
      if (Math.max(s1, s2) < Math.min(e1, e2)) n++;
    }
  }
  return n;
}

describe('countConflicts', () => {
  it('counts hand-made cases', () => {
    expect(count([])).toBe(0);
    expect(count([[0, 5]])).toBe(0);
    expect(count([[0, 2], [1, 3]])).toBe(1);
    // touching at 1: no positive-length overlap
    expect(count([[0, 1], [1, 2]])).toBe(0);
    // nested
    expect(count([[0, 10], [2, 3]])).toBe(1);
    // a chain: 0–1 and 1–2 overlap, 0 and 2 only touch
    expect(count([[0, 2], [1, 3], [2, 4]])).toBe(2);
    // three identical intervals: every pair
    expect(count([[1, 2], [1, 2], [1, 2]])).toBe(3);
  });

  it('never counts zero-length or reversed intervals', () => {
    expect(count([[1, 1], [0, 2]])).toBe(0);
    expect(count([[1, 1], [1, 1]])).toBe(0);
    expect(count([[3, 1], [0, 5]])).toBe(0);
    expect(count([[0, 5], [2, 2], [1, 4], [4, 3]])).toBe(1);
  });

  it('handles 100,000 intervals with a known answer', () => {
    const n = 100_000;
    const same = new Float64Array(n).fill(1);
    expect(countConflicts(new Float64Array(n), same)).toBe((n * (n - 1)) / 2);
    // back-to-back intervals [i, i+1), given in reverse order: none overlap
    const starts = Float64Array.from({ length: n }, (_, i) => n - 1 - i);
    const stops = starts.map((s) => s + 1);
    expect(countConflicts(starts, stops)).toBe(0);
    // each overlaps only its successor: [i, i+1.5)
    expect(countConflicts(starts, starts.map((s) => s + 1.5))).toBe(n - 1);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => countConflicts(new Float64Array(2), new Float64Array(1))).toThrow(RangeError);
  });

  it('matches the pairwise definition on small sets full of ties and duplicates', () => {
    const endpoint = fc.integer({ min: 0, max: 8 }).map((k) => k / 2);
    fc.assert(
      fc.property(fc.array(fc.tuple(endpoint, endpoint), { maxLength: 40 }), (intervals) => {
        expect(count(intervals)).toBe(countByDefinition(intervals));
      }),
      { numRuns: 500 },
    );
  });
});

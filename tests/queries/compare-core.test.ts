import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_STATUSES, blockStatus } from '../../queries/core/block-status.js';
import { blockStatusTable } from '../../queries/core/block-status-table.js';
import { DuplicateBlockKeyError, type CompareBlock } from '../../queries/core/compare-block.js';
import { comparePair, compareSide } from '../../queries/core/compare-pair.js';
import { coverageCurve, type CoverageInput } from '../../queries/core/coverage-curve.js';
import { longestIncreasingSubsequence } from '../../queries/core/longest-increasing-run.js';
import { medianAndMad } from '../../queries/core/median-mad.js';
import { orderPreservation } from '../../queries/core/order-preservation.js';
import { blockKey } from '../../stages/core/block-key.js';

/** The plain O(n²) definition: best[i] = 1 + max best[j] over j < i with v[j] < v[i]. */
function lisQuadratic(values: number[]): number {
  const best = values.map(() => 1);
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < i; j++) if (values[j] < values[i]) best[i] = Math.max(best[i], best[j] + 1);
  }
  return Math.max(0, ...best);
}

function plainMedian(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const codeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function block(key: string, window: [number, number] | null, priority = 5, id = 1): CompareBlock {
  return {
    scheduling_block_id: id, key, priority, requested_hours: 1,
    start_unix: window?.[0] ?? null, stop_unix: window?.[1] ?? null, scheduled_duration_sec: window ? window[1] - window[0] : null,
  };
}

describe('longestIncreasingSubsequence', () => {
  it('equals the O(n²) definition, strictly increasing (ties never extend)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 60 }), (values) => {
      expect(longestIncreasingSubsequence(values)).toBe(lisQuadratic(values));
    }), { numRuns: 500 });
    expect(longestIncreasingSubsequence([1, 1, 1])).toBe(1);
    expect(longestIncreasingSubsequence([3, 1, 2, 5, 4])).toBe(3);
  });
});

describe('orderPreservation', () => {
  it('is the LIS of B-ranks in A order over n, ranks by (start, key)', () => {
    const timed = fc.uniqueArray(fc.record({ key: fc.string({ maxLength: 3 }), aStart: fc.integer({ min: 0, max: 9 }), bStart: fc.integer({ min: 0, max: 9 }) }), { selector: (t) => t.key, maxLength: 40 });
    fc.assert(fc.property(timed, (blocks) => {
      const aOrder = [...blocks].sort((x, y) => x.aStart - y.aStart || codeUnit(x.key, y.key));
      const bOrder = [...blocks].sort((x, y) => x.bStart - y.bStart || codeUnit(x.key, y.key));
      const expected = blocks.length === 0 ? null : lisQuadratic(aOrder.map((t) => bOrder.indexOf(t))) / blocks.length;
      expect(orderPreservation(blocks)).toBe(expected);
    }), { numRuns: 300 });
  });

  it('is 1 for the same order and 1/n for the reverse', () => {
    const same = [0, 1, 2, 3].map((i) => ({ key: `k${i}`, aStart: i, bStart: i + 100 }));
    expect(orderPreservation(same)).toBe(1);
    expect(orderPreservation(same.map((t) => ({ ...t, bStart: -t.aStart })))).toBe(0.25);
  });
});

describe('blockStatus', () => {
  const a = block('x', [1000, 2000]);
  it('retimes only beyond one second, in whole milliseconds', () => {
    expect(blockStatus(a, block('x', [1001, 2000]))).toBe('unchanged');
    expect(blockStatus(a, block('x', [999, 1999]))).toBe('unchanged');
    expect(blockStatus(a, block('x', [1001.001, 2000]))).toBe('retimed');
    expect(blockStatus(a, block('x', [1000, 2001.001]))).toBe('retimed');
    // Float noise around exactly one second must not cross the threshold.
    expect(blockStatus(block('x', [0.1, 0.3]), block('x', [1.1, 1.3]))).toBe('unchanged');
  });

  it('follows the table of (in A, in B, scheduled in A, scheduled in B)', () => {
    const u = block('x', null);
    expect(blockStatus(a, undefined)).toBe('only_a');
    expect(blockStatus(undefined, a)).toBe('only_b');
    expect(blockStatus(u, a)).toBe('newly_scheduled');
    expect(blockStatus(a, u)).toBe('newly_unscheduled');
    expect(blockStatus(u, u)).toBe('unscheduled_both');
    expect(blockStatus(a, a)).toBe('unchanged');
  });
});

describe('coverageCurve', () => {
  const input = fc.uniqueArray(
    fc.record({ key: fc.string({ maxLength: 3 }), aPriority: fc.integer({ min: 0, max: 5 }), bPriority: fc.integer({ min: 0, max: 5 }), aScheduled: fc.boolean(), bScheduled: fc.boolean() }),
    { selector: (c) => c.key, maxLength: 30 },
  );
  it('matches the plain definition: sort by max priority desc then key, sum each side where it schedules', () => {
    fc.assert(fc.property(input, (common: CoverageInput[]) => {
      const sorted = [...common].sort((x, y) => Math.max(y.aPriority, y.bPriority) - Math.max(x.aPriority, x.bPriority) || codeUnit(x.key, y.key));
      const cum = (r: number, side: 'a' | 'b') => sorted.slice(0, r).reduce((s, c) => s + (c[`${side}Scheduled`] ? c[`${side}Priority`] : 0), 0);
      const { figures, curve } = coverageCurve(common, true);
      expect(curve).toEqual(sorted.map((c, i) => ({ rank: i + 1, key: c.key, cum_a: cum(i + 1, 'a'), cum_b: cum(i + 1, 'b') })));
      const m = Math.min(10, sorted.length);
      expect(figures).toEqual({ coverage_final_a: cum(sorted.length, 'a'), coverage_final_b: cum(sorted.length, 'b'), coverage_lead_top10: cum(m, 'b') - cum(m, 'a') });
      expect(coverageCurve(common, false).curve).toEqual([]);
    }), { numRuns: 300 });
  });
});

describe('medianAndMad', () => {
  it('is the median and the median of absolute deviations, and leaves its input alone', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 40 }), (values) => {
      const input = Float64Array.from(values);
      const median = plainMedian(values);
      const { median: m, mad } = medianAndMad(input);
      expect(m).toBe(median);
      expect(mad).toBe(median === null ? null : plainMedian(values.map((v) => Math.abs(v - median))));
      expect(input).toEqual(Float64Array.from(values));
    }), { numRuns: 300 });
  });
});

describe('blockKey', () => {
  it('trims the original id and falls back to the decimal block id when it is empty', () => {
    expect(blockKey('  SB-7 ', 3)).toBe('SB-7');
    expect(blockKey('   ', 3)).toBe('3');
    expect(blockKey('', 12)).toBe('12');
    expect(blockKey(null, 12)).toBe('12');
  });
});

describe('comparePair', () => {
  it('counts statuses, shifts, match ratio and sorts diff rows by status, larger priority, key', () => {
    const a = compareSide(1, [block('p', [0, 100], 9, 1), block('q', [200, 300], 1, 2), block('r', null, 3, 3), block('s', [400, 500], 4, 4), block('t', null, 2, 5)]);
    const b = compareSide(2, [block('p', [0, 100], 9, 1), block('q', [260, 360], 1, 2), block('r', [0, 50], 3, 3), block('s', null, 8, 4), block('u', [10, 20], 7, 6)]);
    const r = comparePair(a, b, { rows: 100, coverage: false });
    expect(r.counts).toEqual({ only_a: 1, only_b: 1, newly_scheduled: 1, newly_unscheduled: 1, unscheduled_both: 0, retimed: 1, unchanged: 1 });
    expect(Object.keys(r.counts)).toEqual(BLOCK_STATUSES);
    expect(r.match_ratio).toBe(4 / 6);
    expect(r.median_shift_seconds).toBe(30);
    expect(r.mad_shift_seconds).toBe(30);
    expect(r.order_preservation).toBe(1);
    expect(r.rows.map((x) => [x.status, x.key])).toEqual([['newly_scheduled', 'r'], ['newly_unscheduled', 's'], ['only_a', 't'], ['only_b', 'u'], ['retimed', 'q']]);
    expect(r.rows.find((x) => x.status === 'retimed')!.shift_seconds).toBe(60);
    expect(r.rows.every((x) => x.status === 'retimed' || x.shift_seconds === null)).toBe(true);
    expect(comparePair(a, b, { rows: 2, coverage: false }).rows).toHaveLength(2);
    expect(comparePair(a, b, { rows: 0, coverage: false }).rows).toEqual([]);
  });

  it('orders rows of one status by the larger priority descending, then key', () => {
    const a = compareSide(1, [block('b', null, 1, 1), block('a', null, 1, 2), block('c', null, 5, 3)]);
    const b = compareSide(2, []);
    expect(comparePair(a, b, { rows: 10, coverage: false }).rows.map((r) => r.key)).toEqual(['c', 'a', 'b']);
  });

  it('gives null ratios for two empty schedules', () => {
    const r = comparePair(compareSide(1, []), compareSide(2, []), { rows: 5, coverage: true });
    expect([r.match_ratio, r.median_shift_seconds, r.order_preservation, r.coverage_lead_top10]).toEqual([null, null, null, 0]);
  });

  it('refuses a schedule with a duplicate key, naming the schedule and the key', () => {
    expect(() => compareSide(7, [block('k', null, 1, 1), block('k', null, 1, 2)])).toThrow(DuplicateBlockKeyError);
    expect(() => compareSide(7, [block('k', null, 1, 1), block('k', null, 1, 2)])).toThrow(/^schedule 7: block key "k" occurs twice/);
  });

  it('builds the block-status table over the union of keys', () => {
    const a = compareSide(1, [block('x', [5, 6]), block('y', null)]);
    const b = compareSide(2, [block('y', [7, 8]), block('z', null)]);
    expect(blockStatusTable([a, b])).toEqual({
      schedules: [1, 2],
      rows: [{ key: 'x', cells: [5, 'absent'] }, { key: 'y', cells: ['unscheduled', 7] }, { key: 'z', cells: ['absent', 'unscheduled'] }],
    });
  });
});

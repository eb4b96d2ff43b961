import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageRanks, rankPearson, spearman } from '../../stages/core/spearman.js';

const f64 = (values: number[]): Float64Array => Float64Array.from(values);

/** Rank by definition: values below, plus the mean position within the tie group. O(n²). */
function naiveRanks(values: number[]): number[] {
  return values.map((v) => values.filter((w) => w < v).length + (values.filter((w) => w === v).length + 1) / 2);
}

/** Textbook Pearson with means taken from the data. */
function naivePearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('averageRanks', () => {
  it('gives tied values the mean of the positions they span', () => {
    expect([...averageRanks(f64([10, 20, 20, 20, 30, 40, 40]))]).toEqual([1, 3, 3, 3, 5, 6.5, 6.5]);
    expect([...averageRanks(f64([3, 1, 2, 1]))]).toEqual([4, 1.5, 3, 1.5]);
    expect([...averageRanks(f64([5, 5, 5]))]).toEqual([2, 2, 2]);
    expect([...averageRanks(f64([-0, 0, -1]))]).toEqual([2.5, 2.5, 1]);
    expect([...averageRanks(f64([]))]).toEqual([]);
  });

  it('does not reorder its input', () => {
    const values = f64([3, 1, 2]);
    averageRanks(values);
    expect([...values]).toEqual([3, 1, 2]);
  });

  it('matches the counting definition for any input with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(-3.5, -1, 0, 0.25, 2, 1e300), { maxLength: 40 }), (values) => {
        expect([...averageRanks(f64(values))]).toEqual(naiveRanks(values));
      }),
    );
  });
});

describe('spearman', () => {
  // Expected values worked by hand from the average ranks; scipy.stats.spearmanr agrees.
  it('matches scipy on textbook cases', () => {
    // ranks y = [1, 2, 3.5, 5, 3.5]: Σdxdy = 8, Σdx² = 10, Σdy² = 9.5
    expect(spearman(f64([1, 2, 3, 4, 5]), f64([5, 6, 7, 8, 7]))).toBeCloseTo(8 / Math.sqrt(95), 15);
    expect(8 / Math.sqrt(95)).toBeCloseTo(0.8207826816681233, 15);
    // ties in both: ranks [1.5, 1.5, 3, 4] and [3, 1.5, 1.5, 4] → 2.25 / 4.5
    expect(spearman(f64([1, 1, 2, 3]), f64([2, 1, 1, 3]))).toBeCloseTo(0.5, 15);
    // ranks [1,3,3,3,5,6.5,6.5] and [4,1,2.5,2.5,7,5.5,5.5]: 16.5 / sqrt(25.5 · 27)
    expect(spearman(f64([10, 20, 20, 20, 30, 40, 40]), f64([3, 1, 2, 2, 5, 4, 4]))).toBeCloseTo(
      0.6288281455225325,
      15,
    );
  });

  it('is exactly ±1 for monotone relations and exactly 0 when the rank products cancel', () => {
    expect(spearman(f64([1, 2, 3]), f64([9, 4, 1]))).toBe(-1);
    expect(spearman(f64([1, 2, 2, 3]), f64([10, 20, 20, 1000]))).toBe(1);
    // deviations from the mean rank 2: [-1, 0, 1] and [-0.5, 1, -0.5], so Σdx·dy = 0.5 + 0 - 0.5 = 0
    expect(spearman(f64([1, 2, 3]), f64([5, 9, 5]))).toBe(0);
  });

  it('is null when either variable is constant or fewer than two values', () => {
    expect(spearman(f64([1, 2, 3]), f64([4, 4, 4]))).toBeNull();
    expect(spearman(f64([7, 7]), f64([1, 2]))).toBeNull();
    expect(spearman(f64([1]), f64([2]))).toBeNull();
    expect(spearman(f64([]), f64([]))).toBeNull();
    expect(rankPearson(f64([1]), f64([1]))).toBeNull();
  });

  it('rejects vectors of different lengths', () => {
    expect(() => spearman(f64([1, 2]), f64([1]))).toThrow(RangeError);
  });

  it('equals the textbook Pearson of the counted ranks, is symmetric and bounded', () => {
    const values = fc.array(fc.constantFrom(-2, -0.5, 0, 1, 1.5, 3, 100), { minLength: 2, maxLength: 30 });
    fc.assert(
      fc.property(
        values.chain((x) => fc.tuple(fc.constant(x), fc.array(fc.constantFrom(0, 1, 2, 3.25), { minLength: x.length, maxLength: x.length }))),
        ([x, y]) => {
          const rho = spearman(f64(x), f64(y));
          const constant = (v: number[]) => v.every((e) => e === v[0]);
          if (constant(x) || constant(y)) {
            expect(rho).toBeNull();
            return;
          }
          expect(rho).not.toBeNull();
          expect(rho!).toBeCloseTo(naivePearson(naiveRanks(x), naiveRanks(y)), 12);
          expect(spearman(f64(y), f64(x))).toBe(rho);
          expect(Math.abs(rho!)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('is unchanged by a strictly increasing transform of either variable', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -5, max: 5 })), { minLength: 2, maxLength: 30 }),
        (pairs) => {
          const x = pairs.map(([a]) => a);
          const y = pairs.map(([, b]) => b);
          expect(spearman(f64(x.map((v) => v ** 3 + 7)), f64(y.map((v) => Math.exp(v))))).toBe(spearman(f64(x), f64(y)));
        },
      ),
    );
  });
});

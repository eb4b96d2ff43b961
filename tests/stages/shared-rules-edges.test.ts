import { describe, expect, it } from 'vitest';
import * as coreBins from '../../stages/core/equal-width-bins.js';
import { priorityBucket as corePriorityBucket } from '../../stages/core/priority-bucket.js';
import { mjdToUnix as coreMjdToUnix } from '../../stages/core/time.js';
import * as legacyBins from '../../queries/legacy/legacy-equal-width-bins.js';
import { priorityBucket as legacyPriorityBucket } from '../../queries/legacy/legacy-priority-bucket.js';
import { mjdToUnix as legacyMjdToUnix } from '../../queries/legacy/legacy-time.js';

/*
 * The three rules both paths need (priority bucket, MJD → Unix, equal-width
 * bins) exist twice: the ETL's in stages/core and the legacy path's own in
 * queries/legacy. "Analytics agree with legacy" tests cannot catch a bug in
 * a rule both share, so each version is checked here against cases written
 * out by hand from SEMANTICS, at the edges: every threshold, rounding ties,
 * the last bin.
 */
const versions = [
  { name: 'stages/core', priorityBucket: corePriorityBucket, mjdToUnix: coreMjdToUnix, bins: coreBins },
  { name: 'queries/legacy', priorityBucket: legacyPriorityBucket, mjdToUnix: legacyMjdToUnix, bins: legacyBins },
];

describe.each(versions)('$name', ({ priorityBucket, mjdToUnix, bins }) => {
  it('priority bucket: quartiles of [lo, hi], each threshold going to the upper bucket; 2 when lo == hi', () => {
    const cases: [priority: number, lo: number, hi: number, bucket: number][] = [
      [0, 0, 4, 1], [0.999999, 0, 4, 1], [1, 0, 4, 2], // x = 0.25
      [1.999999, 0, 4, 2], [2, 0, 4, 3], // x = 0.5
      [2.999999, 0, 4, 3], [3, 0, 4, 4], // x = 0.75
      [4, 0, 4, 4], // the maximum
      [-7, -8, -4, 2], [-4.000001, -8, -4, 4], // a negative range
      [7, 7, 7, 2], // a constant range
      [1.25, 1, 2, 2], [1.5, 1, 2, 3], [1.75, 1, 2, 4], // the thresholds on another range
    ];
    for (const [p, lo, hi, bucket] of cases) expect(priorityBucket(p, lo, hi), `priority ${p} in [${lo}, ${hi}]`).toBe(bucket);
  });

  it('MJD → Unix seconds rounded to the millisecond, ties up (toward +∞), the product in one multiplication', () => {
    const tick = 2 ** -11; // 2^-11 day = 42,187.5 ms exactly: a tie
    const cases: [mjd: number, unix: number][] = [
      [40587, 0],
      [40587.5, 43_200],
      [40588, 86_400],
      [40587 + tick, 42.188],
      [40587 - tick, -42.187],
      [60000 + tick, 1_677_283_242.188],
      [60676, 1_735_689_600], // 2025-01-01T00:00Z
      // (d·86400)·1000 would give .597 here; SEMANTICS' value is the one multiplication by 86,400,000.
      [60836.5863610706, 1_749_564_261.596],
    ];
    for (const [mjd, unix] of cases) expect(mjdToUnix(mjd), `MJD ${mjd}`).toBe(unix);
  });

  it('equal-width bins: floor((v - min) / width), the maximum in the last bin, bounds and midpoints', () => {
    const layout = bins.binLayout(0, 10, 4);
    expect(layout).toEqual({ min: 0, width: 2.5, count: 4 });
    const index: [v: number, i: number][] = [[0, 0], [2.4999999, 0], [2.5, 1], [5, 2], [7.4999999, 2], [7.5, 3], [10, 3]];
    for (const [v, i] of index) expect(bins.binIndex(v, layout), `v = ${v}`).toBe(i);
    expect([0, 1, 2, 3].map((i) => [bins.binLower(i, layout), bins.binUpper(i, layout), bins.binMid(i, layout)])).toEqual([
      [0, 2.5, 1.25], [2.5, 5, 3.75], [5, 7.5, 6.25], [7.5, 10, 8.75],
    ]);
    // The formula in floating point, not decimal intuition: 0.3 / 0.1 = 2.9999999999999996.
    const tenths = bins.binLayout(0, 1, 10);
    expect(bins.binIndex(0.3, tenths)).toBe(2);
    expect(bins.binIndex(1, tenths)).toBe(9);
  });

  it('equal-width bins: a constant or underflowing axis is one bin 0 with min = max = mid; the count must be a positive integer', () => {
    for (const layout of [bins.binLayout(3, 3, 10), bins.binLayout(0, 5e-324, 10)]) {
      expect(layout.count).toBe(1);
      expect(layout.width).toBe(0);
      expect(bins.binIndex(layout.min, layout)).toBe(0);
      expect([bins.binLower(0, layout), bins.binUpper(0, layout), bins.binMid(0, layout)]).toEqual([layout.min, layout.min, layout.min]);
    }
    expect(bins.binLayout(-2, 2, 1)).toEqual({ min: -2, width: 4, count: 1 });
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => bins.assertBinCount(bad)).toThrow(/n_bins must be a positive integer/);
  });
});

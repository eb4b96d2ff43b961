import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PeriodBuffer } from '../../stages/core/period-buffer.js';
import { MinuteRangeBuffer, sortPeriodsByStart, toMinuteRanges, unionHours } from '../../stages/core/period-math.js';
import { MJD_UNIX_EPOCH, mjdToUnix } from '../../stages/core/time.js';

// A Unix time that is a whole hour, so minute and bin edges are easy to read.
const B = 1_699_999_200;
const M0 = B / 60;
const mjd = (unix: number) => MJD_UNIX_EPOCH + unix / 86_400;

function buffer(pairs: [number, number][], capacity = 2): PeriodBuffer {
  const buf = new PeriodBuffer(capacity);
  for (const [start, stop] of pairs) buf.push(start, stop);
  return buf;
}

function pairsOf(buf: PeriodBuffer): [number, number][] {
  return Array.from({ length: buf.length }, (_, i) => [buf.starts[i], buf.stops[i]]);
}

/** Minute ranges of periods given in seconds after B. */
function minuteRanges(periods: [number, number][]): [number, number][] {
  const buf = buffer(periods.map(([s, e]) => [mjd(B + s), mjd(B + e)]));
  sortPeriodsByStart(buf);
  const out = new MinuteRangeBuffer(1);
  toMinuteRanges(buf, out);
  return Array.from({ length: out.count }, (_, i) => [out.ranges[2 * i] - M0, out.ranges[2 * i + 1] - M0]);
}

describe('sortPeriodsByStart', () => {
  it('sorts the pairs by start, keeping each stop with its start', () => {
    const buf = buffer([[3, 4], [1, 2], [2, 5], [0.5, 1.5]], 8);
    sortPeriodsByStart(buf);
    expect(pairsOf(buf)).toEqual([[0.5, 1.5], [1, 2], [2, 5], [3, 4]]);
    expect(Array.from(buf.starts.subarray(4))).toEqual([0, 0, 0, 0]);
  });

  it('leaves sorted input unchanged', () => {
    const buf = buffer([[1, 9], [1, 2], [4, 4]]);
    sortPeriodsByStart(buf);
    expect(pairsOf(buf)).toEqual([[1, 9], [1, 2], [4, 4]]);
  });

  it('sorts any input into a permutation of its pairs', () => {
    const pair = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 20 }));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 40 }), (raw) => {
        const pairs = raw.map(([s, len]): [number, number] => [s, s + len]);
        const buf = buffer(pairs);
        sortPeriodsByStart(buf);
        const sorted = pairsOf(buf);
        for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1][0]).toBeLessThanOrEqual(sorted[i][0]);
        const key = (p: [number, number]) => `${p[0]},${p[1]}`;
        expect(sorted.map(key).sort()).toEqual(pairs.map(key).sort());
      }),
    );
  });
});

describe('unionHours', () => {
  it('counts overlaps, duplicates and zero-length periods once', () => {
    const buf = buffer([
      [60000, 60000.5],
      [60000.25, 60001],
      [60002, 60002],
      [60003, 60003.125],
      [60003, 60003.125],
    ]);
    expect(unionHours(buf)).toBe(27);
  });

  it('joins touching periods and a period inside another', () => {
    expect(unionHours(buffer([[60000, 60001], [60001, 60002]]))).toBe(48);
    expect(unionHours(buffer([[60000, 60002], [60000.5, 60001]]))).toBe(48);
  });

  it('is 0 for no periods and for zero-length ones only', () => {
    expect(unionHours(buffer([]))).toBe(0);
    expect(unionHours(buffer([[60000, 60000], [60000, 60000]]))).toBe(0);
  });

  it('equals the covered cells of a 1/64-day grid, in any input order', () => {
    // 1/64 day is exact in binary, so the grid count is an exact reference.
    const cell = 1 / 64;
    const period = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 30 }));
    fc.assert(
      fc.property(fc.array(period, { maxLength: 30 }), (cells) => {
        const covered = new Set<number>();
        for (const [first, len] of cells) for (let c = first; c < first + len; c++) covered.add(c);
        const buf = buffer(cells.map(([first, len]): [number, number] => [60000 + first * cell, 60000 + (first + len) * cell]));
        sortPeriodsByStart(buf);
        expect(unionHours(buf)).toBeCloseTo(covered.size * cell * 24, 9);
      }),
    );
  });
});

describe('MinuteRangeBuffer', () => {
  it('grows by doubling and keeps what it holds', () => {
    const out = new MinuteRangeBuffer(1);
    for (let i = 0; i < 5; i++) out.push(i, i + 10);
    expect(out.count).toBe(5);
    expect(out.ranges.length).toBe(16);
    expect(Array.from(out.ranges.subarray(0, 10))).toEqual([0, 10, 1, 11, 2, 12, 3, 13, 4, 14]);
    out.clear();
    expect(out.count).toBe(0);
  });
});

describe('toMinuteRanges', () => {
  it('maps a period to [floor(s/60), ceil(e/60))', () => {
    expect(minuteRanges([[0, 60]])).toEqual([[0, 1]]);
    expect(minuteRanges([[30, 90]])).toEqual([[0, 2]]);
    expect(minuteRanges([[-1, 1]])).toEqual([[-1, 1]]);
  });

  it('rounds to the millisecond before taking minutes', () => {
    // 59.9996 s rounds to 60.000 s, the next minute; 59.9994 s to 59.999 s.
    expect(minuteRanges([[59.9996, 120]])).toEqual([[1, 2]]);
    expect(minuteRanges([[59.9994, 120]])).toEqual([[0, 2]]);
    expect(minuteRanges([[0, 60.0004]])).toEqual([[0, 1]]);
  });

  it('merges two periods in the same minute', () => {
    expect(minuteRanges([[10, 20], [30, 40]])).toEqual([[0, 1]]);
  });

  it('merges overlapping and touching ranges, keeps separated ones', () => {
    expect(minuteRanges([[0, 150], [100, 130]])).toEqual([[0, 3]]);
    expect(minuteRanges([[0, 60], [60, 120]])).toEqual([[0, 2]]);
    expect(minuteRanges([[120, 180], [0, 60]])).toEqual([[0, 1], [2, 3]]);
  });

  it('keeps a zero-length period on a minute boundary as a point', () => {
    expect(minuteRanges([[120, 120]])).toEqual([[2, 2]]);
    expect(minuteRanges([[0, 60], [120, 120], [180, 240]])).toEqual([[0, 1], [2, 2], [3, 4]]);
  });

  it('turns a zero-length period inside a minute into that minute', () => {
    expect(minuteRanges([[150, 150]])).toEqual([[2, 3]]);
  });

  it('drops a point that another range covers or touches', () => {
    expect(minuteRanges([[60, 180], [120, 120]])).toEqual([[1, 3]]);
    expect(minuteRanges([[0, 60], [60, 60]])).toEqual([[0, 1]]);
    expect(minuteRanges([[60, 60], [60, 120]])).toEqual([[1, 2]]);
    expect(minuteRanges([[60, 120], [60, 60]])).toEqual([[1, 2]]);
  });

  it('is empty for no periods', () => {
    expect(minuteRanges([])).toEqual([]);
  });

  it('refuses minutes that do not fit in an Int32', () => {
    const out = new MinuteRangeBuffer();
    expect(() => toMinuteRanges(buffer([[60000, 1e9]]), out)).toThrow(RangeError);
    expect(() => toMinuteRanges(buffer([[-1e9, 60000]]), out)).toThrow(RangeError);
  });

  it('gives, for every minute-aligned bin, the overlap answer of the periods', () => {
    // Seconds after B: whole minutes, or any millisecond.
    const time = fc.oneof(
      fc.integer({ min: -5, max: 30 }).map((m) => m * 60),
      fc.integer({ min: -300_000, max: 1_800_000 }).map((ms) => ms / 1000),
    );
    const period = fc.tuple(time, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600_000 }).map((ms) => ms / 1000)));
    const bin = fc.tuple(fc.integer({ min: -8, max: 40 }), fc.integer({ min: 1, max: 12 }));
    fc.assert(
      fc.property(fc.array(period, { maxLength: 8 }), fc.array(bin, { minLength: 1, maxLength: 20 }), (raw, bins) => {
        const periods = raw.map(([s, len]): [number, number] => [s, s + len]);
        const ranges = minuteRanges(periods);
        for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThan(ranges[i - 1][1]);
        const unix = periods.map(([s, e]) => [mjdToUnix(mjd(B + s)) - B, mjdToUnix(mjd(B + e)) - B]);
        for (const [a, width] of bins) {
          const b = a + width;
          const byPeriods = unix.some(([s, e]) => s < b * 60 && e > a * 60);
          const byRanges = ranges.some(([s, e]) => s < b && e > a);
          expect(byRanges).toBe(byPeriods);
        }
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistogramCounter, type HistogramBin } from '../../queries/core/histogram-counter.js';
import type { LegacyBlock } from '../../queries/legacy/legacy-block.js';
import { legacyBlocks, type BlockSpec } from '../legacy-blocks.js';
import { histogramLegacy } from '../../queries/legacy/histogram-legacy.js';
import { PeriodBuffer } from '../../stages/core/period-buffer.js';
import { MinuteRangeBuffer, sortPeriodsByStart, toMinuteRanges } from '../../stages/core/period-math.js';
import { decodeMinuteRanges, encodeMinuteRanges } from '../../stages/core/minute-range-codec.js';
import { MJD_UNIX_EPOCH } from '../../stages/core/time.js';

// A Unix time that is a whole day, so minute and bin edges are easy to read.
const B = 1_699_920_000;
const mjd = (unix: number) => MJD_UNIX_EPOCH + unix / 86_400;

const legacyBlocksAt = (specs: BlockSpec[]) => legacyBlocks(specs, B);

/**
 * Stores each block's minute ranges as the ETL does (toMinuteRanges, then
 * the blob codec) and returns the decoded blobs, as the read path sees them.
 */
function storedRanges(blocks: LegacyBlock[]): Int32Array[] {
  const periods = new PeriodBuffer(2);
  const minutes = new MinuteRangeBuffer(1);
  return blocks.map((block) => {
    periods.clear();
    for (const p of block.periods) periods.push(p.start, p.stop);
    sortPeriodsByStart(periods);
    toMinuteRanges(periods, minutes);
    return decodeMinuteRanges(encodeMinuteRanges(minutes.ranges, minutes.count)).slice();
  });
}

function histogram(blocks: LegacyBlock[], startUnix: number, endUnix: number, binMinutes: number): HistogramBin[] {
  const counter = new HistogramCounter(startUnix, endUnix, binMinutes);
  for (const ranges of storedRanges(blocks)) counter.addBlock(ranges, ranges.length / 2);
  return counter.finish();
}

/** [start, end, count] per bin, times in seconds after B. */
const triples = (bins: HistogramBin[]) => bins.map((b) => [b.binStartUnix - B, b.binEndUnix - B, b.count]);

const HAND: BlockSpec[] = [
  { priority: 1, scheduled: false, periods: [[30, 150]] }, // minutes [0, 3)
  { priority: 2, scheduled: true, periods: [[60, 120], [240, 240]] }, // [1, 2) and the point 4
  { priority: 3, scheduled: false, periods: [[200, 200]] }, // inside minute 3: [3, 4)
  { priority: 4, scheduled: true, periods: [[300, 300]] }, // the point 5
  { priority: 5, scheduled: false, periods: [[420, 420]] }, // the point 7
  { priority: 6, scheduled: true, periods: [[360, 480]] }, // [6, 8)
  { priority: 7, scheduled: false, periods: [[10, 20], [30, 40], [70, 80], [90, 100]] }, // [0, 2)
];

describe.each([
  ['HistogramCounter', histogram],
  ['histogramLegacy', histogramLegacy],
] as const)('visibility histogram (%s)', (_name, compute) => {
  it('counts distinct blocks per bin, truncating the last bin at end', () => {
    // Bins [0,2) [2,4) [4,6) [6,7) in minutes. Points on an edge (4, and 7 = end)
    // count nowhere; the point 5 is strictly inside [4,6).
    expect(triples(compute(legacyBlocksAt(HAND), B, B + 420, 2))).toEqual([
      [0, 120, 3],
      [120, 240, 2],
      [240, 360, 1],
      [360, 420, 1],
    ]);
  });

  it('counts a block with several periods in one bin once', () => {
    expect(triples(compute(legacyBlocksAt(HAND.slice(6)), B, B + 240, 4))).toEqual([[0, 240, 1]]);
  });

  it('gives zeros for a window before the data', () => {
    expect(triples(compute(legacyBlocksAt(HAND), B - 7200, B, 60))).toEqual([
      [-7200, -3600, 0],
      [-3600, 0, 0],
    ]);
  });

  it('counts every block in one wide bin that covers the data', () => {
    expect(triples(compute(legacyBlocksAt(HAND), B - 3600, B + 7200, 1440))).toEqual([[-3600, 7200, 7]]);
  });

  it('names the bad parameter', () => {
    const blocks = legacyBlocksAt(HAND);
    expect(() => compute(blocks, B + 60, B + 60, 1)).toThrow(/start_unix/);
    expect(() => compute(blocks, B + 120, B + 60, 1)).toThrow(/start_unix/);
    expect(() => compute(blocks, B, B + 60, 0)).toThrow(/bin_duration_minutes/);
    expect(() => compute(blocks, B, B + 60, -5)).toThrow(/bin_duration_minutes/);
    expect(() => compute(blocks, NaN, B, 1)).toThrow(/start_unix/);
  });
});

describe('HistogramCounter', () => {
  it('requires whole minutes', () => {
    expect(() => new HistogramCounter(B + 30, B + 120, 1)).toThrow(/start_unix must be a whole minute/);
    expect(() => new HistogramCounter(B, B + 90, 1)).toThrow(/end_unix must be a whole minute/);
    expect(() => new HistogramCounter(B, B + 120, 1.5)).toThrow(/bin_duration_minutes must be a whole number/);
  });

  it('equals histogramLegacy for any width, window and filter', () => {
    // Seconds after B: whole minutes (edges), or any millisecond.
    const time = fc.oneof(
      fc.integer({ min: -30, max: 600 }).map((m) => m * 60),
      fc.integer({ min: -1_800_000, max: 36_000_000 }).map((ms) => ms / 1000),
    );
    const length = fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 240 }).map((m) => m * 60),
      fc.integer({ min: 1, max: 10_800_000 }).map((ms) => ms / 1000),
    );
    const period = fc.tuple(time, length).map(([s, len]): [number, number] => [s, s + len]);
    const spec: fc.Arbitrary<BlockSpec> = fc.record({
      priority: fc.integer({ min: 0, max: 10 }),
      scheduled: fc.boolean(),
      periods: fc.array(period, { maxLength: 5 }),
    });
    const filter = fc.record({
      priority: fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 })).map(([x, y]) => [Math.min(x, y), Math.max(x, y)]),
      status: fc.constantFrom('all', 'scheduled', 'unscheduled'),
      keep: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    });
    // Windows start before / end after the data (minutes after B), any width.
    const window = fc.tuple(
      fc.integer({ min: -1500, max: 700 }),
      fc.integer({ min: 1, max: 3000 }),
      fc.integer({ min: 1, max: 1440 }),
    );
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 10 }), filter, window, (specs, f, [startMinute, span, width]) => {
        const blocks = legacyBlocksAt(specs).filter(
          (b, i) =>
            f.keep[i] &&
            b.priority >= f.priority[0] &&
            b.priority <= f.priority[1] &&
            (f.status === 'all' || (f.status === 'scheduled') === (b.scheduledStartMjd !== null)),
        );
        const start = B + startMinute * 60;
        const end = start + span * 60;
        expect(histogram(blocks, start, end, width)).toEqual(histogramLegacy(blocks, start, end, width));
      }),
      { numRuns: 400 },
    );
  });
});

describe('histogramLegacy', () => {
  it('accepts a window that is not on whole minutes', () => {
    // Bins [30, 90) and [90, 150) s: block 0 covers [30, 150), block 1 [60, 120).
    expect(triples(histogramLegacy(legacyBlocksAt(HAND.slice(0, 2)), B + 30, B + 150, 1))).toEqual([
      [30, 90, 2],
      [90, 150, 2],
    ]);
  });
});

describe('minute range codec', () => {
  it('writes zigzag(start), length, then gap and length per range, as LEB128 varints', () => {
    // [100, 130), [200, 200), [1000, 1300): 200 = zigzag(100), 30, gap 70, 0, gap 800 = 0xa0 0x06, 300 = 0xac 0x02
    const blob = encodeMinuteRanges(Int32Array.of(100, 130, 200, 200, 1000, 1300, 7, 7), 3);
    expect([...blob]).toEqual([0xc8, 0x01, 30, 70, 0, 0xa0, 0x06, 0xac, 0x02]);
    expect([...decodeMinuteRanges(blob)]).toEqual([100, 130, 200, 200, 1000, 1300]);
  });

  it('round-trips any sorted, merged ranges, negative starts included, reusing one output buffer', () => {
    const out = new MinuteRangeBuffer(1);
    fc.assert(
      fc.property(fc.integer({ min: -2e9, max: 2e9 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }))), (first, steps) => {
        const pairs: number[] = [];
        let at = first;
        for (const [gap, len] of steps) {
          const s = pairs.length === 0 ? at : at + gap;
          if (s + len > 2 ** 31 - 1) break;
          pairs.push(s, s + len);
          at = s + len;
        }
        const ranges = Int32Array.from(pairs);
        expect([...decodeMinuteRanges(encodeMinuteRanges(ranges, ranges.length / 2), out)]).toEqual(pairs);
      }),
    );
  });

  it('copies, so reusing the source array does not change the blob', () => {
    const source = Int32Array.of(5, 6, 7, 8);
    const blob = encodeMinuteRanges(source, 2);
    source.fill(0);
    expect([...decodeMinuteRanges(blob)]).toEqual([5, 6, 7, 8]);
  });

  it('decodes an empty blob to no ranges and refuses a blob that ends inside a range', () => {
    expect(decodeMinuteRanges(encodeMinuteRanges(new Int32Array(0), 0)).length).toBe(0);
    expect(() => decodeMinuteRanges(Uint8Array.of(0xc8, 0x01))).toThrow(RangeError);
    expect(() => decodeMinuteRanges(Uint8Array.of(0xc8))).toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newBlockFacts, type BlockFacts } from '../../stages/core/block-facts.js';
import { createMinuteBinAccumulator, type MinuteBinsResult } from '../../stages/core/minute-bin-accumulator.js';
import { PeriodBuffer } from '../../stages/core/period-buffer.js';
import { MinuteRangeBuffer, sortPeriodsByStart, toMinuteRanges, unionHours } from '../../stages/core/period-math.js';
import { priorityBucket } from '../../stages/core/priority-bucket.js';
import { MJD_UNIX_EPOCH } from '../../stages/core/time.js';
import type { LegacyBlock } from '../../queries/legacy/legacy-block.js';
import { legacyBlocks, type BlockSpec } from '../legacy-blocks.js';
import { minuteBinsLegacy } from '../../queries/legacy/histogram-legacy.js';
import { maxOf, minOf } from '../../base/array-extent.js';

// A Unix time that is a whole hour, so minute and bin edges are easy to read.
const B = 1_699_999_200;
const mjd = (unix: number) => MJD_UNIX_EPOCH + unix / 86_400;

const legacyBlocksAt = (specs: BlockSpec[]) => legacyBlocks(specs, B);

/**
 * Feeds the blocks to the accumulator the way the transform does: one reused
 * BlockFacts, PeriodBuffer and MinuteRangeBuffer. The ranges are overwritten
 * after each record() to prove the accumulator copied what it kept.
 */
function accumulate(blocks: LegacyBlock[], binSeconds?: number): MinuteBinsResult {
  const acc = createMinuteBinAccumulator(binSeconds === undefined ? {} : { binSeconds });
  const lo = minOf(blocks.map((b) => b.priority));
  const hi = maxOf(blocks.map((b) => b.priority));
  const periods = new PeriodBuffer(2);
  const minutes = new MinuteRangeBuffer(1);
  const facts: BlockFacts = { ...newBlockFacts(), minuteRanges: minutes.ranges };
  for (const block of blocks) {
    periods.clear();
    for (const p of block.periods) periods.push(p.start, p.stop);
    sortPeriodsByStart(periods);
    toMinuteRanges(periods, minutes);
    facts.blockId = block.blockId;
    facts.priority = block.priority;
    facts.priorityBucket = priorityBucket(block.priority, lo, hi);
    facts.requestedHours = block.requestedDurationSec / 3600;
    facts.isScheduled = block.scheduledStartMjd !== null && block.scheduledStopMjd !== null;
    facts.scheduledStartMjd = block.scheduledStartMjd ?? NaN;
    facts.scheduledStopMjd = block.scheduledStopMjd ?? NaN;
    facts.totalVisibilityHours = unionHours(periods);
    facts.visibilityPeriodCount = block.periods.length;
    facts.visibilityInvalid = block.invalid;
    facts.minuteRanges = minutes.ranges;
    facts.minuteRangeCount = minutes.count;
    acc.record(facts);
    minutes.ranges.fill(-7);
  }
  return acc.finish();
}

function legacy(blocks: LegacyBlock[], binSeconds?: number): MinuteBinsResult {
  const lo = minOf(blocks.map((b) => b.priority));
  const hi = maxOf(blocks.map((b) => b.priority));
  return minuteBinsLegacy(blocks, lo, hi, binSeconds);
}

/** The bins as plain rows, for readable expectations. */
function rows(result: MinuteBinsResult) {
  const b = result.bins;
  return Array.from({ length: b.count }, (_, i) => ({
    index: b.binIndex[i],
    start: b.binStartUnix[i] - B,
    counts: [b.total[i], b.q1[i], b.q2[i], b.q3[i], b.q4[i], b.scheduled[i], b.unscheduled[i]],
  }));
}

// Priorities 1..4 give buckets: 1 → 1, 2 → 2, 3 → 3, 4 → 4.
const MIXED: BlockSpec[] = [
  // Two periods in minute 2: the block counts once there.
  { priority: 1, periods: [[30, 150], [160, 170]] },
  // Exactly minute 1, plus a zero-length period on the boundary at 240 s.
  { priority: 4, scheduled: true, periods: [[60, 120], [240, 240]] },
  // Zero-length inside minute 3.
  { priority: 2, periods: [[200, 200]] },
  { priority: 3, invalid: true },
  { priority: 3, scheduled: true },
  // Zero-length on a boundary, alone: stretches the time range, visible in no bin.
  { priority: 2, periods: [[1800, 1800]] },
];

describe.each([
  ['accumulator', accumulate],
  ['minuteBinsLegacy', legacy],
] as const)('minute bins (%s)', (_name, compute) => {
  it('counts distinct blocks per minute by bucket and status', () => {
    const result = compute(legacyBlocksAt(MIXED));
    expect(result.metadata).toEqual({
      time_range_start_unix: B,
      time_range_end_unix: B + 1800,
      bin_duration_seconds: 60,
      total_bins: 30,
      total_blocks: 6,
      blocks_with_visibility: 4,
      priority_min: 1,
      priority_max: 4,
      max_visible_in_bin: 2,
      mean_visible_per_bin: 5 / 30,
    });
    //                     total q1 q2 q3 q4 sched unsched
    expect(rows(result)).toEqual([
      { index: 0, start: 0, counts: [1, 1, 0, 0, 0, 0, 1] },
      { index: 1, start: 60, counts: [2, 1, 0, 0, 1, 1, 1] },
      { index: 2, start: 120, counts: [1, 1, 0, 0, 0, 0, 1] },
      { index: 3, start: 180, counts: [1, 0, 1, 0, 0, 0, 1] },
    ]);
  });

  it('uses 900-second bins on the epoch grid', () => {
    const result = compute(legacyBlocksAt(MIXED), 900);
    expect(result.metadata).toMatchObject({
      time_range_start_unix: B,
      time_range_end_unix: B + 1800,
      bin_duration_seconds: 900,
      total_bins: 2,
      max_visible_in_bin: 3,
      mean_visible_per_bin: 1.5,
    });
    // The point at 1800 s is the edge of bin 1, so bin 1 stays empty.
    expect(rows(result)).toEqual([{ index: 0, start: 0, counts: [3, 1, 1, 0, 1, 1, 2] }]);
  });

  it('aligns the time range to the bin grid, not to the first period', () => {
    const result = compute(legacyBlocksAt([{ priority: 1, periods: [[1000, 1090]] }]), 900);
    expect(result.metadata).toMatchObject({ time_range_start_unix: B + 900, time_range_end_unix: B + 1800, total_bins: 1 });
    expect(rows(result)).toEqual([{ index: 0, start: 900, counts: [1, 0, 1, 0, 0, 0, 1] }]);
  });

  it('counts a zero-length period strictly inside a 900-second bin', () => {
    // 960 s is minute 16, inside [900, 1800); 900 s is the edge.
    const result = compute(legacyBlocksAt([{ priority: 1, periods: [[960, 960]] }, { priority: 1, periods: [[900, 900]] }]), 900);
    expect(result.metadata).toMatchObject({ time_range_start_unix: B + 900, time_range_end_unix: B + 1800, total_bins: 1 });
    expect(rows(result)).toEqual([{ index: 0, start: 900, counts: [1, 0, 1, 0, 0, 0, 1] }]);
  });

  it('fills every minute for a block visible all the time', () => {
    const result = compute(legacyBlocksAt([{ priority: 5, scheduled: true, periods: [[0, 600], [300, 900], [0, 600]] }]));
    expect(result.metadata).toMatchObject({ total_bins: 15, max_visible_in_bin: 1, mean_visible_per_bin: 1 });
    expect(rows(result)).toEqual(
      Array.from({ length: 15 }, (_, k) => ({ index: k, start: 60 * k, counts: [1, 0, 1, 0, 0, 1, 0] })),
    );
  });

  it('places blocks far apart in either direction', () => {
    const day = 86_400;
    const blocks = legacyBlocksAt([
      { priority: 1, periods: [[10 * day, 10 * day + 120]] },
      { priority: 2, periods: [[0, 60]] },
      { priority: 3, periods: [[30 * day + 60, 30 * day + 120]] },
    ]);
    const result = compute(blocks);
    expect(result.metadata).toMatchObject({ time_range_end_unix: B + 30 * day + 120, total_bins: 30 * 1440 + 2 });
    expect(rows(result)).toEqual([
      { index: 0, start: 0, counts: [1, 0, 0, 1, 0, 0, 1] },
      { index: 14_400, start: 10 * day, counts: [1, 1, 0, 0, 0, 0, 1] },
      { index: 14_401, start: 10 * day + 60, counts: [1, 1, 0, 0, 0, 0, 1] },
      { index: 43_201, start: 30 * day + 60, counts: [1, 0, 0, 0, 1, 0, 1] },
    ]);
  });

  it('writes a metadata row and no bins when no block has a valid period', () => {
    const result = compute(legacyBlocksAt([{ priority: 2, invalid: true }, { priority: 7 }]));
    expect(result.metadata).toEqual({
      time_range_start_unix: 0,
      time_range_end_unix: 0,
      bin_duration_seconds: 60,
      total_bins: 0,
      total_blocks: 2,
      blocks_with_visibility: 0,
      priority_min: 2,
      priority_max: 7,
      max_visible_in_bin: 0,
      mean_visible_per_bin: null,
    });
    expect(result.bins.count).toBe(0);
    expect(result.bins.binIndex.length).toBe(0);
  });

  it('has total_bins 0 when the only period is a point on a minute edge', () => {
    const result = compute(legacyBlocksAt([{ priority: 1, periods: [[120, 120]] }]));
    expect(result.metadata).toMatchObject({
      time_range_start_unix: B + 120,
      time_range_end_unix: B + 120,
      total_bins: 0,
      blocks_with_visibility: 1,
      max_visible_in_bin: 0,
      mean_visible_per_bin: null,
    });
    expect(result.bins.count).toBe(0);
  });

  it('refuses bin widths that are not a positive multiple of 60 seconds', () => {
    for (const bad of [0, -60, 90, 60.5, NaN]) {
      expect(() => compute(legacyBlocksAt([{ priority: 1 }]), bad)).toThrow(/positive multiple of 60/);
    }
  });
});

describe('createMinuteBinAccumulator', () => {
  it('reports null priorities for a schedule without blocks', () => {
    const { metadata, bins } = createMinuteBinAccumulator({}).finish();
    expect(metadata).toMatchObject({ total_blocks: 0, priority_min: null, priority_max: null, total_bins: 0 });
    expect(bins.count).toBe(0);
  });

  it('equals minuteBinsLegacy on random schedules', () => {
    // Seconds after B: whole minutes (edges), or any millisecond; sometimes days away.
    const time = fc.oneof(
      fc.integer({ min: -10, max: 200 }).map((m) => m * 60),
      fc.integer({ min: -600_000, max: 12_000_000 }).map((ms) => ms / 1000),
      fc.integer({ min: -3, max: 3 }).map((d) => d * 86_400 + 30),
    );
    const length = fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 90 }).map((m) => m * 60),
      fc.integer({ min: 1, max: 5_400_000 }).map((ms) => ms / 1000),
    );
    const period = fc.tuple(time, length).map(([s, len]): [number, number] => [s, s + len]);
    const spec: fc.Arbitrary<BlockSpec> = fc.record({
      priority: fc.integer({ min: 0, max: 8 }).map((p) => p / 2),
      scheduled: fc.boolean(),
      invalid: fc.nat(9).map((n) => n < 2),
      periods: fc.array(period, { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 8 }), fc.constantFrom(60, 120, 900, 3600), (specs, d) => {
        const blocks = legacyBlocksAt(specs);
        expect(accumulate(blocks, d)).toEqual(legacy(blocks, d));
      }),
      { numRuns: 300 },
    );
  });
});

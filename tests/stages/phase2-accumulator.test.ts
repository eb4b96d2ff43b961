import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePhase2Legacy } from '../../queries/legacy/phase2-legacy.js';
import type { LegacyBlock, LegacyPeriod } from '../../queries/legacy/legacy-block.js';
import { newBlockFacts, type Accumulator, type BlockFacts } from '../../stages/core/block-facts.js';
import { createPhase2Accumulator } from '../../stages/core/phase2-accumulator.js';
import type { Phase2Result } from '../../stages/core/phase2-rows.js';
import { priorityBucket } from '../../stages/core/priority-bucket.js';
import { maxOf, minOf } from '../../base/array-extent.js';

const BASE = 60_000;

/** Union length in hours: sort, merge, sum. Test data uses multiples of 1/16 day, so any order is exact. */
function unionHours(periods: LegacyPeriod[]): number {
  const sorted = [...periods].sort((a, b) => a.start - b.start);
  let hours = 0;
  let start = -Infinity;
  let stop = -Infinity;
  for (const p of sorted) {
    if (p.start > stop) {
      hours += (stop - start) * 24 || 0;
      start = p.start;
      stop = p.stop;
    } else stop = Math.max(stop, p.stop);
  }
  return hours + ((stop - start) * 24 || 0);
}

/** Feeds the blocks to `acc` the way the ETL does: one BlockFacts object, reused for every block. */
function feed(acc: Accumulator<Phase2Result>, blocks: LegacyBlock[]): void {
  const lo = minOf(blocks.map((b) => b.priority));
  const hi = maxOf(blocks.map((b) => b.priority));
  const facts: BlockFacts = newBlockFacts();
  for (const b of blocks) {
    facts.blockId = b.blockId;
    facts.priority = b.priority;
    facts.priorityBucket = priorityBucket(b.priority, lo, hi);
    facts.requestedHours = b.requestedDurationSec / 3600;
    facts.isScheduled = b.scheduledStartMjd !== null && b.scheduledStopMjd !== null;
    facts.scheduledStartMjd = b.scheduledStartMjd ?? NaN;
    facts.scheduledStopMjd = b.scheduledStopMjd ?? NaN;
    facts.totalVisibilityHours = unionHours(b.periods);
    facts.visibilityPeriodCount = b.periods.length;
    facts.visibilityInvalid = b.invalid;
    acc.record(facts);
  }
}

function runAccumulator(blocks: LegacyBlock[], nBins?: number): Phase2Result {
  const acc = createPhase2Accumulator(nBins === undefined ? {} : { nBins });
  feed(acc, blocks);
  return acc.finish();
}

/** Deep equality where numbers may differ by a relative 1e-9 (SEMANTICS), and null must match null. */
function expectClose(actual: unknown, expected: unknown, path = 'result'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    const a = actual as number;
    if (a !== expected) expect(Math.abs(a - expected), path).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(a), Math.abs(expected)));
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
  } else {
    expect(actual, path).toBe(expected);
  }
}

function pickGaps(s: Phase2Result['summary']) {
  const { scheduled_union_hours, gap_count, gap_total_hours, gap_mean_hours, gap_median_hours, gap_p90_hours, gap_max_hours } = s;
  return { scheduled_union_hours, gap_count, gap_total_hours, gap_mean_hours, gap_median_hours, gap_p90_hours, gap_max_hours };
}

/** The gap columns of a schedule whose scheduled windows form at most one interval. */
function noGaps(unionHours: number) {
  return { scheduled_union_hours: unionHours, gap_count: 0, gap_total_hours: null, gap_mean_hours: null, gap_median_hours: null, gap_p90_hours: null, gap_max_hours: null };
}

let nextId = 1;
function block(
  priority: number,
  requestedDurationSec: number,
  periods: [number, number][],
  scheduled: [number, number] | null,
  invalid = false,
): LegacyBlock {
  return {
    scheduleId: 1,
    blockId: nextId++,
    raDeg: 0,
    decDeg: 0,
    priority,
    requestedDurationSec,
    minObservationSec: 0,
    minAltDeg: null,
    maxAltDeg: null,
    minAzDeg: null,
    maxAzDeg: null,
    scheduledStartMjd: scheduled === null ? null : BASE + scheduled[0],
    scheduledStopMjd: scheduled === null ? null : BASE + scheduled[1],
    periods: periods.map(([s, e]) => ({ start: BASE + s, stop: BASE + e })),
    invalid,
  };
}

/** Both paths, checked against the same expectation. */
function expectBoth(blocks: LegacyBlock[], nBins: number | undefined, expected: Phase2Result): void {
  expectClose(runAccumulator(blocks, nBins), expected, 'accumulator');
  expectClose(computePhase2Legacy(blocks, nBins), expected, 'legacy');
}

describe('createPhase2Accumulator / computePhase2Legacy, hand-computed', () => {
  it('computes a five-block schedule with ties, overlaps, an impossible and an invalid block', () => {
    const blocks = [
      // B1: 6 h visible, scheduled 3 h
      block(2.5, 3600, [[0, 0.25]], [0, 0.125]),
      // B2: overlapping periods → union [0, 0.5] = 12 h; scheduled 4.5 h, overlapping B1 and B4
      block(-2.5, 7200, [[0, 0.25], [0.125, 0.5]], [0.0625, 0.25]),
      // B3: no periods → impossible
      block(2.4, 3600, [], null),
      // B4: bad JSON → 0 h, invalid (not impossible); scheduled 1.5 h, touching B1's stop
      block(7, 10800, [], [0.125, 0.1875], true),
      // B5: a duplicated period and a zero-length one → 12 h
      block(2.5, 3600, [[1, 1.5], [1, 1.5], [2, 2]], null),
    ];
    // ranks: priority [3.5, 1, 2, 5, 3.5], visibility [3, 4.5, 1.5, 1.5, 4.5], requested [2, 4, 2, 5, 2];
    // deviations from 3 give Σpv = -3.75, Σpr = 2, Σvr = -1.5, Σp² = 9.5, Σv² = 9, Σr² = 8.
    expectBoth(blocks, 4, {
      summary: {
        total_blocks: 5,
        scheduled_blocks: 3,
        unscheduled_blocks: 2,
        impossible_blocks: 1,
        invalid_visibility_blocks: 1,
        scheduling_rate: 0.6,
        priority_min: -2.5,
        priority_max: 7,
        priority_mean: 2.38,
        priority_median: 2.5,
        priority_scheduled_mean: 7 / 3,
        priority_unscheduled_mean: 2.45,
        visibility_total_hours: 30,
        visibility_mean_hours: 6,
        visibility_min_hours: 0,
        visibility_max_hours: 12,
        requested_total_hours: 8,
        requested_mean_hours: 1.6,
        scheduled_total_hours: 9,
        corr_priority_visibility: -3.75 / Math.sqrt(9.5 * 9), // scipy: -0.40555355282690636
        corr_priority_requested: 2 / Math.sqrt(9.5 * 8), // scipy: 0.22941573387056177
        corr_visibility_requested: -1.5 / Math.sqrt(9 * 8), // scipy: -0.17677669529663687
        conflict_count: 2,
        n_bins: 4,
        // windows [0, 3 h), [1.5 h, 6 h) and [3 h, 4.5 h) make one interval: no gap
        ...noGaps(6),
      },
      priorityRates: [
        { priority_value: -3, total_count: 1, scheduled_count: 1, scheduling_rate: 1, visibility_mean_hours: 12, requested_mean_hours: 2 },
        { priority_value: 2, total_count: 1, scheduled_count: 0, scheduling_rate: 0, visibility_mean_hours: 0, requested_mean_hours: 1 },
        { priority_value: 3, total_count: 2, scheduled_count: 1, scheduling_rate: 0.5, visibility_mean_hours: 9, requested_mean_hours: 1 },
        { priority_value: 7, total_count: 1, scheduled_count: 1, scheduling_rate: 1, visibility_mean_hours: 0, requested_mean_hours: 3 },
      ],
      // width 3 over [0, 12]; 12 falls in the last bin
      visibilityBins: [
        { bin_index: 0, bin_min_hours: 0, bin_max_hours: 3, bin_mid_hours: 1.5, total_count: 2, scheduled_count: 1, scheduling_rate: 0.5 },
        { bin_index: 2, bin_min_hours: 6, bin_max_hours: 9, bin_mid_hours: 7.5, total_count: 1, scheduled_count: 1, scheduling_rate: 1 },
        { bin_index: 3, bin_min_hours: 9, bin_max_hours: 12, bin_mid_hours: 10.5, total_count: 2, scheduled_count: 1, scheduling_rate: 0.5 },
      ],
      // requested axis: width 0.5 over [1, 3]
      heatmapBins: [
        { visibility_bin_index: 0, time_bin_index: 0, visibility_mid_hours: 1.5, time_mid_hours: 1.25, total_count: 1, scheduled_count: 0, scheduling_rate: 0 },
        { visibility_bin_index: 0, time_bin_index: 3, visibility_mid_hours: 1.5, time_mid_hours: 2.75, total_count: 1, scheduled_count: 1, scheduling_rate: 1 },
        { visibility_bin_index: 2, time_bin_index: 0, visibility_mid_hours: 7.5, time_mid_hours: 1.25, total_count: 1, scheduled_count: 1, scheduling_rate: 1 },
        { visibility_bin_index: 3, time_bin_index: 0, visibility_mid_hours: 10.5, time_mid_hours: 1.25, total_count: 1, scheduled_count: 0, scheduling_rate: 0 },
        { visibility_bin_index: 3, time_bin_index: 2, visibility_mid_hours: 10.5, time_mid_hours: 2.25, total_count: 1, scheduled_count: 1, scheduling_rate: 1 },
      ],
    });
  });

  it('gives an empty schedule zero counts, null statistics and no bins', () => {
    const empty: Phase2Result = {
      summary: {
        total_blocks: 0,
        scheduled_blocks: 0,
        unscheduled_blocks: 0,
        impossible_blocks: 0,
        invalid_visibility_blocks: 0,
        scheduling_rate: 0,
        priority_min: null,
        priority_max: null,
        priority_mean: null,
        priority_median: null,
        priority_scheduled_mean: null,
        priority_unscheduled_mean: null,
        visibility_total_hours: 0,
        visibility_mean_hours: null,
        visibility_min_hours: null,
        visibility_max_hours: null,
        requested_total_hours: 0,
        requested_mean_hours: null,
        scheduled_total_hours: 0,
        corr_priority_visibility: null,
        corr_priority_requested: null,
        corr_visibility_requested: null,
        conflict_count: 0,
        n_bins: 10,
        ...noGaps(0),
      },
      priorityRates: [],
      visibilityBins: [],
      heatmapBins: [],
    };
    expect(runAccumulator([])).toEqual(empty);
    expect(computePhase2Legacy([])).toEqual(empty);
  });

  it('puts a single block in bin 0 of constant axes, with null correlations', () => {
    const result = runAccumulator([block(4, 5400, [[0, 0.25]], [0, 0.5])]);
    expect(computePhase2Legacy([block(4, 5400, [[0, 0.25]], [0, 0.5])])).toEqual(result);
    expect(result.summary).toMatchObject({
      total_blocks: 1,
      scheduled_blocks: 1,
      scheduling_rate: 1,
      priority_median: 4,
      priority_unscheduled_mean: null,
      scheduled_total_hours: 12,
      corr_priority_visibility: null,
      corr_priority_requested: null,
      corr_visibility_requested: null,
      conflict_count: 0,
    });
    expect(result.visibilityBins).toEqual([
      { bin_index: 0, bin_min_hours: 6, bin_max_hours: 6, bin_mid_hours: 6, total_count: 1, scheduled_count: 1, scheduling_rate: 1 },
    ]);
    expect(result.heatmapBins).toEqual([
      { visibility_bin_index: 0, time_bin_index: 0, visibility_mid_hours: 6, time_mid_hours: 1.5, total_count: 1, scheduled_count: 1, scheduling_rate: 1 },
    ]);
  });

  it('measures the gaps between the intervals of the union of scheduled windows', () => {
    // In 1.5 h steps: [0, 1], [2, 3] touching [3, 4], [6, 7], an empty [10, 10] and an unscheduled block.
    const windows: ([number, number] | null)[] = [[0, 1], [2, 3], [3, 4], [6, 7], [10, 10], null];
    const blocks = windows.map((w) => block(1, 3600, [], w === null ? null : [w[0] / 16, w[1] / 16]));
    const expected = {
      scheduled_union_hours: 6,
      gap_count: 2,
      gap_total_hours: 4.5,
      gap_mean_hours: 2.25,
      gap_median_hours: 2.25,
      gap_p90_hours: 1.5 + 0.9 * 1.5, // rank 0.9 between the gaps of 1.5 h and 3 h
      gap_max_hours: 3,
    };
    expectClose(pickGaps(runAccumulator(blocks).summary), expected, 'accumulator');
    expectClose(pickGaps(computePhase2Legacy(blocks).summary), expected, 'legacy');
  });

  it('takes the mean of the two middle priorities for an even count', () => {
    const blocks = [block(9, 3600, [], null), block(1, 3600, [], null), block(4, 3600, [], null), block(2, 3600, [], null)];
    expect(runAccumulator(blocks).summary.priority_median).toBe(3);
    expect(computePhase2Legacy(blocks).summary.priority_median).toBe(3);
  });

  it('rounds priorities half away from zero, like T-SQL ROUND(x, 0)', () => {
    const priorities = [-2.5, -0.5, -0.3, 0.49999999999999994, 0.5, 1.5, 2.5, 2.5];
    const blocks = priorities.map((p) => block(p, 3600, [[0, 0.125]], null));
    for (const result of [runAccumulator(blocks), computePhase2Legacy(blocks)]) {
      expect(result.priorityRates.map((r) => [r.priority_value, r.total_count])).toEqual([
        [-3, 1],
        [-1, 1],
        [0, 2],
        [1, 1],
        [2, 1],
        [3, 2],
      ]);
      expect(Object.is(result.priorityRates[2].priority_value, 0)).toBe(true);
    }
  });

  it('honours nBins for the histogram and both heatmap axes', () => {
    // visibility 0, 1.5, 3 h over 2 bins of 1.5 h: 1.5 opens bin 1
    const blocks = [block(1, 0, [], null), block(2, 1800, [[0, 0.0625]], null), block(3, 3600, [[0, 0.125]], null)];
    const result = runAccumulator(blocks, 2);
    expect(result.visibilityBins.map((b) => [b.bin_index, b.bin_min_hours, b.bin_max_hours, b.total_count])).toEqual([
      [0, 0, 1.5, 1],
      [1, 1.5, 3, 2],
    ]);
    // requested 0, 0.5, 1 h over 2 bins of 0.5 h: the last two share cell (1, 1)
    expect(result.heatmapBins.map((c) => [c.visibility_bin_index, c.time_bin_index, c.total_count])).toEqual([
      [0, 0, 1],
      [1, 1, 2],
    ]);
    expect(result.summary.n_bins).toBe(2);
  });

  it('rejects a bin count that is not a positive integer', () => {
    for (const nBins of [0, -1, 2.5, NaN]) {
      expect(() => createPhase2Accumulator({ nBins })).toThrow(RangeError);
      expect(() => computePhase2Legacy([], nBins)).toThrow(RangeError);
    }
  });

  it('grows its columns past the initial capacity', () => {
    const blocks = Array.from({ length: 3000 }, (_, i) =>
      block(
        ((i * 7) % 11) - 5 + (i % 2) / 2,
        ((i * 13) % 5) * 900,
        [[(i % 17) / 8, (i % 17) / 8 + (i % 5) / 8]],
        i % 3 === 0 ? null : [(i % 40) / 16, (i % 40) / 16 + (i % 7) / 16],
      ),
    );
    const result = runAccumulator(blocks);
    expect(result.summary.total_blocks).toBe(3000);
    expect(result.summary.scheduled_blocks).toBe(2000);
    expectClose(result, computePhase2Legacy(blocks));
  });
});

/** Random schedules whose values are drawn from small pools, so ties, constant axes and empty groups are common. */
const scheduleArb = fc
  .record({
    priorities: fc.array(fc.constantFrom(-2.5, -1.5, -0.5, -0.3, 0, 0.5, 1, 2.4, 2.5, 3.75, 7), { minLength: 1, maxLength: 4 }),
    requested: fc.array(fc.constantFrom(0, 900, 1800, 3600, 5400, 7200, 36000), { minLength: 1, maxLength: 3 }),
    visibility: fc.array(
      fc.array(
        fc.tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 8 })).map(([k, len]): [number, number] => [k / 8, (k + len) / 8]),
        { maxLength: 4 },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    scheduledMode: fc.constantFrom('none', 'mixed', 'all'),
    nBins: fc.integer({ min: 1, max: 12 }),
    blocks: fc.array(
      fc.record({
        p: fc.nat(),
        r: fc.nat(),
        v: fc.nat(),
        invalid: fc.integer({ min: 0, max: 6 }).map((k) => k === 0),
        wantScheduled: fc.boolean(),
        window: fc.oneof(
          fc.tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 6 })).map(([k, len]): [number, number] => [k / 16, (k + len) / 16]),
          fc.tuple(fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true })).map(([s, len]): [number, number] => [s, s + len]),
        ),
      }),
      { maxLength: 40 },
    ),
  })
  .map((s) => ({
    nBins: s.nBins,
    blocks: s.blocks.map((b) =>
      block(
        s.priorities[b.p % s.priorities.length],
        s.requested[b.r % s.requested.length],
        b.invalid ? [] : s.visibility[b.v % s.visibility.length],
        s.scheduledMode === 'all' || (s.scheduledMode === 'mixed' && b.wantScheduled) ? b.window : null,
        b.invalid,
      ),
    ),
  }));

describe('createPhase2Accumulator', () => {
  it('agrees with computePhase2Legacy on random schedules', () => {
    fc.assert(
      fc.property(scheduleArb, ({ blocks, nBins }) => {
        expectClose(runAccumulator(blocks, nBins), computePhase2Legacy(blocks, nBins));
      }),
      { numRuns: 500 },
    );
  });

  it('returns the same result when finish is called twice', () => {
    fc.assert(
      fc.property(scheduleArb, ({ blocks }) => {
        const acc = createPhase2Accumulator({});
        feed(acc, blocks);
        expect(acc.finish()).toEqual(acc.finish());
      }),
      { numRuns: 50 },
    );
  });
});

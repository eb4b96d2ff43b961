import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scheduleGaps, type ScheduleGaps } from '../../stages/core/schedule-gaps.js';

/**
 * The plain definition, by elementary segments: cut the line at every
 * endpoint; a segment is covered when some non-empty window contains it.
 * The union is the covered segments; a gap is a maximal run of uncovered
 * segments with covered ones on both sides.
 */
function definition(windows: [number, number][]): ScheduleGaps {
  const points = [...new Set(windows.flat())].sort((a, b) => a - b);
  let unionSeconds = 0;
  const gaps: number[] = [];
  let seenCovered = false;
  let openGap = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covered = windows.some(([s, e]) => e > s && s <= a && b <= e);
    if (covered) {
      unionSeconds += b - a;
      if (openGap > 0) gaps.push(openGap / 3600);
      openGap = 0;
      seenCovered = true;
    } else if (seenCovered) openGap += b - a;
  }
  const n = gaps.length;
  if (n === 0) {
    return { scheduled_union_hours: unionSeconds / 3600, gap_count: 0, gap_total_hours: null, gap_mean_hours: null, gap_median_hours: null, gap_p90_hours: null, gap_max_hours: null };
  }
  const sorted = [...gaps].sort((a, b) => a - b);
  const total = sorted.reduce((x, y) => x + y, 0);
  const at = (rank: number) => sorted[Math.floor(rank)] + (sorted[Math.ceil(rank)] - sorted[Math.floor(rank)]) * (rank - Math.floor(rank));
  return {
    scheduled_union_hours: unionSeconds / 3600,
    gap_count: n,
    gap_total_hours: total,
    gap_mean_hours: total / n,
    gap_median_hours: at((n - 1) / 2),
    gap_p90_hours: at(0.9 * (n - 1)),
    gap_max_hours: sorted[n - 1],
  };
}

function run(windows: [number, number][]): ScheduleGaps {
  return scheduleGaps(Float64Array.from(windows, (w) => w[0]), Float64Array.from(windows, (w) => w[1]));
}

function expectClose(actual: ScheduleGaps, expected: ScheduleGaps): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, e] of Object.entries(expected) as [keyof ScheduleGaps, number | null][]) {
    const a = actual[key];
    if (e === null || a === null) expect(a, key).toBe(e);
    else expect(Math.abs(a - e), key).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(e)));
  }
}

/** Windows on a coarse grid (touching, duplicated, zero-length and inverted ones are common) or anywhere. */
const windowArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -3, max: 8 })).map(([k, len]): [number, number] => [k * 900, (k + len) * 900]),
  fc.tuple(fc.double({ min: 1.6e9, max: 1.7e9, noNaN: true }), fc.double({ min: -1e3, max: 1e5, noNaN: true }))
    .map(([s, len]): [number, number] => [Math.round(s * 1000) / 1000, Math.round((s + len) * 1000) / 1000]),
);

describe('scheduleGaps', () => {
  it('agrees with the elementary-segment definition on random windows', () => {
    fc.assert(fc.property(fc.array(windowArb, { maxLength: 60 }), (windows) => expectClose(run(windows), definition(windows))), { numRuns: 1000 });
  });

  it('agrees on duplicated windows', () => {
    fc.assert(fc.property(fc.array(windowArb, { minLength: 1, maxLength: 20 }), (windows) => {
      expectClose(run([...windows, ...windows]), run(windows));
    }));
  });

  it('joins touching windows and ignores zero-length and inverted ones', () => {
    expectClose(run([[0, 3600], [3600, 7200], [9000, 9000], [10800, 7200], [10800, 14400]]), {
      scheduled_union_hours: 3,
      gap_count: 1,
      gap_total_hours: 1,
      gap_mean_hours: 1,
      gap_median_hours: 1,
      gap_p90_hours: 1,
      gap_max_hours: 1,
    });
  });

  it('interpolates the p90 at rank 0.9·(n−1) and takes the middle mean for an even count', () => {
    // gaps of 1, 2, 3 and 10 hours, in scrambled order
    const h = 3600;
    const r = run([[20 * h, 21 * h], [0, h], [2 * h, 3 * h], [5 * h, 6 * h], [9 * h, 10 * h]]);
    expect(r.gap_count).toBe(4);
    expect(r.gap_median_hours).toBe(2.5);
    expect(r.gap_p90_hours).toBeCloseTo(3 + 0.7 * 7, 12);
    expect(r.gap_max_hours).toBe(10);
    expect(r.gap_total_hours).toBe(16);
  });

  it('has no gap and null figures for no window or one interval', () => {
    for (const windows of [[], [[5, 5]], [[0, 10], [2, 4]]] as [number, number][][]) {
      expect(run(windows).gap_count).toBe(0);
      expect(run(windows).gap_median_hours).toBeNull();
    }
  });

  it('rejects columns of different lengths', () => {
    expect(() => scheduleGaps(new Float64Array(2), new Float64Array(1))).toThrow(RangeError);
  });
});

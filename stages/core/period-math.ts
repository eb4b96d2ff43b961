import type { PeriodBuffer } from './period-buffer.js';
import { mjdToUnix } from './time.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * Sorts one block's periods by start, in place. Periods usually arrive sorted,
 * so one pass checks that first and returns without allocating.
 */
export function sortPeriodsByStart(buf: PeriodBuffer): void {
  const { starts, stops, length } = buf;
  let sorted = true;
  for (let i = 1; i < length && sorted; i++) sorted = starts[i - 1] <= starts[i];
  if (sorted) return;

  // Sorting an index permutation keeps each start with its stop.
  const order = new Uint32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  order.sort((a, b) => starts[a] - starts[b]);
  const sortedStarts = Float64Array.from(order, (i) => starts[i]);
  const sortedStops = Float64Array.from(order, (i) => stops[i]);
  starts.set(sortedStarts);
  stops.set(sortedStops);
}

/**
 * SEMANTICS "total_visibility_hours": length of the union of the periods,
 * `(stop - start) · 24` on MJD values; overlaps and duplicates count once.
 * Expects periods sorted by start (see {@link sortPeriodsByStart}).
 */
export function unionHours(buf: PeriodBuffer): number {
  const { starts, stops, length } = buf;
  if (length === 0) return 0;
  // Hours are summed run by run, exactly as the legacy path does, so both
  // give bit-identical values and bin edges never split them.
  let hours = 0;
  let runStart = starts[0];
  let runStop = stops[0];
  for (let i = 1; i < length; i++) {
    if (starts[i] > runStop) {
      hours += (runStop - runStart) * 24;
      runStart = starts[i];
      runStop = stops[i];
    } else if (stops[i] > runStop) {
      runStop = stops[i];
    }
  }
  return hours + (runStop - runStart) * 24;
}

/**
 * Minute ranges `[start, end)` as Int32 pairs at `ranges[2i], ranges[2i + 1]`,
 * `count` pairs valid. Reused for every block; grows by doubling, never shrinks.
 */
export class MinuteRangeBuffer {
  ranges: Int32Array;
  count = 0;

  /** @param initialCapacity pairs to allocate up front (default 128). */
  constructor(initialCapacity = 128) {
    this.ranges = new Int32Array(initialCapacity * 2);
  }

  clear(): void {
    this.count = 0;
  }

  push(start: number, end: number): void {
    if (this.count * 2 === this.ranges.length) this.grow();
    this.ranges[this.count * 2] = start;
    this.ranges[this.count * 2 + 1] = end;
    this.count++;
  }

  private grow(): void {
    const ranges = new Int32Array(Math.max(2, this.ranges.length * 2));
    ranges.set(this.ranges);
    this.ranges = ranges;
  }
}

/**
 * Fills `out` with the block's merged minute ranges (see BlockFacts): for each
 * period `[s, e)` in Unix seconds, `[floor(s/60), ceil(e/60))`. A range that
 * starts at or before the end of the previous one is merged into it, so a
 * point `[m, m)` survives only where no other range covers or touches it.
 *
 * Merging touching ranges is exact for every bin `[a, b)` with `a < b`: if
 * `[s1, e1)` and `[s2, e2)` with `s1 <= s2 <= e1` become `[s1, max(e1, e2))`,
 * then `s1 < b && max(e1, e2) > a` holds iff one of the two ranges satisfies
 * it (when only `e2 > a`, `s2 <= e1 <= a < b`).
 *
 * Expects periods sorted by start; `mjdToUnix` and `floor` are monotone, so
 * the minute starts are sorted too.
 * @throws RangeError when a minute value does not fit in an Int32.
 */
export function toMinuteRanges(buf: PeriodBuffer, out: MinuteRangeBuffer): void {
  out.clear();
  const { starts, stops, length } = buf;
  if (length === 0) return;
  let runStart = minuteFloor(starts[0]);
  let runEnd = minuteCeil(stops[0]);
  for (let i = 1; i < length; i++) {
    const start = minuteFloor(starts[i]);
    const end = minuteCeil(stops[i]);
    if (start <= runEnd) {
      if (end > runEnd) runEnd = end;
      continue;
    }
    out.push(runStart, runEnd);
    runStart = start;
    runEnd = end;
  }
  out.push(runStart, runEnd);
}

function minuteFloor(mjd: number): number {
  return checkInt32(Math.floor(mjdToUnix(mjd) / 60), mjd);
}

function minuteCeil(mjd: number): number {
  return checkInt32(Math.ceil(mjdToUnix(mjd) / 60), mjd);
}

// An Int32Array would wrap an out-of-range minute silently into a wrong time.
function checkInt32(minute: number, mjd: number): number {
  if (minute < INT32_MIN || minute > INT32_MAX) {
    throw new RangeError(`visibility period MJD ${mjd} is outside the supported Unix-minute range`);
  }
  return minute;
}

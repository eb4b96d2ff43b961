import { assertHistogramParams, type HistogramBin } from '../core/histogram-counter.js';
import {
  assertBinSeconds,
  type MinuteBinColumns,
  type MinuteBinsResult,
} from '../../stages/core/minute-bin-accumulator.js';
import { priorityBucket } from './legacy-priority-bucket.js';
import { mjdToUnix } from './legacy-time.js';
import type { LegacyBlock } from './legacy-block.js';

/**
 * The Visibility Map histogram computed the plain way, straight from the
 * periods: bin `k` covers `[start + k·w, min(start + (k+1)·w, end))`, and a
 * block counts once in every bin where some period has
 * `p.start < binEnd && p.stop > binStart` (Unix seconds via `mjdToUnix`).
 * The reference for HistogramCounter; also accepts start/end that are not
 * whole minutes.
 * @throws RangeError naming the bad parameter (see assertHistogramParams).
 */
export function histogramLegacy(
  blocks: LegacyBlock[],
  startUnix: number,
  endUnix: number,
  binMinutes: number,
): HistogramBin[] {
  assertHistogramParams(startUnix, endUnix, binMinutes);
  const grid = new LegacyGrid(startUnix, endUnix, binMinutes * 60);
  const counts = new Int32Array(grid.binCount);
  blocks.forEach((block, b) => grid.forEachVisibleBin(block, b, (k) => counts[k]++));
  return Array.from(counts, (count, k) => ({ binStartUnix: grid.binStart(k), binEndUnix: grid.binEnd(k), count }));
}

/**
 * The stored minute-bin table computed the plain way: the time range from the
 * min/max period times, then for each block and bin the overlap formula.
 * `priorityLo`/`priorityHi` are the schedule's priority range for the buckets;
 * `binSeconds` defaults to 60. The reference for the minute-bin accumulator
 * and the fallback when the analytics tables are missing.
 * @throws RangeError when `binSeconds` is not a positive multiple of 60.
 */
export function minuteBinsLegacy(
  blocks: LegacyBlock[],
  priorityLo: number,
  priorityHi: number,
  binSeconds = 60,
): MinuteBinsResult {
  assertBinSeconds(binSeconds);
  let minStart = Infinity;
  let maxStop = -Infinity;
  for (const block of blocks) {
    for (const p of block.periods) {
      minStart = Math.min(minStart, mjdToUnix(p.start));
      maxStop = Math.max(maxStop, mjdToUnix(p.stop));
    }
  }
  const hasPeriods = minStart !== Infinity;
  const startUnix = hasPeriods ? Math.floor(minStart / binSeconds) * binSeconds : 0;
  const endUnix = hasPeriods ? Math.ceil(maxStop / binSeconds) * binSeconds : 0;
  const totalBins = (endUnix - startUnix) / binSeconds;

  // counts[c][k]: c = 0 total, 1..4 priority buckets, 5 scheduled, 6 unscheduled.
  const counts = Array.from({ length: 7 }, () => new Int32Array(totalBins));
  if (totalBins > 0) {
    const grid = new LegacyGrid(startUnix, endUnix, binSeconds);
    blocks.forEach((block, b) => {
      const bucket = priorityBucket(block.priority, priorityLo, priorityHi);
      const status = block.scheduledStartMjd !== null && block.scheduledStopMjd !== null ? 5 : 6;
      grid.forEachVisibleBin(block, b, (k) => {
        counts[0][k]++;
        counts[bucket][k]++;
        counts[status][k]++;
      });
    });
  }

  const rows = [...counts[0].keys()].filter((k) => counts[0][k] > 0);
  const column = (c: number) => Int32Array.from(rows, (k) => counts[c][k]);
  const bins: MinuteBinColumns = {
    count: rows.length,
    binIndex: Int32Array.from(rows),
    binStartUnix: Float64Array.from(rows, (k) => startUnix + k * binSeconds),
    total: column(0),
    q1: column(1),
    q2: column(2),
    q3: column(3),
    q4: column(4),
    scheduled: column(5),
    unscheduled: column(6),
  };
  const sum = counts[0].reduce((acc, n) => acc + n, 0);
  return {
    metadata: {
      time_range_start_unix: startUnix,
      time_range_end_unix: endUnix,
      bin_duration_seconds: binSeconds,
      total_bins: totalBins,
      total_blocks: blocks.length,
      blocks_with_visibility: blocks.filter((b) => b.periods.length > 0).length,
      priority_min: blocks.length > 0 ? blocks.reduce((acc, b) => Math.min(acc, b.priority), Infinity) : null,
      priority_max: blocks.length > 0 ? blocks.reduce((acc, b) => Math.max(acc, b.priority), -Infinity) : null,
      max_visible_in_bin: counts[0].reduce((acc, n) => Math.max(acc, n), 0),
      mean_visible_per_bin: totalBins > 0 ? sum / totalBins : null,
    },
    bins,
  };
}

/** Bins of width `w` seconds over `[start, end)`, the last one truncated at `end`. */
class LegacyGrid {
  readonly binCount: number;
  // marks[k] = 1 + index of the last block that marked bin k, so no per-block reset.
  private readonly marks: Int32Array;

  constructor(
    private readonly startUnix: number,
    private readonly endUnix: number,
    private readonly widthSeconds: number,
  ) {
    this.binCount = Math.ceil((endUnix - startUnix) / widthSeconds);
    this.marks = new Int32Array(this.binCount);
  }

  binStart(k: number): number {
    return this.startUnix + k * this.widthSeconds;
  }

  binEnd(k: number): number {
    return Math.min(this.startUnix + (k + 1) * this.widthSeconds, this.endUnix);
  }

  /**
   * Calls `visit(k)` once for every bin where a period of block number `b`
   * has `p.start < binEnd && p.stop > binStart`. Only bins that could match
   * are tested: one bin of margin on either side of the period, the formula
   * decides.
   */
  forEachVisibleBin(block: LegacyBlock, b: number, visit: (k: number) => void): void {
    for (const p of block.periods) {
      const start = mjdToUnix(p.start);
      const stop = mjdToUnix(p.stop);
      const first = Math.max(0, Math.floor((start - this.startUnix) / this.widthSeconds) - 1);
      const last = Math.min(this.binCount - 1, Math.ceil((stop - this.startUnix) / this.widthSeconds) + 1);
      for (let k = first; k <= last; k++) {
        if (start < this.binEnd(k) && stop > this.binStart(k) && this.marks[k] !== b + 1) {
          this.marks[k] = b + 1;
          visit(k);
        }
      }
    }
  }
}

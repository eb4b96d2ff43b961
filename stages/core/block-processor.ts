import { priorityBucket } from './priority-bucket.js';
import { PeriodBuffer } from './period-buffer.js';
import { MinuteRangeBuffer, sortPeriodsByStart, toMinuteRanges, unionHours } from './period-math.js';
import { decodeMinuteRanges, encodeMinuteRanges } from './minute-range-codec.js';
import { scanVisibilityPeriods } from './visibility-scanner.js';
import { newBlockFacts, type Accumulator, type BlockFacts } from './block-facts.js';
import { RowBatcher, type TableBatch } from './row-batcher.js';
import { BLOCKS_ANALYTICS, VISIBILITY_FACTS, VISIBILITY_RANGES } from '../../sql/table-specs.js';
import type { SourceBlockRow } from '../../sql/store.js';
import { factsKey, type FactsKeyRule } from '../../sql/visibility-facts.js';
import { BadInputError, TsiError } from '../../base/errors.js';
import { now, type RunMetrics } from '../../base/run-metrics.js';

export interface BlockProcessorOptions {
  scheduleId: number;
  priorityMin: number;
  priorityMax: number;
  /** Leave blocks with bad visibility JSON out (counted and reported) instead of failing. */
  lenient: boolean;
  /** Write the per-block rows (Phase 1). */
  writeBlockRows: boolean;
  /** Write each block's merged minute ranges (Phase 3, for the exact histogram). */
  writeRanges: boolean;
  /**
   * Write the visibility facts of every block whose JSON is parsed (and
   * valid), keyed by the store's rule; null: write none (--no-reuse).
   */
  factsRule: FactsKeyRule | null;
  accumulators: Accumulator<unknown>[];
  batchRows: number;
  metrics: RunMetrics;
  emit: (batch: TableBatch) => void;
}

/**
 * The transform's logic, free of stream plumbing: one source row in, its
 * per-block row and range row out (through batchers), and every accumulator
 * fed. Periods go through one reused PeriodBuffer and the facts through one
 * reused object: nothing is allocated per period.
 *
 * A row that comes with stored facts (`row.reused`) is not parsed: its
 * period count, union hours and minute ranges are the stored ones, the very
 * doubles and ranges a parse of the same JSON computed, so every row and
 * accumulator gets what a parse would have given it.
 */
export class BlockProcessor {
  readonly invalidBlockIds: number[] = [];
  readonly #o: BlockProcessorOptions;
  readonly #periods = new PeriodBuffer();
  readonly #ranges = new MinuteRangeBuffer();
  readonly #facts: BlockFacts;
  readonly #blockRows: RowBatcher | undefined;
  readonly #rangeRows: RowBatcher | undefined;
  readonly #factRows: RowBatcher | undefined;

  constructor(options: BlockProcessorOptions) {
    this.#o = options;
    this.#blockRows = options.writeBlockRows ? new RowBatcher(BLOCKS_ANALYTICS, options.batchRows, options.emit) : undefined;
    this.#rangeRows = options.writeRanges ? new RowBatcher(VISIBILITY_RANGES, options.batchRows, options.emit) : undefined;
    this.#factRows = options.factsRule !== null ? new RowBatcher(VISIBILITY_FACTS, options.batchRows, options.emit) : undefined;
    this.#facts = { ...newBlockFacts(), minuteRanges: this.#ranges.ranges };
  }

  process(row: SourceBlockRow): void {
    const o = this.#o;
    const m = o.metrics;
    const t0 = now();
    const f = this.#facts;
    const reused = row.reused;
    const json = row.visibilityJson;
    let problem: string | null = null;
    let rangesBlob: Buffer | Uint8Array | null = null;
    if (reused) {
      // Without its ranges (a populate that keeps Phase 3 needs none), the block has none here.
      if (reused.minuteRanges === null) {
        if (this.#rangeRows) throw new TsiError(`block ${row.blockId}: the source sent stored facts without the minute ranges this populate writes (a bug: please report it)`);
        this.#ranges.clear();
      } else decodeMinuteRanges(reused.minuteRanges, this.#ranges);
      f.totalVisibilityHours = reused.unionHours;
      f.visibilityPeriodCount = reused.periodCount;
      rangesBlob = reused.minuteRanges;
      m.blocksReused++;
    } else {
      if (json === null) {
        this.#periods.clear();
      } else {
        m.jsonBytes += json.length;
        m.blocksParsed++;
        problem = scanVisibilityPeriods(json, this.#periods);
      }
      if (problem !== null) {
        if (!o.lenient) throw new BadInputError(o.scheduleId, row.blockId, problem);
        this.invalidBlockIds.push(row.blockId);
        m.invalidBlocks++;
        this.#periods.clear();
      }
      sortPeriodsByStart(this.#periods);
      toMinuteRanges(this.#periods, this.#ranges);
      m.periodsParsed += this.#periods.length;
      f.totalVisibilityHours = unionHours(this.#periods);
      f.visibilityPeriodCount = this.#periods.length;
      // Bad JSON never gets facts: it is parsed (and reported) every time.
      if (this.#factRows && json !== null && problem === null) {
        const { digest, length } = factsKey(json, row.jsonKey, o.factsRule!);
        rangesBlob = encodeMinuteRanges(this.#ranges.ranges, this.#ranges.count);
        this.#factRows.values.push(row.blockId, digest, length, f.visibilityPeriodCount, f.totalVisibilityHours, this.#ranges.count, rangesBlob);
        this.#factRows.endRow();
      }
    }
    const t1 = now();
    m.seconds.parse += t1 - t0;

    const scheduled = row.scheduledStartMjd !== null && row.scheduledStopMjd !== null;
    f.blockId = row.blockId;
    f.priority = row.priority;
    f.priorityBucket = priorityBucket(row.priority, o.priorityMin, o.priorityMax);
    f.requestedHours = row.requestedDurationSec / 3600;
    f.isScheduled = scheduled;
    f.scheduledStartMjd = scheduled ? (row.scheduledStartMjd as number) : Number.NaN;
    f.scheduledStopMjd = scheduled ? (row.scheduledStopMjd as number) : Number.NaN;
    f.visibilityInvalid = problem !== null;
    f.minuteRanges = this.#ranges.ranges;
    f.minuteRangeCount = this.#ranges.count;
    for (const acc of o.accumulators) acc.record(f);

    if (this.#blockRows) {
      const v = this.#blockRows.values;
      v.push(
        o.scheduleId, row.blockId, row.raDeg, row.decDeg, row.priority, f.priorityBucket,
        row.requestedDurationSec, row.minObservationSec,
        row.minAltDeg, row.maxAltDeg, row.minAzDeg, row.maxAzDeg,
        scheduled ? 1 : 0, scheduled ? row.scheduledStartMjd : null, scheduled ? row.scheduledStopMjd : null,
        f.totalVisibilityHours, f.visibilityPeriodCount, f.visibilityInvalid ? 1 : 0,
      );
      this.#blockRows.endRow();
    }
    if (this.#rangeRows && f.minuteRangeCount > 0) {
      this.#rangeRows.values.push(
        o.scheduleId, row.blockId, row.priority, f.priorityBucket, scheduled ? 1 : 0,
        f.minuteRangeCount, rangesBlob ?? encodeMinuteRanges(f.minuteRanges, f.minuteRangeCount),
      );
      this.#rangeRows.endRow();
    }
    m.blocksRead++;
    m.seconds.accumulate += now() - t1;
  }

  /** Hands out the partial batches: call once after the last row. */
  flush(): void {
    this.#blockRows?.flush();
    this.#rangeRows?.flush();
    this.#factRows?.flush();
  }
}

import { BLOCK_STATUSES, blockStatus, shiftSeconds, type BlockStatus } from './block-status.js';
import { indexByKey, type CompareBlock } from './compare-block.js';
import { coverageCurve, type CoverageFigures, type CoverageInput, type CoveragePoint } from './coverage-curve.js';
import { diffRow, isDiff, sortDiffRows, type DiffRow } from './diff-rows.js';
import { medianAndMad } from './median-mad.js';
import { orderPreservation, type TimedBlock } from './order-preservation.js';
import { scheduleFigures, type ScheduleFigures } from './schedule-figures.js';

/** One schedule ready to be compared: its blocks, indexed by key, and its own figures. */
export interface CompareSide {
  scheduleId: number;
  blocks: readonly CompareBlock[];
  byKey: ReadonlyMap<string, CompareBlock>;
  figures: ScheduleFigures;
}

/** @throws DuplicateBlockKeyError when a key occurs twice in the schedule. */
export function compareSide(scheduleId: number, blocks: readonly CompareBlock[]): CompareSide {
  return { scheduleId, blocks, byKey: indexByKey(scheduleId, blocks), figures: scheduleFigures(blocks) };
}

/** The figures of a pair that the cache stores (not the curve, not the rows). */
export interface PairFigures extends CoverageFigures {
  counts: Record<BlockStatus, number>;
  /** common keys / |A ∪ B|; null when both schedules are empty. */
  match_ratio: number | null;
  median_shift_seconds: number | null;
  mad_shift_seconds: number | null;
  order_preservation: number | null;
}

export interface PairDetail {
  coverage: CoveragePoint[];
  /** The first `rows` diff rows, in SEMANTICS order. */
  rows: DiffRow[];
}

export interface PairOptions {
  /** Diff rows to return (0: none are built). */
  rows: number;
  coverage: boolean;
}

/** SEMANTICS "Compare read" of A with B: every key's status and the pair's figures, in O(n log n). */
export function comparePair(a: CompareSide, b: CompareSide, options: PairOptions): PairFigures & PairDetail {
  const counts = Object.fromEntries(BLOCK_STATUSES.map((s) => [s, 0])) as Record<BlockStatus, number>;
  const common: CoverageInput[] = [];
  const timed: TimedBlock[] = [];
  const rows: DiffRow[] = [];
  const visit = (key: string, inA: CompareBlock | undefined, inB: CompareBlock | undefined) => {
    const status = blockStatus(inA, inB);
    counts[status]++;
    if (options.rows > 0 && isDiff(status)) rows.push(diffRow(status, key, inA, inB));
    if (inA === undefined || inB === undefined) return;
    common.push({ key, aPriority: inA.priority, bPriority: inB.priority, aScheduled: inA.start_unix !== null, bScheduled: inB.start_unix !== null });
    if (inA.start_unix !== null && inB.start_unix !== null) timed.push({ key, aStart: inA.start_unix, bStart: inB.start_unix });
  };
  for (const block of a.blocks) visit(block.key, block, b.byKey.get(block.key));
  for (const block of b.blocks) if (!a.byKey.has(block.key)) visit(block.key, undefined, block);

  const union = a.blocks.length + b.blocks.length - common.length;
  const shifts = Float64Array.from(timed, (t) => shiftSeconds(t.aStart, t.bStart));
  const { median, mad } = medianAndMad(shifts);
  const { figures, curve } = coverageCurve(common, options.coverage);
  return {
    counts,
    match_ratio: union === 0 ? null : common.length / union,
    median_shift_seconds: median,
    mad_shift_seconds: mad,
    order_preservation: orderPreservation(timed),
    ...figures,
    coverage: curve,
    rows: sortDiffRows(rows).slice(0, options.rows),
  };
}

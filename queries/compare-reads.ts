import { ParameterError } from '../base/errors.js';
import { silentLogger } from '../base/logger.js';
import type { ScheduleComparisonsTable } from '../sql/schema.js';
import type { Store } from '../sql/store.js';
import { analyticsCompareBlocks } from './compare-block-rows.js';
import { legacyCompareBlocks } from './legacy/legacy-compare-blocks.js';
import { cacheRow, readCachedPair, readRunTokens, saveCachedPair, type CachedPair } from './comparison-cache.js';
import type { BlockStatus } from './core/block-status.js';
import { blockStatusTable, type BlockStatusTable } from './core/block-status-table.js';
import { compareSide, comparePair, type CompareSide } from './core/compare-pair.js';
import type { CoveragePoint } from './core/coverage-curve.js';
import type { DiffRow } from './core/diff-rows.js';
import type { ScheduleFigures } from './core/schedule-figures.js';
import { useAnalyticsTable, withFallback, type ReadOptions, type ReadSource } from './read-options.js';

export type { BlockStatus } from './core/block-status.js';
export type { BlockStatusTable } from './core/block-status-table.js';
export type { CoveragePoint } from './core/coverage-curve.js';
export type { DiffRow } from './core/diff-rows.js';
export type { ScheduleFigures } from './core/schedule-figures.js';
export { DuplicateBlockKeyError } from './core/compare-block.js';

/** The pair's figures, as the comparison cache stores them. */
type PairFigures = Pick<
  ScheduleComparisonsTable,
  'match_ratio' | 'median_shift_seconds' | 'mad_shift_seconds' | 'order_preservation' | 'coverage_final_a' | 'coverage_final_b' | 'coverage_lead_top10'
>;

/** The reference schedule compared with one other (SEMANTICS "Compare read"). */
export interface Comparison extends PairFigures {
  other: number;
  /** 'cache' when the stored figures answered; else the path the per-block rows came from ('legacy' when either side fell back). */
  source: 'cache' | ReadSource;
  a: ScheduleFigures;
  b: ScheduleFigures;
  counts: Record<BlockStatus, number>;
  /** [] unless options.coverage. */
  coverage: CoveragePoint[];
  /** The first options.rows diff rows in SEMANTICS order. */
  rows: DiffRow[];
}

export interface ComparisonReport {
  reference: number;
  comparisons: Comparison[];
  /** Only with options.blockStatus. */
  block_status?: BlockStatusTable;
}

export interface CompareOptions extends ReadOptions {
  /** Diff rows per comparison. @default 0 */
  rows?: number;
  /** Include the cumulative priority coverage curve. @default false */
  coverage?: boolean;
  /** Include the block-status table over all the schedules. @default false */
  blockStatus?: boolean;
}

/**
 * Compares schedule `reference` (A) with each of `others` (B), from each
 * schedule's per-block rows (analytics table, or the source tables when it
 * has none): per-schedule figures, a status per block key, shifts, order
 * preservation and priority coverage, and the first diff rows.
 *
 * When only figures are asked (no rows, curve or status table), a pair whose
 * cached figures are still current is answered from the cache. A pair
 * computed from the analytics tables refreshes its cache row.
 * @throws DuplicateBlockKeyError when a key occurs twice in a schedule,
 *   UnknownScheduleError for an unknown schedule, ParameterError for a bad `rows`.
 */
export async function compareSchedules(store: Store, reference: number, others: readonly number[], options: CompareOptions = {}): Promise<ComparisonReport> {
  const log = options.log ?? silentLogger;
  const rows = options.rows ?? 0;
  if (!Number.isInteger(rows) || rows < 0) throw new ParameterError('rows', `must be a non-negative integer, got ${rows}`);
  const coverage = options.coverage ?? false;
  const analytics = useAnalyticsTable(options);
  const figuresOnly = rows === 0 && !coverage && !options.blockStatus;
  const sides = new Map<number, Promise<{ side: CompareSide; source: ReadSource }>>();
  const side = (id: number) => {
    let loaded = sides.get(id);
    if (loaded === undefined) {
      loaded = withFallback('compare', options, () => analyticsCompareBlocks(store, id), () => legacyCompareBlocks(store, id))
        .then(({ value, source }) => ({ side: compareSide(id, value), source }));
      sides.set(id, loaded);
    }
    return loaded;
  };

  // A cache that cannot be read (e.g. a database not migrated to 005) only means computing the pair.
  const cacheUnusable = (error: Error) => {
    log.warn({ read: 'compare', err: error.message }, 'comparison cache unusable: computing from the per-block rows');
    return undefined;
  };
  const comparisons: Comparison[] = [];
  for (const other of others) {
    const cached = analytics && figuresOnly ? await readCachedPair(store, reference, other).catch(cacheUnusable) : undefined;
    if (cached !== undefined) {
      comparisons.push(comparison(other, 'cache', cached, [], []));
      continue;
    }
    // Tokens first: if a populate commits while the rows are read, the stored row is stale, never wrongly current.
    const tokens = analytics ? await readRunTokens(store, [reference, other]).catch(cacheUnusable) : undefined;
    const [a, b] = await Promise.all([side(reference), side(other)]);
    const pair = comparePair(a.side, b.side, { rows, coverage });
    const figures: CachedPair = { a: a.side.figures, b: b.side.figures, pair };
    const source = a.source === 'legacy' || b.source === 'legacy' ? 'legacy' : 'analytics';
    const tokenA = tokens?.get(reference);
    const tokenB = tokens?.get(other);
    if (source === 'analytics' && tokenA !== undefined && tokenB !== undefined) {
      await saveCachedPair(store, cacheRow(reference, other, tokenA, tokenB, figures), log);
    }
    comparisons.push(comparison(other, source, figures, pair.coverage, pair.rows));
  }
  const report: ComparisonReport = { reference, comparisons };
  if (options.blockStatus) {
    const all = await Promise.all([reference, ...others].map(side));
    report.block_status = blockStatusTable(all.map((s) => s.side));
  }
  return report;
}

function comparison(other: number, source: Comparison['source'], f: CachedPair, coverage: CoveragePoint[], rows: DiffRow[]): Comparison {
  const p = f.pair;
  return {
    other,
    source,
    a: f.a,
    b: f.b,
    counts: p.counts,
    match_ratio: p.match_ratio,
    median_shift_seconds: p.median_shift_seconds,
    mad_shift_seconds: p.mad_shift_seconds,
    order_preservation: p.order_preservation,
    coverage_final_a: p.coverage_final_a,
    coverage_final_b: p.coverage_final_b,
    coverage_lead_top10: p.coverage_lead_top10,
    coverage,
    rows,
  };
}

import { availableParallelism } from 'node:os';
import type { Phase } from '../sql/table-specs.js';

/**
 * More threads than this stop paying off: the main thread's read and write
 * are about 40% of a populate and stay serial, so past 1 + 3 workers it is
 * the bottleneck, while every worker adds its own heap and minute-bin
 * arrays (~15 MB on W10k) to the memory.
 */
export const MAX_DEFAULT_THREADS = 4;

/**
 * The default `threads` for a machine with `cores` cores: the main thread
 * keeps a core for reading and writing and each worker gets one of the rest.
 * With 2 cores or fewer that leaves no core for a worker, and a worker sharing
 * them measured slower than one thread (W10k, 2 cores, bench of 2026-12-01:
 * 0.86 s against 0.82 s, and 202 MB peak RSS against 170 MB), so the default is 1.
 */
export function defaultThreads(cores: number): number {
  return cores <= 2 ? 1 : Math.min(cores - 1, MAX_DEFAULT_THREADS);
}

/** What one populate computes and how it batches. Every field has a default. */
export interface PipelineConfig {
  /**
   * Phases to (re)compute: 1 per-block rows, 2 summaries, 3 minute bins and ranges.
   * @default [1, 2, 3]
   */
  phases: readonly Phase[];
  /**
   * Leave blocks with bad visibility JSON out (counted, reported by id)
   * instead of failing the schedule.
   * @default false
   */
  lenient: boolean;
  /**
   * Bins of the visibility-hours histogram and of each heatmap axis.
   * @default 10
   */
  nBins: number;
  /**
   * Width of the stored visibility time bins; a positive multiple of 60.
   * @default 60
   */
  binSeconds: number;
  /**
   * Rows per batch handed to the sink. Larger batches mean fewer statements
   * and more memory per batch; 1,000 measured best on W10k for SQLite.
   * @default 1000
   */
  batchRows: number;
  /**
   * Source rows per chunk between the source and the transform: amortizes
   * stream overhead (one chunk object per 256 rows, not one per row).
   * @default 256
   */
  chunkRows: number;
  /**
   * Reuse the stored visibility facts of blocks whose JSON is unchanged
   * (from any schedule's earlier populate) and store those of the blocks
   * parsed, and leave the Phase 3 minute bins in place when they come out
   * identical to the stored ones. The output is the same either way; false
   * parses every block, stores no facts and rewrites every row (`--no-reuse`).
   * @default true
   */
  reuse: boolean;
  /**
   * Threads one populate uses. 1: everything on the calling thread. N > 1:
   * the calling thread reads the source and writes, and N − 1 worker threads
   * parse and accumulate (results are identical).
   * @default defaultThreads(os.availableParallelism()): 1 on 2 cores or fewer, else cores − 1, at most MAX_DEFAULT_THREADS
   */
  threads: number;
  /**
   * Schedules with fewer blocks run on one thread whatever `threads` says:
   * starting and ending worker threads costs ~0.05–0.15 s, more than they
   * save on a small schedule (a backfill of 20 × 2,000 blocks took 5.4 s
   * with a worker per populate against 2.4 s without).
   * @default 2500
   */
  threadsMinBlocks: number;
}

export const DEFAULT_PIPELINE_CONFIG: Readonly<PipelineConfig> = Object.freeze({
  phases: Object.freeze([1, 2, 3] as Phase[]),
  lenient: false,
  nBins: 10,
  binSeconds: 60,
  batchRows: 1000,
  chunkRows: 256,
  reuse: true,
  threads: defaultThreads(availableParallelism()),
  threadsMinBlocks: 2500,
});

import { availableParallelism } from 'node:os';
import type { Phase } from '../sql/table-specs.js';

/**
 * More threads than this stop paying off: the main thread reads and writes
 * (about 40% of a populate) besides its share of the parsing, so past 4
 * threads it is the bottleneck, while every worker adds its own heap and
 * minute-bin arrays to the memory.
 */
export const MAX_DEFAULT_THREADS = 4;

/**
 * The default `threads` for a machine with `cores` cores: a thread per core,
 * at most MAX_DEFAULT_THREADS. The main thread parses too whenever the
 * workers are busy, so it counts as one of them.
 */
export function defaultThreads(cores: number): number {
  return Math.max(1, Math.min(cores, MAX_DEFAULT_THREADS));
}

/**
 * `threads` as asked, at most one per core: parsing and accumulating are
 * CPU-bound, so threads past the cores only take turns on them, each worker
 * adding its heap and minute-bin arrays (`--threads 100` on 2 cores ran 7x
 * slower and peaked at 1.5 GB).
 */
export function threadsForCores(requested: number, cores: number): number {
  return Math.min(requested, Math.max(1, cores));
}

/**
 * Schedules with fewer blocks run on one thread by default. On the 2-core
 * bench machine (2026-12-01, `--threads 2` against 1) workers lost below
 * 10,000 blocks (5,000: 0.54 s against 0.46 s), broke even at 10,000 (0.78
 * against 0.77 s) and won above (30,000: 1.40 against 1.63 s; 100,000: 3.7–4.2
 * against 4.6–5.3 s): a worker costs ~0.04 s to start and its code starts cold.
 */
export const DEFAULT_THREADS_MIN_BLOCKS = 20_000;

/** What one populate computes and how it batches. Every field has a default. */
export interface PipelineConfig {
  /**
   * Phases to (re)compute: 1 per-block rows, 2 summaries, 3 minute bins and ranges.
   * @default [1, 2, 3]
   */
  phases: readonly Phase[];
  /**
   * Write blocks with bad visibility JSON with `visibility_invalid = 1` and
   * no visibility (counted, reported by id) instead of failing the schedule.
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
   * parse and accumulate, the calling thread taking a share whenever they
   * are all busy (results are identical, row ids included). The CLI uses
   * at most one per core (threadsForCores).
   * @default defaultThreads(os.availableParallelism()): the cores, at most MAX_DEFAULT_THREADS
   */
  threads: number;
  /**
   * Schedules with fewer blocks run on one thread whatever `threads` says:
   * starting worker threads costs more than they save on a small schedule.
   * @default DEFAULT_THREADS_MIN_BLOCKS
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
  threadsMinBlocks: DEFAULT_THREADS_MIN_BLOCKS,
});

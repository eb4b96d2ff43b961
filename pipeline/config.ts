import type { Phase } from '../sql/table-specs.js';

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
   * parsed. The output is the same either way; false parses every block and
   * stores no facts (`--no-reuse`).
   * @default true
   */
  reuse: boolean;
}

export const DEFAULT_PIPELINE_CONFIG: Readonly<PipelineConfig> = Object.freeze({
  phases: Object.freeze([1, 2, 3] as Phase[]),
  lenient: false,
  nBins: 10,
  binSeconds: 60,
  batchRows: 1000,
  chunkRows: 256,
  reuse: true,
});

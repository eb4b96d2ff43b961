/*
 * populate on the embedded default: `populateSchedule` of one generated
 * schedule, all phases, Phase 1 only and phases 1+2 (so the differences show
 * what Phase 2 and Phase 3 add), one run per fresh child process so the peak
 * RSS is this run's alone.
 *
 * Fixtures: W10k, W30k, W100k (10,000 / 30,000 / 100,000 blocks × 183 nights, seed 1), see fixtures.ts.
 * Run: npm run bench (all three sizes) or npm run bench -- --quick (W10k only).
 * Medians of 3 (full run, 2-core Intel Xeon VM shared with other jobs (load average ~7.6), Node 20.20.2, 2026-11-26):
 *   W10k all phases 1.96 s, 166 MB peak RSS; Phase 1 only 1.30 s; phases 1+2 1.29 s;
 *   W30k all phases 6.72 s, 171 MB; W100k all phases 11.5 s, 179 MB. Full table: bench/README.md.
 */
import type { Phase } from '../sql/table-specs.js';
import { openStore } from '../sql/create-store.js';
import { populateSchedule, type PopulateSummary } from '../pipeline/populate.js';

/** A named populate variant: which phases it computes. */
export interface PopulateVariant {
  name: string;
  phases: readonly Phase[];
}

/** The variants, in the order the table shows them. */
export const POPULATE_VARIANTS: readonly PopulateVariant[] = [
  { name: 'phase 1', phases: [1] },
  { name: 'phases 1+2', phases: [1, 2] },
  { name: 'all phases', phases: [1, 2, 3] },
];

export interface PopulateRunArgs {
  /** A fresh copy of a fixture database. */
  path: string;
  scheduleId: number;
  phases: readonly Phase[];
  /** Stored time-bin width; the pipeline default (60) when omitted. */
  binSeconds?: number;
  /** Threads of the populate; the pipeline default when omitted. */
  threads?: number;
  /** Blocks below which the populate runs on one thread; the pipeline default when omitted. */
  threadsMinBlocks?: number;
}

export type PopulateRunResult = Pick<PopulateSummary, 'blocks' | 'periods' | 'jsonBytes' | 'seconds' | 'rowsWritten'>;

/**
 * One `populateSchedule` on `args.path`; its own clocks (`seconds.total`
 * covers begin to commit, per-stage seconds as the pipeline counts them).
 */
export async function populateOnce(args: PopulateRunArgs): Promise<PopulateRunResult> {
  const store = await openStore(args.path);
  try {
    const options = { phases: args.phases, binSeconds: args.binSeconds, threads: args.threads, threadsMinBlocks: args.threadsMinBlocks };
    const { blocks, periods, jsonBytes, seconds, rowsWritten } = await populateSchedule(store, args.scheduleId, options);
    return { blocks, periods, jsonBytes, seconds, rowsWritten };
  } finally {
    await store.close();
  }
}

/**
 * Named counters and per-stage clocks of one populate. Stages add to them;
 * nothing is formatted until the run is reported.
 */
export interface RunMetrics {
  blocksRead: number;
  /** Blocks whose stored visibility facts were used instead of parsing their JSON. */
  blocksReused: number;
  /** Blocks whose visibility JSON text was parsed (blocks without JSON are neither parsed nor reused). */
  blocksParsed: number;
  periodsParsed: number;
  /** Characters of visibility JSON scanned (the JSON is ASCII: bytes). */
  jsonBytes: number;
  invalidBlocks: number;
  batchesWritten: number;
  rowsWritten: Record<string, number>;
  /** Seconds spent in each stage; the stages interleave on one thread. */
  seconds: { read: number; parse: number; accumulate: number; write: number; finish: number; commit: number };
}

export function newRunMetrics(): RunMetrics {
  return {
    blocksRead: 0,
    blocksReused: 0,
    blocksParsed: 0,
    periodsParsed: 0,
    jsonBytes: 0,
    invalidBlocks: 0,
    batchesWritten: 0,
    rowsWritten: {},
    seconds: { read: 0, parse: 0, accumulate: 0, write: 0, finish: 0, commit: 0 },
  };
}

/** Monotonic seconds, for stage clocks. */
export function now(): number {
  return performance.now() / 1000;
}

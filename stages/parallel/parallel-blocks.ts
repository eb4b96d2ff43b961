import type { RunMetrics } from '../../base/run-metrics.js';
import type { SourceSnapshot, WriteTx } from '../../sql/store.js';
import { writeBatch } from '../analytics-sink.js';
import { blockSource } from '../block-source.js';
import { replayBlockFacts } from '../core/block-facts-columns.js';
import type { Accumulator } from '../core/block-facts.js';
import type { MinuteBinState } from '../core/minute-bin-accumulator.js';
import { unpackTableBatch } from '../core/table-batch-codec.js';
import type { BlockWorkerSetup } from './block-worker-messages.js';
import { BlockWorkerPool, type ChunkResult } from './block-worker-pool.js';

/** Chunks each worker may hold at once: one being processed and one waiting, so it never idles. */
const CHUNKS_PER_WORKER = 2;

export interface ParallelBlocksOptions {
  setup: BlockWorkerSetup;
  workers: number;
  /** Accumulators fed on this thread, in block order, from the workers' recorded facts (Phase 2). */
  replayInto: readonly Accumulator<unknown>[];
  metrics: RunMetrics;
}

export interface ParallelBlocksResult {
  /** Blocks left out by lenient mode, in block-id order. */
  invalidBlockIds: number[];
  /** Each worker's minute-bin counts (Phase 3), to merge. */
  minuteBins: MinuteBinState[];
}

/**
 * The parallel form of source → transform → sink: this thread reads the
 * source in chunks of `batchRows` blocks and writes the batches; workers
 * parse and accumulate. Answers are consumed in chunk order, so the writes,
 * the Phase 2 replay, the invalid ids and the first error are those of a
 * one-thread run. At most `CHUNKS_PER_WORKER` chunks per worker are in
 * flight: when they are, the source is not read (backpressure).
 */
export async function runBlocksInWorkers(snapshot: SourceSnapshot, tx: WriteTx, o: ParallelBlocksOptions): Promise<ParallelBlocksResult> {
  const pool = new BlockWorkerPool(o.setup, o.workers);
  const invalidBlockIds: number[] = [];
  const inFlight: Promise<ChunkResult>[] = [];
  const consume = async (result: ChunkResult) => {
    const m = o.metrics;
    m.blocksRead += result.counts.blocksRead;
    m.periodsParsed += result.counts.periodsParsed;
    m.jsonBytes += result.counts.jsonBytes;
    m.invalidBlocks += result.counts.invalidBlocks;
    m.seconds.parse += result.counts.parseSeconds;
    m.seconds.accumulate += result.counts.accumulateSeconds;
    if (result.facts) replayBlockFacts(result.facts, o.replayInto);
    invalidBlockIds.push(...result.invalidBlockIds);
    for (const batch of result.batches) await writeBatch(tx, unpackTableBatch(batch), m);
  };
  try {
    let seq = 0;
    for await (const rows of blockSource(snapshot, o.setup.batchRows, o.metrics)) {
      const answer = pool.submit(seq++, rows);
      // Awaited in order below; this only keeps a failure that arrives early from counting as unhandled.
      answer.catch(() => {});
      inFlight.push(answer);
      while (inFlight.length >= pool.size * CHUNKS_PER_WORKER) await consume(await inFlight.shift()!);
    }
    while (inFlight.length > 0) await consume(await inFlight.shift()!);
    return { invalidBlockIds, minuteBins: await pool.finish() };
  } finally {
    await pool.terminate();
  }
}

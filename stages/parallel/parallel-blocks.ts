import type { RunMetrics } from '../../base/run-metrics.js';
import type { SourceBlockRow, SourceBlocksOptions, SourceSnapshot, WriteTx } from '../../sql/store.js';
import { writeBatch } from '../analytics-sink.js';
import { blockSource } from '../block-source.js';
import { replayBlockFacts } from '../core/block-facts-columns.js';
import type { Accumulator } from '../core/block-facts.js';
import { BlockProcessor } from '../core/block-processor.js';
import type { TableBatch } from '../core/row-batcher.js';
import type { MinuteBinState } from '../core/minute-bin-accumulator.js';
import { unpackTableBatch } from '../core/table-batch-codec.js';
import type { BlockWorkerSetup } from './block-worker-messages.js';
import { BlockWorkerPool, type ChunkResult } from './block-worker-pool.js';

/** Chunks each worker may hold at once: one being processed and one waiting, so it never idles. */
const CHUNKS_PER_WORKER = 2;

/**
 * A chunk handed to a worker ends after this many JSON characters: what is in
 * flight stays small whatever the blocks' size (W10k, 9 KB a block, peaked at
 * 223 MB RSS with chunks of 256 blocks and 180 MB with 64).
 */
const WORKER_CHUNK_CHARS = 512 * 1024;

/**
 * A chunk with more JSON characters than this is parsed on this thread, in
 * its turn: handing it over would add two copies of its text (the bytes and
 * the worker's string); a 50 MB value measured 280 MB peak RSS that way
 * against 185 MB inline.
 */
const INLINE_CHUNK_CHARS = 16 * 1024 * 1024;

export interface ParallelBlocksOptions {
  setup: BlockWorkerSetup;
  workers: number;
  /** Source rows per chunk handed to a worker. */
  chunkRows: number;
  /** How the source reads the blocks. */
  blocks: SourceBlocksOptions;
  /** Accumulators fed on this thread, in block order, from the workers' recorded facts (Phase 2). */
  replayInto: readonly Accumulator<unknown>[];
  /** Every accumulator of this thread, for chunks parsed here (Phase 2 and the Phase 3 the workers' counts merge into). */
  inlineAccumulators: readonly Accumulator<unknown>[];
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
 * source in chunks and writes the batches; workers parse and accumulate.
 * Answers are consumed in chunk order, so the Phase 2 replay, the invalid
 * ids and the first error are those of a one-thread run; the rows written
 * are the same, in other batches (each worker fills its own). At most
 * `CHUNKS_PER_WORKER` chunks per worker are in flight: when they are, the
 * source is not read (backpressure).
 */
export async function runBlocksInWorkers(snapshot: SourceSnapshot, tx: WriteTx, o: ParallelBlocksOptions): Promise<ParallelBlocksResult> {
  const pool = new BlockWorkerPool(o.setup, o.workers);
  const invalidBlockIds: number[] = [];
  const inFlight: Promise<ChunkResult | SourceBlockRow[]>[] = [];
  const batches: TableBatch[] = [];
  let inline: BlockProcessor | undefined;
  const consume = async (result: ChunkResult | SourceBlockRow[]) => {
    const m = o.metrics;
    if (Array.isArray(result)) {
      inline ??= new BlockProcessor({ ...o.setup, accumulators: [...o.inlineAccumulators], metrics: m, emit: (b) => batches.push(b) });
      for (const row of result) inline.process(row);
      invalidBlockIds.push(...inline.invalidBlockIds.splice(0));
      for (const batch of batches.splice(0)) await writeBatch(tx, batch, m);
      return;
    }
    m.blocksRead += result.counts.blocksRead;
    m.blocksParsed += result.counts.blocksParsed;
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
    for await (const sourceChunk of blockSource(snapshot, o.chunkRows, o.metrics, o.blocks)) {
      for (const { rows, chars, reused } of splitRuns(sourceChunk as SourceBlockRow[], WORKER_CHUNK_CHARS)) {
        const answer = reused || chars > INLINE_CHUNK_CHARS ? Promise.resolve(rows) : pool.submit(rows);
        // Awaited in order below; this only keeps a failure that arrives early from counting as unhandled.
        answer.catch(() => {});
        inFlight.push(answer);
        while (inFlight.length >= pool.size * CHUNKS_PER_WORKER) await consume(await inFlight.shift()!);
      }
    }
    while (inFlight.length > 0) await consume(await inFlight.shift()!);
    const rest = await pool.finish();
    inline?.flush();
    for (const batch of [...batches.splice(0), ...rest.batches.map(unpackTableBatch)]) await writeBatch(tx, batch, o.metrics);
    return { invalidBlockIds, minuteBins: rest.minuteBins };
  } finally {
    await pool.terminate();
  }
}

/**
 * Consecutive runs of `rows`: runs of blocks with stored visibility facts
 * (`reused`: nothing to parse, so they are processed on this thread, and
 * the facts need no codec to a worker) and runs of blocks to parse, each
 * ending at the first row that takes it to `maxChars` characters of JSON.
 */
function* splitRuns(rows: readonly SourceBlockRow[], maxChars: number): Generator<{ rows: SourceBlockRow[]; chars: number; reused: boolean }> {
  let start = 0;
  let chars = 0;
  for (let i = 0; i < rows.length; i++) {
    const reused = Boolean(rows[i].reused);
    chars += rows[i].visibilityJson?.length ?? 0;
    if (chars >= maxChars || i === rows.length - 1 || Boolean(rows[i + 1].reused) !== reused) {
      yield { rows: rows.slice(start, i + 1), chars, reused };
      start = i + 1;
      chars = 0;
    }
  }
}

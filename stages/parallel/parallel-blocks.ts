import type { RunMetrics } from '../../base/run-metrics.js';
import type { SourceBlockRow, SourceBlocksOptions, SourceSnapshot, WriteTx } from '../../sql/store.js';
import { writeBatch } from '../analytics-sink.js';
import { blockSource } from '../block-source.js';
import { BlockFactsRecorder, replayBlockFacts, type PackedBlockFacts } from '../core/block-facts-columns.js';
import type { Accumulator } from '../core/block-facts.js';
import { BlockProcessor } from '../core/block-processor.js';
import type { TableBatch } from '../core/row-batcher.js';
import type { MinuteBinState } from '../core/minute-bin-accumulator.js';
import { unpackTableBatch } from '../core/table-batch-codec.js';
import type { BlockWorkerSetup } from './block-worker-messages.js';
import { BlockWorkerPool, type ChunkResult } from './block-worker-pool.js';
import { InOrderRows } from './in-order-rows.js';

/**
 * Source rows per chunk on this path (fewer when `chunkRows` says so): W100k
 * peaked at 205 MB RSS with 32 or 64 rows against 246 MB with 256, whose
 * strings outlive the young generation while their chunk is shared out.
 */
const CHUNK_ROWS = 32;

/**
 * Chunks each worker may hold at once, so it stays busy while this thread
 * writes or processes a chunk of its own (W100k, 2 threads: 3.8–3.9 s with
 * 4, 3.7–3.9 s with 16, 4.3–4.8 s with 2 and chunks of 256 rows).
 */
const CHUNKS_PER_WORKER = 4;

/**
 * Runs this thread may process ahead of the oldest unanswered worker run,
 * whose results wait to be written in order. A worker starts cold, so a
 * short window held this thread back (W10k, 2 threads: 0.84 s with 4,
 * 0.77–0.81 s with 64); 64 runs of at most 32 blocks hold ~2,000 blocks' rows.
 */
const LOCAL_RUNS_AHEAD = 64;

/**
 * A run of blocks to parse between runs of reused blocks goes to a worker
 * only from this many blocks or characters of JSON: a worker message costs
 * more than parsing a few blocks here. With a fifth of the blocks edited at
 * random, single-block messages made 2 threads 1.5x slower than one.
 */
const MIN_WORKER_RUN_ROWS = 8;
const MIN_WORKER_RUN_CHARS = 64 * 1024;

/**
 * A chunk handed to a worker ends after this many JSON characters: what is in
 * flight stays small whatever the blocks' size (W10k, 9 KB a block, peaked at
 * 223 MB RSS with chunks of 256 blocks and 180 MB with 64).
 */
const WORKER_CHUNK_CHARS = 512 * 1024;

/**
 * A chunk with more JSON characters than this is parsed on this thread:
 * handing it over would add two copies of its text (the bytes and
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
  /** Accumulators fed on this thread in block order, from recorded facts (Phase 2, whose float sums depend on the order). */
  replayInto: readonly Accumulator<unknown>[];
  /** Accumulators fed on this thread as it processes its share of the chunks, in any order (Phase 3: its counts add up). */
  unorderedAccumulators: readonly Accumulator<unknown>[];
  metrics: RunMetrics;
}

export interface ParallelBlocksResult {
  /** Blocks left out by lenient mode, in block-id order. */
  invalidBlockIds: number[];
  /** Each worker's minute-bin counts (Phase 3), to merge. */
  minuteBins: MinuteBinState[];
  /** Worker threads started: none when no block needed parsing. */
  workersStarted: number;
}

/** A run processed on this thread: what is left to do with it in its turn. */
interface LocalResult {
  batches: TableBatch[];
  facts: PackedBlockFacts | null;
  invalidBlockIds: number[];
}

interface Queued {
  answer: Promise<ChunkResult | LocalResult>;
  settled: boolean;
}

/**
 * The parallel form of source → transform → sink. This thread reads the
 * source in chunks, splits them into runs, hands each run to parse to a
 * worker that has room, and processes a run itself when none has: it
 * shares the parsing instead of waiting. Results are consumed in run order,
 * so the Phase 2 replay, the invalid ids, the first error and the rows
 * written (hence their ids) are those of a one-thread run. Runs held are
 * bounded (CHUNKS_PER_WORKER per worker, LOCAL_RUNS_AHEAD here): when they
 * are all taken, the source is not read (backpressure).
 */
export async function runBlocksInWorkers(snapshot: SourceSnapshot, tx: WriteTx, o: ParallelBlocksOptions): Promise<ParallelBlocksResult> {
  const m = o.metrics;
  const pool = new BlockWorkerPool(o.setup, o.workers);
  const local = new LocalShare(o);
  const rows = new InOrderRows(o.setup.batchRows);
  // A run this thread processes while nothing is queued before it goes straight through: Phase 2
  // fed in order, rows into the in-order batches, nothing recorded or packed. A populate whose
  // blocks all reuse stored facts so runs as on one thread (W100k: 1.46 s through LocalShare, 1.33 s inline).
  const direct = new BlockProcessor({ ...o.setup, accumulators: [...o.replayInto, ...o.unorderedAccumulators], metrics: m, emit: (batch) => rows.add(batch) });
  const invalidBlockIds: number[] = [];
  const queue: Queued[] = [];
  const consume = async (result: ChunkResult | LocalResult) => {
    if ('counts' in result) {
      for (const batch of result.batches) rows.add(unpackTableBatch(batch));
      m.blocksRead += result.counts.blocksRead;
      m.blocksParsed += result.counts.blocksParsed;
      m.periodsParsed += result.counts.periodsParsed;
      m.jsonBytes += result.counts.jsonBytes;
      m.invalidBlocks += result.counts.invalidBlocks;
      m.seconds.parse += result.counts.parseSeconds;
      m.seconds.accumulate += result.counts.accumulateSeconds;
    } else for (const batch of result.batches) rows.add(batch);
    if (result.facts) replayBlockFacts(result.facts, o.replayInto);
    invalidBlockIds.push(...result.invalidBlockIds);
    for (const full of rows.take()) await writeBatch(tx, full, m);
  };
  const enqueue = (answer: Promise<ChunkResult | LocalResult>) => {
    const queued: Queued = { answer, settled: false };
    const settle = () => void (queued.settled = true);
    answer.then(settle, settle);
    queue.push(queued);
  };
  // The oldest run's failure, or a failure writing its rows, is the populate's.
  const consumeHead = async () => {
    try {
      await consume(await queue.shift()!.answer);
    } catch (error) {
      throw new HeadFailure(error);
    }
  };
  try {
    try {
      reading: for await (const sourceChunk of blockSource(snapshot, Math.min(o.chunkRows, CHUNK_ROWS), m, o.blocks)) {
        for (const run of splitRuns(sourceChunk as SourceBlockRow[], WORKER_CHUNK_CHARS)) {
          const toWorker = !run.local && run.chars <= INLINE_CHUNK_CHARS && pool.pending < pool.size * CHUNKS_PER_WORKER;
          if (!toWorker && queue.length === 0) {
            for (const row of run.rows) direct.process(row);
            invalidBlockIds.push(...direct.invalidBlockIds.splice(0));
            for (const full of rows.take()) await writeBatch(tx, full, m);
            continue;
          }
          // The rows processed directly so far come before this run's.
          direct.flush();
          if (toWorker) {
            const answer = pool.submit(run.rows);
            // Awaited in order below; this only keeps a failure that arrives early from counting as unhandled.
            answer.catch(() => {});
            enqueue(answer);
          } else {
            const answer = local.process(run.rows);
            answer.catch(() => {});
            enqueue(answer);
            // No run after a failed one is read: the failure (or an earlier one) ends the populate below.
            if (local.failed) break reading;
            // This thread's work never yields to the event loop by itself: let the workers' answers in.
            if (pool.pending > 0) await new Promise(setImmediate);
          }
          while (queue.length > 0 && queue[0].settled) await consumeHead();
          while (queue.length >= pool.size * CHUNKS_PER_WORKER + LOCAL_RUNS_AHEAD) await consumeHead();
        }
      }
      while (queue.length > 0) await consumeHead();
    } catch (error) {
      if (error instanceof HeadFailure) throw error.error;
      // The source, a worker's start or a run processed directly failed: that comes after every
      // queued run, and the first failure among those is the one a one-thread run reports.
      for (const queued of queue.splice(0)) await queued.answer;
      throw error;
    }
    direct.flush();
    const rest = await pool.finish();
    for (const batch of rows.flush()) await writeBatch(tx, batch, m);
    return { invalidBlockIds, minuteBins: rest.minuteBins, workersStarted: pool.started };
  } finally {
    await pool.terminate();
  }
}

/** A failure of the oldest queued run (or of writing its rows), told apart from one that comes after every queued run. */
class HeadFailure {
  constructor(readonly error: unknown) {}
}

/** This thread's share of the blocks: processed as they come, their Phase 2 facts recorded for the in-order replay. */
class LocalShare {
  failed = false;
  readonly #processor: BlockProcessor;
  readonly #recorder: BlockFactsRecorder | undefined;
  readonly #batches: TableBatch[] = [];

  constructor(o: ParallelBlocksOptions) {
    this.#recorder = o.replayInto.length > 0 ? new BlockFactsRecorder() : undefined;
    this.#processor = new BlockProcessor({
      ...o.setup,
      accumulators: [...o.unorderedAccumulators, ...(this.#recorder ? [this.#recorder] : [])],
      metrics: o.metrics,
      emit: (batch) => this.#batches.push(batch),
    });
  }

  process(rows: readonly SourceBlockRow[]): Promise<LocalResult> {
    try {
      for (const row of rows) this.#processor.process(row);
      // Each run's rows leave with it, to be written in run order.
      this.#processor.flush();
    } catch (error) {
      this.failed = true;
      return Promise.reject(error);
    }
    return Promise.resolve({
      batches: this.#batches.splice(0),
      facts: this.#recorder?.take() ?? null,
      invalidBlockIds: this.#processor.invalidBlockIds.splice(0),
    });
  }
}

/**
 * Consecutive runs of `rows`: runs of blocks with stored visibility facts and
 * runs of blocks without, each ending at the first row that takes it to
 * `maxChars` characters of JSON. A run is `local`, processed on this thread,
 * when a worker would gain nothing on it: it has nothing to parse (facts
 * reused, or no JSON at all), or it is a short run between reused blocks.
 */
function* splitRuns(rows: readonly SourceBlockRow[], maxChars: number): Generator<{ rows: SourceBlockRow[]; chars: number; local: boolean }> {
  const mixed = rows.some((row) => row.reused) && rows.some((row) => !row.reused);
  let start = 0;
  let chars = 0;
  for (let i = 0; i < rows.length; i++) {
    const reused = Boolean(rows[i].reused);
    chars += rows[i].visibilityJson?.length ?? 0;
    if (chars >= maxChars || i === rows.length - 1 || Boolean(rows[i + 1].reused) !== reused) {
      const short = mixed && i + 1 - start < MIN_WORKER_RUN_ROWS && chars < MIN_WORKER_RUN_CHARS;
      yield { rows: rows.slice(start, i + 1), chars, local: reused || chars === 0 || short };
      start = i + 1;
      chars = 0;
    }
  }
}

import { Worker } from 'node:worker_threads';
import { workerScript } from '../../base/worker-script.js';
import type { MinuteBinState } from '../core/minute-bin-accumulator.js';
import { packSourceChunk, sourceChunkTransfers } from '../core/source-chunk-codec.js';
import type { SourceBlockRow } from '../../sql/store.js';
import type { BlockWorkerSetup, ChunkDone, FromWorker, ToWorker } from './block-worker-messages.js';
import { failureError, type WorkerFailure } from './worker-failure.js';

/**
 * A worker's heap stays small: it holds a few chunks' strings at a time. The
 * limits make V8 collect before its heap grows (W100k peak RSS with one
 * worker: 247 MB without them, 218 MB with). Minute-bin arrays and message
 * buffers live outside the heap and do not count.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 };

/**
 * Text buffers kept for reuse per worker. Allocating one per chunk (~0.3 MB)
 * and freeing it on the other thread grew glibc's heaps: W100k on 2 threads
 * peaked ~20 MB higher than with the buffers going round.
 */
const SPARE_TEXTS_PER_WORKER = 8;

/**
 * A text buffer larger than this (a chunk of one huge block) is not kept:
 * it would go round again for every later small chunk.
 */
const MAX_SPARE_TEXT_BYTES = 2 * 1024 * 1024;

interface Waiting {
  resolve(value: FromWorker): void;
  reject(error: Error): void;
  /** Blocks of the chunk, to name in an error if the worker dies on it. */
  firstBlockId: number | null;
  lastBlockId: number | null;
}

/** One worker thread and the answers it owes, oldest first (a worker answers in order). */
class BlockWorker {
  readonly #worker: Worker;
  readonly #waiting: Waiting[] = [];
  readonly #exited: Promise<void>;
  #failure: Error | undefined;
  /** Set once the worker was told to finish (it then exits by itself) or is being terminated. */
  #stopping = false;

  constructor(setup: BlockWorkerSetup, readonly index: number) {
    this.#worker = new Worker(workerScript('stages/parallel/block-worker.js'), { workerData: setup, resourceLimits: WORKER_LIMITS });
    this.#worker.on('message', (message: FromWorker) => this.#waiting.shift()?.resolve(message));
    this.#worker.on('error', (error) => this.#fail(setup.scheduleId, `threw: ${error.message}`));
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('exit', (code) => {
      if (!this.#stopping || this.#waiting.length > 0) this.#fail(setup.scheduleId, `exited with code ${code}`);
    });
  }

  /** Asks for the worker's last answer; the worker then exits by itself. */
  finish(): Promise<FromWorker> {
    this.#stopping = true;
    return this.ask({ type: 'finish' }, [], null);
  }

  /** Chunks sent and not yet answered. */
  get pending(): number {
    return this.#waiting.length;
  }

  ask(message: ToWorker, transfer: ArrayBuffer[], blockIds: [number, number] | null): Promise<FromWorker> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject, firstBlockId: blockIds?.[0] ?? null, lastBlockId: blockIds?.[1] ?? null });
      this.#worker.postMessage(message, transfer);
    });
  }

  /**
   * Ends the worker: waits for a finished worker's own exit, terminates any
   * other. A worker that exits by itself first drains its V8 background
   * tasks; terminating one while it still compiles in the background
   * aborted the whole process on Node 20 (NodePlatform::ForIsolate assertion).
   */
  async stop(): Promise<void> {
    if (this.#stopping && this.#failure === undefined) return this.#exited;
    this.#stopping = true;
    await this.#worker.terminate();
  }

  #fail(scheduleId: number, what: string): void {
    const first = this.#waiting[0];
    const where = first?.firstBlockId == null ? '' : ` while processing blocks ${first.firstBlockId}–${first.lastBlockId}`;
    this.#failure ??= new Error(`schedule ${scheduleId}: worker thread ${this.index} ${what}${where}; the populate was rolled back (run again; with --threads 1 it runs without worker threads)`);
    for (const w of this.#waiting.splice(0)) w.reject(this.#failure);
  }
}

/** The outcome of one chunk, in the order chunks were submitted. */
export type ChunkResult = ChunkDone;

/**
 * Parallel parse and accumulate: each chunk goes to the worker with the
 * fewest unanswered chunks, and the answers come back as promises the
 * caller awaits in submission order.
 * `terminate()` must be called in a `finally`: no worker outlives its populate.
 */
export class BlockWorkerPool {
  readonly #workers: BlockWorker[] = [];
  /** Text buffers the workers handed back, reused for the next chunks. */
  readonly #spareTexts: ArrayBuffer[] = [];
  readonly #scheduleId: number;
  readonly #setup: BlockWorkerSetup;
  /** Workers the pool runs once started. */
  readonly size: number;

  /** Workers start as chunks come and find the running ones busy: a populate with nothing to parse starts none. */
  constructor(setup: BlockWorkerSetup, workers: number) {
    this.#setup = setup;
    this.#scheduleId = setup.scheduleId;
    this.size = workers;
  }

  /** Workers started so far (none before the first chunk). */
  get started(): number {
    return this.#workers.length;
  }

  /** Chunks sent to the workers and not yet answered. */
  get pending(): number {
    return this.#workers.reduce((sum, w) => sum + w.pending, 0);
  }

  /** Sends a chunk to the least busy worker; the promise rejects with the chunk's error (BadInputError for bad JSON). */
  submit(rows: readonly SourceBlockRow[]): Promise<ChunkResult> {
    // Another worker starts only when every running one is busy.
    if (this.#workers.length < this.size && this.#workers.every((w) => w.pending > 0)) this.#workers.push(new BlockWorker(this.#setup, this.#workers.length + 1));
    const worker = this.#workers.reduce((least, w) => (w.pending < least.pending ? w : least));
    const chunk = packSourceChunk(rows, this.#spareTexts.pop());
    const ids: [number, number] | null = rows.length === 0 ? null : [rows[0].blockId, rows[rows.length - 1].blockId];
    return worker.ask({ type: 'chunk', chunk }, sourceChunkTransfers(chunk), ids).then((answer) => {
      if (answer.type === 'chunk') {
        const spare = answer.spentText;
        if (spare.byteLength <= MAX_SPARE_TEXT_BYTES && this.#spareTexts.length < this.size * SPARE_TEXTS_PER_WORKER) this.#spareTexts.push(spare);
        return answer;
      }
      if (answer.type === 'chunk-failed') throw this.#error(answer.failure);
      throw new Error(`worker answered a chunk with ${answer.type}`);
    });
  }

  /** Each worker's minute-bin counts, after every chunk was answered. */
  async finish(): Promise<{ minuteBins: MinuteBinState[] }> {
    const answers = await Promise.all(this.#workers.map((w) => w.finish()));
    return { minuteBins: answers.flatMap((a) => (a.type === 'finished' && a.phase3 ? [a.phase3] : [])) };
  }

  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
  }

  #error(failure: WorkerFailure): Error {
    const block = failure.kind === 'error' && failure.blockId !== null ? `, block ${failure.blockId}` : '';
    return failureError(failure, `schedule ${this.#scheduleId}${block}: `);
  }
}

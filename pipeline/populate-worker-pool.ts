import { Worker } from 'node:worker_threads';
import { relayLogLine } from '../base/log-relay.js';
import type { Logger } from '../base/logger.js';
import { workerScript } from '../base/worker-script.js';
import { releaseWritesOf } from '../sql/create-store.js';
import { failureError } from '../stages/parallel/worker-failure.js';
import type { PopulateSummary } from './populate.js';
import type { FromPopulateWorker, PopulateWorkerSetup, ToPopulateWorker } from './populate-worker-messages.js';

/**
 * A smaller young generation than V8's default: a CLI backfill of 20 × 2,000
 * blocks at --concurrency 2 peaked at ~220 MB RSS with it against ~255 MB
 * without, for the same CPU time. The old generation is not capped: a
 * worker may populate a large schedule.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

interface Pending {
  scheduleId: number;
  resolve(summary: PopulateSummary): void;
  reject(error: Error): void;
}

/** One worker thread that populates one schedule at a time. */
class PopulateWorker {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  #pending: Pending | undefined;
  #alive = true;
  /** The uncaught error that ended the worker, if one did. */
  #thrown: Error | undefined;

  constructor(setup: PopulateWorkerSetup, readonly index: number, log: Logger) {
    this.#worker = new Worker(workerScript('pipeline/populate-worker.js'), { workerData: setup, resourceLimits: WORKER_LIMITS });
    this.#worker.on('message', (message: FromPopulateWorker) => {
      if (message.type === 'log') return relayLogLine(log, message.line);
      const pending = this.#pending;
      this.#pending = undefined;
      if (message.type === 'done') pending?.resolve(message.summary);
      else pending?.reject(failureError(message.failure));
    });
    this.#worker.on('error', (error) => (this.#thrown = error));
    const { threadId } = this.#worker;
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', (code) => {
        this.#alive = false;
        // Its connections closed with it, so SQLite's lock is free; this process's write turn must be too.
        releaseWritesOf(setup.store, threadId);
        const pending = this.#pending;
        this.#pending = undefined;
        pending?.reject(this.#died(pending.scheduleId, code));
        resolve();
      });
    });
  }

  /** False once the thread ended (closed, crashed or terminated): it takes no more schedules. */
  get alive(): boolean {
    return this.#alive;
  }

  populate(scheduleId: number): Promise<PopulateSummary> {
    return new Promise((resolve, reject) => {
      this.#pending = { scheduleId, resolve, reject };
      this.#send({ type: 'populate', scheduleId });
    });
  }

  /**
   * Ends the thread: an idle one closes its store and exits by itself (a
   * thread terminated while V8 still compiles in the background can abort
   * the process on Node 20); a busy one is terminated, which closes its
   * connections and so rolls back its write.
   */
  async close(): Promise<void> {
    if (!this.#alive) return;
    if (this.#pending === undefined) this.#send({ type: 'close' });
    else await this.#worker.terminate();
    await this.#exited;
  }

  #send(message: ToPopulateWorker): void {
    this.#worker.postMessage(message);
  }

  #died(scheduleId: number, code: number): Error {
    const how = this.#thrown ? `threw: ${this.#thrown.message}` : `exited with code ${code}`;
    return new Error(
      `schedule ${scheduleId}: backfill worker thread ${this.index} ${how} before finishing it; the schedule keeps its previous analytics ` +
      'unless the thread had committed (run the backfill again; with --concurrency 1 it runs without worker threads)',
    );
  }
}

/**
 * Whole populates in worker threads, each with its own connections to the
 * database: a backfill on a one-writer store computes `size` schedules at
 * once while SQLite's write lock takes their writes in turn. The threads
 * start with the pool and live until `close()`, which must be called in a
 * `finally`: no thread outlives the backfill. A thread that dies fails its
 * schedule and is replaced for the next one.
 */
export class PopulateWorkerPool {
  readonly #setup: PopulateWorkerSetup;
  readonly #log: Logger;
  readonly #idle: PopulateWorker[] = [];
  readonly #all = new Set<PopulateWorker>();
  #started = 0;

  constructor(setup: PopulateWorkerSetup, size: number, log: Logger) {
    this.#setup = setup;
    this.#log = log;
    for (let i = 0; i < size; i++) this.#idle.push(this.#start());
  }

  /**
   * Populates one schedule on an idle thread (a new one when none is idle:
   * callers run at most `size` at once, so that happens only after a thread died).
   */
  async populate(scheduleId: number): Promise<PopulateSummary> {
    let worker = this.#idle.pop();
    // A thread that died while idle is dropped here.
    while (worker !== undefined && !worker.alive) {
      this.#all.delete(worker);
      worker = this.#idle.pop();
    }
    worker ??= this.#start();
    try {
      return await worker.populate(scheduleId);
    } finally {
      if (worker.alive) this.#idle.push(worker);
      else this.#all.delete(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#all].map((w) => w.close()));
  }

  #start(): PopulateWorker {
    const worker = new PopulateWorker(this.#setup, ++this.#started, this.#log);
    this.#all.add(worker);
    return worker;
  }
}

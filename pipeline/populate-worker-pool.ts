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

/**
 * Schedules a worker holds: the one it populates and the next, so it starts
 * that one the moment it finishes instead of waiting for this thread to
 * answer, claim and send (a round trip that also waits for the write turn).
 */
export const SCHEDULES_PER_WORKER = 2;

/** A schedule sent to a worker that died before starting it: it goes to another worker. */
class NotStarted extends Error {}

interface Pending {
  scheduleId: number;
  resolve(summary: PopulateSummary): void;
  reject(error: Error): void;
}

/** One worker thread; it populates the schedules it is sent one at a time, in order. */
class PopulateWorker {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  /** Oldest first: the head is the schedule being populated. */
  readonly #pending: Pending[] = [];
  #alive = true;
  /** The uncaught error that ended the worker, if one did. */
  #thrown: Error | undefined;

  constructor(setup: PopulateWorkerSetup, readonly index: number, log: Logger) {
    this.#worker = new Worker(workerScript('pipeline/populate-worker.js'), { workerData: setup, resourceLimits: WORKER_LIMITS });
    this.#worker.on('message', (message: FromPopulateWorker) => {
      if (message.type === 'log') return relayLogLine(log, message.line);
      const pending = this.#pending.shift();
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
        const [current, ...waiting] = this.#pending.splice(0);
        current?.reject(this.#died(current.scheduleId, code));
        for (const w of waiting) w.reject(new NotStarted());
        resolve();
      });
    });
  }

  /** False once the thread ended (closed, crashed or terminated): it takes no more schedules. */
  get alive(): boolean {
    return this.#alive;
  }

  /** Schedules sent and not answered yet. */
  get load(): number {
    return this.#pending.length;
  }

  populate(scheduleId: number): Promise<PopulateSummary> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ scheduleId, resolve, reject });
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
    if (this.#pending.length === 0) this.#send({ type: 'close' });
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
 * Whole populates in `size` worker threads, each with its own connections to
 * the database: a backfill on a one-writer store computes `size` schedules
 * at once while SQLite's write lock takes their writes in turn. Callers may
 * have up to `size × SCHEDULES_PER_WORKER` schedules in the pool; each goes
 * to the live worker holding the fewest. The threads start with the pool
 * and live until `close()`, which must be called in a `finally`: no thread
 * outlives the backfill. A thread that dies fails the schedule it was
 * populating; the ones it held but had not started go to the others, and a
 * new thread takes its place.
 */
export class PopulateWorkerPool {
  readonly #setup: PopulateWorkerSetup;
  readonly #log: Logger;
  readonly #workers: PopulateWorker[] = [];
  #started = 0;

  constructor(setup: PopulateWorkerSetup, size: number, log: Logger) {
    this.#setup = setup;
    this.#log = log;
    for (let i = 0; i < size; i++) this.#workers.push(this.#start());
  }

  async populate(scheduleId: number): Promise<PopulateSummary> {
    for (;;) {
      try {
        return await this.#leastLoaded().populate(scheduleId);
      } catch (error) {
        if (!(error instanceof NotStarted)) throw error;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }

  /** The live worker holding the fewest schedules; dead ones are replaced first. */
  #leastLoaded(): PopulateWorker {
    this.#workers.forEach((w, i) => {
      if (!w.alive) this.#workers[i] = this.#start();
    });
    return this.#workers.reduce((best, w) => (w.load < best.load ? w : best));
  }

  #start(): PopulateWorker {
    return new PopulateWorker(this.#setup, ++this.#started, this.#log);
  }
}

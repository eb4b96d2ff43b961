import { threadId } from 'node:worker_threads';

/**
 * The turn to write one SQLite database among the threads of this process,
 * over 4 bytes of shared memory that cross `postMessage`: a SqliteStore
 * takes it before SQLite's write lock (BEGIN IMMEDIATE) and gives it back
 * after COMMIT or ROLLBACK, and the stores a backfill's worker threads open
 * with `reopenSpec()` share it. A writer waiting for another one then starts
 * the moment it is free, without blocking its thread, instead of in the
 * sleeps of SQLite's busy handler (1, 2, 5, 10 … 100 ms apart): those cost
 * about 8 ms per wait with two workers, and blocked the main thread's claims
 * meanwhile. Other processes still meet at SQLite's lock.
 */
export class WriteTurn {
  readonly buffer: SharedArrayBuffer;
  /** 0 when free, else the holder's threadId + 1 (the main thread's id is 0). */
  readonly #holder: Int32Array;

  constructor(buffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#holder = new Int32Array(buffer);
  }

  /** Resolves when this thread holds the turn. Not reentrant. */
  async acquire(): Promise<void> {
    for (;;) {
      const holder = Atomics.compareExchange(this.#holder, 0, 0, threadId + 1);
      if (holder === 0) return;
      const wait = Atomics.waitAsync(this.#holder, 0, holder);
      if (wait.async) await wait.value;
    }
  }

  release(): void {
    this.releaseHeldBy(threadId);
  }

  /** Frees the turn if thread `id` holds it: also after that thread died holding it. */
  releaseHeldBy(id: number): void {
    if (Atomics.compareExchange(this.#holder, 0, id + 1, 0) === id + 1) Atomics.notify(this.#holder, 0, 1);
  }
}

import type { Logger } from '../base/logger.js';
import type { Store } from '../sql/store.js';

/**
 * The write-ahead log a parallel SQLite backfill lets grow before it makes a
 * gap. Its populates keep read snapshots open back to back (one computes
 * while another writes), and SQLite rewinds the log only when none is open:
 * without gaps, 20 schedules of 2,000 blocks left a 39 MB log, and it grows
 * with every schedule (W10k writes ~30 MB each).
 */
export const WAL_CHECKPOINT_BYTES = 256 * 1024 * 1024;

/**
 * Lets populates start while the store's write-ahead log is under its
 * limit. Past it, the next one to start waits until every running populate
 * has ended, checkpoints the log (truncating it), and then lets the others
 * go: one short gap per `limitBytes` written. When a reader of another
 * process kept the log from shrinking, the next gap waits for another
 * `limitBytes` (no gap after every populate).
 */
export class WalCheckpointGate {
  readonly #store: Store;
  readonly #limitBytes: number;
  readonly #log: Logger;
  #running = 0;
  #whenIdle: (() => void) | undefined;
  #gap: Promise<void> | undefined;
  #nextGapAt: number;

  constructor(store: Store, limitBytes: number, log: Logger) {
    this.#store = store;
    this.#limitBytes = limitBytes;
    this.#log = log;
    this.#nextGapAt = limitBytes;
  }

  /** Waits until a populate may start; pair with `leave`. */
  async enter(): Promise<void> {
    if (this.#gap === undefined && this.#store.writeAheadLogBytes() > this.#nextGapAt) this.#gap = this.#makeGap();
    if (this.#gap !== undefined) await this.#gap;
    this.#running++;
  }

  leave(): void {
    this.#running--;
    if (this.#running === 0) this.#whenIdle?.();
  }

  async #makeGap(): Promise<void> {
    try {
      if (this.#running > 0) await new Promise<void>((resolve) => (this.#whenIdle = resolve));
      const before = this.#store.writeAheadLogBytes();
      await this.#store.checkpointWriteAheadLog();
      const after = this.#store.writeAheadLogBytes();
      this.#nextGapAt = after + this.#limitBytes;
      this.#log.info({ event: 'wal-checkpoint', bytesBefore: before, bytesAfter: after }, 'write-ahead log checkpointed between populates');
    } catch (error) {
      // Only the log's size is at stake: the schedules go on, and the next gap comes another limit later.
      this.#nextGapAt = this.#store.writeAheadLogBytes() + this.#limitBytes;
      this.#log.warn({ err: error }, 'could not checkpoint the write-ahead log; the backfill goes on');
    } finally {
      this.#whenIdle = undefined;
      this.#gap = undefined;
    }
  }
}

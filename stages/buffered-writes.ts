import type { WriteTx } from '../sql/store.js';
import type { RowBatch, TableSpec } from '../sql/table-specs.js';
import { now, type RunMetrics } from '../base/run-metrics.js';
import type { TableBatch } from './core/row-batcher.js';

/**
 * A stand-in for a write transaction that keeps the batches in memory, so a
 * schedule can be computed before the store's write lock is taken and
 * written in one short burst afterwards. Only for schedules small enough to
 * hold: the caller bounds it.
 */
export class BufferedWrites implements WriteTx {
  #batches: TableBatch[] = [];

  async insert(table: TableSpec, batch: RowBatch): Promise<void> {
    this.#batches.push({ table, batch });
  }

  async commit(): Promise<void> {
    throw new Error('buffered writes are committed by replaying them into a real transaction');
  }

  async rollback(): Promise<void> {
    this.#batches.length = 0;
  }

  /** Drops the buffered batches of `table`. */
  discard(table: TableSpec): void {
    this.#batches = this.#batches.filter((b) => b.table !== table);
  }

  /** Inserts every buffered batch into `tx`, in order, and lets go of them. */
  async replayInto(tx: WriteTx, metrics: RunMetrics): Promise<void> {
    const t0 = now();
    for (const { table, batch } of this.#batches.splice(0)) await tx.insert(table, batch);
    metrics.seconds.write += now() - t0;
  }
}

import { Writable } from 'node:stream';
import type { WriteTx } from '../sql/store.js';
import type { TableBatch } from './core/row-batcher.js';
import { faultPoint } from '../base/fault-injection.js';
import { now, type RunMetrics } from '../base/run-metrics.js';

/** Writes one batch inside the open transaction and counts it. */
export async function writeBatch(tx: WriteTx, { table, batch }: TableBatch, metrics: RunMetrics): Promise<void> {
  if (metrics.batchesWritten === 0) faultPoint('before-first-write');
  const t0 = now();
  await tx.insert(table, batch);
  metrics.seconds.write += now() - t0;
  metrics.batchesWritten++;
  metrics.rowsWritten[table.name] = (metrics.rowsWritten[table.name] ?? 0) + batch.rowCount;
  faultPoint('after-batch');
}

/**
 * The sink stage: a Writable that inserts each batch in the transaction and
 * calls back only after the insert settled, so the pipeline never runs ahead
 * of the database.
 */
export function analyticsSink(tx: WriteTx, metrics: RunMetrics): Writable {
  return new Writable({
    objectMode: true,
    highWaterMark: 4,
    write(item: TableBatch, _encoding, callback) {
      writeBatch(tx, item, metrics).then(() => callback(), callback);
    },
  });
}

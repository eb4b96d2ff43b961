import { Readable } from 'node:stream';
import type { SourceBlockRow, SourceBlocksOptions, SourceSnapshot } from '../sql/store.js';
import { now, type RunMetrics } from '../base/run-metrics.js';

/**
 * The source stage: a Readable of row chunks over a source snapshot. The
 * store's iterator reads the next chunk only when the stream asks, so a slow
 * sink pauses the database cursor (backpressure) and memory stays flat.
 */
export function blockSource(snapshot: SourceSnapshot, chunkRows: number, metrics: RunMetrics, options: SourceBlocksOptions = {}): Readable {
  async function* timed(): AsyncGenerator<SourceBlockRow[]> {
    const it = snapshot.blocks(chunkRows, options)[Symbol.asyncIterator]();
    for (;;) {
      const t0 = now();
      const next = await it.next();
      metrics.seconds.read += now() - t0;
      if (next.done) return;
      yield next.value;
      // SQLite reads are synchronous: yield to the event loop once per chunk so
      // timers (progress, heartbeats) and I/O of an embedding app still run.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return Readable.from(timed(), { objectMode: true, highWaterMark: 2 });
}

import { Transform, type TransformCallback } from 'node:stream';
import type { SourceBlockRow } from '../sql/store.js';
import type { BlockProcessor } from './core/block-processor.js';
import type { TableBatch } from './core/row-batcher.js';

/**
 * The parse + transform stage: row chunks in, table batches out. The logic
 * lives in BlockProcessor; this only adapts it to a stream, handing the
 * processor the stream's `push` as its output.
 */
export function blockTransform(makeProcessor: (emit: (batch: TableBatch) => void) => BlockProcessor): Transform {
  let processor: BlockProcessor;
  const stream = new Transform({
    objectMode: true,
    highWaterMark: 4,
    transform(chunk: SourceBlockRow[], _encoding, callback: TransformCallback) {
      try {
        for (let i = 0; i < chunk.length; i++) processor.process(chunk[i]);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        processor.flush();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  processor = makeProcessor((batch) => stream.push(batch));
  return stream;
}

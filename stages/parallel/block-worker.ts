import { parentPort, workerData } from 'node:worker_threads';
import { faultPoint } from '../../base/fault-injection.js';
import { newRunMetrics } from '../../base/run-metrics.js';
import { BlockFactsRecorder, blockFactsTransfers } from '../core/block-facts-columns.js';
import type { Accumulator } from '../core/block-facts.js';
import { BlockProcessor } from '../core/block-processor.js';
import { createMinuteBinAccumulator } from '../core/minute-bin-accumulator.js';
import type { TableBatch } from '../core/row-batcher.js';
import { unpackSourceChunk, type PackedSourceChunk } from '../core/source-chunk-codec.js';
import { packTableBatch, tableBatchTransfers } from '../core/table-batch-codec.js';
import type { BlockWorkerSetup, ChunkDone, FromWorker, ToWorker } from './block-worker-messages.js';
import { describeFailure } from './worker-failure.js';

/*
 * A worker thread of a parallel populate: parses and accumulates the chunks
 * of source rows the main thread sends, answering each with its block facts
 * and its rows, and at the end with its minute-bin counts. Chunks are
 * answered in the order they came.
 */

const setup = workerData as BlockWorkerSetup;
const port = parentPort!;
const metrics = newRunMetrics();
const batches: TableBatch[] = [];
const phase3 = setup.binSeconds === null ? undefined : createMinuteBinAccumulator({ binSeconds: setup.binSeconds });
const facts = setup.recordFacts ? new BlockFactsRecorder() : undefined;
const processor = new BlockProcessor({
  scheduleId: setup.scheduleId,
  priorityMin: setup.priorityMin,
  priorityMax: setup.priorityMax,
  lenient: setup.lenient,
  writeBlockRows: setup.writeBlockRows,
  writeRanges: setup.writeRanges,
  factsRule: setup.factsRule,
  accumulators: [phase3, facts].filter((a) => a !== undefined) as Accumulator<unknown>[],
  batchRows: setup.batchRows,
  metrics,
  emit: (batch) => batches.push(batch),
});

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function processChunk(chunk: PackedSourceChunk): void {
  const rows = unpackSourceChunk(chunk);
  let blockId: number | null = null;
  try {
    for (let i = 0; i < rows.length; i++) {
      blockId = rows[i].blockId;
      // Reached as the worker starts on each chunk's first block.
      if (i === 0) faultPoint('worker-chunk');
      processor.process(rows[i]);
    }
  } catch (error) {
    batches.length = 0;
    facts?.take();
    send({ type: 'chunk-failed', failure: describeFailure(error, blockId) });
    return;
  }
  // Each chunk's rows leave with it: the main thread writes them in chunk order.
  processor.flush();
  const invalid = processor.invalidBlockIds.splice(0);
  const packed = batches.splice(0).map(packTableBatch);
  const recorded = facts?.take() ?? null;
  const done: ChunkDone = {
    type: 'chunk',
    batches: packed,
    facts: recorded,
    invalidBlockIds: invalid,
    counts: takeCounts(),
    spentText: chunk.text.buffer as ArrayBuffer,
  };
  send(done, [...packed.flatMap(tableBatchTransfers), ...(recorded ? blockFactsTransfers(recorded) : []), done.spentText]);
}

function takeCounts(): ChunkDone['counts'] {
  const counts = {
    blocksRead: metrics.blocksRead,
    blocksParsed: metrics.blocksParsed,
    periodsParsed: metrics.periodsParsed,
    jsonBytes: metrics.jsonBytes,
    invalidBlocks: metrics.invalidBlocks,
    parseSeconds: metrics.seconds.parse,
    accumulateSeconds: metrics.seconds.accumulate,
  };
  metrics.blocksRead = metrics.blocksParsed = metrics.periodsParsed = metrics.jsonBytes = metrics.invalidBlocks = 0;
  metrics.seconds.parse = metrics.seconds.accumulate = 0;
  return counts;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'chunk') {
    processChunk(message.chunk);
    return;
  }
  const state = phase3?.state() ?? null;
  send({ type: 'finished', phase3: state }, state ? (state.counters.map((c) => c.buffer) as ArrayBuffer[]) : []);
  // Nothing else keeps the thread alive: it exits, draining its V8 tasks first.
  port.close();
});

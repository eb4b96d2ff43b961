import type { PackedBlockFacts } from '../core/block-facts-columns.js';
import type { MinuteBinState } from '../core/minute-bin-accumulator.js';
import type { PackedSourceChunk } from '../core/source-chunk-codec.js';
import type { PackedTableBatch } from '../core/table-batch-codec.js';
import type { BlockProcessorOptions } from '../core/block-processor.js';
import type { WorkerFailure } from './worker-failure.js';

/*
 * What the main thread and a block worker say to each other. Every bulky
 * field is a typed array whose buffer is transferred with the message.
 */

/** A worker's `workerData`: the BlockProcessor's options that can cross a thread, and what the worker accumulates. */
export type BlockWorkerSetup = Pick<
  BlockProcessorOptions,
  'scheduleId' | 'priorityMin' | 'priorityMax' | 'lenient' | 'writeBlockRows' | 'writeRanges' | 'factsRule' | 'batchRows'
> & {
  /** Record the facts Phase 2 needs, for the main thread to replay. */
  recordFacts: boolean;
  /** Count minute bins of this width (Phase 3); null when Phase 3 is not computed. */
  binSeconds: number | null;
};

export type ToWorker =
  | { type: 'chunk'; chunk: PackedSourceChunk }
  | { type: 'finish' };

/** The counters of one chunk, added to the run's metrics on the main thread. */
export interface ChunkCounts {
  blocksRead: number;
  blocksParsed: number;
  periodsParsed: number;
  jsonBytes: number;
  invalidBlocks: number;
  parseSeconds: number;
  accumulateSeconds: number;
}

export interface ChunkDone {
  type: 'chunk';
  batches: PackedTableBatch[];
  facts: PackedBlockFacts | null;
  invalidBlockIds: number[];
  counts: ChunkCounts;
  /** The chunk's text buffer, read and handed back for the next chunk (PackedSourceChunk.text). */
  spentText: ArrayBuffer;
}

export type FromWorker =
  | ChunkDone
  | { type: 'chunk-failed'; failure: WorkerFailure }
  | { type: 'finished'; phase3: MinuteBinState | null };

import type { StoreReopenSpec } from '../sql/store.js';
import type { WorkerFailure } from '../stages/parallel/worker-failure.js';
import type { PipelineConfig } from './config.js';
import type { PopulateHow, PopulateSummary } from './populate.js';

/*
 * What a backfill's main thread and its populate workers say to each other.
 * Everything is small (a schedule id, a summary, a log line): the rows stay
 * in the worker, which writes them itself.
 */

/** A populate worker's `workerData`: the database to open and how every populate runs. */
export interface PopulateWorkerSetup {
  store: StoreReopenSpec;
  config: PipelineConfig;
  how: PopulateHow;
  /** The backfill logger's level: lines below it are not even sent. */
  logLevel: string;
}

export type ToPopulateWorker =
  | { type: 'populate'; scheduleId: number }
  /** Close the store and exit. */
  | { type: 'close' };

export type FromPopulateWorker =
  | { type: 'log'; line: string }
  | { type: 'done'; summary: PopulateSummary }
  | { type: 'failed'; failure: WorkerFailure };

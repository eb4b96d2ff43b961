import { parentPort, workerData } from 'node:worker_threads';
import { relayingLogger } from '../base/log-relay.js';
import { reopenStore } from '../sql/create-store.js';
import { describeFailure } from '../stages/parallel/worker-failure.js';
import { populateSchedule } from './populate.js';
import type { FromPopulateWorker, PopulateWorkerSetup, ToPopulateWorker } from './populate-worker-messages.js';

/*
 * A worker thread of a backfill: opens its own store on the backfill's
 * database and populates the schedules the main thread sends, one at a
 * time in the order sent, answering each with its summary or its failure.
 * Its logs go to the main thread's logger.
 */

const setup = workerData as PopulateWorkerSetup;
const port = parentPort!;
const send = (message: FromPopulateWorker) => port.postMessage(message);
const log = relayingLogger(setup.logLevel, (line) => send({ type: 'log', line }));
const store = reopenStore(setup.store);

/** Populates one schedule and answers; never throws. */
async function populate(scheduleId: number): Promise<void> {
  try {
    send({ type: 'done', summary: await populateSchedule(store, scheduleId, setup.config, log, setup.how) });
  } catch (error) {
    send({ type: 'failed', failure: describeFailure(error, null) });
  }
}

async function close(): Promise<void> {
  await store.close();
  // Nothing else keeps the thread alive: it exits by itself.
  port.close();
}

// The main thread sends the next schedule before this one is done: messages wait their turn.
let queue = Promise.resolve();
port.on('message', (message: ToPopulateWorker) => {
  queue = queue.then(() => (message.type === 'close' ? close() : populate(message.scheduleId)));
});

import { BadInputError, TsiError } from '../../base/errors.js';

/**
 * An error thrown in a worker thread, as plain data that crosses
 * `postMessage` (the worker's error classes are not this thread's). Bad input
 * keeps its fields, so this side throws the same BadInputError; any other
 * error keeps its message, its stack, and whether it was a TsiError (a
 * message written for the user).
 */
export type WorkerFailure =
  | { kind: 'bad-input'; scheduleId: number; blockId: number; problem: string }
  | { kind: 'error'; blockId: number | null; message: string; stack: string | undefined; tsi: boolean };

/** The failure to send for `error`, thrown while working on `blockId` (null: not on one block). */
export function describeFailure(error: unknown, blockId: number | null): WorkerFailure {
  if (error instanceof BadInputError) return { kind: 'bad-input', scheduleId: error.scheduleId, blockId: error.blockId, problem: error.problem };
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'error', blockId, message: e.message, stack: e.stack, tsi: e instanceof TsiError };
}

/**
 * The error a failure stands for, on this thread. `where` prefixes the
 * message of an error other than bad input, for callers whose workers'
 * messages do not say where they happened.
 */
export function failureError(failure: WorkerFailure, where = ''): Error {
  if (failure.kind === 'bad-input') return new BadInputError(failure.scheduleId, failure.blockId, failure.problem);
  const message = `${where}${failure.message}`;
  const error = failure.tsi ? new TsiError(message) : new Error(message);
  if (failure.stack) error.stack = `${message}\n(in a worker thread) ${failure.stack}`;
  return error;
}

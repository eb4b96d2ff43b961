import type mssql from 'mssql';
import { TsiError } from '../../base/errors.js';
import { rowConverter, type RowConverter } from './mssql-type-map.js';

type Row = Record<string, unknown>;

/**
 * Streams a query's rows in chunks of `chunkRows`, with backpressure: the
 * request is paused (`request.pause()`, so tedious stops reading the socket)
 * once a chunk is full, and resumed when the consumer pulls the next one;
 * memory holds about one chunk whatever the result's size. Leaving early
 * (break, error) cancels the request and waits until it is done, so its
 * connection goes back to the pool. Modelled on kysely's own mssql driver.
 */
export async function* streamRows(request: mssql.Request, text: string, chunkRows: number): AsyncGenerator<Row[], void, undefined> {
  if (!Number.isInteger(chunkRows) || chunkRows <= 0) throw new TsiError(`chunkRows must be a positive integer, got ${chunkRows}`);
  let buffered: Row[] = [];
  let convert: RowConverter = () => {};
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const fail = (error: unknown) => {
    failure ??= error;
    notify();
  };
  request.stream = true;
  request.on('recordset', (columns: mssql.IColumnMetadata) => (convert = rowConverter(columns)));
  request.on('row', (row: Row) => {
    try {
      convert(row);
    } catch (error) {
      fail(error);
      request.cancel();
      return;
    }
    buffered.push(row);
    if (buffered.length >= chunkRows) {
      request.pause();
      notify();
    }
  });
  request.on('error', fail);
  request.on('done', () => {
    finished = true;
    notify();
  });
  // In stream mode results and errors arrive as events; the callback only marks the end.
  request.query(text, () => {});
  try {
    for (;;) {
      while (buffered.length < chunkRows && !finished && failure === undefined) {
        // Armed before resume(): tedious may emit rows synchronously inside it.
        const woken = new Promise<void>((resolve) => (wake = resolve));
        request.resume();
        await woken;
      }
      if (failure !== undefined) throw failure;
      if (buffered.length === 0) return;
      const chunk = buffered.length <= chunkRows ? buffered : buffered.slice(0, chunkRows);
      buffered = chunk === buffered ? [] : buffered.slice(chunkRows);
      yield chunk;
    }
  } finally {
    if (!finished) {
      // A paused request that is cancelled completes without being resumed (mssql README, "Streaming").
      const done = new Promise<void>((resolve) => request.once('done', () => resolve()));
      request.cancel();
      await done;
    }
  }
}

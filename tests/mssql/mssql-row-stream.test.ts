import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import mssql from 'mssql';
import { describe, expect, it } from 'vitest';
import { TsiError } from '../../base/errors.js';
import { streamRows } from '../../sql/mssql/mssql-row-stream.js';

/**
 * An mssql streaming request, as its README describes one: rows are emitted
 * until it is paused, nothing while paused, and a cancel ends it with an
 * ECANCEL error and `done` whether or not it is paused.
 */
class FakeStreamingRequest extends EventEmitter {
  stream = false;
  paused = false;
  cancelled = false;
  pauses = 0;
  emitted = 0;
  #ended = false;

  constructor(
    readonly rows: Record<string, unknown>[],
    readonly columns: mssql.IColumnMetadata,
    readonly failAfter?: number,
  ) {
    super();
  }

  query(_text: string, callback: () => void): void {
    this.once('done', () => callback());
    setImmediate(() => {
      this.emit('recordset', this.columns);
      this.#pump();
    });
  }

  pause(): boolean {
    if (!this.paused) this.pauses++;
    this.paused = true;
    return true;
  }

  resume(): boolean {
    if (this.paused) {
      this.paused = false;
      setImmediate(() => this.#pump());
    }
    return true;
  }

  cancel(): void {
    this.cancelled = true;
    setImmediate(() => this.#pump());
  }

  #end(error?: Error): void {
    this.#ended = true;
    if (error) this.emit('error', error);
    this.emit('done', {});
  }

  #pump(): void {
    if (this.#ended) return;
    if (this.cancelled) return this.#end(Object.assign(new Error('Canceled.'), { code: 'ECANCEL' }));
    while (!this.paused && this.emitted < this.rows.length) {
      if (this.emitted === this.failAfter) return this.#end(new Error('connection lost'));
      this.emit('row', { ...this.rows[this.emitted++] });
    }
    if (this.emitted === this.rows.length) this.#end();
  }
}

const ID_COLUMNS = { id: { index: 0, name: 'id', type: mssql.TYPES.BigInt, length: 8, nullable: false, caseSensitive: false, identity: false, readOnly: false } } as mssql.IColumnMetadata;
const idRows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1) }));
const stream = (fake: FakeStreamingRequest, chunkRows: number) => streamRows(fake as unknown as mssql.Request, 'select id', chunkRows);

describe('streamRows', () => {
  it('yields chunks of chunkRows and the tail, converted, in order', async () => {
    const fake = new FakeStreamingRequest(idRows(7), ID_COLUMNS);
    const chunks: unknown[][] = [];
    for await (const chunk of stream(fake, 3)) chunks.push(chunk);
    expect(chunks).toEqual([[{ id: 1 }, { id: 2 }, { id: 3 }], [{ id: 4 }, { id: 5 }, { id: 6 }], [{ id: 7 }]]);
    expect(fake.stream).toBe(true);
    expect(fake.pauses).toBe(2);
  });

  it('yields nothing for an empty result', async () => {
    const chunks: unknown[][] = [];
    for await (const chunk of stream(new FakeStreamingRequest([], ID_COLUMNS), 3)) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it('never holds more than one chunk ahead of the consumer, and loses no row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 }), async (n, chunkRows) => {
        const fake = new FakeStreamingRequest(idRows(n), ID_COLUMNS);
        const seen: unknown[] = [];
        for await (const chunk of stream(fake, chunkRows)) {
          expect(fake.emitted - seen.length).toBeLessThanOrEqual(chunkRows);
          expect(chunk.length === chunkRows || seen.length + chunk.length === n).toBe(true);
          seen.push(...chunk);
        }
        expect(seen).toEqual(Array.from({ length: n }, (_, i) => ({ id: i + 1 })));
      }),
      { numRuns: 60 },
    );
  });

  it('cancels the request when the consumer stops early, and waits until it is done', async () => {
    const fake = new FakeStreamingRequest(idRows(100), ID_COLUMNS);
    let done = false;
    fake.on('done', () => (done = true));
    for await (const chunk of stream(fake, 10)) {
      expect(chunk).toHaveLength(10);
      break;
    }
    expect(fake.cancelled).toBe(true);
    expect(done).toBe(true);
    expect(fake.emitted).toBe(10);
  });

  it('throws the request error after the rows before it', async () => {
    const fake = new FakeStreamingRequest(idRows(10), ID_COLUMNS, 5);
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream(fake, 2)) seen.push(...chunk);
      })(),
    ).rejects.toThrow('connection lost');
    expect(seen).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }]);
  });

  it('stops with the conversion error on a BIGINT beyond 2^53, cancelling the request', async () => {
    const fake = new FakeStreamingRequest([{ id: '1' }, { id: '9007199254740993' }, { id: '3' }], ID_COLUMNS);
    await expect(
      (async () => {
        for await (const _ of stream(fake, 10));
      })(),
    ).rejects.toThrow(/column id: BIGINT value 9007199254740993/);
    expect(fake.cancelled).toBe(true);
  });

  it('rejects a chunk size that is not a positive integer', async () => {
    await expect(stream(new FakeStreamingRequest([], ID_COLUMNS), 0).next()).rejects.toThrow(TsiError);
  });
});

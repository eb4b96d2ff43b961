import type { SourceBlockRow } from '../../sql/store.js';

/**
 * A chunk of source rows packed for a worker thread: the numbers in one
 * Float64Array (null as NaN: SQL has no NaN, so it is free as a marker) and
 * the visibility JSON texts one after another in one byte buffer, with their
 * end offsets in UTF-16 code units. Every array is transferred, not cloned.
 */
export interface PackedSourceChunk {
  count: number;
  /** `NUMBER_FIELDS.length` values per row, row-major. */
  numbers: Float64Array;
  /** The texts one after another: one byte a character when they are all ASCII, else UTF-16LE. */
  text: Uint8Array;
  textEncoding: 'latin1' | 'utf16le';
  /** End of row i's text, in characters; a null JSON has an empty text and `jsonNull[i] = 1`. */
  textEnds: Int32Array;
  jsonNull: Uint8Array;
  /** The server's keys of the texts (`SourceBlockRow.jsonKey`), when any row has one: a length (NaN: none) and a 32-byte digest per row. */
  keys: { lengths: Float64Array; digests: Uint8Array } | null;
}

/** Bytes of a key's digest (SHA-256). */
const DIGEST_BYTES = 32;

const NUMBER_FIELDS = [
  'blockId', 'raDeg', 'decDeg', 'priority', 'requestedDurationSec', 'minObservationSec',
  'minAltDeg', 'maxAltDeg', 'minAzDeg', 'maxAzDeg', 'scheduledStartMjd', 'scheduledStopMjd',
] as const satisfies readonly (keyof SourceBlockRow)[];
const WIDTH = NUMBER_FIELDS.length;

/**
 * Packs `rows`; their text goes into `spare` when it is large enough (a
 * buffer a worker handed back), else into a new buffer.
 */
export function packSourceChunk(rows: readonly SourceBlockRow[], spare?: ArrayBuffer): PackedSourceChunk {
  const count = rows.length;
  const numbers = new Float64Array(count * WIDTH);
  const textEnds = new Int32Array(count);
  const jsonNull = new Uint8Array(count);
  let end = 0;
  for (let r = 0; r < count; r++) {
    const row = rows[r];
    for (let c = 0; c < WIDTH; c++) numbers[r * WIDTH + c] = row[NUMBER_FIELDS[c]] ?? Number.NaN;
    const json = row.visibilityJson;
    if (json === null) jsonNull[r] = 1;
    else end += json.length;
    textEnds[r] = end;
  }
  const keys = packKeys(rows);
  // Each text is written straight into one buffer (joining them first would
  // hold a second copy). ASCII goes as Latin-1, one byte a character; any
  // other text makes the chunk go as UTF-16LE, which unlike UTF-8 keeps a
  // lone surrogate.
  const text = spare !== undefined && spare.byteLength >= end ? Buffer.from(spare, 0, end) : Buffer.allocUnsafeSlow(end);
  let at = 0;
  for (let r = 0; r < count; r++) {
    const json = rows[r].visibilityJson;
    if (!json) continue;
    if (Buffer.byteLength(json, 'utf8') !== json.length) return { count, numbers, text: utf16(rows, end), textEncoding: 'utf16le', textEnds, jsonNull, keys };
    at += text.write(json, at, 'latin1');
  }
  return { count, numbers, text, textEncoding: 'latin1', textEnds, jsonNull, keys };
}

function packKeys(rows: readonly SourceBlockRow[]): PackedSourceChunk['keys'] {
  if (!rows.some((row) => row.jsonKey !== undefined)) return null;
  const lengths = new Float64Array(rows.length).fill(Number.NaN);
  const digests = new Uint8Array(rows.length * DIGEST_BYTES);
  rows.forEach((row, r) => {
    if (row.jsonKey === undefined) return;
    lengths[r] = row.jsonKey.length;
    digests.set(row.jsonKey.digest, r * DIGEST_BYTES);
  });
  return { lengths, digests };
}

function utf16(rows: readonly SourceBlockRow[], chars: number): Uint8Array {
  const text = Buffer.allocUnsafeSlow(2 * chars);
  let at = 0;
  for (const row of rows) if (row.visibilityJson) at += text.write(row.visibilityJson, at, 'utf16le');
  return text;
}

/** The buffers to hand to `postMessage` as its transfer list. */
export function sourceChunkTransfers(chunk: PackedSourceChunk): ArrayBuffer[] {
  const keys = chunk.keys ? [chunk.keys.lengths.buffer, chunk.keys.digests.buffer] : [];
  return [chunk.numbers.buffer, chunk.text.buffer, chunk.textEnds.buffer, chunk.jsonNull.buffer, ...keys] as ArrayBuffer[];
}

export function unpackSourceChunk(chunk: PackedSourceChunk): SourceBlockRow[] {
  const { count, numbers, textEnds, jsonNull, textEncoding, keys } = chunk;
  const text = Buffer.from(chunk.text.buffer, chunk.text.byteOffset, chunk.text.byteLength);
  const unit = textEncoding === 'latin1' ? 1 : 2;
  const rows = new Array<SourceBlockRow>(count);
  const num = (i: number) => (Number.isNaN(numbers[i]) ? null : numbers[i]);
  let start = 0;
  for (let r = 0; r < count; r++) {
    const b = r * WIDTH;
    rows[r] = {
      blockId: numbers[b],
      raDeg: numbers[b + 1],
      decDeg: numbers[b + 2],
      priority: numbers[b + 3],
      requestedDurationSec: numbers[b + 4],
      minObservationSec: numbers[b + 5],
      minAltDeg: num(b + 6),
      maxAltDeg: num(b + 7),
      minAzDeg: num(b + 8),
      maxAzDeg: num(b + 9),
      scheduledStartMjd: num(b + 10),
      scheduledStopMjd: num(b + 11),
      // One flat string per text: the scanner ran ~1.7x slower on slices of one chunk-wide string.
      visibilityJson: jsonNull[r] === 1 ? null : text.toString(textEncoding, start * unit, textEnds[r] * unit),
    };
    if (keys && !Number.isNaN(keys.lengths[r])) {
      const digest = Buffer.from(keys.digests.buffer, keys.digests.byteOffset + r * DIGEST_BYTES, DIGEST_BYTES);
      rows[r].jsonKey = { digest, length: keys.lengths[r] };
    }
    start = textEnds[r];
  }
  return rows;
}

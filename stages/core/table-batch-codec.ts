import { ALL_PHASES, PHASE_TABLES, VISIBILITY_FACTS, type TableSpec } from '../../sql/table-specs.js';
import type { TableBatch } from './row-batcher.js';

/**
 * A TableBatch packed for the trip from a worker thread back to the writer:
 * numeric columns in one Float64Array (null as NaN), `varbinary` columns'
 * bytes in one buffer with end offsets. Every array is transferred.
 */
export interface PackedTableBatch {
  table: string;
  rowCount: number;
  /** Every column's value, row-major; a blob column holds its blob's index in `blobEnds`. */
  numbers: Float64Array;
  blobs: Uint8Array;
  blobEnds: Int32Array;
}

export function packTableBatch({ table, batch }: TableBatch): PackedTableBatch {
  const width = table.columns.length;
  const values = batch.values;
  const numbers = new Float64Array(values.length);
  const blobParts: Uint8Array[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) numbers[i] = Number.NaN;
    else if (typeof v === 'number') numbers[i] = v;
    else if (v instanceof Uint8Array) numbers[i] = blobParts.push(v) - 1;
    else throw new TypeError(`${table.name}.${table.columns[i % width].name}: cannot pack a ${typeof v} for a worker thread`);
  }
  const blobEnds = new Int32Array(blobParts.length);
  let end = 0;
  for (let b = 0; b < blobParts.length; b++) blobEnds[b] = end += blobParts[b].length;
  const blobs = new Uint8Array(end);
  for (let b = 0; b < blobParts.length; b++) blobs.set(blobParts[b], b === 0 ? 0 : blobEnds[b - 1]);
  return { table: table.name, rowCount: batch.rowCount, numbers, blobs, blobEnds };
}

export function tableBatchTransfers(batch: PackedTableBatch): ArrayBuffer[] {
  return [batch.numbers.buffer, batch.blobs.buffer, batch.blobEnds.buffer] as ArrayBuffer[];
}

/** Every table a worker fills: the phases' and the visibility facts. */
const WORKER_TABLES: readonly TableSpec[] = [...ALL_PHASES.flatMap((phase): readonly TableSpec[] => PHASE_TABLES[phase]), VISIBILITY_FACTS];
const SPECS = new Map<string, TableSpec>(WORKER_TABLES.map((t) => [t.name, t] as const));

export function unpackTableBatch(packed: PackedTableBatch): TableBatch {
  const table = SPECS.get(packed.table);
  if (table === undefined) throw new Error(`unknown table ${packed.table} in a worker's batch`);
  const width = table.columns.length;
  const isBlob = table.columns.map((c) => c.kind === 'varbinary');
  const { numbers, blobs, blobEnds } = packed;
  const values = new Array<unknown>(numbers.length);
  for (let i = 0; i < numbers.length; i++) {
    const v = numbers[i];
    if (Number.isNaN(v)) values[i] = null;
    else if (isBlob[i % width]) {
      const start = v === 0 ? 0 : blobEnds[v - 1];
      // A view, not a copy: the rows of one batch share the transferred buffer.
      values[i] = Buffer.from(blobs.buffer, blobs.byteOffset + start, blobEnds[v] - start);
    } else values[i] = v;
  }
  return { table, batch: { values, rowCount: packed.rowCount } };
}

import type { RowBatch, TableSpec } from '../../sql/table-specs.js';

/** A full batch of one table's rows, as the sink receives it. */
export interface TableBatch {
  table: TableSpec;
  batch: RowBatch;
}

/**
 * Collects one table's rows into flat value arrays and hands out a batch
 * every `batchRows` rows; `flush()` hands out the remainder, so the tail is
 * never lost.
 */
export class RowBatcher {
  readonly table: TableSpec;
  readonly #batchRows: number;
  readonly #emit: (batch: TableBatch) => void;
  #values: unknown[] = [];
  #rows = 0;

  constructor(table: TableSpec, batchRows: number, emit: (batch: TableBatch) => void) {
    this.table = table;
    this.#batchRows = batchRows;
    this.#emit = emit;
  }

  /** Call after pushing exactly one row's values (in column order) with `values()`. */
  get values(): unknown[] {
    return this.#values;
  }

  /** Rows held, not yet handed out. */
  get rows(): number {
    return this.#rows;
  }

  endRow(): void {
    if (++this.#rows === this.#batchRows) this.flush();
  }

  flush(): void {
    if (this.#rows === 0) return;
    this.#emit({ table: this.table, batch: { values: this.#values, rowCount: this.#rows } });
    this.#values = [];
    this.#rows = 0;
  }
}

import { RowBatcher, type TableBatch } from '../core/row-batcher.js';

/**
 * Re-batches the rows of chunks consumed in block order: each table's rows
 * go into full batches of `batchRows`, in the order they came, whichever
 * thread produced them. So a parallel populate inserts every row in the
 * order a one-thread run does, and its rows get the same ids.
 */
export class InOrderRows {
  readonly #batchRows: number;
  readonly #batchers = new Map<string, RowBatcher>();
  readonly #full: TableBatch[] = [];

  constructor(batchRows: number) {
    this.#batchRows = batchRows;
  }

  add({ table, batch }: TableBatch): void {
    let batcher = this.#batchers.get(table.name);
    if (batcher === undefined) this.#batchers.set(table.name, batcher = new RowBatcher(table, this.#batchRows, (b) => this.#full.push(b)));
    // A full batch with nothing before it goes as it is.
    if (batcher.rows === 0 && batch.rowCount === this.#batchRows) {
      this.#full.push({ table, batch });
      return;
    }
    const width = table.columns.length;
    const values = batch.values;
    for (let row = 0; row < batch.rowCount; row++) {
      const into = batcher.values;
      for (let i = row * width; i < (row + 1) * width; i++) into.push(values[i]);
      batcher.endRow();
    }
  }

  /** The batches that filled up since the last call. */
  take(): TableBatch[] {
    return this.#full.splice(0);
  }

  /** Every batch still held, the partial ones too: call once, after the last chunk. */
  flush(): TableBatch[] {
    for (const batcher of this.#batchers.values()) batcher.flush();
    return this.take();
  }
}

import type { SourceLoadTx } from '../sql/store.js';
import { SOURCE_TABLES, type TableSpec } from '../sql/table-specs.js';
import { RowBatcher, type TableBatch } from '../stages/core/row-batcher.js';

/**
 * Batched writers for the six block-level source tables. Rows are collected
 * per table and written together, parents first, every time `flush()` is
 * called, so foreign keys hold at every statement. Shared by the generator
 * load and `import`, so both write the same way.
 */
export class SourceTableWriter {
  readonly #tx: SourceLoadTx;
  readonly #ready: TableBatch[] = [];
  readonly batchers: Record<keyof typeof SOURCE_TABLES, RowBatcher>;

  constructor(tx: SourceLoadTx) {
    this.#tx = tx;
    const make = (t: TableSpec) => new RowBatcher(t, Number.POSITIVE_INFINITY, (b) => this.#ready.push(b));
    // Object order is dependency order: parents before the rows that reference them.
    this.batchers = {
      targets: make(SOURCE_TABLES.targets),
      altitude_constraints: make(SOURCE_TABLES.altitude_constraints),
      azimuth_constraints: make(SOURCE_TABLES.azimuth_constraints),
      constraints: make(SOURCE_TABLES.constraints),
      scheduling_blocks: make(SOURCE_TABLES.scheduling_blocks),
      schedule_scheduling_blocks: make(SOURCE_TABLES.schedule_scheduling_blocks),
    };
  }

  /** Writes every table's collected rows, parents first, one statement batch after another. */
  async flush(): Promise<void> {
    for (const b of Object.values(this.batchers)) b.flush();
    for (const { table, batch } of this.#ready.splice(0)) await this.#tx.insert(table, batch);
  }
}

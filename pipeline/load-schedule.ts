import { describeSchedule, generateBlocks, type GenerateOptions } from './schedule-generator.js';
import type { SourceLoadTx, Store } from '../sql/store.js';
import { SOURCE_TABLES, type TableSpec } from '../sql/table-specs.js';
import { RowBatcher, type TableBatch } from '../stages/core/row-batcher.js';
import { BlockRowWriter } from './block-row-writer.js';

export interface LoadSummary {
  scheduleId: number;
  blocks: number;
  jsonBytes: number;
  seconds: number;
}

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

/**
 * Writes a generated schedule into the source tables in one transaction:
 * a failure stores nothing. Blocks stream from the generator in batches, so
 * a 1,000,000-block schedule never sits in memory.
 */
export async function loadGeneratedSchedule(store: Store, options: GenerateOptions, batchRows = 1000): Promise<LoadSummary> {
  const started = performance.now();
  const tx = await store.beginSourceLoad();
  try {
    const scheduleId = await tx.createSchedule(describeSchedule(options));
    const ids = await tx.nextSourceIds();
    const w = new SourceTableWriter(tx);
    const rows = new BlockRowWriter(w, scheduleId, ids);
    let blocks = 0;
    let jsonBytes = 0;
    for (const g of generateBlocks(options)) {
      rows.write(g);
      blocks++;
      jsonBytes += g.visibility_periods_json?.length ?? 0;
      if (blocks % batchRows === 0) await w.flush();
    }
    await w.flush();
    await tx.commit();
    return { scheduleId, blocks, jsonBytes, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await tx.rollback();
    throw error;
  }
}

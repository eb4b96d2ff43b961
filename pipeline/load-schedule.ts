import { describeSchedule, generateBlocks, type GenerateOptions } from './schedule-generator.js';
import type { SourceLoadTx, Store } from '../sql/store.js';
import { SOURCE_TABLES, type TableSpec } from '../sql/table-specs.js';
import { RowBatcher, type TableBatch } from '../stages/core/row-batcher.js';

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
    const b = w.batchers;
    let blocks = 0;
    let jsonBytes = 0;
    let altId = ids.altitude_constraints_id;
    let azId = ids.azimuth_constraints_id;
    let constraintsId = ids.constraints_id;
    for (const g of generateBlocks(options)) {
      const targetId = ids.target_id + g.ordinal - 1;
      const blockId = ids.scheduling_block_id + g.ordinal - 1;
      const t = g.target;
      b.targets.values.push(targetId, t.name, t.ra_deg, t.dec_deg, t.ra_pm_masyr, t.dec_pm_masyr, t.equinox);
      b.targets.endRow();
      let cId: number | null = null;
      if (g.constraintWindow) {
        cId = constraintsId++;
        let a: number | null = null;
        let z: number | null = null;
        if (g.altitude) {
          a = altId++;
          b.altitude_constraints.values.push(a, g.altitude.min_alt_deg, g.altitude.max_alt_deg);
          b.altitude_constraints.endRow();
        }
        if (g.azimuth) {
          z = azId++;
          b.azimuth_constraints.values.push(z, g.azimuth.min_az_deg, g.azimuth.max_az_deg);
          b.azimuth_constraints.endRow();
        }
        b.constraints.values.push(cId, g.constraintWindow.start_time_mjd, g.constraintWindow.stop_time_mjd, a, z);
        b.constraints.endRow();
      }
      b.scheduling_blocks.values.push(blockId, targetId, cId, g.priority, g.min_observation_sec, g.requested_duration_sec, g.visibility_periods_json);
      b.scheduling_blocks.endRow();
      b.schedule_scheduling_blocks.values.push(scheduleId, blockId, g.scheduled_start_mjd, g.scheduled_stop_mjd);
      b.schedule_scheduling_blocks.endRow();
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

import { describeSchedule, generateBlocks, type GenerateOptions } from './schedule-generator.js';
import type { Store } from '../sql/store.js';
import { BlockRowWriter } from './block-row-writer.js';
import { SourceTableWriter } from './source-table-writer.js';

export interface LoadSummary {
  scheduleId: number;
  blocks: number;
  jsonBytes: number;
  seconds: number;
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

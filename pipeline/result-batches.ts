import type { TableBatch } from '../stages/core/row-batcher.js';
import type { MinuteBinColumns } from '../stages/core/minute-bin-accumulator.js';
import { TIME_BINS, type TableSpec } from '../sql/table-specs.js';

/**
 * Small result tables (one summary, a few dozen bins) come as row objects
 * keyed by column name; this flattens them in the table's column order,
 * with `schedule_id` first.
 */
export function objectRowsBatch(table: TableSpec, scheduleId: number, rows: readonly object[]): TableBatch {
  const values: unknown[] = [];
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    for (const column of table.columns) {
      const value = column.name === 'schedule_id' ? scheduleId : r[column.name];
      if (value === undefined) throw new Error(`${table.name}: result row has no ${column.name}`);
      values.push(value);
    }
  }
  return { table, batch: { values, rowCount: rows.length } };
}

/** The minute-bin columns (typed arrays) as TIME_BINS batches of `batchRows` rows. */
export function* timeBinBatches(scheduleId: number, binSeconds: number, bins: MinuteBinColumns, batchRows: number): Generator<TableBatch> {
  for (let first = 0; first < bins.count; first += batchRows) {
    const last = Math.min(bins.count, first + batchRows);
    const values: unknown[] = [];
    for (let i = first; i < last; i++) {
      const start = bins.binStartUnix[i];
      values.push(
        scheduleId, start, start + binSeconds, bins.binIndex[i],
        bins.total[i], bins.q1[i], bins.q2[i], bins.q3[i], bins.q4[i], bins.scheduled[i], bins.unscheduled[i],
      );
    }
    yield { table: TIME_BINS, batch: { values, rowCount: last - first } };
  }
}

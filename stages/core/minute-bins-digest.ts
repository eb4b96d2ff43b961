import { createHash } from 'node:crypto';
import { TIME_METADATA } from '../../sql/table-specs.js';
import type { MinuteBinColumns, MinuteBinsResult } from './minute-bin-accumulator.js';

/**
 * Bump when the rows written from a MinuteBinsResult change for the same
 * result (a new column, another rounding): stored digests then no longer
 * match and the next populate rewrites the rows.
 */
const ROWS_FORMAT = 'tsi-etl minute bins v1';

const BIN_COLUMNS: readonly (keyof Omit<MinuteBinColumns, 'count'>)[] = ['binIndex', 'binStartUnix', 'total', 'q1', 'q2', 'q3', 'q4', 'scheduled', 'unscheduled'];

/**
 * SHA-256 of everything the minute-bin tables get from a Phase 3 result: the
 * metadata row (which holds the bin width) and the used part of every bin
 * column, hashed as the typed arrays' bytes (W10k's ~120k bins: ~5 MB, a few ms).
 * Two results with equal digests write equal rows.
 */
export function minuteBinsDigest(result: MinuteBinsResult): Buffer {
  const hash = createHash('sha256').update(ROWS_FORMAT);
  const metadata = result.metadata as unknown as Record<string, unknown>;
  hash.update(JSON.stringify(TIME_METADATA.columns.filter((c) => c.name !== 'schedule_id').map((c) => metadata[c.name])));
  const bins = result.bins;
  hash.update(String(bins.count));
  for (const name of BIN_COLUMNS) {
    const column = bins[name];
    hash.update(new Uint8Array(column.buffer, column.byteOffset, bins.count * column.BYTES_PER_ELEMENT));
  }
  return hash.digest();
}

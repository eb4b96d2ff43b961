/*
 * SQL Server scenarios, run in child processes by bench/mssql-scenarios.ts
 * when TSI_MSSQL_URL is set (the URL is read from the environment here, so
 * the password never appears on a command line):
 *   - generate W10k (10,000 blocks × 183 nights) into the source tables;
 *   - populate it, all phases, with the store's bulk loads (stage times, peak RSS),
 *     and Phase 3 alone (its write is issue 11's "Phase 3 write");
 *   - populate the same rows with every table written as parameterized
 *     INSERTs (bulk copy off), for the bulk-vs-INSERT ratio.
 * Each run of `generate` adds one schedule to the database (a seed of its
 * own, so the checksum is new): point TSI_MSSQL_URL at a scratch database.
 * Run: TSI_MSSQL_URL=… npm run bench. Not measured here yet: no server on the
 * machine that wrote it (see NOTES of issue 11).
 */
import { loadGeneratedSchedule, type LoadSummary } from '../pipeline/load-schedule.js';
import { populateSchedule } from '../pipeline/populate.js';
import { MssqlStore } from '../sql/mssql/mssql-store.js';
import type { MssqlStoreOptions } from '../sql/mssql/mssql-store-config.js';
import { ALL_PHASES, type Phase } from '../sql/table-specs.js';
import type { PopulateRunResult } from './populate.bench.js';

/** How a populate writes its tables: the store's bulk loads, or INSERT statements only. */
export type MssqlWritePath = 'bulk' | 'insert';

const WRITE_PATHS: Record<MssqlWritePath, MssqlStoreOptions> = {
  bulk: {},
  // No batch is ever large enough for bulk copy: every row goes through 2,000-parameter INSERTs.
  insert: { bulkMinRows: Number.MAX_SAFE_INTEGER },
};

function mssqlUrl(): string {
  const url = process.env.TSI_MSSQL_URL;
  if (!url) throw new Error('TSI_MSSQL_URL is not set: the SQL Server scenarios need a server');
  return url;
}

async function withMssql<T>(options: MssqlStoreOptions, work: (store: MssqlStore) => Promise<T>): Promise<T> {
  const store = await MssqlStore.connect(mssqlUrl(), options);
  try {
    await store.migrate();
    return await work(store);
  } finally {
    await store.close();
  }
}

/** `generate` of `blocks` × `days` with a fresh seed (so the schedule's checksum is new). */
export function mssqlGenerate(blocks: number, days: number): Promise<LoadSummary> {
  const seed = Date.now() % 1_000_000_007;
  return withMssql({}, (store) => loadGeneratedSchedule(store, { blocks, days, seed }));
}

/** One populate of `phases` (default all), written through `path`. */
export function mssqlPopulate(scheduleId: number, path: MssqlWritePath, phases: readonly Phase[] = ALL_PHASES): Promise<PopulateRunResult> {
  return withMssql(WRITE_PATHS[path], async (store) => {
    const { blocks, periods, jsonBytes, seconds, rowsWritten } = await populateSchedule(store, scheduleId, { phases });
    return { blocks, periods, jsonBytes, seconds, rowsWritten };
  });
}

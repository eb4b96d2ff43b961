import type { Store } from '../sql/store.js';

/**
 * How many times a multi-table read is tried before giving up. A retry
 * happens only when a populate of the same schedule committed during the
 * read; three in a row means populates are running back to back.
 * @default 3
 */
export const CONSISTENT_READ_ATTEMPTS = 3;

/** Thrown when every attempt saw the analytics change; not a TsiError, so the read falls back to the legacy path. */
export class AnalyticsChangedError extends Error {
  constructor(scheduleId: number, attempts: number) {
    super(`the analytics of schedule ${scheduleId} were replaced during each of ${attempts} reads (populates committing back to back); try again when they finish`);
    this.name = 'AnalyticsChangedError';
  }
}

/**
 * What identifies the populate whose analytics a schedule has: its run
 * record. Every populate (and every delete-analytics) rewrites it in the
 * same transaction as the rows, with a new completion time and duration.
 */
async function runMark(store: Store, scheduleId: number): Promise<string> {
  const run = await store.db
    .selectFrom('schedule_analytics_runs')
    .select(['phases', 'source_fingerprint', 'n_bins', 'bin_duration_seconds', 'duration_ms', 'completed_at'])
    .where('schedule_id', '=', scheduleId)
    .executeTakeFirst();
  return JSON.stringify(run ?? null);
}

/**
 * Runs a read that combines several analytics tables of one schedule so
 * that all of them come from the same populate, without a SERIALIZABLE
 * transaction (which some T-SQL servers refuse, and whose range locks
 * would make a populate wait): read the run record, run the read, read the
 * run record again, and try again when it changed (a populate or delete
 * committed in between, so the tables may mix two runs).
 *
 * Each statement runs on its own under the database's default isolation:
 * on SQL Server READ COMMITTED (a reader waits only while a populate holds
 * the rows it reads, and with READ_COMMITTED_SNAPSHOT never); on SQLite
 * each statement reads a WAL snapshot. Readers take no lock that outlives
 * a statement, so they never hold up a populate.
 * @throws AnalyticsChangedError after `attempts` reads that each saw a change.
 */
export async function readConsistently<T>(store: Store, scheduleId: number, read: () => Promise<T>, attempts = CONSISTENT_READ_ATTEMPTS): Promise<T> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const before = await runMark(store, scheduleId);
    const value = await read();
    if ((await runMark(store, scheduleId)) === before) return value;
  }
  throw new AnalyticsChangedError(scheduleId, attempts);
}

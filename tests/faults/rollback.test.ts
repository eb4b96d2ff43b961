import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../base/errors.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { insertSchedule, periodsJson } from '../helpers.js';
import { spawnPopulate } from './crash-harness.js';

/** How long a write may wait after a failed populate: a rolled-back store takes it at once. */
const WRITE_WITHIN_MS = 5000;

/** Resolves with `promise`, or rejects after `ms` with an error saying what did not happen. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/*
 * If populate's error path stopped rolling back, the failed write transaction
 * would hold the store (and SQLite's write lock) forever and every later write
 * would wait. This test fails within seconds and names that, where the rest of
 * the suite would only hang until its timeout.
 */
describe('after a failed populate the store takes new writes at once (the failed transaction was rolled back)', () => {
  it('in this process and from another process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsi-rollback-'));
    const path = join(dir, 'test.db');
    const store = new SqliteStore({ path, create: true });
    let stuck = false;
    try {
      await store.migrate();
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000.25, 60000.5]]) }, { json: 'nope' }]);
      await expect(populateSchedule(store, scheduleId)).rejects.toBeInstanceOf(BadInputError);
      const what = 'a new write in the same process after a failed populate (is the failed transaction rolled back?)';
      const retried = await within(WRITE_WITHIN_MS, what, populateSchedule(store, scheduleId, { lenient: true })).catch((error: unknown) => {
        stuck = true;
        throw error;
      });
      expect(retried.invalidBlockIds).toHaveLength(1);

      await expect(populateSchedule(store, scheduleId)).rejects.toBeInstanceOf(BadInputError);
      const other = await spawnPopulate(path, scheduleId, { args: ['--lenient'], killAfterMs: WRITE_WITHIN_MS * 2 });
      expect(other.signal, 'another process could not write after a failed populate (is the failed transaction rolled back?)').toBeNull();
      expect(other.code).toBe(0);
    } finally {
      // A store stuck in its transaction would never close: leave it to the process exit.
      if (!stuck) await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

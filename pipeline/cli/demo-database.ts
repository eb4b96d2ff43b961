import { existsSync, rmSync, statSync } from 'node:fs';
import { ParameterError } from '../../base/errors.js';
import { openStore } from '../../sql/create-store.js';

/**
 * Every schedule the demo creates is named with this prefix, so a later run
 * can tell its own database (safe to delete) from one holding someone's data.
 * Steps added to the demo name their schedules with `demoScheduleName`.
 */
export const DEMO_NAME_PREFIX = 'tsi-demo: ';

export const demoScheduleName = (what: string): string => `${DEMO_NAME_PREFIX}${what}`;

/**
 * Schedules one demo run creates (the generated schedule and its variant).
 * A file with more holds a schedule someone added, whatever its name (an
 * import of an exported demo schedule keeps the prefix).
 */
export const DEMO_SCHEDULES = 2;

/** What was at the demo's path before it started. */
export interface PreviousDemoDatabase {
  existed: boolean;
  /** Demo schedules it held (deleted with it). */
  schedules: number;
}

/** The schedule names of an existing file, or a note that it is not a tsi-etl database. */
async function schedulesIn(path: string): Promise<{ names: string[] } | { problem: string }> {
  try {
    const store = await openStore(path);
    try {
      return { names: (await store.db.selectFrom('schedules').select('schedule_name').orderBy('schedule_id').execute()).map((r) => r.schedule_name) };
    } finally {
      await store.close();
    }
  } catch (error) {
    return { problem: `is not a tsi-etl database (${(error as Error).message})` };
  }
}

/**
 * Deletes the demo's SQLite file (and its -wal/-shm) so the demo starts
 * fresh, but only when it holds nothing but demo schedules, or `force`.
 * @throws ParameterError (exit 2) naming --force otherwise; nothing is deleted.
 */
export async function clearDemoDatabase(path: string, force: boolean): Promise<PreviousDemoDatabase> {
  if (!existsSync(path)) return { existed: false, schedules: 0 };
  const found = statSync(path).size === 0 ? { names: [] } : await schedulesIn(path);
  if (!force) {
    const names = 'names' in found ? found.names : [];
    // Past DEMO_SCHEDULES, even schedules named like the demo's were added by someone.
    const foreign = names.filter((n, i) => !n.startsWith(DEMO_NAME_PREFIX) || i >= DEMO_SCHEDULES);
    const problem = 'problem' in found ? found.problem
      : foreign.length > 0 ? `holds ${foreign.length} schedule${foreign.length === 1 ? '' : 's'} the demo did not create (${foreign.slice(0, 3).map((n) => JSON.stringify(n)).join(', ')}${foreign.length > 3 ? ', …' : ''})`
        : undefined;
    if (problem !== undefined) {
      throw new ParameterError('--db', `${path} ${problem}; the demo deletes and recreates its database: give another --db, or --force to delete it anyway`);
    }
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  return { existed: true, schedules: 'names' in found ? found.names.length : 0 };
}

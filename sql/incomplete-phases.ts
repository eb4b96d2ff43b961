import { tablesRecreated } from './migration-objects.js';
import type { PhaseDeleted, Store } from './store.js';
import { ALL_PHASES, ANALYTICS_RUNS, PHASE_TABLES, type Phase } from './table-specs.js';

/** The phases with a table among `tables` (bare names). */
export function phasesOfTables(tables: readonly string[]): Phase[] {
  return ALL_PHASES.filter((phase) => PHASE_TABLES[phase].some((t) => tables.includes(t.name)));
}

/**
 * After `migrate` re-created a table of a phase, that phase's analytics are
 * incomplete for every schedule: the re-created table is empty while the
 * phase's other tables and the run record still say the phase is there.
 * Reads would then serve it (a histogram of zeros, a summary without its
 * rates) and `backfill` would skip it. So the phase is deleted from every
 * schedule that has any of it, each in its own transaction as
 * `delete-analytics` does: reads fall back to the normalized tables and
 * `backfill` computes it again.
 */
export async function deleteIncompletePhases(store: Store, recreated: readonly string[]): Promise<PhaseDeleted[]> {
  const deleted: PhaseDeleted[] = [];
  for (const phase of phasesOfTables(tablesRecreated(recreated))) {
    const ids = new Set<number>();
    const runs = await store.db.selectFrom(ANALYTICS_RUNS.name).select(['schedule_id', 'phases']).execute();
    for (const run of runs) if (run.phases.split(',').map(Number).includes(phase)) ids.add(Number(run.schedule_id));
    for (const table of PHASE_TABLES[phase]) {
      for (const row of await store.db.selectFrom(table.name).select('schedule_id').distinct().execute()) ids.add(Number(row.schedule_id));
    }
    const scheduleIds = [...ids].sort((a, b) => a - b);
    for (const id of scheduleIds) await store.deleteAnalytics(id, [phase]);
    if (scheduleIds.length > 0) deleted.push({ phase, scheduleIds });
  }
  return deleted;
}

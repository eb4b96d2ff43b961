import type { CompiledQuery, Kysely } from 'kysely';
import { tablesRecreated } from './migration-objects.js';
import type { Database } from './schema.js';
import type { PhaseDeleted } from './store.js';
import { ALL_PHASES, ANALYTICS_RUNS, PHASE_TABLES, remainingPhases, type Phase } from './table-specs.js';

/** Runs a compiled statement in the migration's transaction; its rows (none for a write). */
export type RunInMigration = <R>(query: CompiledQuery<R>) => Promise<R[]>;

/** The phases with a table among `tables` (bare names). */
export function phasesOfTables(tables: readonly string[]): Phase[] {
  return ALL_PHASES.filter((phase) => PHASE_TABLES[phase].some((t) => tables.includes(t.name)));
}

/**
 * After a migration re-created a table of a phase (`recreated`, as its
 * report lists them), that phase's analytics are incomplete for every
 * schedule: the re-created table is empty while the phase's other tables
 * and the run records still say the phase is there. Reads would then serve
 * it (a histogram of zeros, a summary without its rates) and `backfill`
 * would skip it. So every row of the phase goes, and the phase leaves every
 * run record: reads fall back to the normalized tables and `backfill`
 * computes it again. Run in the transaction that re-created the table, so a
 * migrate that stops half-way leaves both undone, for the next to redo.
 * Returns which schedules had some of each phase.
 */
export async function deleteIncompletePhases(db: Kysely<Database>, run: RunInMigration, recreated: readonly string[]): Promise<PhaseDeleted[]> {
  const phases = phasesOfTables(tablesRecreated(recreated));
  if (phases.length === 0) return [];
  const runs = await run(db.selectFrom(ANALYTICS_RUNS.name).select(['schedule_id', 'phases']).compile());
  const deleted: PhaseDeleted[] = [];
  for (const phase of phases) {
    const ids = new Set(runs.filter((r) => remainingPhases(r.phases, []).includes(phase)).map((r) => Number(r.schedule_id)));
    for (const table of PHASE_TABLES[phase]) {
      for (const row of await run(db.selectFrom(table.name).select('schedule_id').distinct().compile())) ids.add(Number(row.schedule_id));
      await run(db.deleteFrom(table.name).compile());
    }
    if (ids.size > 0) deleted.push({ phase, scheduleIds: [...ids].sort((a, b) => a - b) });
  }
  for (const r of runs) {
    const kept = remainingPhases(r.phases, phases);
    if (kept.length === remainingPhases(r.phases, []).length) continue;
    await run(kept.length === 0
      ? db.deleteFrom(ANALYTICS_RUNS.name).where('schedule_id', '=', r.schedule_id).compile()
      : db.updateTable(ANALYTICS_RUNS.name).set({ phases: kept.join(',') }).where('schedule_id', '=', r.schedule_id).compile());
  }
  return deleted;
}

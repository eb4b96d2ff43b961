import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { ComparisonCacheRow } from '../store.js';

/** The Compare cache rows a schedule is part of, as A or as B (deleted with its analytics). */
export function deleteComparisonsOf(db: Kysely<Database>, scheduleId: number) {
  return db.deleteFrom('schedule_comparisons').where((eb) => eb.or([eb('schedule_a_id', '=', scheduleId), eb('schedule_b_id', '=', scheduleId)]));
}

/** The columns an upsert replaces: all but the pair's key, plus a fresh `computed_at`. */
export function comparisonValueColumns(row: ComparisonCacheRow): string[] {
  return Object.keys(row).filter((c) => c !== 'schedule_a_id' && c !== 'schedule_b_id');
}

/** SQLite's upsert (INSERT … ON CONFLICT DO UPDATE): one statement, and SQLite has one writer, so concurrent readers cannot collide. */
export function upsertComparisonSqlite(db: Kysely<Database>, row: ComparisonCacheRow) {
  return db
    .insertInto('schedule_comparisons')
    .values(row)
    .onConflict((oc) => oc.columns(['schedule_a_id', 'schedule_b_id']).doUpdateSet((eb) => ({
      ...Object.fromEntries(comparisonValueColumns(row).map((c) => [c, eb.ref(`excluded.${c}` as never)])),
      computed_at: eb.ref('excluded.computed_at'),
    })));
}

import { sql, type Kysely } from 'kysely';
import { comparisonValueColumns } from '../queries/comparison-cache.js';
import type { Database } from '../schema.js';
import type { ComparisonCacheRow } from '../store.js';
import { qualifiedTableName } from './table-names.js';

/**
 * The Compare cache upsert on SQL Server: a MERGE under HOLDLOCK, which keeps
 * the key range locked from the match to the insert, so two readers storing
 * the same new pair at once serialize instead of both inserting (a primary
 * key violation without the hint).
 */
export function mergeComparison(db: Kysely<Database>, row: ComparisonCacheRow) {
  const columns = Object.keys(row);
  const values = comparisonValueColumns(row);
  const ref = (c: string) => sql.ref(c);
  return sql`MERGE ${sql.raw(qualifiedTableName('schedule_comparisons'))} WITH (HOLDLOCK) AS t
USING (VALUES (${sql.join(columns.map((c) => row[c as keyof ComparisonCacheRow]))})) AS s (${sql.join(columns.map(ref))})
ON t.schedule_a_id = s.schedule_a_id AND t.schedule_b_id = s.schedule_b_id
WHEN MATCHED THEN UPDATE SET ${sql.join(values.map((c) => sql`t.${ref(c)} = s.${ref(c)}`))}, t.computed_at = SYSUTCDATETIME()
WHEN NOT MATCHED THEN INSERT (${sql.join(columns.map(ref))}) VALUES (${sql.join(columns.map((c) => sql`s.${ref(c)}`))});`.compile(db);
}

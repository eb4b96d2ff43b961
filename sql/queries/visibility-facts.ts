import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * The visibility facts to drop when a schedule's analytics are deleted:
 * those of its blocks, and of blocks that no longer exist, that no schedule
 * with analytics (a run record) links. Facts another schedule still uses
 * stay. A fact whose block's JSON changed is never served: on SQL Server its
 * digest no longer matches; on SQLite a trigger deleted it with the change.
 * The rows are chosen through an alias (`f`), never `schema.table.column`:
 * a DELETE cannot alias its table in both dialects, and three-part column
 * names are not known to work on Babelfish.
 */
export function deleteUnusedFacts(db: Kysely<Database>, scheduleId: number) {
  const unused = db
    .selectFrom('block_visibility_facts as f')
    .select('f.scheduling_block_id')
    .where((eb) => eb.or([
      eb('f.scheduling_block_id', 'in', eb.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId)),
      eb.not(eb.exists(eb.selectFrom('scheduling_blocks as sb').select(sql`1`.as('one')).whereRef('sb.scheduling_block_id', '=', 'f.scheduling_block_id'))),
    ]))
    .where((eb) => eb.not(eb.exists(eb
      .selectFrom('schedule_scheduling_blocks as o')
      .innerJoin('schedule_analytics_runs as r', 'r.schedule_id', 'o.schedule_id')
      .select(sql`1`.as('one'))
      .whereRef('o.scheduling_block_id', '=', 'f.scheduling_block_id'))));
  return db.deleteFrom('block_visibility_facts').where('scheduling_block_id', 'in', unused);
}

import { sql, type AliasedRawBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.js';
import type { SourceBlockRow } from '../store.js';
import { storedFacts, type FactsColumns } from '../visibility-facts.js';

/**
 * The plan's five-table join (`ssb`, `sb`, `t`, `c`, `ac`, `az`), the one
 * place it is written; each query adds its columns and its schedule.
 */
export function joinedBlocks(db: Kysely<Database>) {
  return db
    .selectFrom('schedule_scheduling_blocks as ssb')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
    .innerJoin('targets as t', 't.target_id', 'sb.target_id')
    .leftJoin('constraints as c', 'c.constraints_id', 'sb.constraints_id')
    .leftJoin('altitude_constraints as ac', 'ac.altitude_constraints_id', 'c.altitude_constraints_id')
    .leftJoin('azimuth_constraints as az', 'az.azimuth_constraints_id', 'c.azimuth_constraints_id');
}

/** Every SourceBlockRow field but the JSON, aliased to the field names so no per-row mapping is needed. */
const SOURCE_COLUMNS = [
  'sb.scheduling_block_id as blockId',
  't.ra_deg as raDeg',
  't.dec_deg as decDeg',
  'sb.priority as priority',
  'sb.requested_duration_sec as requestedDurationSec',
  'sb.min_observation_sec as minObservationSec',
  'ac.min_alt_deg as minAltDeg',
  'ac.max_alt_deg as maxAltDeg',
  'az.min_az_deg as minAzDeg',
  'az.max_az_deg as maxAzDeg',
  'ssb.start_time_mjd as scheduledStartMjd',
  'ssb.stop_time_mjd as scheduledStopMjd',
] as const;

/**
 * The plan's five-table join, one row per block of the schedule, ordered by
 * block id. Shared by the ETL source stage and the legacy read path.
 */
export function selectSourceBlocks(db: Kysely<Database>, scheduleId: number) {
  return joinedBlocks(db)
    .select([...SOURCE_COLUMNS, 'sb.visibility_periods_json as visibilityJson'])
    .where('ssb.schedule_id', '=', scheduleId)
    .orderBy('ssb.scheduling_block_id');
}

const FACTS_COLUMNS = [
  'f.period_count as factsPeriodCount',
  'f.union_hours as factsUnionHours',
  'f.range_count as factsRangeCount',
] as const;

/**
 * The source rows with each block's stored visibility facts, joined on block
 * id and `matches` (the dialect's half of the key rule, sql/visibility-facts.ts).
 * The JSON is selected only where no fact joined: a reused block's JSON is
 * never read (SQLite) nor sent (SQL Server).
 */
function selectSourceBlocksWithFacts(db: Kysely<Database>, scheduleId: number, matches: RawBuilder<boolean>, extra: AliasedRawBuilder<unknown, string>[] = [], minuteRanges = true) {
  return joinedBlocks(db)
    .leftJoin('block_visibility_facts as f', (join) => join
      .onRef('f.scheduling_block_id', '=', 'sb.scheduling_block_id')
      .on(matches))
    .select([
      ...SOURCE_COLUMNS,
      ...FACTS_COLUMNS,
      (minuteRanges ? sql.ref<Uint8Array | null>('f.minute_ranges') : sql<null>`NULL`).as('factsMinuteRanges'),
      sql<string | null>`CASE WHEN f.scheduling_block_id IS NULL THEN sb.visibility_periods_json END`.as('visibilityJson'),
      ...extra,
    ])
    .where('ssb.schedule_id', '=', scheduleId)
    .orderBy('ssb.scheduling_block_id');
}

/**
 * SQLite form: the triggers of migration 007 keep every stored fact that of
 * its block's current JSON, so the join needs only the byte length as a
 * cheap guard: `jsonBytes`, the length as migration 009 indexes it
 * (sql/sqlite/source-columns-index.ts), read from the index, not the row.
 * Without `minuteRanges` the stored ranges are not read.
 */
export function selectSourceBlocksWithFactsSqlite(db: Kysely<Database>, scheduleId: number, jsonBytes: RawBuilder<number | null>, minuteRanges = true) {
  return selectSourceBlocksWithFacts(db, scheduleId, sql<boolean>`f.json_length = ${jsonBytes}`, [], minuteRanges);
}

/** Per block of the schedule, in block order, what Phase 3 takes from its source row (sql/phase3-inputs-key.ts). */
export function selectPhase3Inputs(db: Kysely<Database>, scheduleId: number) {
  return joinedBlocks(db)
    .select([
      'ssb.scheduling_block_id as blockId',
      'sb.priority as priority',
      // The populate's rule for a scheduled block (stages/core/block-processor.ts).
      sql<number>`CASE WHEN ssb.start_time_mjd IS NOT NULL AND ssb.stop_time_mjd IS NOT NULL THEN 1 ELSE 0 END`.as('scheduled'),
    ])
    .where('ssb.schedule_id', '=', scheduleId)
    .orderBy('ssb.scheduling_block_id');
}

/** The key columns of a SQL Server source row that carries its JSON (`withServerKey`). */
export interface ServerKeyColumns {
  jsonDigestBytes: Uint8Array | null;
  jsonLength: number | null;
}

/**
 * SQL Server form: the server digests the JSON (`HASHBYTES('SHA2_256')`, no
 * input limit since SQL Server 2016, and `DATALENGTH`) to join the facts, so
 * reused JSON never crosses the network. The JSON it does send comes with
 * that digest and length, which its new facts are stored with.
 */
export function selectSourceBlocksWithFactsMssql(db: Kysely<Database>, scheduleId: number) {
  const json = sql`sb.visibility_periods_json`;
  return selectSourceBlocksWithFacts(db, scheduleId, sql<boolean>`f.json_length = DATALENGTH(${json}) AND f.json_digest = HASHBYTES('SHA2_256', ${json})`, [
    sql<Uint8Array | null>`CASE WHEN f.scheduling_block_id IS NULL THEN HASHBYTES('SHA2_256', ${json}) END`.as('jsonDigestBytes'),
    sql<number | null>`CASE WHEN f.scheduling_block_id IS NULL THEN DATALENGTH(${json}) END`.as('jsonLength'),
  ]);
}

/**
 * A row of the queries above as the source stage delivers it: the stored
 * facts when they joined, else the JSON. The row itself, with its facts
 * columns left on it: copying every row without them cost W10k ~10k objects.
 */
export function withStoredFacts(row: SourceBlockRow & FactsColumns): SourceBlockRow {
  row.reused = storedFacts(row);
  return row;
}

/** A SQL Server row as the source stage delivers it: `withStoredFacts`, and the JSON's server key when it came with its JSON. */
export function withServerKey(row: SourceBlockRow & FactsColumns & ServerKeyColumns): SourceBlockRow {
  // mssql reads VARBINARY as a Buffer.
  if (row.jsonDigestBytes !== null && row.jsonLength !== null) row.jsonKey = { digest: row.jsonDigestBytes as Buffer, length: row.jsonLength };
  return withStoredFacts(row);
}

/**
 * Block count, min/max priority (what priority buckets need, without touching
 * the JSON) and cheap aggregates of every source column, for the fingerprint.
 * `jsonSize` is the dialect's byte length of the JSON column (SQLite
 * `length(CAST(x AS BLOB))` as migration 009 indexes it, T-SQL `DATALENGTH(x)`): reading a length is far
 * cheaper than hashing 100 MB of text. Floats are summed as integers of
 * millionths, so the sums are exact and do not depend on the order in which
 * a parallel plan adds them.
 */
/** A float as an integer count of millionths: `CAST(ROUND(x * 1e6, 0) AS BIGINT)` in both dialects. */
function micro(x: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`CAST(ROUND((${x}) * 1000000, 0) AS BIGINT)`;
}

export function selectSourceAggregates(db: Kysely<Database>, scheduleId: number, jsonSize: (column: string) => ReturnType<typeof sql.raw>) {
  return joinedBlocks(db)
    .select((eb) => [
      eb.fn.countAll<number>().as('blockCount'),
      eb.fn.min<number | null>('sb.priority').as('priorityMin'),
      eb.fn.max<number | null>('sb.priority').as('priorityMax'),
      sql<number | null>`SUM(${micro(sql`sb.priority`)} * (1 + sb.scheduling_block_id % 7))`.as('prioritySum'),
      sql<number | null>`SUM(sb.scheduling_block_id + sb.requested_duration_sec * 3 + sb.min_observation_sec * 5)`.as('intSum'),
      sql<number | null>`SUM(${micro(sql`COALESCE(ssb.start_time_mjd, -1)`)} + ${micro(sql`COALESCE(ssb.stop_time_mjd, -2)`)} * 3)`.as('windowSum'),
      sql<number | null>`SUM(${micro(sql`t.ra_deg + t.dec_deg * 3 + COALESCE(ac.min_alt_deg, -1) * 5 + COALESCE(ac.max_alt_deg, -1) * 7 + COALESCE(az.min_az_deg, -1) * 11 + COALESCE(az.max_az_deg, -1) * 13`)})`.as('geometrySum'),
      sql<number | null>`SUM(COALESCE(${jsonSize('sb.visibility_periods_json')}, -1) * (1 + sb.scheduling_block_id % 13))`.as('jsonSizeSum'),
    ])
    .where('ssb.schedule_id', '=', scheduleId);
}

import {
  OperationNodeTransformer,
  SchemableIdentifierNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';
import type { Database } from '../schema.js';
import { ALL_PHASES, ANALYTICS_RUNS, PHASE_TABLES, SOURCE_TABLES, VISIBILITY_FACTS, type TableSpec } from '../table-specs.js';

/** The two SQL Server schemas: `dbo` holds the operational source, `analytics` what the ETL derives. */
export type MssqlSchema = 'dbo' | 'analytics';

const SPEC_TABLES: readonly TableSpec[] = [
  ...(Object.values(SOURCE_TABLES) as TableSpec[]),
  ...ALL_PHASES.flatMap((p): readonly TableSpec[] => PHASE_TABLES[p]),
  ANALYTICS_RUNS,
  VISIBILITY_FACTS,
];

/**
 * The schema of every table of `Database`: from each TableSpec's `schema`,
 * plus the tables no writer bulk-loads (so they have no TableSpec).
 */
export const TABLE_SCHEMAS: ReadonlyMap<keyof Database, MssqlSchema> = new Map<keyof Database, MssqlSchema>([
  ['schedules', 'dbo'],
  ['schedule_etl_locks', 'analytics'],
  ['schedule_comparisons', 'analytics'],
  ...SPEC_TABLES.map((t): [keyof Database, MssqlSchema] => [t.name, t.schema === 'source' ? 'dbo' : 'analytics']),
]);

/** `[schema].[name]` of a table, as bulk copy's `sql.Table` takes it. */
export function qualifiedTableName(table: keyof Database): string {
  return `[${TABLE_SCHEMAS.get(table)}].[${table}]`;
}

/**
 * Adds the schema to every table reference that names a table of
 * `Database` without one, whatever the clause (FROM, JOIN, INTO, UPDATE,
 * DELETE, a column qualified by the table name). Aliases and other names
 * (CTEs, `sys.` views) pass through, so a CTE must not be named like a table.
 */
class TableNamesTransformer extends OperationNodeTransformer {
  protected override transformTable(node: TableNode, queryId?: QueryId): TableNode {
    const transformed = super.transformTable(node, queryId);
    const name = transformed.table.identifier.name as keyof Database;
    const schema = TABLE_SCHEMAS.get(name);
    if (transformed.table.schema !== undefined || schema === undefined) return transformed;
    return { ...transformed, table: SchemableIdentifierNode.createWithSchema(schema, name) };
  }
}

/**
 * Like kysely's WithSchemaPlugin, but the schema is chosen per table, so
 * queries written with bare names for both dialects
 * (`db.selectFrom('schedule_blocks_analytics')`) compile to
 * `"analytics"."schedule_blocks_analytics"` on SQL Server.
 */
export class MssqlTableNamesPlugin implements KyselyPlugin {
  readonly #transformer = new TableNamesTransformer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/**
 * What a migration file creates, read from its text: tables, columns added
 * by ALTER TABLE … ADD, indexes and triggers (SQLite's, which keep the
 * visibility facts current). `migrate` checks that they all exist and
 * re-runs a recorded migration when one is missing (a table dropped by hand,
 * the plan's rollback), which is safe because every migration is idempotent.
 * Names are as the file writes them (`analytics.x` on SQL Server, `x` on SQLite).
 */
export interface MigrationObject {
  kind: 'table' | 'column' | 'index' | 'trigger';
  /** The table, or the table the column, index or trigger belongs to. */
  table: string;
  /** The column, index or trigger name; the table name again for a table. */
  name: string;
}

const TABLE = /\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)/gi;
const COLUMN = /\bALTER\s+TABLE\s+([\w.]+)\s+ADD\s+(?:COLUMN\s+)?(\w+)/gi;
const TRIGGER = /\bCREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)[^;]*?\bON\s+([\w.]+)/gi;
const INDEX = /\bCREATE\s+(?:UNIQUE\s+)?(?:(?:NON)?CLUSTERED\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+([\w.]+)/gi;

/** The text without `--` line comments (the migrations hold no `--` inside string literals). */
export function withoutLineComments(sqlText: string): string {
  return sqlText.replace(/--[^\n]*/g, '');
}

/** Every table, added column, index and trigger the migration creates, in file order within each kind. */
export function migrationObjects(sqlText: string): MigrationObject[] {
  const text = withoutLineComments(sqlText);
  const objects: MigrationObject[] = [];
  for (const [, table] of text.matchAll(TABLE)) objects.push({ kind: 'table', table, name: table });
  for (const [, table, name] of text.matchAll(COLUMN)) {
    if (name.toUpperCase() !== 'CONSTRAINT') objects.push({ kind: 'column', table, name });
  }
  for (const [, name, table] of text.matchAll(INDEX)) objects.push({ kind: 'index', table, name });
  for (const [, name, table] of text.matchAll(TRIGGER)) objects.push({ kind: 'trigger', table, name });
  return objects;
}

/**
 * The tables, without their schema, of every `table x` in a migration
 * report's `recreated`: re-created empty, they lost their rows. (A re-added
 * column only reads null in the rows there, as after an upgrade that adds
 * it; an index or a trigger holds no rows.)
 */
export function tablesRecreated(recreated: readonly string[]): string[] {
  return recreated.filter((entry) => entry.startsWith('table ')).map((entry) => entry.slice('table '.length).split('.').at(-1)!);
}

/** `table x`, `column x.y`, `index ix on x`, `trigger t on x`: how `migrate` reports what it re-created. */
export function describeObject(o: MigrationObject): string {
  if (o.kind === 'table') return `table ${o.table}`;
  if (o.kind === 'column') return `column ${o.table}.${o.name}`;
  return `${o.kind} ${o.name} on ${o.table}`;
}

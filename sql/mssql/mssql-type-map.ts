import sql from 'mssql';
import { TsiError } from '../../base/errors.js';
import type { ColumnKind } from '../table-specs.js';

/**
 * The SQL Server type of a column kind, as bulk copy and typed parameters
 * need it. A fresh object per call: `Table.columns.add` writes the column's
 * name and nullability into the type object it is given.
 */
export function sqlType(kind: ColumnKind, maxLength?: number): sql.ISqlType {
  switch (kind) {
    case 'bigint':
      return sql.BigInt();
    case 'int':
      return sql.Int();
    case 'tinyint':
      return sql.TinyInt();
    case 'bit':
      return sql.Bit();
    case 'float':
      return sql.Float();
    case 'nvarchar':
      return sql.NVarChar(maxLength ?? sql.MAX);
    case 'varbinary':
      return sql.VarBinary(sql.MAX);
  }
}

/**
 * A BIGINT as tedious delivers it (a decimal string) as a number.
 * @throws TsiError when the value is beyond ±(2^53 - 1), where a number would silently round.
 */
export function bigintToNumber(value: string | number, column: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new TsiError(`column ${column}: BIGINT value ${value} is outside the exact integer range of JavaScript numbers (±9007199254740991)`);
  }
  return n;
}

type Conversion = (value: unknown, column: string) => unknown;

const toNumber: Conversion = (v, column) => (v === null ? null : bigintToNumber(v as string, column));
// 0/1 like SQLite and schema.ts (`is_scheduled: number`), so both dialects return equal rows.
const toZeroOne: Conversion = (v) => (v === null ? null : v ? 1 : 0);
// SQLite stores strftime('%Y-%m-%dT%H:%M:%fZ'), which is exactly toISOString()'s format.
const toIsoString: Conversion = (v) => (v === null ? null : (v as Date).toISOString());

const CONVERSIONS = new Map<unknown, Conversion>([
  [sql.TYPES.BigInt, toNumber],
  [sql.TYPES.Bit, toZeroOne],
  [sql.TYPES.DateTime2, toIsoString],
  [sql.TYPES.DateTime, toIsoString],
  [sql.TYPES.DateTimeOffset, toIsoString],
]);

/** Rewrites one row in place into the values schema.ts declares. */
export type RowConverter = (row: Record<string, unknown>) => void;

const unchanged: RowConverter = () => {};

/**
 * The converter for rows of one result set, built once from its column
 * metadata so the per-row work is a loop over the few columns that need it:
 * BIGINT (a string from tedious) → number, range-checked; BIT (boolean) →
 * 0/1; DATETIME/DATETIME2/DATETIMEOFFSET (Date) → ISO-8601 string. INT,
 * TINYINT and FLOAT already arrive as numbers, NVARCHAR as strings and
 * VARBINARY as Buffers.
 */
export function rowConverter(columns: sql.IColumnMetadata): RowConverter {
  const steps: [string, Conversion][] = [];
  for (const column of Object.values(columns)) {
    const conversion = CONVERSIONS.get(column.type);
    if (conversion !== undefined) steps.push([column.name, conversion]);
  }
  if (steps.length === 0) return unchanged;
  return (row) => {
    for (const [name, conversion] of steps) row[name] = conversion(row[name], name);
  };
}

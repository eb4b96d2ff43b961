import fc from 'fast-check';
import mssql from 'mssql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InsertStatementCache, rowsPerStatement } from '../../sql/insert-statements.js';
import { mssqlKysely } from '../../sql/mssql/mssql-driver.js';
import { MSSQL_MAX_PARAMETERS, MSSQL_MAX_ROWS_PER_INSERT, MssqlRowWriter } from '../../sql/mssql/mssql-row-writer.js';
import { SOURCE_TABLES, SUMMARY, VISIBILITY_RANGES, type TableSpec } from '../../sql/table-specs.js';

const db = mssqlKysely(new mssql.ConnectionPool({ server: 'localhost' }));
// Requests are only recorded, never sent: any object serves as their transaction.
const transaction = { name: 'the transaction' } as unknown as mssql.Transaction;

interface Sent {
  text: string;
  parameters: mssql.Request['parameters'];
  parent: unknown;
}
interface Bulked {
  table: mssql.Table;
  options: unknown;
  parent: unknown;
}
let sent: Sent[];
let bulked: Bulked[];

beforeEach(() => {
  sent = [];
  bulked = [];
  vi.spyOn(mssql.Request.prototype, 'query').mockImplementation(async function (this: mssql.Request, text: unknown) {
    sent.push({ text: text as string, parameters: this.parameters, parent: (this as unknown as { parent: unknown }).parent });
    return { recordsets: [], recordset: undefined, rowsAffected: [], output: {} } as never;
  });
  vi.spyOn(mssql.Request.prototype, 'bulk').mockImplementation(async function (this: mssql.Request, table: mssql.Table, options: unknown) {
    bulked.push({ table, options, parent: (this as unknown as { parent: unknown }).parent });
    return { rowsAffected: table.rows.length } as never;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** `rows` rows of `table` whose value at (r, c) is r * 1000 + c (the ranges column gets bytes). */
function batchOf(table: TableSpec, rows: number) {
  const values: unknown[] = [];
  for (let r = 0; r < rows; r++) {
    table.columns.forEach((c, i) => values.push(c.kind === 'varbinary' ? new Uint8Array([r % 256, i]) : r * 1000 + i));
  }
  return { values, rowCount: rows };
}

describe('the 2,000-parameter batching', () => {
  it('puts 62 rows of the 32-column summary table in one INSERT: 1,984 parameters', () => {
    expect(SUMMARY.columns).toHaveLength(32);
    expect(rowsPerStatement(SUMMARY, MSSQL_MAX_PARAMETERS, MSSQL_MAX_ROWS_PER_INSERT)).toBe(62);
    const text = new InsertStatementCache(db).sql(SUMMARY, 62);
    expect(text.match(/@\d+/g)).toHaveLength(1984);
    expect(text.endsWith('@1969, @1970, @1971, @1972, @1973, @1974, @1975, @1976, @1977, @1978, @1979, @1980, @1981, @1982, @1983, @1984)')).toBe(true);
  });

  it('fills each statement as far as both limits allow, for any width', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), (width) => {
        const table = { name: 'schedule_summary_analytics', schema: 'analytics', columns: Array.from({ length: width }, (_, i) => ({ name: `c${i}`, kind: 'int', nullable: false })) } as TableSpec;
        const rows = rowsPerStatement(table, MSSQL_MAX_PARAMETERS, MSSQL_MAX_ROWS_PER_INSERT);
        expect(rows * width).toBeLessThanOrEqual(2000);
        expect(rows).toBeLessThanOrEqual(1000);
        expect(rows === 1000 || (rows + 1) * width > 2000).toBe(true);
      }),
    );
  });
});

describe('MssqlRowWriter', () => {
  it('writes a small batch as INSERTs of at most 2,000 typed parameters, on the transaction', async () => {
    const writer = new MssqlRowWriter(db, 1000);
    const batch = batchOf(SUMMARY, 250);
    await writer.insert(transaction, SUMMARY, batch);
    expect(bulked).toEqual([]);
    const cache = new InsertStatementCache(db);
    expect(sent.map((s) => s.text)).toEqual([...Array(4).fill(cache.sql(SUMMARY, 62)), cache.sql(SUMMARY, 2)]);
    expect(sent.map((s) => Object.keys(s.parameters).length)).toEqual([1984, 1984, 1984, 1984, 64]);
    expect(sent.every((s) => s.parent === transaction)).toBe(true);
    // The second statement starts at row 62; parameters are typed by column.
    const second = sent[1].parameters;
    expect([second['1'].value, second['1'].type]).toEqual([62_000, mssql.BigInt]);
    expect([second['7'].value, second['7'].type]).toEqual([62_006, mssql.Float]);
    expect([second['25'].value, second['25'].type]).toEqual([62_024, mssql.Int]);
    expect([second['1984'].value, second['1984'].type]).toEqual([123_031, mssql.Float]);
    expect(sent[4].parameters['64'].value).toBe(249_031);
  });

  it('bulk-copies a large batch into the schema-qualified table with the TableSpec columns', async () => {
    const writer = new MssqlRowWriter(db, 100);
    await writer.insert(transaction, VISIBILITY_RANGES, batchOf(VISIBILITY_RANGES, 150));
    expect(sent).toEqual([]);
    expect(bulked).toHaveLength(1);
    const { table, options, parent } = bulked[0];
    expect(parent).toBe(transaction);
    expect(options).toEqual({ checkConstraints: true });
    expect(table.path).toBe('[analytics].[schedule_block_visibility_ranges]');
    expect(table.create).toBeFalsy();
    expect(table.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['schedule_id', mssql.BigInt, false],
      ['scheduling_block_id', mssql.BigInt, false],
      ['priority', mssql.Float, false],
      ['priority_bucket', mssql.TinyInt, false],
      ['is_scheduled', mssql.Bit, false],
      ['range_count', mssql.Int, false],
      ['minute_ranges', mssql.VarBinary, false],
    ]);
    expect((table.columns[6] as unknown as { length: number }).length).toBe(mssql.MAX);
    expect(table.rows).toHaveLength(150);
    // Row 149 of the flat batch, its bytes as a Buffer (what tedious sends as VARBINARY).
    expect(table.rows[149]).toEqual([149_000, 149_001, 149_002, 149_003, 149_004, 149_005, Buffer.from([149, 6])]);
    expect(Buffer.isBuffer(table.rows[149][6])).toBe(true);
  });

  it('bulk-copies source tables into dbo, nullable columns declared so', async () => {
    await new MssqlRowWriter(db, 100).insert(transaction, SOURCE_TABLES.constraints, batchOf(SOURCE_TABLES.constraints, 100));
    const { table } = bulked[0];
    expect(table.path).toBe('[dbo].[constraints]');
    expect(table.columns.map((c) => c.nullable)).toEqual([false, true, true, true, true]);
  });

  it('sends nothing for an empty batch', async () => {
    await new MssqlRowWriter(db, 100).insert(transaction, SUMMARY, { values: [], rowCount: 0 });
    expect([sent, bulked]).toEqual([[], []]);
  });
});

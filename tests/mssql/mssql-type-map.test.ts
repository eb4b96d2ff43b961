import fc from 'fast-check';
import mssql from 'mssql';
import { describe, expect, it } from 'vitest';
import { TsiError } from '../../base/errors.js';
import { bigintToNumber, rowConverter, sqlType } from '../../sql/mssql/mssql-type-map.js';
import type { SourceBlockRow } from '../../sql/store.js';

/** Column metadata shaped as mssql builds it from tedious (only name and type matter here). */
function columns(types: Record<string, unknown>): mssql.IColumnMetadata {
  return Object.fromEntries(
    Object.entries(types).map(([name, type], index) => [
      name,
      { index, name, type, length: 0, nullable: true, caseSensitive: false, identity: false, readOnly: false },
    ]),
  ) as mssql.IColumnMetadata;
}

describe('sqlType', () => {
  it('maps every column kind to its SQL Server type', () => {
    expect(sqlType('bigint').type).toBe(mssql.BigInt);
    expect(sqlType('int').type).toBe(mssql.Int);
    expect(sqlType('tinyint').type).toBe(mssql.TinyInt);
    expect(sqlType('bit').type).toBe(mssql.Bit);
    expect(sqlType('float').type).toBe(mssql.Float);
    expect(sqlType('nvarchar')).toMatchObject({ type: mssql.NVarChar, length: mssql.MAX });
    expect(sqlType('nvarchar', 256)).toMatchObject({ type: mssql.NVarChar, length: 256 });
    expect(sqlType('varbinary')).toMatchObject({ type: mssql.VarBinary, length: mssql.MAX });
  });

  it('returns a fresh object each time (bulk copy writes into it)', () => {
    expect(sqlType('nvarchar')).not.toBe(sqlType('nvarchar'));
  });
});

describe('bigintToNumber', () => {
  it('converts the strings tedious delivers for BIGINT', () => {
    expect(bigintToNumber('42', 'id')).toBe(42);
    expect(bigintToNumber('-7', 'id')).toBe(-7);
    expect(bigintToNumber('9007199254740991', 'id')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses values a number would round, naming the column', () => {
    expect(() => bigintToNumber('9007199254740992', 'scheduling_block_id')).toThrow(TsiError);
    expect(() => bigintToNumber('9007199254740992', 'scheduling_block_id')).toThrow(/column scheduling_block_id: BIGINT value 9007199254740992/);
    expect(() => bigintToNumber('-9223372036854775808', 'x')).toThrow(TsiError);
  });

  it('round-trips every safe integer and rejects every other BIGINT', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(bigintToNumber(String(n), 'c')).toBe(n);
      }),
    );
    const beyond = fc.oneof(
      fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
      fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) }),
    );
    fc.assert(
      fc.property(beyond, (n) => {
        expect(() => bigintToNumber(String(n), 'c')).toThrow(TsiError);
      }),
    );
  });
});

describe('rowConverter', () => {
  it('turns BIGINT strings into numbers, BIT booleans into 0/1 and dates into ISO strings', () => {
    const convert = rowConverter(columns({
      schedule_id: mssql.TYPES.BigInt,
      is_scheduled: mssql.TYPES.Bit,
      visibility_invalid: mssql.TYPES.Bit,
      created_at: mssql.TYPES.DateTime2,
      priority: mssql.TYPES.Float,
      range_count: mssql.TYPES.Int,
      phases: mssql.TYPES.NVarChar,
    }));
    const row: Record<string, unknown> = {
      schedule_id: '12345678901',
      is_scheduled: true,
      visibility_invalid: false,
      created_at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)),
      priority: 7.5,
      range_count: 3,
      phases: '1,2,3',
    };
    convert(row);
    expect(row).toEqual({
      schedule_id: 12345678901,
      is_scheduled: 1,
      visibility_invalid: 0,
      created_at: '2025-01-02T03:04:05.678Z',
      priority: 7.5,
      range_count: 3,
      phases: '1,2,3',
    });
  });

  it('keeps NULLs as null', () => {
    const row: Record<string, unknown> = { a: null, b: null, c: null };
    rowConverter(columns({ a: mssql.TYPES.BigInt, b: mssql.TYPES.Bit, c: mssql.TYPES.DateTime2 }))(row);
    expect(row).toEqual({ a: null, b: null, c: null });
  });

  it('makes a row of the source query a SourceBlockRow', () => {
    // The result columns of selectSourceBlocks as SQL Server types them.
    const convert = rowConverter(columns({
      blockId: mssql.TYPES.BigInt,
      raDeg: mssql.TYPES.Float,
      decDeg: mssql.TYPES.Float,
      priority: mssql.TYPES.Float,
      requestedDurationSec: mssql.TYPES.Int,
      minObservationSec: mssql.TYPES.Int,
      minAltDeg: mssql.TYPES.Float,
      maxAltDeg: mssql.TYPES.Float,
      minAzDeg: mssql.TYPES.Float,
      maxAzDeg: mssql.TYPES.Float,
      scheduledStartMjd: mssql.TYPES.Float,
      scheduledStopMjd: mssql.TYPES.Float,
      visibilityJson: mssql.TYPES.NVarChar,
    }));
    const row: Record<string, unknown> = {
      blockId: '1000001', raDeg: 10.5, decDeg: -20.25, priority: 8, requestedDurationSec: 3600, minObservationSec: 600,
      minAltDeg: 30, maxAltDeg: null, minAzDeg: null, maxAzDeg: null, scheduledStartMjd: 60676.1, scheduledStopMjd: 60676.2,
      visibilityJson: '[{"start":60676,"stop":60676.5}]',
    };
    convert(row);
    const expected: SourceBlockRow = {
      blockId: 1000001, raDeg: 10.5, decDeg: -20.25, priority: 8, requestedDurationSec: 3600, minObservationSec: 600,
      minAltDeg: 30, maxAltDeg: null, minAzDeg: null, maxAzDeg: null, scheduledStartMjd: 60676.1, scheduledStopMjd: 60676.2,
      visibilityJson: '[{"start":60676,"stop":60676.5}]',
    };
    expect(row).toEqual(expected);
  });

  it('fails on a BIGINT beyond 2^53 instead of rounding it', () => {
    const convert = rowConverter(columns({ blockId: mssql.TYPES.BigInt }));
    expect(() => convert({ blockId: '9007199254740993' })).toThrow(/column blockId/);
  });
});

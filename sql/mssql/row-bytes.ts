import type { ColumnKind, TableSpec } from '../table-specs.js';

/** Bytes a value of a fixed-size kind takes in a TDS row (the wire format of bulk copy). */
const FIXED_BYTES: Partial<Record<ColumnKind, number>> = { bigint: 8, int: 4, tinyint: 1, bit: 1, float: 8 };

/** How many bytes a row of one table takes on the wire, near enough to bound batches by size. */
export type RowBytes = (values: readonly unknown[], offset: number) => number;

/**
 * The size estimator of a table's rows, fixed once per table: the sum of the
 * fixed-size columns, plus per row only the variable ones (NVARCHAR is
 * UTF-16, two bytes a character; VARBINARY its length). NULLs count as
 * their fixed size, which only overestimates.
 */
export function rowBytesOf(table: TableSpec): RowBytes {
  let fixed = 0;
  const variable: { index: number; perUnit: number }[] = [];
  table.columns.forEach((column, index) => {
    const size = FIXED_BYTES[column.kind];
    if (size !== undefined) fixed += size;
    else variable.push({ index, perUnit: column.kind === 'nvarchar' ? 2 : 1 });
  });
  if (variable.length === 0) return () => fixed;
  return (values, offset) => {
    let bytes = fixed;
    for (const { index, perUnit } of variable) {
      const value = values[offset + index] as { length?: number } | null;
      bytes += (value?.length ?? 0) * perUnit;
    }
    return bytes;
  };
}

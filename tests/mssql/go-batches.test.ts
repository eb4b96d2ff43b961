import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TsiError } from '../../base/errors.js';
import { splitGoBatches } from '../../sql/mssql/go-batches.js';

describe('splitGoBatches', () => {
  it('splits on lines holding only GO, in any case, with blanks around it', () => {
    expect(splitGoBatches('SELECT 1\nGO\nSELECT 2\n  go  \nSELECT 3\n\tGo\n')).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
  });

  it('sends a trailing batch that has no GO after it', () => {
    expect(splitGoBatches('SELECT 1\nGO\nSELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('accepts a -- comment after GO and Windows line ends', () => {
    expect(splitGoBatches('SELECT 1\r\nGO -- end of 1\r\nSELECT 2\r\n')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('repeats a batch for GO n', () => {
    expect(splitGoBatches('INSERT INTO t DEFAULT VALUES\nGO 3\nSELECT 1')).toEqual([
      'INSERT INTO t DEFAULT VALUES',
      'INSERT INTO t DEFAULT VALUES',
      'INSERT INTO t DEFAULT VALUES',
      'SELECT 1',
    ]);
  });

  it('rejects GO 0, naming the line', () => {
    expect(() => splitGoBatches('SELECT 1\nGO 0')).toThrow(TsiError);
    expect(() => splitGoBatches('SELECT 1\nGO 0')).toThrow(/line 2: GO 0/);
  });

  it('keeps GO that is not alone on its line', () => {
    expect(splitGoBatches('SELECT 1 AS go\nGOTO done\n-- GO\ngo_table\nGO')).toEqual(['SELECT 1 AS go\nGOTO done\n-- GO\ngo_table']);
  });

  it('ignores GO inside block comments, nested ones included', () => {
    expect(splitGoBatches('SELECT 1\n/* outer\n/* inner */\nGO\n*/\nSELECT 2\nGO\nSELECT 3')).toEqual([
      'SELECT 1\n/* outer\n/* inner */\nGO\n*/\nSELECT 2',
      'SELECT 3',
    ]);
  });

  it('ignores GO inside a string literal that spans lines', () => {
    expect(splitGoBatches("SELECT 'a\nGO\nb'\nGO\nSELECT 2")).toEqual(["SELECT 'a\nGO\nb'", 'SELECT 2']);
  });

  it("treats '' as an escaped quote and quotes in -- comments as comment text", () => {
    expect(splitGoBatches("SELECT 'it''s'\nGO\n-- don't\nGO\nSELECT '/*'\nGO\nSELECT 4")).toEqual(["SELECT 'it''s'", "-- don't", "SELECT '/*'", 'SELECT 4']);
  });

  it('drops empty batches', () => {
    expect(splitGoBatches('GO\n\n  \nGO\nGO')).toEqual([]);
    expect(splitGoBatches('')).toEqual([]);
  });

  it('gives back any GO-free batches joined by GO lines', () => {
    // Lines of letters, digits and blanks that are not themselves a GO line.
    const line = fc.stringMatching(/^[a-zA-Z0-9 ]{0,12}$/).filter((l) => !/^\s*go(\s+\d+)?\s*$/i.test(l));
    const batch = fc.array(line, { maxLength: 4 }).map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 6 }), (batches) => {
        const expected = batches.map((b) => b.trim()).filter((b) => b !== '');
        expect(splitGoBatches(batches.join('\nGO\n'))).toEqual(expected);
      }),
    );
  });
});

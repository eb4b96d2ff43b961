import { describe, expect, it } from 'vitest';
import { migrationFiles } from '../../sql/migration-files.js';
import { sqliteStatements } from '../../sql/sqlite/sqlite-statements.js';

describe('sqliteStatements', () => {
  it('splits on ; but keeps a trigger body (with CASE … END inside) whole, and drops comments', () => {
    const text = `-- a; comment
CREATE TABLE a (x INT);
CREATE TRIGGER t AFTER UPDATE ON a
BEGIN
  UPDATE b SET y = CASE WHEN NEW.x > 0 THEN 1 ELSE 0 END;
  DELETE FROM c;
END;
INSERT INTO a VALUES (1);
`;
    expect(sqliteStatements(text)).toEqual([
      'CREATE TABLE a (x INT)',
      'CREATE TRIGGER t AFTER UPDATE ON a\nBEGIN\n  UPDATE b SET y = CASE WHEN NEW.x > 0 THEN 1 ELSE 0 END;\n  DELETE FROM c;\nEND',
      'INSERT INTO a VALUES (1)',
    ]);
  });

  it('refuses a trigger that never ends', () => {
    expect(() => sqliteStatements('CREATE TRIGGER t AFTER DELETE ON a BEGIN DELETE FROM b;')).toThrow(/unterminated trigger/);
  });

  it('splits every migration into statements SQLite accepts one at a time', () => {
    for (const file of migrationFiles('sqlite')) {
      for (const statement of sqliteStatements(file.sql)) expect(statement, file.name).not.toMatch(/^\s*(END|BEGIN)\b/i);
    }
  });
});

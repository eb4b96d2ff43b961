import mssql from 'mssql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TsiError } from '../../base/errors.js';
import { migrationFiles } from '../../sql/migration-files.js';
import { splitGoBatches } from '../../sql/mssql/go-batches.js';
import { migrate, missingMigrations } from '../../sql/mssql/mssql-migrator.js';
import { installFakeServer, type FakeServer } from './fake-mssql.js';

const pool = new mssql.ConnectionPool({ server: 'localhost' });
const files = migrationFiles('mssql');
let server: FakeServer;
/** Versions the fake's dbo.schema_migrations holds. */
let recorded: Set<string>;

beforeEach(() => {
  server = installFakeServer();
  recorded = new Set();
  server.answer = (text, p) => {
    if (text.startsWith('INSERT INTO dbo.schema_migrations')) {
      const fresh = !recorded.has(p.version as string);
      recorded.add(p.version as string);
      return { rowsAffected: fresh ? 1 : 0 };
    }
    return {};
  };
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('migrate (mssql)', () => {
  it('creates the migrations table, then applies each file in its own locked transaction, version row first, batch by batch', async () => {
    const report = await migrate(pool, 1234);
    expect(report).toEqual({ applied: files.map((f) => f.name), alreadyApplied: [] });
    const lock = (tx: string) => `${tx} exec sp_getapplock tsi-etl:migrate Exclusive Transaction 1234`;
    const expected = [
      'tx1 begin',
      lock('tx1'),
      expect.stringMatching(/^tx1 batch: IF OBJECT_ID\(N'dbo\.schema_migrations', N'U'\) IS NULL\nCREATE TABLE dbo\.schema_migrations/),
      'tx1 commit',
      ...files.flatMap((f, i) => {
        const tx = `tx${i + 2}`;
        return [
          `${tx} begin`,
          lock(tx),
          expect.stringMatching(new RegExp(`^${tx} query: INSERT INTO dbo\\.schema_migrations`)),
          ...splitGoBatches(f.sql).map((b) => `${tx} batch: ${b}`),
          `${tx} commit`,
        ];
      }),
    ];
    expect(server.log).toEqual(expected);
  });

  it('applies nothing the second time', async () => {
    await migrate(pool, 1000);
    server.log = [];
    expect(await migrate(pool, 1000)).toEqual({ applied: [], alreadyApplied: files.map((f) => f.name) });
    expect(server.log.filter((l) => l.includes(' batch: ') && !l.includes('schema_migrations'))).toEqual([]);
  });

  it('rolls back a failing file and names it', async () => {
    const answer = server.answer;
    server.answer = (text, p) => (text.includes('analytics.schedule_priority_rates') ? { error: new Error('Incorrect syntax near FOO') } : answer(text, p));
    const error = await migrate(pool, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TsiError);
    expect((error as Error).message).toBe('migration 002_create_summary_tables.sql failed: Incorrect syntax near FOO');
    expect(server.log.slice(-2)).toEqual([expect.stringContaining('tx4 batch: IF OBJECT_ID'), 'tx4 rollback']);
  });

  it('gives up when another migrator holds the lock past the timeout', async () => {
    server.lockResult = () => -1;
    await expect(migrate(pool, 50)).rejects.toThrow('another process is migrating this database (waited 50 ms; sp_getapplock returned -1)');
    expect(server.log).toEqual(['tx1 begin', 'tx1 exec sp_getapplock tsi-etl:migrate Exclusive Transaction 50', 'tx1 rollback']);
  });
});

describe('missingMigrations', () => {
  it('lists every file on a database never migrated, and only the unapplied ones after', async () => {
    server.answer = (text) => (text.includes('OBJECT_ID') ? { rows: [{ id: null }] } : {});
    expect((await missingMigrations(pool)).map((f) => f.version)).toEqual(['000', '001', '002', '003', '004', '005']);
    server.answer = (text) => (text.includes('OBJECT_ID') ? { rows: [{ id: 42 }] } : { rows: [{ version: '000' }, { version: '001' }, { version: '003' }] });
    expect((await missingMigrations(pool)).map((f) => f.version)).toEqual(['002', '004', '005']);
  });
});

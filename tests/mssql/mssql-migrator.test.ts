import mssql from 'mssql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TsiError } from '../../base/errors.js';
import { migrationFiles } from '../../sql/migration-files.js';
import { migrationObjects } from '../../sql/migration-objects.js';
import { splitGoBatches } from '../../sql/mssql/go-batches.js';
import { migrate, missingMigrations, missingObjectsQuery, prefixPattern } from '../../sql/mssql/mssql-migrator.js';
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
    expect(report).toEqual({ applied: files.map((f) => f.name), alreadyApplied: [], recreated: [], analyticsDeleted: [] });
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
    expect(await migrate(pool, 1000)).toEqual({ applied: [], alreadyApplied: files.map((f) => f.name), recreated: [], analyticsDeleted: [] });
    expect(server.log.filter((l) => l.includes(' batch: ') && !l.includes('schema_migrations'))).toEqual([]);
  });

  it('on a recorded file, asks which of its objects are missing, and re-runs only a file with something missing', async () => {
    await migrate(pool, 1000);
    server.log = [];
    const answer = server.answer;
    const asked: Record<string, unknown>[] = [];
    server.answer = (text, p) => {
      if (!text.startsWith('SELECT o.i FROM (VALUES')) return answer(text, p);
      asked.push(p);
      // 002's first table was dropped; 005 then lacks the columns it adds to that table (its objects 2..8: tables, then columns, then indexes).
      if (p.table0 === 'analytics.schedule_summary_analytics') return { rows: [{ i: 0 }] };
      if (p.table0 === 'analytics.schedule_comparisons') return { rows: [2, 3, 4, 5, 6, 7, 8].map((i) => ({ i })) };
      return {};
    };
    const report = await migrate(pool, 1000);
    expect(report.applied).toEqual([]);
    expect(report.recreated).toEqual([
      'table analytics.schedule_summary_analytics',
      ...['scheduled_union_hours', 'gap_count', 'gap_total_hours', 'gap_mean_hours', 'gap_median_hours', 'gap_p90_hours', 'gap_max_hours'].map((c) => `column analytics.schedule_summary_analytics.${c}`),
    ]);
    // every recorded file that creates something was checked, with its objects bound as parameters
    expect(asked).toHaveLength(files.filter((f) => migrationObjects(f.sql).length > 0).length);
    expect(asked[5]).toMatchObject({
      kind0: 'table', table0: 'analytics.schedule_comparisons',
      kind1: 'column', table1: 'dbo.scheduling_blocks', name1: 'original_block_id',
      kind9: 'index', table9: 'analytics.schedule_blocks_analytics', name9: 'ix_sba_timeline',
    });
    // only 002 and 005 ran again, batch by batch, inside the transaction that checked them
    const rerun = server.log.filter((l) => / batch: /.test(l) && !l.includes('schema_migrations'));
    // The first migrate used tx1 … tx7; this one creates the table in tx8, then one transaction per file.
    const tx = (file: number) => `tx${files.length + 3 + file}`;
    expect(rerun).toEqual([
      ...splitGoBatches(files[2].sql).map((b) => `${tx(2)} batch: ${b}`),
      ...splitGoBatches(files[5].sql).map((b) => `${tx(5)} batch: ${b}`),
    ]);
    expect(server.log).toContain(`${tx(5)} commit`);
  });

  it('asks about tables, added columns and indexes with one bound query', () => {
    const sql = missingObjectsQuery([{ kind: 'table', table: 'analytics.t', name: 'analytics.t' }, { kind: 'column', table: 'dbo.b', name: 'c' }]);
    expect(sql).toBe(`SELECT o.i FROM (VALUES
  (0, @kind0, @table0, @name0, @like0),
  (1, @kind1, @table1, @name1, @like1)
) AS o(i, kind, tbl, name, name_like)
WHERE (o.kind = N'table' AND OBJECT_ID(o.tbl, N'U') IS NULL)
   OR (o.kind = N'column' AND COL_LENGTH(o.tbl, o.name) IS NULL)
   OR (o.kind = N'index' AND NOT EXISTS (SELECT 1 FROM sys.indexes AS ix WHERE (ix.name = o.name OR ix.name LIKE o.name_like) AND ix.object_id = OBJECT_ID(o.tbl)))
ORDER BY o.i`);
  });

  it('matches an index by its name as a LIKE prefix, with _, % and [ taken literally (Babelfish lists ix_a as ix_a<table><hash>)', () => {
    expect(prefixPattern('ix_sba_timeline')).toBe('ix[_]sba[_]timeline%');
    expect(prefixPattern('a%b[c')).toBe('a[%]b[[]c%');
    expect(prefixPattern('plain')).toBe('plain%');
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
    expect((await missingMigrations(pool)).map((f) => f.version)).toEqual(['000', '001', '002', '003', '004', '005', '006', '007', '008', '009']);
    server.answer = (text) => (text.includes('OBJECT_ID') ? { rows: [{ id: 42 }] } : { rows: [{ version: '000' }, { version: '001' }, { version: '003' }] });
    expect((await missingMigrations(pool)).map((f) => f.version)).toEqual(['002', '004', '005', '006', '007', '008', '009']);
  });
});

import { spawnSync } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../pipeline/cli/commands/index.js';
import { ParameterError } from '../../base/errors.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { listSchedules } from '../../queries/block-reads.js';
import { openStore } from '../../sql/create-store.js';
import { migrationFiles } from '../../sql/migration-files.js';
import { CLI, runCli } from '../helpers.js';
import { analyticsDigests, sourceDigests, spawnCli } from './crash-harness.js';

/*
 * Input meant to hurt: SQL in ids and names, databases that cannot be
 * opened or written, servers that cannot be reached. Each must be rejected
 * or kept as data, reported in one line on stderr (a stack trace only with
 * --log-level debug), and never leak the connection string's password.
 * Runs the built CLI in dist/ (`npm test` builds first).
 */

const STACK_LINE = /^\s+at /m;
const PASSWORD = 'S3cret!';

/** The lines of a stream's text (no trailing empty line). */
const lines = (text: string) => text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let dir: string;
let db: string;

/** Every table's name and the schedule's source and analytics digests: what a hostile call must leave as it was. */
async function snapshot(path: string, scheduleId = 1) {
  const store = await openStore(path);
  try {
    const tables = await store.db.selectFrom('sqlite_master' as never).select('name' as never).where('type' as never, '=', 'table' as never).orderBy('name' as never).execute();
    return { tables, source: await sourceDigests(store.db, scheduleId), analytics: await analyticsDigests(store.db, scheduleId) };
  } finally {
    await store.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsi-hostile-'));
  db = join(dir, 'hostile.db');
  expect(runCli(['generate', '--db', db, '--blocks', '30', '--days', '3', '--seed', '5']).code).toBe(0);
  expect(runCli(['populate', '--db', db, '--schedule', '1']).code).toBe(0);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('SQL in parameters is rejected or kept as data', () => {
  const HOSTILE_IDS = ['1; DROP TABLE schedules', '1 OR 1=1', "1' OR '1'='1", '1 --', '1e3', '0', '', '１', '1\n2'];

  it('populate --schedule with SQL or a non-id: exit 2, one line naming the value, nothing touched', async () => {
    const before = await snapshot(db);
    // Concurrently: each child exits at argument parsing, before opening the database.
    const runs = await Promise.all(HOSTILE_IDS.map((raw) => spawnCli(['populate', '--db', db, '--schedule', raw])));
    runs.forEach((r, i) => {
      const raw = HOSTILE_IDS[i];
      expect([r.code, r.stdout, r.stderr], raw).toEqual([2, '', `tsi-etl populate: --schedule: must be a positive integer id, got ${JSON.stringify(raw)}\n`]);
    });
    expect(await snapshot(db)).toEqual(before);
  });

  const withSchedule = COMMANDS.filter((c) => 'schedule' in c.options).map((c) => c.name);

  it(`every command with --schedule (${withSchedule.join(', ')}) rejects "1; DROP TABLE schedules": exit 2, one line`, async () => {
    const before = await snapshot(db);
    const runs = await Promise.all(withSchedule.map((command) => spawnCli([command, '--db', db, '--schedule', '1; DROP TABLE schedules'])));
    runs.forEach((r, i) => {
      expect(r.code, withSchedule[i]).toBe(2);
      expect(lines(r.stderr), withSchedule[i]).toHaveLength(1);
      expect(r.stderr).toMatch(new RegExp(`^tsi-etl ${withSchedule[i]}: --`));
    });
    expect(await snapshot(db)).toEqual(before);
  });

  it('reports a bad argument in one line, naming the command once (a value that looks like an option)', () => {
    const r = runCli(['populate', '--db', db, '--schedule', '-1']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).not.toContain('tsi-etl populate: tsi-etl populate:');
  });

  it('keeps schedule names with quotes and SQL as data, through the CLI and the API', async () => {
    const names = [`O'Brien "test"`, `Robert'); DROP TABLE schedules;--`, `x" OR "1"="1`];
    const before = await snapshot(db);
    names.forEach((name, i) => {
      const r = runCli(['generate', '--db', db, '--blocks', '3', '--days', '2', '--seed', String(100 + i), '--name', name]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
    const listed = runCli(['schedules', '--db', db, '--json']);
    expect(listed.code).toBe(0);
    const stored = JSON.parse(listed.stdout) as { schedule_name: string }[];
    expect(stored.map((s) => s.schedule_name).slice(-3)).toEqual(names);
    const store = await openStore(db);
    try {
      expect((await listSchedules(store)).map((s) => s.schedule_name).slice(-3)).toEqual(names);
    } finally {
      await store.close();
    }
    // New schedules, but the same tables and schedule 1 as it was.
    expect(await snapshot(db)).toEqual(before);
  });

  it('rejects an id string given to the API before any query: nothing changes', async () => {
    const before = await snapshot(db);
    const store = await openStore(db);
    try {
      await expect(populateSchedule(store, '1 OR 1=1' as unknown as number)).rejects.toThrow(new ParameterError('--schedule', 'must be a positive integer schedule id, got "1 OR 1=1"'));
    } finally {
      await store.close();
    }
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('databases that cannot be used give one clear line', () => {
  it('a missing database file: exit 1, one line naming it, no stack, nothing created', () => {
    const missing = join(dir, 'missing', 'x.db');
    for (const args of [['schedules', '--db', '/nonexistent/x.db'], ['populate', '--schedule', '1', '--db', missing]]) {
      const r = runCli(args);
      const path = args[args.length - 1];
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(lines(r.stderr)).toEqual([`tsi-etl ${args[0]}: database file ${path} does not exist (create it with \`tsi-etl migrate --db ${path}\`, or check --db)`]);
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('a database never migrated: every command that needs the schema says to run migrate, before any read or warning', () => {
    const raw = join(dir, 'never-migrated.db');
    const conn = new BetterSqlite3(raw);
    conn.exec('CREATE TABLE notes (x TEXT)');
    conn.close();
    const commands = [
      ['schedules'], ['summary', '--schedule', '1'], ['histogram', '--schedule', '1'], ['timeline', '--schedule', '1'], ['compare', '--schedule', '1', '--with', '2'],
      ['verify', '--all'], ['report', '--schedule', '1', '--out', join(dir, 'r.html')], ['populate', '--schedule', '1'], ['delete-analytics', '--schedule', '1'],
      ['export', '--schedule', '1'], ['backfill'],
    ];
    const last = migrationFiles('sqlite').at(-1)!.name;
    for (const args of commands) {
      const r = runCli([...args, '--db', raw]);
      expect([r.code, r.stdout], args[0]).toEqual([1, '']);
      expect(lines(r.stderr), args[0]).toEqual([expect.stringMatching(new RegExp(`^tsi-etl ${args[0]}: database ${raw} is missing migrations 000_\\S+, .*${last} \\(run \`tsi-etl migrate --db ${raw}\`\\)$`))]);
    }
  });

  it('another server\'s URL is a bad --db (exit 2), never a file name to create, and its password is not repeated', () => {
    for (const command of [['schedules'], ['migrate'], ['populate', '--schedule', '1']]) {
      const r = runCli([...command, '--db', 'postgres://etl:secret@db.example.com/tsi']);
      expect([r.code, r.stdout], command[0]).toEqual([2, '']);
      expect(r.stderr).toBe(`tsi-etl ${command[0]}: --db: postgres:// is not a database tsi-etl can use: give a SQLite file path (or sqlite:PATH), or a SQL Server target (mssql://user:pass@host:port/db, or Server=…;Database=…)\n`);
    }
    expect(existsSync('postgres:')).toBe(false);
  });

  it('an ADO string without its server is a bad --db (exit 2), not a file name echoed with its password', () => {
    for (const target of ['Database=tsi;User Id=etl;Password=secret-pw', 'Initial Catalog=tsi; PWD=secret-pw']) {
      for (const command of [['schedules'], ['migrate']]) {
        const r = runCli([...command, '--db', target]);
        expect([r.code, r.stdout], `${command[0]} ${target}`).toEqual([2, '']);
        expect(r.stderr).toBe(`tsi-etl ${command[0]}: --db: looks like a SQL Server connection string without Server= (or Data Source=): add Server=host,port, or write sqlite:PATH for a SQLite file of that name (the string is not shown: it may hold a password)\n`);
      }
      expect(existsSync(target)).toBe(false);
    }
    // A SQLite file whose path merely starts like one (Hive-style folders) still opens.
    const hive = join(dir, 'database=prod');
    mkdirSync(hive, { recursive: true });
    copyFileSync(db, join(hive, 'tsi.db'));
    const inDir = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, TSI_LOG_LEVEL: 'warn' } });
    expect(inDir(['schedules', '--db', 'database=prod/tsi.db']).status).toBe(0);
    expect(inDir(['migrate', '--db', 'sqlite:database=prod/new.db']).status).toBe(0);
  });

  it('a misspelt TSI_USE_ANALYTICS_TABLE is a bad argument (exit 2), not silently the default', () => {
    const r = runCli(['summary', '--schedule', '1', '--db', db], { TSI_USE_ANALYTICS_TABLE: 'flase' });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'tsi-etl summary: TSI_USE_ANALYTICS_TABLE: must be true or false (or 1 or 0), got "flase"\n']);
  });

  it('a stack trace only with --log-level debug', () => {
    const quiet = runCli(['schedules', '--db', '/nonexistent/x.db']);
    expect(quiet.stderr).not.toMatch(STACK_LINE);
    const debug = runCli(['schedules', '--db', '/nonexistent/x.db', '--log-level', 'debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(STACK_LINE);
  });

  it('a file that is not a database, or a directory: exit 1, one line naming it, no stack', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, Buffer.alloc(8192, 0x5a));
    for (const path of [junk, dir]) {
      const r = runCli(['schedules', '--db', path]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(r.stderr).toContain(path);
    }
  });

  it('a read-only database file: exit 1, one line naming it, the file unchanged', async (ctx) => {
    // Root ignores file modes, so as root the CLI runs as nobody (65534); elsewhere chmod is enough.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    if (uid !== undefined && (await spawnCli(['--version'], { uid })).code !== 0) {
      ctx.skip('nobody cannot run the built CLI here (dist/ or node_modules/ not readable), so a read-only file cannot be tested as root');
    }
    // Its own directory under a fresh one that nobody may enter (mkdtemp makes 0700 directories).
    const outer = mkdtempSync(join(tmpdir(), 'tsi-read-only-'));
    chmodSync(outer, 0o755);
    const roDir = join(outer, 'read-only');
    mkdirSync(roDir);
    const ro = join(roDir, 'ro.db');
    copyFileSync(db, ro);
    const before = sha256(ro);
    chmodSync(ro, 0o444);
    chmodSync(roDir, 0o555);
    try {
      for (const args of [['populate', '--schedule', '1'], ['schedules']]) {
        const r = await spawnCli([...args, '--db', ro], { uid });
        expect(r.code, r.stderr).toBe(1);
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).not.toMatch(STACK_LINE);
        expect(r.stderr).toMatch(/read-?only/i);
        expect(r.stderr).toContain(ro);
      }
      expect(sha256(ro)).toBe(before);
    } finally {
      chmodSync(roDir, 0o755);
      rmSync(outer, { recursive: true, force: true });
    }
  });
});

describe('SQL Server that cannot be reached: one line, never the password', () => {
  const TARGETS = [
    ['URL', `mssql://sa:${PASSWORD}@127.0.0.1:1/db`],
    ['URL with an encoded password', `mssql://sa:${encodeURIComponent(`${PASSWORD}@/;`)}@127.0.0.1:1/db`],
    ['ADO string', `Server=127.0.0.1,1;Database=db;User Id=sa;Password=${PASSWORD};`],
  ] as const;
  const cases = TARGETS.flatMap(([form, target]) => [
    { form, target, command: ['schedules'], debug: false },
    { form, target, command: ['populate', '--schedule', '1'], debug: true },
  ]);

  it(`${cases.length} runs (URL, encoded URL, ADO string; a read and a populate with debug JSON logs): exit 1, one line naming the server, no password`, async () => {
    const runs = await Promise.all(cases.map(({ target, command, debug }) =>
      spawnCli([...command, '--db', target, ...(debug ? ['--log-level', 'debug', '--log-format', 'json'] : [])], { killAfterMs: 60_000 })));
    runs.forEach((r, i) => {
      const { form, command, debug } = cases[i];
      const label = `${form}, ${command[0]}${debug ? ', debug' : ''}`;
      expect(r.signal, `${label}: must give up on an unreachable server by itself`).toBe(null);
      expect([r.code, r.stdout], label).toEqual([1, '']);
      const err = lines(r.stderr);
      expect(err[0], label).toMatch(new RegExp(`^tsi-etl ${command[0]}: cannot connect to SQL Server .*127\\.0\\.0\\.1`));
      if (debug) expect(r.stderr, label).toMatch(STACK_LINE);
      else expect(err, label).toHaveLength(1);
      for (const secret of ['S3cret', encodeURIComponent(PASSWORD)]) expect(r.stderr, label).not.toContain(secret);
    });
  });

  it('keeps the password of TSI_MSSQL_URL out of every line too', async () => {
    const r = await spawnCli(['schedules', '--log-level', 'trace', '--log-format', 'json'], { env: { TSI_MSSQL_URL: TARGETS[0][1], TSI_DB: '' }, killAfterMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('127.0.0.1');
    expect(r.stderr).not.toContain('S3cret');
  });

  const url = process.env.TSI_MSSQL_URL;
  it.skipIf(!url)('a wrong password on a reachable server (TSI_MSSQL_URL): exit 1, one line, no password', async () => {
    const wrong = new URL(url as string);
    wrong.password = encodeURIComponent('Wr0ng-S3cret!');
    const r = await spawnCli(['schedules', '--db', wrong.toString(), '--log-level', 'debug', '--log-format', 'json'], { killAfterMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tsi-etl schedules: cannot connect to SQL Server/);
    expect(r.stderr).not.toContain('Wr0ng');
  });
});

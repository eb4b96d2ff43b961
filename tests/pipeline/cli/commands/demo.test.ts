import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers.js';

describe('tsi-etl demo', () => {
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsi-demo-'));
    db = join(dir, 'demo.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const demo = (...extra: string[]) => runCli(['demo', '--db', db, '--blocks', '60', '--days', '8', ...extra]);

  it('migrates, generates, populates in its own process and reports; every next command it suggests works', () => {
    const r = demo();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('created a new database\n');
    expect(r.stdout).toMatch(/generated schedule 1: 60 blocks × 8 days/);
    expect(r.stdout).toMatch(/schedule 1: 60 blocks — phases 1,2,3\n  visibility JSON: \d+ blocks parsed \([\d,]+ periods, /);
    expect(r.stdout).toMatch(/peak RSS of the populate process: \d+ MB/);
    expect(r.stdout).toMatch(/generated schedule 2, a variant of schedule 1 over the same blocks: /);
    expect(r.stdout).toMatch(/schedule 2: \d+ blocks — phases 1,2,3\n  visibility JSON: 0 blocks parsed \(0 periods, 0\.0 MB\), \d+ reused stored facts\n/);
    expect(r.stdout).toMatch(/schedule 1 → 2 \(analytics\): \d+ unchanged, \d+ retimed/);
    // The last line is the report's path: beside the database, and complete.
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(join(dir, 'report-1.html'));
    expect(readFileSync(lines.at(-1)!, 'utf8')).toMatch(/<\/html>\s*$/);
    const next = r.stdout.split('Next, try:\n')[1].split('\n\n')[0].trim().split('\n').map((l) => l.trim().replace(/^node dist\/pipeline\/cli\.js /, '').split(' '));
    expect(next.map((args) => args[0])).toEqual(['schedules', 'summary', 'verify', 'histogram', 'compare', 'timeline', '--help']);
    for (const args of next) {
      const run = runCli(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      // The suggested histogram shows nights against empty days, not solid bars.
      if (args[0] === 'histogram') {
        const counts = run.stdout.trim().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[1]));
        expect(counts).toHaveLength(48);
        expect(counts).toContain(0);
        expect(Math.max(...counts)).toBeGreaterThan(0);
      }
    }
    expect(runCli(['demo', '--db', 'mssql://u:p@h/db']).code).toBe(2);
  });

  it('says it deleted its previous database, and refuses one holding other schedules or other data unless --force', () => {
    expect(demo().code).toBe(0);
    const again = demo();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('deleted the previous demo database there (2 schedules) and created a new one\n');

    expect(runCli(['generate', '--blocks', '5', '--days', '2', '--db', db]).code).toBe(0);
    const refused = demo();
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`tsi-etl demo: --db: ${db} holds 1 schedule the demo did not create ("synthetic-5x2-seed1"); the demo deletes and recreates its database: give another --db, or --force to delete it anyway\n`);
    expect(JSON.parse(runCli(['schedules', '--json', '--db', db]).stdout)).toHaveLength(3);

    const forced = demo('--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('deleted the previous demo database there (3 schedules) and created a new one\n');

    // A schedule named like the demo's (an import of an exported demo schedule, say) is not the demo's third.
    expect(runCli(['generate', '--blocks', '5', '--days', '2', '--name', 'tsi-demo: my real work', '--db', db]).code).toBe(0);
    const named = demo();
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(`tsi-etl demo: --db: ${db} holds 1 schedule the demo did not create ("tsi-demo: my real work"); the demo deletes and recreates its database: give another --db, or --force to delete it anyway\n`);

    writeFileSync(db, 'not a database, but somebody\'s notes');
    const notDb = demo();
    expect(notDb.code).toBe(2);
    expect(notDb.stderr).toMatch(/--db: .* is not a tsi-etl database \(.*\); .*--force/);
    expect(readFileSync(db, 'utf8')).toBe('not a database, but somebody\'s notes');
  });
});

import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateScheduleError, TsiError } from '../../base/errors.js';
import { exportSchedule, type ExportSummary } from '../../pipeline/export-schedule.js';
import { importSchedule } from '../../pipeline/import-schedule.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { selectExportBlocks } from '../../sql/queries/export-blocks.js';
import type { Store } from '../../sql/store.js';
import { PHASE_TABLES, SOURCE_TABLES } from '../../sql/table-specs.js';
import { blockKey } from '../../stages/core/block-key.js';
import { insertSchedule, periodsJson, runCli, tableRows, withStore } from '../helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsi-import-export-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Seed 2 at this size has NULL and '' visibility, blocks without constraints, open constraint sides. */
const GENERATED = { blocks: 200, days: 20, seed: 2 };
const ANALYTICS_TABLES = Object.values(PHASE_TABLES).flat().map((t) => t.name);
const SOURCE_TABLE_NAMES = ['schedules', ...Object.values(SOURCE_TABLES).map((t) => t.name)];

async function exportToFile(store: Store, scheduleId: number, path: string): Promise<ExportSummary> {
  const out = createWriteStream(path);
  const summary = await exportSchedule(store, scheduleId, out);
  out.end();
  await finished(out);
  return summary;
}

/** A generated schedule exported to `name` (in a throwaway database); returns the file's path. */
async function generatedDocument(name: string): Promise<string> {
  const path = join(dir, name);
  await withStore(async (store) => {
    const { scheduleId } = await loadGeneratedSchedule(store, GENERATED);
    await exportToFile(store, scheduleId, path);
  });
  return path;
}

async function allRows(store: Store, table: string): Promise<unknown[]> {
  return store.db.selectFrom(table as never).selectAll().execute();
}

async function rowCounts(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of SOURCE_TABLE_NAMES) counts[table] = (await allRows(store, table)).length;
  return counts;
}

/** Runs `fn`, expecting it to fail, and checks that no source table gained a row. */
async function failsStoringNothing(store: Store, fn: () => Promise<unknown>): Promise<Error> {
  const before = await rowCounts(store);
  const error = await fn().then(
    () => new Error('expected a failure'),
    (e: unknown) => e as Error,
  );
  expect(await rowCounts(store)).toEqual(before);
  return error;
}

/**
 * Every block's source columns, with row ids reduced to whether the row
 * exists (the loaders number rows differently) and the block's id and
 * original id to its key (what an export carries).
 */
async function blockShapes(store: Store, scheduleId: number): Promise<unknown[]> {
  const rows = await selectExportBlocks(store.db, scheduleId).execute();
  return rows.map(({ constraints_id, altitude_constraints_id, azimuth_constraints_id, visibility_periods_json: _json, scheduling_block_id, original_block_id, ...rest }) => ({
    ...rest,
    key: blockKey(original_block_id, scheduling_block_id),
    hasConstraints: constraints_id !== null,
    hasAltitude: altitude_constraints_id !== null,
    hasAzimuth: azimuth_constraints_id !== null,
  }));
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('export → import → export', () => {
  it('gives the same bytes, the same source rows and the same analytics', async () => {
    const first = join(dir, 'first.json');
    const second = join(dir, 'second.json');
    await withStore(async (a) => {
      const { scheduleId } = await loadGeneratedSchedule(a, GENERATED);
      await populateSchedule(a, scheduleId);
      expect(await exportToFile(a, scheduleId, first)).toMatchObject({ scheduleId, scheduleName: 'synthetic-200x20-seed2', blocks: 200, bytes: statSync(first).size });
      const text = readFileSync(first, 'utf8');
      // The fixture holds the cases the format must carry exactly.
      for (const fragment of ['"visibility_periods":null', '"visibility_periods":""', '"visibility_periods":[]', '"constraints":null', '"start_time_mjd":null', '"max_alt_deg":null', '"scheduled":null', '"azimuth":null']) {
        expect(text).toContain(fragment);
      }
      expect(text.startsWith('{"schedule_name":"synthetic-200x20-seed2","dark_periods":[{"start":')).toBe(true);
      expect(text.split('\n')).toHaveLength(203);

      await withStore(async (b) => {
        const imported = await importSchedule(b, first);
        expect(imported).toMatchObject({ scheduleId: 1, scheduleName: 'synthetic-200x20-seed2', blocks: 200, bytes: statSync(first).size, checksum: sha256(first) });
        expect(imported.populate?.blocks).toBe(200);
        await exportToFile(b, imported.scheduleId, second);
        expect(readFileSync(second).equals(readFileSync(first))).toBe(true);

        // Both databases are fresh, so even the ids agree; the import stores each block's key as its original id.
        for (const table of Object.values(SOURCE_TABLES)) {
          if (table.name !== 'scheduling_blocks') expect(await allRows(b, table.name)).toEqual(await allRows(a, table.name));
        }
        const keyed = (await allRows(a, 'scheduling_blocks')).map((r) => {
          const row = r as { scheduling_block_id: number; original_block_id: string | null };
          return { ...row, original_block_id: String(row.scheduling_block_id) };
        });
        expect(await allRows(b, 'scheduling_blocks')).toEqual(keyed);
        const schedule = (s: Store) => s.db.selectFrom('schedules').select(['schedule_name', 'dark_periods_json', 'checksum']).executeTakeFirstOrThrow();
        expect(await schedule(b)).toEqual({ ...(await schedule(a)), checksum: sha256(first) });
        for (const table of ANALYTICS_TABLES) {
          const rows = await tableRows(b, table, 1);
          expect(rows.length).toBeGreaterThan(0);
          expect(rows).toEqual(await tableRows(a, table, scheduleId));
        }
      });
    });
  });

  it('carries stored text that is not a valid period array unchanged, and normalizes valid arrays', async () => {
    const path = join(dir, 'odd.json');
    const rows = [
      { json: 'not json' },
      { json: '[{"start":60002,"stop":60001}]' },
      { json: '[ {"stop": 60001.5, "start": 60001} ]', constraints: true },
      { json: periodsJson([[60000, 60000.25]]), alt: [null, 80] as [null, number], az: [10, 20] as [number, number], scheduled: [60000.1, null] as [number, null] },
    ];
    await withStore(async (a) => {
      const { scheduleId } = await insertSchedule(a, rows, 'odd');
      await exportToFile(a, scheduleId, path);
      await withStore(async (b) => {
        await importSchedule(b, path, { etl: false });
        const stored = await b.db.selectFrom('scheduling_blocks').select('visibility_periods_json').orderBy('scheduling_block_id').execute();
        expect(stored.map((r) => r.visibility_periods_json)).toEqual(['not json', '[{"start":60002,"stop":60001}]', '[{"stop":60001.5,"start":60001}]', '[{"start":60000,"stop":60000.25}]']);
        expect(await blockShapes(b, 1)).toEqual(await blockShapes(a, scheduleId));
        // The imported copy has the same bad blocks, reported by the ETL as usual.
        expect((await populateSchedule(b, 1, { lenient: true })).invalidBlockIds).toEqual([1, 2]);
      });
    });
  });
});

describe('block keys across export → import', () => {
  it('writes each key (trimmed original id, else the block id), stores it, and exports the same bytes again', async () => {
    const first = join(dir, 'keys-first.json');
    const second = join(dir, 'keys-second.json');
    const originals = ['  OB-7 ', '', '   ', null, 'X', 'é'.repeat(256)];
    await withStore(async (a) => {
      const { scheduleId, blockIds } = await insertSchedule(a, originals.map((originalId) => ({ json: '[]', originalId })));
      await exportToFile(a, scheduleId, first);
      const written = readFileSync(first, 'utf8').split('\n').slice(1, -2).map((line) => JSON.parse(line.replace(/,$/, '')).original_block_id);
      expect(written).toEqual(['OB-7', String(blockIds[1]), String(blockIds[2]), String(blockIds[3]), 'X', 'é'.repeat(256)]);
      await withStore(async (b) => {
        // Another block first, so the imported blocks get other ids than in `a`.
        await insertSchedule(b, [{ json: null }]);
        const { scheduleId: imported } = await importSchedule(b, first, { etl: false });
        const stored = await b.db.selectFrom('scheduling_blocks').select('original_block_id').where('scheduling_block_id', '>', 1).orderBy('scheduling_block_id').execute();
        expect(stored.map((r) => r.original_block_id)).toEqual(written);
        await exportToFile(b, imported, second);
        expect(readFileSync(second).equals(readFileSync(first))).toBe(true);
        expect(await blockShapes(b, imported)).toEqual(await blockShapes(a, scheduleId));
      });
    });
  });
});

describe('an empty schedule', () => {
  it('exports as an empty blocks array and imports as a schedule without blocks', async () => {
    const path = join(dir, 'empty.json');
    await withStore(async (a) => {
      const { scheduleId } = await insertSchedule(a, [], 'empty');
      await exportToFile(a, scheduleId, path);
    });
    expect(readFileSync(path, 'utf8')).toBe('{"schedule_name":"empty","dark_periods":null,"blocks":[\n]}\n');
    await withStore(async (b) => {
      expect(await importSchedule(b, path, { etl: false })).toMatchObject({ scheduleId: 1, scheduleName: 'empty', blocks: 0 });
      expect(await rowCounts(b)).toMatchObject({ schedules: 1, scheduling_blocks: 0 });
    });
  });
});

describe('import stores nothing from a bad file', () => {
  let good: string;
  let lines: string[];
  beforeAll(async () => {
    good = await generatedDocument('good.json');
    lines = readFileSync(good, 'utf8').split('\n');
  });

  /** Imports `text` (batches of 2 blocks, so rows were written before the failure) and returns the error. */
  async function importFailure(store: Store, name: string, text: string | Buffer): Promise<Error> {
    const path = join(dir, name);
    writeFileSync(path, text);
    const error = await failsStoringNothing(store, () => importSchedule(store, path, { pipeline: { batchRows: 2 } }));
    expect(error).toBeInstanceOf(TsiError);
    return error;
  }

  it('a truncated file: says where it ends and in which block', async () => {
    await withStore(async (store) => {
      const bytes = readFileSync(good);
      const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
      const line = cut.toString('utf8').split('\n').length;
      const error = await importFailure(store, 'truncated.json', cut);
      // Line 1 is the head, so line L holds blocks[L - 2].
      expect(error.message).toBe(`${join(dir, 'truncated.json')}: the file ends early at byte ${cut.length.toLocaleString('en-US')} (line ${line}, in blocks[${line - 2}]): the document is incomplete (a truncated file?); nothing was stored`);
    });
  });

  it('a malformed value in block 5: names the block and the field', async () => {
    await withStore(async (store) => {
      const bad = lines.map((l, i) => (i === 6 ? l.replace(/"ra_deg":[^,]+/, '"ra_deg":"abc"') : l)).join('\n');
      const error = await importFailure(store, 'malformed.json', bad);
      expect(error.message).toBe(`${join(dir, 'malformed.json')}: blocks[5].target.ra_deg: expected a finite number, got "abc"; nothing was stored`);
    });
  });

  it('invalid JSON: gives the window of bytes and lines that holds the error', async () => {
    await withStore(async (store) => {
      // Block 150's line loses its trailing comma: past the first 64 KB read, so earlier blocks were written.
      const bad = lines.map((l, i) => (i === 151 ? l.slice(0, -1) : l)).join('\n');
      expect(bad.indexOf('{"block_index":150,')).toBeGreaterThan(65536);
      const error = await importFailure(store, 'syntax.json', bad);
      const errorAt = bad.indexOf('{"block_index":151,');
      const match = /within bytes ([\d,]+)–([\d,]+) \(lines? (\d+)(?:–(\d+))?, at or after blocks\[(\d+)\]\): Parser cannot parse input: expected ','; nothing was stored$/.exec(error.message);
      expect(match, error.message).not.toBeNull();
      const [from, to, firstLine, lastLine, block] = match!.slice(1).map((s) => (s === undefined ? undefined : Number(s.replace(/,/g, ''))));
      expect(from!).toBeLessThanOrEqual(errorAt);
      expect(to!).toBeGreaterThan(errorAt);
      expect(to! - from!).toBeLessThanOrEqual(1024);
      const errorLine = bad.slice(0, errorAt + 1).split('\n').length;
      expect(firstLine!).toBeLessThanOrEqual(errorLine);
      expect(lastLine ?? firstLine!).toBeGreaterThanOrEqual(errorLine);
      expect(block!).toBeLessThanOrEqual(151);
    });
  });

  it('blocks before schedule_name: rejected clearly', async () => {
    await withStore(async (store) => {
      const error = await importFailure(store, 'order.json', '{"blocks":[],"schedule_name":"s","dark_periods":null}');
      expect(error.message).toBe(`${join(dir, 'order.json')}: schedule_name: comes after "blocks" (schedule_name and dark_periods must come before blocks in the file); nothing was stored`);
    });
  });

  it('the same file twice: the second import is rejected before anything is written', async () => {
    await withStore(async (store) => {
      const first = await importSchedule(store, good, { etl: false });
      const error = await failsStoringNothing(store, () => importSchedule(store, good));
      expect(error).toBeInstanceOf(DuplicateScheduleError);
      expect(error.message).toBe(`a schedule with checksum ${sha256(good)} is already stored as schedule ${first.scheduleId}`);
    });
  });

  it('a missing file', async () => {
    await withStore(async (store) => {
      const error = await failsStoringNothing(store, () => importSchedule(store, join(dir, 'nope.json')));
      expect(error.message).toMatch(/^cannot read .*nope\.json: ENOENT/);
    });
  });
});

describe('import options', () => {
  it('without the ETL, stores the source and no analytics', async () => {
    const path = await generatedDocument('no-etl.json');
    await withStore(async (store) => {
      const summary = await importSchedule(store, path, { etl: false });
      expect(summary.populate).toBeUndefined();
      expect((await rowCounts(store)).scheduling_blocks).toBe(200);
      for (const table of ANALYTICS_TABLES) expect(await tableRows(store, table, summary.scheduleId)).toEqual([]);
    });
  });

  it('rejects bad pipeline options before reading the file', async () => {
    await withStore(async (store) => {
      const error = await failsStoringNothing(store, () => importSchedule(store, join(dir, 'never-read.json'), { pipeline: { nBins: 0 } }));
      expect(error.message).toBe('--bins: must be a positive integer, got 0');
    });
  });

  it('keeps the stored schedule when its ETL fails, and says how to retry', async () => {
    const path = join(dir, 'bad-visibility.json');
    await withStore(async (a) => {
      const { scheduleId } = await insertSchedule(a, [{ json: periodsJson([[1, 2]]) }, { json: 'oops' }], 'bad visibility');
      await exportToFile(a, scheduleId, path);
    });
    await withStore(async (store) => {
      const error = await importSchedule(store, path).then(() => new Error('expected a failure'), (e: Error) => e);
      expect(error.message).toMatch(/^.*bad-visibility\.json was stored as schedule 1, but computing its analytics failed: schedule 1, block 2: bad visibility_periods_json: .*; run `tsi-etl populate --schedule 1 --lenient` to compute the analytics with such blocks flagged visibility_invalid = 1 and reported, or correct the block's visibility_periods_json in the database and run `tsi-etl populate --schedule 1`$/);
      expect((await rowCounts(store)).scheduling_blocks).toBe(2);
    });
  });
});

describe('the CLI', () => {
  it('exports to a file or stdout and imports with --no-etl; a bad file exits 1 with the message', async () => {
    const db = join(dir, 'cli.db');
    const target = join(dir, 'cli-target.db');
    expect(runCli(['generate', '--db', db, '--blocks', '50', '--days', '5', '--seed', '9']).code).toBe(0);
    const file = join(dir, 'cli.json');
    const exported = runCli(['export', '--db', db, '--schedule', '1', '--out', file, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ scheduleId: 1, blocks: 50, bytes: statSync(file).size, file });

    const imported = runCli(['import', file, '--db', target, '--no-etl', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ scheduleId: 1, blocks: 50, checksum: sha256(file) });
    expect(summary.populate).toBeUndefined();
    expect(runCli(['export', '--db', target, '--schedule', '1']).stdout).toBe(readFileSync(file, 'utf8'));

    const again = runCli(['import', file, '--db', target]);
    expect(again.code).toBe(1);
    // Imported with --no-etl: stored, no analytics yet, so the next step is a populate.
    expect(again.stderr).toBe(`tsi-etl import: ${file} is already stored as schedule 1 (same sha256 ${sha256(file)}), so nothing was imported; compute its analytics with \`tsi-etl populate --schedule 1\` (add --lenient to write blocks with bad visibility JSON flagged visibility_invalid = 1)\n`);
    expect(runCli(['import', '--db', target]).code).toBe(2);
    expect(runCli(['export', '--db', target, '--schedule', '7']).stderr).toBe('tsi-etl export: schedule 7 does not exist (run `tsi-etl schedules` to list them)\n');
  });
});

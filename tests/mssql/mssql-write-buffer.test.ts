import mssql from 'mssql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { MssqlStore } from '../../sql/mssql/mssql-store.js';
import type { MssqlStoreOptions } from '../../sql/mssql/mssql-store-config.js';
import { rowBytesOf } from '../../sql/mssql/row-bytes.js';
import { SUMMARY, TIME_BINS, VISIBILITY_RANGES, type TableSpec } from '../../sql/table-specs.js';
import { periodsJson } from '../helpers.js';
import { installFakeServer, type FakeServer } from './fake-mssql.js';

let server: FakeServer;
let stores: MssqlStore[];

beforeEach(() => {
  server = installFakeServer();
  stores = [];
});

afterEach(async () => {
  for (const store of stores) await store.close();
  vi.restoreAllMocks();
});

/** A store on its own fake pool (pools are shared per connection string, and the first one sets the options). */
async function storeWith(options: MssqlStoreOptions): Promise<MssqlStore> {
  const store = await MssqlStore.connect(`mssql://etl:pw@db.example.com/t${stores.length}-${Math.random()}`, options);
  stores.push(store);
  return store;
}

/** `rows` rows of `table` from row number `first`: value (r, c) is r * 100 + c; VARBINARY columns get `blobBytes` bytes. */
function rowsOf(table: TableSpec, first: number, rows: number, blobBytes = 700) {
  const values: unknown[] = [];
  for (let r = first; r < first + rows; r++) {
    table.columns.forEach((c, i) => values.push(c.kind === 'varbinary' ? new Uint8Array(blobBytes) : r * 100 + i));
  }
  return { values, rowCount: rows };
}

/** What reached the fake server, without the transaction's opening statements. */
const sent = () => server.log.filter((line) => / (bulk|query): (?!delete|select|update)| commit| rollback/.test(line));

describe('the SQL Server write buffer', () => {
  it('sends a large table in loads of bulkMaxRows rows, the partial last load at commit', async () => {
    const store = await storeWith({ bulkMaxRows: 50_000 });
    const loaded: number[][] = [];
    server.bulk = (table) => void loaded.push([table.rows[0][3] as number, table.rows.at(-1)![3] as number]);
    const tx = await store.beginAnalyticsReplace(5, [3]);
    for (let first = 0; first < 121_000; first += 1000) await tx.insert(TIME_BINS, rowsOf(TIME_BINS, first, 1000));
    expect(sent()).toEqual(['tx1 bulk: [analytics].[schedule_visibility_time_bins] 50000', 'tx1 bulk: [analytics].[schedule_visibility_time_bins] 50000']);
    await tx.commit();
    expect(sent().slice(2)).toEqual(['tx1 bulk: [analytics].[schedule_visibility_time_bins] 21000', 'tx1 commit']);
    // bin_index (column 3) of the first and last row of each load: every row once, in order.
    expect(loaded).toEqual([[3, 4_999_903], [5_000_003, 9_999_903], [10_000_003, 12_099_903]]);
  });

  it('sends a table of wide rows in loads of at most bulkMaxBytes, splitting a batch where it crosses the limit', async () => {
    const maxBytes = 1024 * 1024;
    const store = await storeWith({ bulkMaxBytes: maxBytes });
    const rowBytes = rowBytesOf(VISIBILITY_RANGES)(rowsOf(VISIBILITY_RANGES, 0, 1).values, 0);
    expect(rowBytes).toBe(8 + 8 + 8 + 1 + 1 + 4 + 700);
    const perLoad = Math.ceil(maxBytes / rowBytes);
    const tx = await store.beginAnalyticsReplace(5, [3]);
    await tx.insert(VISIBILITY_RANGES, rowsOf(VISIBILITY_RANGES, 0, 5000));
    await tx.commit();
    expect(sent()).toEqual([
      ...[perLoad, perLoad, perLoad, 5000 - 3 * perLoad].map((n) => `tx1 bulk: [analytics].[schedule_block_visibility_ranges] ${n}`),
      'tx1 commit',
    ]);
  });

  it('counts NVARCHAR as two bytes a character', () => {
    const json = 'x'.repeat(1000);
    const row = [1, 2, 3, 4, 5, 6, json];
    expect(rowBytesOf({ name: 'scheduling_blocks', schema: 'source', columns: [
      { name: 'a', kind: 'bigint', nullable: false }, { name: 'b', kind: 'bigint', nullable: false }, { name: 'c', kind: 'bigint', nullable: true },
      { name: 'd', kind: 'float', nullable: false }, { name: 'e', kind: 'int', nullable: false }, { name: 'f', kind: 'int', nullable: false },
      { name: 'g', kind: 'nvarchar', nullable: true },
    ] })(row, 0)).toBe(8 * 4 + 4 * 2 + 2000);
  });

  it('sends nothing for an empty table, and no empty load after a load that ended exactly at the limit', async () => {
    const store = await storeWith({ bulkMaxRows: 1000 });
    const tx = await store.beginAnalyticsReplace(5, [3]);
    await tx.insert(VISIBILITY_RANGES, { values: [], rowCount: 0 });
    await tx.insert(TIME_BINS, rowsOf(TIME_BINS, 0, 1000));
    await tx.commit();
    expect(sent()).toEqual(['tx1 bulk: [analytics].[schedule_visibility_time_bins] 1000', 'tx1 commit']);
  });

  it('keeps parameterized INSERTs for small tables, sent before the commit', async () => {
    const store = await storeWith({});
    const tx = await store.beginAnalyticsReplace(5, [2]);
    await tx.insert(SUMMARY, rowsOf(SUMMARY, 0, 1));
    expect(sent()).toEqual([]);
    await tx.commit();
    expect(sent()).toEqual([expect.stringMatching(/^tx1 query: insert into "analytics"."schedule_summary_analytics" /), 'tx1 commit']);
  });

  it('rolls the whole transaction back when a load fails at commit, and commits nothing', async () => {
    const store = await storeWith({});
    server.bulk = () => new Error('the server ran out of log space');
    const tx = await store.beginAnalyticsReplace(5, [3]);
    await tx.insert(TIME_BINS, rowsOf(TIME_BINS, 0, 500));
    await expect(tx.commit()).rejects.toThrow('the server ran out of log space');
    expect(sent()).toEqual(['tx1 bulk: [analytics].[schedule_visibility_time_bins] 500', 'tx1 rollback']);
  });
});

/** The fake's answers for a populate of schedule 5 with `blocks` blocks: the source, its aggregates, no previous run. */
function sourceOfBlocks(blocks: number): void {
  const rows = Array.from({ length: blocks }, (_, i) => ({
    blockId: 1 + i, raDeg: 10, decDeg: -20, priority: 1 + (i % 9), requestedDurationSec: 600, minObservationSec: 60,
    minAltDeg: null, maxAltDeg: null, minAzDeg: null, maxAzDeg: null,
    scheduledStartMjd: i % 2 ? 60000.1 : null, scheduledStopMjd: i % 2 ? 60000.2 : null,
    visibilityJson: periodsJson([[60000 + (i % 5) / 10, 60000.05 + (i % 5) / 10]]),
    // No stored facts; the server's digest of the JSON it sends, which the new facts must carry.
    factsPeriodCount: null, factsUnionHours: null, factsRangeCount: null, factsMinuteRanges: null,
    jsonDigestBytes: Buffer.alloc(32, i % 256), jsonLength: 1000 + i,
  }));
  server.answer = (text) => {
    if (text.startsWith('select "checksum"')) return { rows: [{ checksum: 'c' }] };
    if (text.includes('"blockCount"')) return { rows: [{ blockCount: blocks, priorityMin: 1, priorityMax: 9, prioritySum: 0, intSum: 0, windowSum: 0, geometrySum: 0, jsonSizeSum: 0 }] };
    if (text.includes('"visibilityJson"')) return { rows };
    return {};
  };
}

describe('a populate on SQL Server (fake server)', () => {
  it('rolls back the whole populate when a bulk load fails in the middle, committing nothing', async () => {
    const store = await storeWith({ bulkMaxRows: 100 });
    sourceOfBlocks(1000);
    let loads = 0;
    server.bulk = () => (++loads === 2 ? new Error('bulk load failed: connection reset') : undefined);
    await expect(populateSchedule(store, 5)).rejects.toThrow('bulk load failed: connection reset');
    const ends = server.log.filter((line) => /^tx1 (commit|rollback)/.test(line));
    expect(ends).toEqual(['tx1 rollback']);
    expect(server.log.filter((line) => line.includes(' bulk: '))).toHaveLength(2);
  });

  it('writes every table of a populate in one load each when it fits, and commits', async () => {
    const store = await storeWith({});
    sourceOfBlocks(1000);
    let stagedParameters: unknown[] = [];
    const answer = server.answer;
    server.answer = (text, parameters) => {
      if (stagedParameters.length === 0 && text.startsWith('INSERT INTO #tsi_visibility_facts')) stagedParameters = Object.values(parameters);
      return answer(text, parameters);
    };
    await populateSchedule(store, 5);
    const loads = server.log.filter((line) => line.includes(' bulk: ')).sort();
    expect(loads).toEqual([
      'tx1 bulk: [analytics].[schedule_block_visibility_ranges] 1000',
      'tx1 bulk: [analytics].[schedule_blocks_analytics] 1000',
      expect.stringMatching(/^tx1 bulk: \[analytics\]\.\[schedule_visibility_time_bins\] \d+$/),
    ]);
    expect(server.log.at(-1)).toBe('tx1 commit');
    // The parsed blocks' visibility facts: staged in a session table as they come (285 rows an INSERT, in
    // ~3 MB lots), merged at commit under the facts lock, after the source was read.
    const at = (pattern: RegExp) => server.log.flatMap((line, i) => (pattern.test(line) ? [i] : []));
    const create = at(/^tx1 batch: DROP TABLE IF EXISTS #tsi_visibility_facts;\nCREATE TABLE #tsi_visibility_facts /);
    const inserts = at(/^tx1 query: INSERT INTO #tsi_visibility_facts /);
    const lock = at(/sp_getapplock tsi-etl:visibility-facts/);
    const merge = at(/^tx1 batch: UPDATE f SET .*\nFROM \[analytics\]\.\[block_visibility_facts\] AS f INNER JOIN #tsi_visibility_facts AS v /);
    expect([create.length, inserts.length, lock.length, merge.length]).toEqual([1, Math.ceil(1000 / 285), 1, 1]);
    expect(create[0] < inserts[0] && inserts.at(-1)! < lock[0] && lock[0] < merge[0]).toBe(true);
    expect(stagedParameters.slice(0, 3)).toEqual([1, Buffer.alloc(32, 0), 1000]);
    expect(stagedParameters.slice(7, 10)).toEqual([2, Buffer.alloc(32, 1), 1001]);
  });
});

describe('the source loader on SQL Server (fake server)', () => {
  it('sends parents before the rows that reference them, whatever the limits split', async () => {
    const store = await storeWith({ bulkMinRows: 1, bulkMaxRows: 7 });
    server.answer = (text) => {
      if (text.startsWith('insert into "dbo"."schedules"')) return { rows: [{ schedule_id: 1 }] };
      if (text.includes('MAX(')) return { rows: [{ target_id: null, altitude_constraints_id: null, azimuth_constraints_id: null, constraints_id: null, scheduling_block_id: null }] };
      return {};
    };
    // Each table's written ids, and each foreign key checked against them as the server would.
    const written = new Map<string, Set<unknown>>();
    const keys: Record<string, [column: number, parent: string][]> = {
      '[dbo].[constraints]': [[3, '[dbo].[altitude_constraints]'], [4, '[dbo].[azimuth_constraints]']],
      '[dbo].[scheduling_blocks]': [[1, '[dbo].[targets]'], [2, '[dbo].[constraints]']],
      '[dbo].[schedule_scheduling_blocks]': [[1, '[dbo].[scheduling_blocks]']],
    };
    const missing: string[] = [];
    server.bulk = (table) => {
      const path = table.path!;
      for (const row of table.rows) {
        for (const [column, parent] of keys[path] ?? []) {
          if (row[column] !== null && !written.get(parent)?.has(row[column])) missing.push(`${path} → ${parent} ${String(row[column])}`);
        }
        const ids = written.get(path) ?? new Set();
        ids.add(path === '[dbo].[schedule_scheduling_blocks]' ? row[1] : row[0]);
        written.set(path, ids);
      }
      return undefined;
    };
    const loaded = await loadGeneratedSchedule(store, { blocks: 60, days: 3, seed: 4 }, 10);
    expect(loaded.blocks).toBe(60);
    expect(missing).toEqual([]);
    expect(written.get('[dbo].[schedule_scheduling_blocks]')?.size).toBe(60);
    expect(written.get('[dbo].[constraints]')?.size).toBeGreaterThan(7);
    expect(server.log.at(-1)).toBe('tx1 commit');
  });
});

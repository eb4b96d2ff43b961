import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownScheduleError } from '../../base/errors.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { fetchDistributionBlocks, fetchSkyMapBlocks } from '../../queries/block-reads.js';
import { compareSchedules } from '../../queries/compare-reads.js';
import { getSummaryReport } from '../../queries/summary-reads.js';
import { fetchTimeline } from '../../queries/timeline-reads.js';
import { getVisibilityHistogram, getVisibilityMetadata } from '../../queries/visibility-reads.js';
import { migrationFiles } from '../../sql/migration-files.js';
import { MssqlStore } from '../../sql/mssql/mssql-store.js';
import type { Store } from '../../sql/store.js';
import { ALL_PHASES, ANALYTICS_RUNS, BLOCKS_ANALYTICS, PHASE_TABLES, TIME_BINS, type TableSpec } from '../../sql/table-specs.js';
import { analyticsDigests } from '../faults/crash-harness.js';
import { close, insertSchedule, periodsJson, withStore } from '../helpers.js';

const url = process.env.TSI_MSSQL_URL;
if (!url) console.warn('TSI_MSSQL_URL is not set: skipping the SQL Server integration suite (set it to mssql://user:pass@host:1433/db to run)');

/** `rows` rows of schedule_blocks_analytics for a schedule; block r has id 1000 + r and requests r minutes. */
function blockRows(scheduleId: number, rows: number) {
  const values: unknown[] = [];
  for (let r = 0; r < rows; r++) {
    values.push(scheduleId, 1000 + r, 10, -20, r % 10, 1 + (r % 4), 60 * r, 60, null, 80, null, null, r % 2, r % 2 ? 60000 : null, r % 2 ? 60000.5 : null, r % 3, r % 3, 0);
  }
  return { values, rowCount: rows };
}

/** Columns that differ by nature between two databases: ids, clocks, and the dialect's JSON byte count. */
const VOLATILE = new Set(['id', 'schedule_id', 'created_at', 'completed_at', 'duration_ms', 'source_fingerprint']);

/** The first block id of a schedule: block ids differ between databases by this offset only. */
async function firstBlockId(store: Store, scheduleId: number): Promise<number> {
  const row = await store.db.selectFrom('schedule_scheduling_blocks').select((eb) => eb.fn.min<number>('scheduling_block_id').as('first')).where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
  return Number(row.first);
}

/** A value with block ids made relative and volatile keys dropped, so two databases' results compare equal. */
function normalize(value: unknown, firstBlock: number): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, firstBlock));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !VOLATILE.has(k))
      .map(([k, v]) => [k, k === 'scheduling_block_id' ? Number(v) - firstBlock : normalize(v, firstBlock)]),
  );
}

/** Deep equality with floats to a relative 1e-9 (SEMANTICS), reporting the first path that differs. */
function expectSame(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (!close(actual, expected)) expect([path, actual]).toEqual([path, expected]);
    return;
  }
  if (Buffer.isBuffer(expected) || Array.isArray(expected) || expected === null || typeof expected !== 'object') {
    if (Array.isArray(expected) && Array.isArray(actual) && actual.length === expected.length) {
      expected.forEach((e, i) => expectSame(actual[i], e, `${path}[${i}]`));
      return;
    }
    expect([path, actual]).toEqual([path, expected]);
    return;
  }
  expect([path, Object.keys(actual as object).sort()]).toEqual([path, Object.keys(expected).sort()]);
  for (const [k, e] of Object.entries(expected)) expectSame((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
}

/** Every row of an analytics table for a schedule, in key order. */
async function analyticsRows(store: Store, table: TableSpec, scheduleId: number): Promise<unknown[]> {
  const keys = table.columns.map((c) => c.name).filter((c) => c !== 'schedule_id' && /(_id|_index|_value|_unix)$/.test(c));
  let query = store.db.selectFrom(table.name as never).selectAll().where('schedule_id' as never, '=', scheduleId as never);
  for (const key of keys) query = query.orderBy(key as never);
  return query.execute();
}

describe.skipIf(!url)('MssqlStore against SQL Server (TSI_MSSQL_URL)', () => {
  let store: MssqlStore;

  beforeAll(async () => {
    store = await MssqlStore.connect(url!);
  });

  afterAll(async () => {
    await store?.close();
  });

  it('migrates, and a second migrate applies nothing', async () => {
    await store.migrate();
    const again = await store.migrate();
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength(migrationFiles('mssql').length);
    expect(again.analyticsDeleted).toEqual([]);
    await store.healthcheck();
    expect(store.description).not.toMatch(/:[^*@/]+@/);
  });

  it('streams a schedule in block-id order, in chunks, with numbers', async () => {
    const { scheduleId, blockIds } = await insertSchedule(store, [{ json: '[]', priority: 4 }, { json: null, priority: 1 }, { json: periodsJson([[60000, 60001]]), priority: 9 }]);
    const snapshot = await store.openSource(scheduleId);
    expect([snapshot.blockCount, snapshot.priorityMin, snapshot.priorityMax]).toEqual([3, 1, 9]);
    const chunks: number[][] = [];
    for await (const chunk of snapshot.blocks(2)) chunks.push(chunk.map((r) => r.blockId));
    await snapshot.close();
    expect(chunks).toEqual([blockIds.slice(0, 2), blockIds.slice(2)]);
    expect(typeof chunks[0][0]).toBe('number');
    expect(await store.sourceFingerprint(scheduleId)).toBe(snapshot.fingerprint);
    await expect(store.openSource(2 ** 40)).rejects.toBeInstanceOf(UnknownScheduleError);
  });

  it('streams thousands of bulk-loaded blocks, and an abandoned stream gives its connection back', async () => {
    const { scheduleId, blocks } = await loadGeneratedSchedule(store, { blocks: 3000, days: 3, seed: 7, name: `stream-${process.pid}-${Date.now()}` });
    const snapshot = await store.openSource(scheduleId);
    let previous = 0;
    let count = 0;
    for await (const chunk of snapshot.blocks(256)) {
      for (const row of chunk) {
        expect(row.blockId).toBeGreaterThan(previous);
        previous = row.blockId;
      }
      count += chunk.length;
    }
    expect(count).toBe(blocks);
    // More abandoned streams than the pool has connections: each must give its connection back.
    for (let i = 0; i < 20; i++) {
      for await (const chunk of snapshot.blocks(100)) {
        expect(chunk).toHaveLength(100);
        break;
      }
    }
    await snapshot.close();
    const streamed: number[] = [];
    const query = store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').compile();
    for await (const chunk of store.streamQuery<{ scheduling_block_id: number }>(query, 1000)) streamed.push(chunk.length);
    expect(streamed).toEqual([1000, 1000, 1000]);
    await store.healthcheck();
  });

  it('leaves nothing after a rolled-back replace, and replaces on commit', async () => {
    const { scheduleId } = await insertSchedule(store, [{ json: '[]' }]);
    const rows = () => store.db.selectFrom('schedule_blocks_analytics').selectAll().where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute();

    const rolledBack = await store.beginAnalyticsReplace(scheduleId, ALL_PHASES);
    await rolledBack.insert(BLOCKS_ANALYTICS, blockRows(scheduleId, 150));
    await rolledBack.rollback();
    await rolledBack.rollback();
    expect(await rows()).toEqual([]);

    const committed = await store.beginAnalyticsReplace(scheduleId, ALL_PHASES);
    expect(committed.keptPhases).toEqual([]);
    await committed.insert(BLOCKS_ANALYTICS, blockRows(scheduleId, 150));
    const tail = blockRows(scheduleId, 170);
    // Buffered with the first batch: one bulk load of 170 rows at commit.
    await committed.insert(BLOCKS_ANALYTICS, { values: tail.values.slice(150 * 18), rowCount: 20 });
    await committed.commit();
    const stored = await rows();
    expect(stored).toHaveLength(170);
    const r = stored[121];
    expect([r.scheduling_block_id, r.requested_hours, r.is_scheduled, r.scheduled_duration_sec, r.elevation_range_deg, r.is_impossible]).toEqual([1121, 121 / 60, 1, 43200, 80, 0]);
    expect([stored[3].is_scheduled, stored[3].scheduled_duration_sec, stored[3].is_impossible]).toEqual([1, 43200, 1]);
    expect(typeof stored[0].created_at).toBe('string');

    const emptied = await store.beginAnalyticsReplace(scheduleId, [1]);
    await emptied.commit();
    expect(await rows()).toEqual([]);
  });

  it('deletes some phases, keeping the others and their run record', async () => {
    const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60001]]) }, { json: periodsJson([[60000.5, 60002]]), scheduled: [60000.6, 60000.7] }]);
    await populateSchedule(store, scheduleId);
    expect(await store.deleteAnalytics(scheduleId, [2])).toBeGreaterThan(0);
    const run = () => store.db.selectFrom(ANALYTICS_RUNS.name).select('phases').where('schedule_id', '=', scheduleId).executeTakeFirst();
    expect(await run()).toEqual({ phases: '1,3' });
    for (const table of PHASE_TABLES[2]) expect(await analyticsRows(store, table, scheduleId)).toEqual([]);
    expect(await analyticsRows(store, BLOCKS_ANALYTICS, scheduleId)).toHaveLength(2);
    await store.deleteAnalytics(scheduleId, ALL_PHASES);
    expect(await run()).toBeUndefined();
    expect(await analyticsRows(store, BLOCKS_ANALYTICS, scheduleId)).toEqual([]);
  });

  it('serializes replaces of one schedule across stores: the second waits, then fails', async () => {
    const { scheduleId } = await insertSchedule(store, [{ json: '[]' }]);
    const impatient = await MssqlStore.connect(url!, { lockTimeoutMs: 500 });
    try {
      const first = await store.beginAnalyticsReplace(scheduleId, [1]);
      await expect(impatient.beginAnalyticsReplace(scheduleId, [1])).rejects.toThrow(`schedule ${scheduleId} is being populated by another process`);
      await first.rollback();
      const second = await impatient.beginAnalyticsReplace(scheduleId, [1]);
      await second.rollback();
    } finally {
      await impatient.close();
    }
  });

  it('lets one store claim a schedule at a time', async () => {
    const other = await MssqlStore.connect(url!);
    const scheduleId = 2 ** 40 + process.pid;
    try {
      expect(await store.tryClaimSchedule(scheduleId, 'a')).toBe(true);
      expect(await other.tryClaimSchedule(scheduleId, 'b')).toBe(false);
      expect(await store.tryClaimSchedule(scheduleId, 'c')).toBe(false);
      await store.releaseSchedule(scheduleId, 'not-a');
      expect(await other.tryClaimSchedule(scheduleId, 'b')).toBe(false);
      await store.releaseSchedule(scheduleId, 'a');
      expect(await other.tryClaimSchedule(scheduleId, 'b')).toBe(true);
      await other.releaseSchedule(scheduleId, 'b');
    } finally {
      await other.close();
    }
  });

  it('shows readers the old analytics during a replace under READ_COMMITTED_SNAPSHOT, and makes them wait without it', async () => {
    const setting = await sql<{ rcsi: number }>`SELECT is_read_committed_snapshot_on AS rcsi FROM sys.databases WHERE name = DB_NAME()`.execute(store.db);
    const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60001]]) }, { json: '[]' }]);
    await populateSchedule(store, scheduleId);
    const tx = await store.beginAnalyticsReplace(scheduleId, ALL_PHASES);
    try {
      // A short lock timeout turns "waits for the commit" into an error this test can see.
      const read = sql<{ n: number }>`SET LOCK_TIMEOUT 500; SELECT COUNT(*) AS n FROM analytics.schedule_blocks_analytics WHERE schedule_id = ${scheduleId}`.execute(store.db);
      if (setting.rows[0].rcsi === 1) expect((await read).rows[0].n).toBe(2);
      else await expect(read).rejects.toThrow(/Lock request time out period exceeded/);
    } finally {
      await tx.rollback();
    }
  });

  it('writes the same rows in many small loads as in one load per table, foreign keys checked at each', async () => {
    // Tiny limits: every table of the load and of the populate goes in many bulk loads (and some INSERTs).
    const small = await MssqlStore.connect(url!, { bulkMaxRows: 997, bulkMaxBytes: 64 * 1024 });
    try {
      const options = { blocks: 400, days: 10, seed: 77, name: `small-loads-${process.pid}-${Date.now()}` };
      const { scheduleId } = await loadGeneratedSchedule(small, options);
      await populateSchedule(small, scheduleId);
      const tables: TableSpec[] = ALL_PHASES.flatMap((p): TableSpec[] => [...PHASE_TABLES[p]]);
      const read = () => Promise.all(tables.map((t) => analyticsRows(store, t, scheduleId)));
      const inSmallLoads = await read();
      expect(inSmallLoads[tables.indexOf(TIME_BINS)].length).toBeGreaterThan(997);
      await populateSchedule(store, scheduleId);
      const inOneLoad = await read();
      expectSame(normalize(inSmallLoads, 0), normalize(inOneLoad, 0), 'analytics');
    } finally {
      await small.close();
    }
  });

  it('serves the summary report from the analytics tables under READ COMMITTED (no SERIALIZABLE)', async () => {
    const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60001]]) }, { json: periodsJson([[60000.5, 60002]]), scheduled: [60000.6, 60000.7] }]);
    await populateSchedule(store, scheduleId);
    expect((await getSummaryReport(store, scheduleId)).source).toBe('analytics');
  });

  it('serves a comparison from the cache until a schedule is populated again, and forgets it with the analytics', async () => {
    const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 300, days: 5, seed: 3, name: `compare-cache-${process.pid}-${Date.now()}` });
    await populateSchedule(store, scheduleId);
    const source = async () => (await compareSchedules(store, scheduleId, [scheduleId])).comparisons[0].source;
    const cached = () => store.db.selectFrom('schedule_comparisons').select('schedule_a_id').where('schedule_a_id', '=', scheduleId).execute();
    expect(await source()).toBe('analytics');
    // The run's DATETIME2 completion time must survive the round trip exactly, or the row never matches.
    expect(await source()).toBe('cache');
    await populateSchedule(store, scheduleId);
    expect(await source()).toBe('analytics'); // stale: recomputed, and the upsert updates the row
    expect(await source()).toBe('cache');
    expect(await cached()).toHaveLength(1);
    await store.deleteAnalytics(scheduleId, [3]);
    expect(await cached()).toEqual([]);
  });

  it('reuses visibility facts by the server digest (HASHBYTES and DATALENGTH, stored as the server computed them), with the output of a full populate', async () => {
    // Non-ASCII text in an ignored key: whatever bytes the server hashes, stored and compared digests are its own.
    // '[]': facts with no ranges (an empty VARBINARY).
    const jsons = [periodsJson([[60000, 60001]]), '[{"start": 60000.5, "stop": 60002, "note": "é€😀"}]', '[]', null];
    const a = await insertSchedule(store, jsons.map((json) => ({ json })));
    const first = await populateSchedule(store, a.scheduleId);
    expect([first.reusedBlocks, first.parsedBlocks]).toEqual([0, 3]);
    const stored = await store.db.selectFrom('block_visibility_facts').select(['scheduling_block_id', 'json_digest', 'json_length'])
      .where('scheduling_block_id', 'in', a.blockIds).orderBy('scheduling_block_id').execute();
    const server = await sql<{ id: number; digest: Uint8Array; length: number }>`SELECT scheduling_block_id AS id, HASHBYTES('SHA2_256', visibility_periods_json) AS digest,
      DATALENGTH(visibility_periods_json) AS length FROM dbo.scheduling_blocks WHERE scheduling_block_id IN (${sql.join(a.blockIds.slice(0, 3))}) ORDER BY scheduling_block_id`.execute(store.db);
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    expect(stored.map((r) => [Number(r.scheduling_block_id), hex(r.json_digest), Number(r.json_length)])).toEqual(
      server.rows.map((r) => [Number(r.id), hex(r.digest), Number(r.length)]),
    );
    const again = await populateSchedule(store, a.scheduleId);
    expect([again.reusedBlocks, again.parsedBlocks]).toEqual([3, 0]);
    const withReuse = await analyticsDigests(store.db, a.scheduleId);
    await populateSchedule(store, a.scheduleId, { reuse: false });
    expect(await analyticsDigests(store.db, a.scheduleId)).toEqual(withReuse);

    // An edit of the JSON is recomputed; two populates sharing new blocks at once both commit and store each fact once.
    await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: periodsJson([[60000, 60003]]) }).where('scheduling_block_id', '=', a.blockIds[0]).execute();
    expect((await populateSchedule(store, a.scheduleId)).reusedBlocks).toBe(2);
    const shared = await loadGeneratedSchedule(store, { blocks: 300, days: 5, seed: Date.now() % 100000, name: `facts-${process.pid}-${Date.now()}` });
    const variant = await insertSchedule(store, []);
    await store.db.insertInto('schedule_scheduling_blocks').columns(['schedule_id', 'scheduling_block_id', 'start_time_mjd', 'stop_time_mjd'])
      .expression(store.db.selectFrom('schedule_scheduling_blocks').select([sql<number>`${variant.scheduleId}`.as('schedule_id'), 'scheduling_block_id', 'start_time_mjd', 'stop_time_mjd']).where('schedule_id', '=', shared.scheduleId))
      .execute();
    const both = await Promise.all([populateSchedule(store, shared.scheduleId), populateSchedule(store, variant.scheduleId)]);
    expect(both.map((b) => b.blocks)).toEqual([300, 300]);
    expect((await populateSchedule(store, variant.scheduleId)).parsedBlocks).toBe(0);
  });

  it('computes the same analytics and reads as SQLite for the same generated schedule', async () => {
    const options = { blocks: 400, days: 10, seed: 20250101, name: `cross-dialect-${process.pid}-${Date.now()}` };
    await withStore(async (sqlite) => {
      const stores: [string, Store, number][] = [];
      for (const [dialect, s] of [['sqlite', sqlite], ['mssql', store]] as const) {
        const { scheduleId } = await loadGeneratedSchedule(s, options);
        await populateSchedule(s, scheduleId);
        stores.push([dialect, s, scheduleId]);
      }
      const [[, a, idA], [, b, idB]] = stores;
      const [firstA, firstB] = [await firstBlockId(a, idA), await firstBlockId(b, idB)];
      const same = async (what: string, read: (s: Store, id: number) => Promise<unknown>) => {
        expectSame(normalize(await read(b, idB), firstB), normalize(await read(a, idA), firstA), what);
      };
      for (const phase of ALL_PHASES) {
        for (const table of PHASE_TABLES[phase]) await same(table.name, (s, id) => analyticsRows(s, table, id));
      }
      await same(ANALYTICS_RUNS.name, (s, id) => analyticsRows(s, ANALYTICS_RUNS, id));
      for (const useAnalyticsTable of [true, false]) {
        const o = { useAnalyticsTable };
        await same(`sky map (${useAnalyticsTable})`, (s, id) => fetchSkyMapBlocks(s, id, o));
        await same(`distributions (${useAnalyticsTable})`, (s, id) => fetchDistributionBlocks(s, id, o));
        await same(`summary report (${useAnalyticsTable})`, (s, id) => getSummaryReport(s, id, o));
        await same(`visibility metadata (${useAnalyticsTable})`, (s, id) => getVisibilityMetadata(s, id, o));
        await same(`histogram, 1 h (${useAnalyticsTable})`, (s, id) => getVisibilityHistogram(s, { scheduleId: id, binMinutes: 60 }, o));
        await same(`histogram, filtered, 17 min (${useAnalyticsTable})`, (s, id) => getVisibilityHistogram(s, { scheduleId: id, binMinutes: 17, buckets: [3, 4], scheduled: false }, o));
        // Keys are decimal block ids here, which differ between the databases; everything else must not.
        await same(`timeline (${useAnalyticsTable})`, async (s, id) => (await fetchTimeline(s, { scheduleId: id, priorityMin: 3 }, o)).blocks.map(({ key: _key, ...b }) => b));
        await same(`compare with itself (${useAnalyticsTable})`, async (s, id) => {
          const { other: _other, rows: _rows, coverage: _coverage, ...figures } = (await compareSchedules(s, id, [id], { ...o, rows: 5 })).comparisons[0];
          return figures;
        });
      }
    });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuplicateScheduleError, TsiError } from '../../base/errors.js';
import { ConnectionStringError } from '../../sql/mssql/connection-string.js';
import { MssqlStore } from '../../sql/mssql/mssql-store.js';
import { installFakeServer, type FakeServer } from './fake-mssql.js';

const URL = 'mssql://etl:pw@db.example.com/tsi';
let server: FakeServer;
let store: MssqlStore;

beforeEach(async () => {
  server = installFakeServer();
  store = await MssqlStore.connect(URL);
});

afterEach(async () => {
  await store.close();
  vi.restoreAllMocks();
});

const PHASE_2_DELETES = ['schedule_summary_analytics', 'schedule_priority_rates', 'schedule_visibility_bins', 'schedule_heatmap_bins'].map(
  (t) => `tx1 query: delete from "analytics"."${t}" where "schedule_id" = @1`,
);
const SELECT_RUN = 'tx1 query: select "phases", "source_fingerprint", "n_bins", "bin_duration_seconds", "phase3_digest", "phase3_inputs_key" from "analytics"."schedule_analytics_runs" where "schedule_id" = @1';
const UPDATE_RUN = 'tx1 query: update "analytics"."schedule_analytics_runs" set "phases" = @1 where "schedule_id" = @2';
const DELETE_RUN = 'tx1 query: delete from "analytics"."schedule_analytics_runs" where "schedule_id" = @1';

/** The fake's answers: 3 rows per delete, and a run record of phases 1,2,3. */
function withRunRecord(): void {
  server.answer = (text) => (text.startsWith('select "phases"') ? { rows: [{ phases: '1,2,3', source_fingerprint: 'fp', n_bins: 7, bin_duration_seconds: 120 }] } : text.startsWith('delete') ? { rowsAffected: 3 } : {});
}

describe('MssqlStore.connect', () => {
  it('reports a redacted description and what the pool allows', async () => {
    expect(store.description).toBe('mssql://etl:***@db.example.com/tsi');
    expect(store.capabilities).toEqual({ dialect: 'mssql', maxParameters: 2000, maxConcurrentWrites: 4, bulkLoad: true, claimsOutliveProcesses: false, factsKey: 'server-sha256' });
    const small = await MssqlStore.connect('mssql://etl:pw@db.example.com/other', { poolMax: 7 });
    expect(small.capabilities.maxConcurrentWrites).toBe(2);
    await small.close();
    await expect(MssqlStore.connect('mssql://etl:pw@db.example.com/tiny', { poolMax: 3 })).rejects.toThrow(TsiError);
    // Too small in the string itself: a bad --db, exit 2 like the string's other mistakes.
    const fromString = await MssqlStore.connect('Server=db.example.com;Database=tiny;User Id=etl;Password=pw;Max Pool Size=2').catch((e: unknown) => e);
    expect(fromString).toBeInstanceOf(ConnectionStringError);
    expect((fromString as ConnectionStringError).exitCode).toBe(2);
    expect((fromString as Error).message).toBe('SQL Server pool size must be an integer of at least 4, got 2');
  });

  it('refuses bulk-load limits that are not positive integers, before connecting', async () => {
    await expect(MssqlStore.connect('mssql://etl:pw@db.example.com/x', { bulkMaxRows: 0 })).rejects.toThrow('SQL Server option bulkMaxRows must be a positive integer, got 0');
    await expect(MssqlStore.connect('mssql://etl:pw@db.example.com/x', { bulkMaxBytes: 1.5 })).rejects.toThrow('SQL Server option bulkMaxBytes must be a positive integer, got 1.5');
    expect(server.connects).toBe(1);
  });

  it('closes the shared pool only when its last store closes', async () => {
    const second = await MssqlStore.connect(URL);
    expect(server.connects).toBe(1);
    await second.close();
    expect(server.closes).toBe(0);
  });
});

describe('MssqlStore writes', () => {
  it('replaces phases under the schedule lock, keeping the other phases of the run record', async () => {
    withRunRecord();
    const tx = await store.beginAnalyticsReplace(5, [2]);
    expect([tx.keptPhases, tx.keptNBins, tx.keptBinSeconds, tx.keptFingerprint]).toEqual([[1, 3], 7, 120, 'fp']);
    await tx.commit();
    await tx.rollback();
    await expect(tx.commit()).rejects.toThrow('write transaction already finished');
    expect(server.log).toEqual([
      'tx1 begin',
      'tx1 exec sp_getapplock tsi-etl:schedule:5 Exclusive Transaction 300000',
      ...PHASE_2_DELETES,
      SELECT_RUN,
      UPDATE_RUN,
      DELETE_RUN,
      'tx1 commit',
    ]);
  });

  it('with deferPhase3, deletes no Phase 3 row at begin; the minute bins only when keepMinuteBins finds them changed or incomplete, the ranges when asked', async () => {
    const digest = Buffer.alloc(32, 7);
    const inputsKey = Buffer.alloc(32, 9);
    const deletes = (tables: string[]) => tables.map((t) => `tx1 query: delete from "analytics"."${t}" where "schedule_id" = @1`);
    const COUNT = 'tx1 query: select (select count(*) as "n" from "analytics"."schedule_visibility_time_metadata" where "schedule_id" = @1) as "metadataRows", '
      + '(select count(*) as "n" from "analytics"."schedule_visibility_time_bins" where "schedule_id" = @2) as "binRows", '
      + '(select count(*) as "n" from "analytics"."schedule_block_visibility_ranges" where "schedule_id" = @3) as "rangeRows"';
    for (const [binRows, kept] of [[40, true], [41, false]] as const) {
      server.log.length = 0;
      server.answer = (text) => (text.startsWith('select "phases"') ? { rows: [{ phases: '1,2,3', n_bins: 7, bin_duration_seconds: 60, phase3_digest: digest, phase3_inputs_key: inputsKey }] }
        : text.startsWith('select (select count') ? { rows: [{ metadataRows: 1, binRows: '40', rangeRows: 12 }] } : {});
      const tx = await store.beginAnalyticsReplace(5, [3], { deferPhase3: true });
      expect([tx.previousPhase3Digest, tx.previousPhase3InputsKey]).toEqual([digest, inputsKey]);
      expect(await tx.countPhase3Rows()).toEqual({ metadataRows: 1, binRows: 40, rangeRows: 12 });
      expect(await tx.keepMinuteBins(Buffer.from(digest), binRows)).toBe(kept);
      await tx.dropVisibilityRanges();
      await tx.rollback();
      // The second round runs in the fake's second transaction.
      expect(server.log.slice(2).map((l) => l.replace(/^tx\d+/, 'tx1'))).toEqual([
        SELECT_RUN, UPDATE_RUN, DELETE_RUN, COUNT, COUNT,
        ...(kept ? [] : deletes(['schedule_visibility_time_metadata', 'schedule_visibility_time_bins'])),
        ...deletes(['schedule_block_visibility_ranges']), 'tx1 rollback',
      ]);
    }
  });

  it('deletes phases in one locked transaction and counts the rows', async () => {
    withRunRecord();
    expect(await store.deleteAnalytics(5, [2])).toBe(12);
    expect(server.log).toEqual([
      'tx1 begin', 'tx1 exec sp_getapplock tsi-etl:schedule:5 Exclusive Transaction 300000', ...PHASE_2_DELETES, SELECT_RUN, UPDATE_RUN,
      'tx1 query: delete from "analytics"."schedule_comparisons" where ("schedule_a_id" = @1 or "schedule_b_id" = @2)',
      'tx1 exec sp_getapplock tsi-etl:visibility-facts Exclusive Transaction 300000',
      expect.stringMatching(/^tx1 query: delete from "analytics"\."block_visibility_facts" where /),
      'tx1 commit',
    ]);
  });

  it('stores a Compare cache row with one UPDATE-else-INSERT batch outside any transaction, once more after a duplicate key only', async () => {
    const row = { schedule_a_id: 1, schedule_b_id: 2, match_ratio: 0.5 } as Parameters<MssqlStore['saveComparison']>[0];
    await store.saveComparison(row);
    expect(server.log).toEqual([expect.stringMatching(/^pool query: UPDATE \[analytics\]\.\[schedule_comparisons\] SET "match_ratio" = @1, computed_at = SYSUTCDATETIME\(\)\n.*\nIF @@ROWCOUNT = 0 INSERT INTO /s)]);

    // Another reader inserted the pair between our UPDATE and INSERT: the batch runs again and updates.
    let calls = 0;
    server.answer = () => (++calls === 1 ? { error: Object.assign(new Error('Violation of PRIMARY KEY constraint'), { number: 2627 }) } : {});
    await store.saveComparison(row);
    expect(calls).toBe(2);

    server.answer = () => ({ error: Object.assign(new Error('Invalid object name'), { number: 208 }) });
    await expect(store.saveComparison(row)).rejects.toThrow('Invalid object name');
  });

  it('fails without deleting anything when another process holds the schedule past the timeout', async () => {
    const impatient = await MssqlStore.connect(URL, { lockTimeoutMs: 50 });
    server.lockResult = () => -1;
    await expect(impatient.beginAnalyticsReplace(5, [1])).rejects.toThrow(
      'schedule 5 is being populated by another process (its lock was not granted within 50 ms; sp_getapplock returned -1)',
    );
    expect(server.log).toEqual(['tx1 begin', 'tx1 exec sp_getapplock tsi-etl:schedule:5 Exclusive Transaction 50', 'tx1 rollback']);
    await impatient.close();
  });

  it('creates a schedule, refusing a known checksum, and continues the ids under table locks', async () => {
    server.answer = (text, p) => {
      if (text.includes('WHERE checksum = @1')) return { rows: p['1'] === 'known' ? [{ schedule_id: 3 }] : [] };
      if (text.startsWith('insert into "dbo"."schedules"')) return { rows: [{ schedule_id: 77 }] };
      if (text.includes('MAX(')) return { rows: [{ target_id: 10, altitude_constraints_id: null, azimuth_constraints_id: 4, constraints_id: 9, scheduling_block_id: 1000 }] };
      return {};
    };
    const tx = await store.beginSourceLoad();
    expect(await tx.createSchedule({ schedule_name: 'n', checksum: 'new', dark_periods_json: null })).toBe(77);
    await expect(tx.createSchedule({ schedule_name: 'n', checksum: 'known', dark_periods_json: null })).rejects.toEqual(new DuplicateScheduleError('known', 3));
    expect(await tx.nextSourceIds()).toEqual({ target_id: 11, altitude_constraints_id: 1, azimuth_constraints_id: 5, constraints_id: 10, scheduling_block_id: 1001 });
    await tx.rollback();
    // The load lock first: Babelfish takes no lock for the table hints.
    expect(server.log[1]).toBe('tx1 exec sp_getapplock tsi-etl:source-load Exclusive Transaction 300000');
    expect(server.log[2]).toBe('tx1 query: SELECT schedule_id FROM [dbo].[schedules] WITH (UPDLOCK, HOLDLOCK) WHERE checksum = @1');
    expect(server.log[3]).toBe('tx1 query: insert into "dbo"."schedules" ("schedule_name", "checksum", "dark_periods_json") output "inserted"."schedule_id" values (@1, @2, @3)');
    expect(server.log[5]).toBe(
      'tx1 query: SELECT (SELECT MAX(target_id) FROM [dbo].[targets] WITH (TABLOCKX, HOLDLOCK)) AS target_id, ' +
        '(SELECT MAX(altitude_constraints_id) FROM [dbo].[altitude_constraints] WITH (TABLOCKX, HOLDLOCK)) AS altitude_constraints_id, ' +
        '(SELECT MAX(azimuth_constraints_id) FROM [dbo].[azimuth_constraints] WITH (TABLOCKX, HOLDLOCK)) AS azimuth_constraints_id, ' +
        '(SELECT MAX(constraints_id) FROM [dbo].[constraints] WITH (TABLOCKX, HOLDLOCK)) AS constraints_id, ' +
        '(SELECT MAX(scheduling_block_id) FROM [dbo].[scheduling_blocks] WITH (TABLOCKX, HOLDLOCK)) AS scheduling_block_id',
    );
    expect(server.log.at(-1)).toBe('tx1 rollback');
  });
});

describe('MssqlStore source loads', () => {
  it('refuses to start a load while another process holds the load lock, and says to retry', async () => {
    server.lockResult = () => -1;
    await expect(store.beginSourceLoad()).rejects.toThrow(/^another process is loading a schedule into this database \(its lock was not granted within 300000 ms; sp_getapplock returned -1\): retry when it is done$/);
    expect(server.log).toEqual(['tx1 begin', 'tx1 exec sp_getapplock tsi-etl:source-load Exclusive Transaction 300000', 'tx1 rollback']);
  });
});

describe('MssqlStore claims', () => {
  it('holds a claim as a transaction-owned lock taken without waiting, until its owner releases it', async () => {
    expect(await store.tryClaimSchedule(9, 'a')).toBe(true);
    expect(await store.tryClaimSchedule(9, 'b')).toBe(false);
    await store.releaseSchedule(9, 'b');
    expect(server.log).toEqual(['tx1 begin', 'tx1 exec sp_getapplock tsi-etl:claim:9 Exclusive Transaction 0']);
    await store.releaseSchedule(9, 'a');
    expect(server.log.at(-1)).toBe('tx1 rollback');
  });

  it('answers false, holding nothing, when another session has the claim', async () => {
    server.lockResult = () => -1;
    expect(await store.tryClaimSchedule(9, 'a')).toBe(false);
    expect(server.log).toEqual(['tx1 begin', 'tx1 exec sp_getapplock tsi-etl:claim:9 Exclusive Transaction 0', 'tx1 rollback']);
  });

  it('gives held claims back when the store closes', async () => {
    await store.tryClaimSchedule(9, 'a');
    await store.close();
    expect(server.log.at(-1)).toBe('tx1 rollback');
    expect(server.closes).toBe(1);
  });
});

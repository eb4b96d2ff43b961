import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYTICS_TABLES, batchesWritten, crashAndCheck, injectedKills, prepareMssqlCrashFixture, spawnPopulate,
  type ChildRun, type CrashFixture, type CrashScenario, type RunTiming,
} from '../faults/crash-harness.js';

/*
 * The crash suite on SQL Server (TSI_MSSQL_URL), part of `npm run test:mssql`:
 * `tsi-etl populate` is killed with SIGKILL (or fails) at 16 points, on a
 * schedule whose analytics come from an earlier source and config, and
 * each case proves the analytics are wholly old or wholly new, the source
 * untouched, and the next populate clean. Fewer cases and a smaller schedule
 * than the SQLite suite (tests/faults/crash.test.ts): each case resets by
 * populating again on the server, so it costs a few seconds; the 16 are
 * sized for about 5 minutes against a loopback server.
 *
 * 1,500 blocks × 40 nights makes ~57,600 time bins: more than one bulk load
 * (50,000 rows), so one load is sent while the populate runs and the rest
 * just before the commit, and the timed kills land inside both.
 */
const SCENARIO: CrashScenario = { blocks: 1500, days: 40, seed: 23 };
const AFTER_BATCH_KILLS = 3;
const KILLS_BEFORE_FIRST_WRITE = 2;
const KILLS_DURING_WRITES = 6;

const url = process.env.TSI_MSSQL_URL;
if (!url) console.warn('TSI_MSSQL_URL is not set: skipping the SQL Server crash suite (set it to mssql://user:pass@host:1433/db to run it)');

describe.skipIf(!url)('populate killed on SQL Server (TSI_MSSQL_URL): analytics all old or all new', () => {
  let f: CrashFixture;
  let timing: RunTiming;

  beforeAll(async () => {
    f = await prepareMssqlCrashFixture(url!, SCENARIO);
    await f.reset();
    const normal: ChildRun = await spawnPopulate(f.target, f.scheduleId);
    expect(normal.stderr).toBe('');
    expect(normal.code).toBe(0);
    await f.reset();
    const firstWrite = await spawnPopulate(f.target, f.scheduleId, { env: { TSI_FAULT: 'before-first-write:kill' } });
    expect(firstWrite.signal).toBe('SIGKILL');
    timing = { runMs: normal.ms, firstWriteMs: firstWrite.ms, batches: batchesWritten(JSON.parse(normal.stdout)) };
    console.info(`crash tests (SQL Server): normal run ${timing.runMs.toFixed(0)} ms, first write at ${timing.firstWriteMs.toFixed(0)} ms, ${timing.batches} batches`);
  }, 300_000);

  afterAll(async () => {
    await f?.dispose();
  }, 120_000);

  it('starts from old analytics that differ from the new ones in every table', () => {
    ANALYTICS_TABLES.forEach((table, i) => expect(f.oldDigests[i], table).not.toBe(f.newDigests[i]));
  });

  const injected = injectedKills(AFTER_BATCH_KILLS);

  it.each(injected)('SIGKILL at an injected point: $name', async ({ fault, expected }) => {
    const spec = fault(timing);
    const { state, child } = await crashAndCheck(f, () => spawnPopulate(f.target, f.scheduleId, { env: { TSI_FAULT: spec } }));
    expect(child.signal, `${spec} must kill the child (exit ${child.code}: ${child.stderr})`).toBe('SIGKILL');
    expect(state).toBe(expected);
  }, 120_000);

  it.each(['after-batch@2', 'before-commit'])('an error thrown at %s rolls back and is reported in one line', async (point) => {
    const { state, child } = await crashAndCheck(f, () => spawnPopulate(f.target, f.scheduleId, { env: { TSI_FAULT: `${point}:throw` } }));
    expect(child.code).toBe(1);
    expect(child.stderr).toBe(`tsi-etl populate: injected fault at ${point.replace(/@\d+$/, '')}\n`);
    expect(state).toBe('old');
  }, 120_000);

  const timed = [
    ...Array.from({ length: KILLS_BEFORE_FIRST_WRITE }, (_, i) => ({
      name: `${i + 1}/${KILLS_BEFORE_FIRST_WRITE} of the way to the first write`,
      at: (t: RunTiming) => ((i + 0.5) / KILLS_BEFORE_FIRST_WRITE) * t.firstWriteMs,
    })),
    ...Array.from({ length: KILLS_DURING_WRITES }, (_, i) => ({
      name: `${i + 1}/${KILLS_DURING_WRITES} of the way from the first write to past the end (bulk loads in flight)`,
      at: (t: RunTiming) => t.firstWriteMs + ((i + 0.5) / KILLS_DURING_WRITES) * (1.1 * t.runMs - t.firstWriteMs),
    })),
  ];

  it.each(timed)('SIGKILL after elapsed time: $name', async ({ at }) => {
    await crashAndCheck(f, () => spawnPopulate(f.target, f.scheduleId, { killAfterMs: at(timing) }));
  }, 120_000);
});

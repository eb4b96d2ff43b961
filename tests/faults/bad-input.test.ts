import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../base/errors.js';
import { populateSchedule } from '../../pipeline/populate.js';
import type { Phase } from '../../sql/table-specs.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { close, insertSchedule, periodsJson, runCli, withStore } from '../helpers.js';
import { analyticsDigests } from './crash-harness.js';

/*
 * The bad-input corpus: one case per line of SEMANTICS "Bad input" and
 * beyond. Each bad value is given to block B of a three-block schedule that
 * already has analytics: strict must reject naming schedule, block and
 * problem and leave those analytics exactly as they were; lenient must leave
 * B's visibility out, flag and count it, and report its id. Valid oddities
 * must be computed like any other value.
 */

/** Block B's visibility before it turns bad: 6 h. */
const GOOD = periodsJson([[60000.25, 60000.5]]);

/** A `visibility_periods_json` value: text, or raw bytes stored as TEXT (for invalid UTF-8). */
type JsonValue = string | Buffer | null;

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const nested = (depth: number, inner: string, closing = depth) => `[{"start":60000.25,"stop":60000.5,"x":${'['.repeat(depth)}${inner}${']'.repeat(closing)}}]`;

/** Each bad value and the problem the error must name (what the scanner reports; JSON.parse rejects the same texts). */
const BAD: { name: string; json: JsonValue; problem: string }[] = [
  // SEMANTICS "Bad input", line by line.
  { name: 'text that is not JSON', json: 'not json', problem: 'not JSON: unexpected "o" at offset 1' },
  { name: 'an object instead of an array', json: '{"start":60000,"stop":60001}', problem: 'top level is an object, expected an array' },
  { name: 'an array of numbers instead of objects', json: '[60000,60001]', problem: 'element 0 is a number, expected an object' },
  { name: 'an array of pairs instead of objects', json: '[[60000,60001]]', problem: 'element 0 is an array, expected an object' },
  { name: 'a string for a number', json: '[{"start":"60000","stop":60001}]', problem: 'period 0: "start" is a string, expected a number' },
  { name: 'a boolean for a number', json: '[{"start":60000,"stop":true}]', problem: 'period 0: "stop" is a boolean, expected a number' },
  { name: 'null for a number', json: '[{"start":null,"stop":60001}]', problem: 'period 0: "start" is null, expected a number' },
  { name: 'an object for a number', json: '[{"start":{"mjd":60000},"stop":60001}]', problem: 'period 0: "start" is an object, expected a number' },
  { name: 'stop < start (in the second period)', json: '[{"start":60000.25,"stop":60000.5},{"start":60001,"stop":60000.9}]', problem: 'period 1: stop < start' },
  { name: 'NaN', json: '[{"start":NaN,"stop":60001}]', problem: 'not JSON: unexpected "N" at offset 10' },
  { name: 'Infinity', json: '[{"start":60000,"stop":Infinity}]', problem: 'not JSON: unexpected "I" at offset 23' },
  { name: '1e400 (JSON, but infinite as a double)', json: '[{"start":60000,"stop":1e400}]', problem: 'period 0: stop is not finite' },
  { name: '-1e400', json: '[{"start":-1e400,"stop":60000}]', problem: 'period 0: start is not finite' },
  { name: 'a missing stop', json: '[{"start":60000}]', problem: 'period 0: "stop" is missing' },
  { name: 'a missing start', json: '[{"stop":60001}]', problem: 'period 0: "start" is missing' },
  { name: 'an empty object', json: '[{}]', problem: 'period 0: "start" is missing' },
  { name: 'keys in another case', json: '[{"Start":60000,"Stop":60001}]', problem: 'period 0: "start" is missing' },
  { name: 'a duplicate key whose last value is bad', json: '[{"start":60000,"stop":60000.5,"stop":"60002"}]', problem: 'period 0: "stop" is a string, expected a number' },
  { name: 'a trailing comma in the array', json: '[{"start":60000,"stop":60001},]', problem: 'not JSON: unexpected "]" at offset 30' },
  { name: 'a trailing comma in an object', json: '[{"start":60000,"stop":60001,}]', problem: 'not JSON: unexpected "}" at offset 29' },
  { name: 'a byte-order mark', json: `\uFEFF${GOOD}`, problem: 'not JSON: unexpected U+FEFF at offset 0' },
  { name: 'a byte-order mark as stored bytes', json: bytes([0xef, 0xbb, 0xbf], GOOD), problem: 'not JSON: unexpected U+FEFF at offset 0' },
  { name: 'truncated text', json: GOOD.slice(0, -3), problem: 'not JSON: unexpected end at offset 32' },
  // Beyond SEMANTICS' list.
  { name: 'whitespace only', json: ' \n\t', problem: 'not JSON: unexpected end at offset 3' },
  { name: 'JSON null', json: 'null', problem: 'top level is null, expected an array' },
  { name: 'a JSON string holding an array', json: '"[]"', problem: 'top level is a string, expected an array' },
  { name: 'a number with a leading zero', json: '[{"start":060000,"stop":60001}]', problem: 'not JSON: unexpected "6" at offset 11' },
  { name: 'text after the array', json: `${GOOD} x`, problem: 'not JSON: unexpected "x" at offset 36' },
  { name: 'two arrays', json: GOOD + GOOD, problem: 'not JSON: unexpected "[" at offset 35' },
  { name: 'a raw control character in a string', json: '[{"start":60000,"stop":60000.5,"x":"a\u0001"}]', problem: 'not JSON: control character U+0001 in string at offset 37' },
  { name: 'a deeply nested extra value with a bracket missing', json: nested(10_000, '{"a":null}', 9_999), problem: 'not JSON: unexpected "}" at offset 20047' },
  { name: 'a deeply nested extra value with a bad literal', json: nested(10_000, '{"a":nul}'), problem: 'not JSON: unexpected "}" at offset 10046' },
  // Invalid UTF-8 reaches JavaScript as U+FFFD: inside a number that is not JSON.
  { name: 'an invalid UTF-8 byte inside a number', json: bytes('[{"start":60000', [0xfe], '.5,"stop":60001}]'), problem: 'not JSON: unexpected U+FFFD at offset 15' },
  { name: 'a truncated UTF-8 sequence at the end', json: bytes(GOOD, [0xe2, 0x82]), problem: 'not JSON: unexpected U+FFFD at offset 35' },
];

/** Valid oddities and block B's expected period count and union hours. */
const VALID: { name: string; json: JsonValue; periods: number; hours: number; phases?: Phase[] }[] = [
  // A period at MJD 0 would stretch phase 3 over 160 years of minutes: phases 1 and 2 suffice here.
  { name: '-0 in a zero-length period', json: '[{"start":-0,"stop":0}]', periods: 1, hours: 0, phases: [1, 2] },
  { name: '-0 as a start', json: '[{"start":-0,"stop":0.25}]', periods: 1, hours: 6, phases: [1, 2] },
  { name: 'duplicate keys: the last wins', json: '[{"start":1,"stop":60000.5,"start":60000.25}]', periods: 1, hours: 6 },
  { name: 'keys written with escapes', json: '[{"st\\u0061rt":60000.25,"\\u0073top":60000.5}]', periods: 1, hours: 6 },
  { name: 'extra keys, any key order, whitespace', json: ' [ {"note":"x", "stop" : 60000.5 ,\n"start":60000.25, "tags":[1,{"a":[]}]} ] ', periods: 1, hours: 6 },
  { name: 'a deeply nested extra value (depth 10,000)', json: nested(10_000, '{"a":[true,null,"]"]}'), periods: 1, hours: 6 },
  { name: 'exponents', json: '[{"start":6.000025e4,"stop":600005E-1}]', periods: 1, hours: 6 },
  { name: 'a lone surrogate escape in a string', json: '[{"start":60000.25,"stop":60000.5,"x":"\\ud800"}]', periods: 1, hours: 6 },
  { name: 'invalid UTF-8 bytes inside a string value (U+FFFD, still JSON)', json: bytes('[{"start":60000.25,"stop":60000.5,"x":"a', [0xff, 0xc3], 'b"}]'), periods: 1, hours: 6 },
  { name: 'invalid UTF-8 bytes inside a key other than start/stop', json: bytes('[{"start":60000.25,"stop":60000.5,"st', [0xff], 'op":"x"}]'), periods: 1, hours: 6 },
  { name: 'a zero-length period', json: '[{"start":60000.25,"stop":60000.25}]', periods: 1, hours: 0 },
  { name: 'overlapping and duplicated periods', json: periodsJson([[60000, 60000.25], [60000.125, 60000.25], [60000, 60000.25]]), periods: 3, hours: 6 },
  { name: 'the empty string', json: '', periods: 0, hours: 0 },
  { name: 'an empty array', json: '[ ]', periods: 0, hours: 0 },
  { name: 'NULL', json: null, periods: 0, hours: 0 },
];

/** A schedule of three blocks; B (the middle one) is the one whose JSON the cases replace. */
async function threeBlocks(store: SqliteStore) {
  const { scheduleId, blockIds } = await insertSchedule(store, [
    { priority: 1, json: periodsJson([[60000, 60000.5]]), scheduled: [60000, 60000.1] },
    { priority: 2, json: GOOD },
    { priority: 3, json: periodsJson([[60000.5, 60001]]) },
  ]);
  return { scheduleId, blockB: blockIds[1] };
}

/** Stores `json` as block B's visibility, bypassing every writer of ours (so raw bytes stay raw). */
function setJson(path: string, blockId: number, json: JsonValue): void {
  const db = new BetterSqlite3(path);
  try {
    db.prepare('UPDATE scheduling_blocks SET visibility_periods_json = CAST(? AS TEXT) WHERE scheduling_block_id = ?').run(json, blockId);
  } finally {
    db.close();
  }
}

async function blockRow(store: SqliteStore, blockId: number) {
  return store.db.selectFrom('schedule_blocks_analytics').selectAll().where('scheduling_block_id', '=', blockId).executeTakeFirstOrThrow();
}

// Also on worker threads (threadsMinBlocks 0: three blocks are enough to use them).
describe.each([1, 3])('bad visibility JSON, %i thread(s): strict rejects it, lenient flags the block (visibility_invalid = 1)', (threads) => {
  const threading = { threads, threadsMinBlocks: 0 };
  it.each(BAD)('$name', async ({ json, problem }) => {
    await withStore(async (store, path) => {
      const { scheduleId, blockB } = await threeBlocks(store);
      await populateSchedule(store, scheduleId);
      const before = await analyticsDigests(store.db, scheduleId);
      setJson(path, blockB, json);

      // Strict: an error naming schedule, block and problem, and the previous analytics untouched.
      const error = await populateSchedule(store, scheduleId, threading).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(BadInputError);
      const bad = error as BadInputError;
      expect([bad.scheduleId, bad.blockId, bad.problem]).toEqual([scheduleId, blockB, problem]);
      expect(bad.message).toContain(`schedule ${scheduleId}, block ${blockB}: bad visibility_periods_json: ${problem}`);
      expect(await analyticsDigests(store.db, scheduleId)).toEqual(before);

      // Lenient: B is flagged, not impossible, counted, and reported by id; its visibility counts nowhere.
      const summary = await populateSchedule(store, scheduleId, { ...threading, lenient: true });
      expect(summary.invalidBlockIds).toEqual([blockB]);
      expect(summary.blocks).toBe(3);
      const b = await blockRow(store, blockB);
      expect([b.visibility_invalid, b.is_impossible, b.visibility_period_count, b.total_visibility_hours]).toEqual([1, 0, 0, 0]);
      const s = await store.db.selectFrom('schedule_summary_analytics').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect([s.total_blocks, s.invalid_visibility_blocks, s.impossible_blocks]).toEqual([3, 1, 0]);
      const m = await store.db.selectFrom('schedule_visibility_time_metadata').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect([m.total_blocks, m.blocks_with_visibility]).toEqual([3, 2]);
      const ranges = await store.db.selectFrom('schedule_block_visibility_ranges').select('scheduling_block_id').where('schedule_id', '=', scheduleId).execute();
      expect(ranges.map((r) => r.scheduling_block_id)).not.toContain(blockB);
      const run = await store.db.selectFrom('schedule_analytics_runs').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect([run.invalid_block_count, JSON.parse(run.invalid_block_ids ?? 'null')]).toEqual([1, [blockB]]);
    });
  });
});

describe('valid oddities are computed like any value, strict or lenient', () => {
  it.each(VALID)('$name', async ({ json, periods, hours, phases }) => {
    await withStore(async (store, path) => {
      const { scheduleId, blockB } = await threeBlocks(store);
      setJson(path, blockB, json);
      for (const lenient of [false, true]) {
        const summary = await populateSchedule(store, scheduleId, { lenient, ...(phases ? { phases } : {}) });
        expect(summary.invalidBlockIds).toEqual([]);
        const b = await blockRow(store, blockB);
        expect([b.visibility_invalid, b.visibility_period_count, b.is_impossible]).toEqual([0, periods, hours === 0 ? 1 : 0]);
        expect(close(b.total_visibility_hours, hours), `${b.total_visibility_hours} h`).toBe(true);
      }
    });
  });
});

describe('bad input beyond one block', () => {
  it('names the first bad block in block order when several are bad', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [
        { json: GOOD }, { json: '[{"start":1}]' }, { json: GOOD }, { json: 'nope' },
      ]);
      await expect(populateSchedule(store, scheduleId)).rejects.toMatchObject({ blockId: blockIds[1], problem: 'period 0: "stop" is missing' });
    });
  });

  it('names the bad block when it comes early in a schedule of many source chunks', async () => {
    // Fails today: the source cursor is still open when populate's `finally` closes the
    // snapshot, so "This database connection is busy executing a query" replaces the
    // BadInputError (reported to the lead).
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, Array.from({ length: 2000 }, (_, i) => ({ json: i === 5 ? 'nope' : GOOD })));
      expect((await populateSchedule(store, scheduleId, { lenient: true })).invalidBlockIds).toEqual([blockIds[5]]);
      const before = await analyticsDigests(store.db, scheduleId);
      const error = await populateSchedule(store, scheduleId).then(() => undefined, (e: unknown) => e);
      expect(String(error)).toBe(`BadInputError: schedule ${scheduleId}, block ${blockIds[5]}: bad visibility_periods_json: not JSON: unexpected "o" at offset 1 (use --lenient to write such blocks flagged visibility_invalid = 1 and report them)`);
      expect(await analyticsDigests(store.db, scheduleId)).toEqual(before);
    });
  });

  it('in lenient mode reports every bad block, stores the first 1,000 ids and counts them all', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, Array.from({ length: 1201 }, (_, i) => ({ json: i === 600 ? GOOD : '[{"start":"x"}]' })));
      const bad = blockIds.filter((_, i) => i !== 600);
      const summary = await populateSchedule(store, scheduleId, { lenient: true, phases: [1, 2] });
      expect(summary.invalidBlockIds).toEqual(bad);
      const run = await store.db.selectFrom('schedule_analytics_runs').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect(run.invalid_block_count).toBe(1200);
      expect(JSON.parse(run.invalid_block_ids ?? 'null')).toEqual(bad.slice(0, 1000));
      const s = await store.db.selectFrom('schedule_summary_analytics').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect([s.total_blocks, s.invalid_visibility_blocks, s.impossible_blocks]).toEqual([1201, 1200, 0]);
    });
  });

  it('computes valid periods 160 years apart (MJD 0 and 60000) in bounded memory', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[0, 0.5]]) }, { json: periodsJson([[60000, 60000.5]]) }]);
      const rssBefore = process.memoryUsage().rss;
      await populateSchedule(store, scheduleId);
      expect(process.resourceUsage().maxRSS * 1024 - rssBefore).toBeLessThan(400e6);
      const m = await store.db.selectFrom('schedule_visibility_time_metadata').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      // (0 - 40587) · 86400 and (60000.5 - 40587) · 86400, both on minute edges.
      expect([m.time_range_start_unix, m.time_range_end_unix, m.total_bins, m.max_visible_in_bin]).toEqual([-3_506_716_800, 1_677_326_400, 86_400_720, 1]);
      const bins = await store.db.selectFrom('schedule_visibility_time_bins').select((eb) => eb.fn.countAll<number>().as('n')).where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect(bins.n).toBe(2 * 720);
    });
  });

  it('handles a 50 MB value of a million periods in bounded memory, with the right result', async () => {
    await withStore(async (store, path) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [{ json: GOOD }, { json: null }]);
      // 1,000,000 disjoint periods of 5e-6 d every 1e-5 d over 10 days, with an extra key to pass 50 MB.
      let expectedHours = 0;
      const parts = new Array<string>(1_000_000);
      for (let i = 0; i < parts.length; i++) {
        const start = 60001 + i * 1e-5;
        const stop = start + 5e-6;
        expectedHours += (stop - start) * 24;
        parts[i] = `{"start": ${start}, "stop": ${stop}, "n": ${i}}`;
      }
      const json = `[${parts.join(', ')}]`;
      expect(json.length).toBeGreaterThan(50e6);
      setJson(path, blockIds[1], json);

      // In a child process, so its peak RSS is the populate's alone (this process built the 50 MB text).
      // Measured 184 MB (3 runs); parsing the value with JSON.parse instead measured 273 MB.
      const run = runCli(['populate', '--db', path, '--schedule', String(scheduleId), '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout);
      console.info(`50 MB value: populate peak RSS ${summary.peakRssMb} MB`);
      expect(summary.peakRssMb).toBeLessThan(240);
      expect([summary.blocks, summary.periods, summary.invalidBlockIds]).toEqual([2, 1_000_001, []]);
      const b = await blockRow(store, blockIds[1]);
      expect([b.visibility_invalid, b.visibility_period_count]).toEqual([0, 1_000_000]);
      expect(close(b.total_visibility_hours, expectedHours), `${b.total_visibility_hours} vs ${expectedHours}`).toBe(true);
      expect(close(b.total_visibility_hours, 120, 1e-6)).toBe(true);
      const m = await store.db.selectFrom('schedule_visibility_time_metadata').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect(m.blocks_with_visibility).toBe(2);
    });
  }, 60_000);
});

describe('bad input through the CLI (built dist/)', () => {
  it('exits 1 with one line naming schedule and block; --lenient exits 0 and reports the block', async () => {
    await withStore(async (store, path) => {
      const { scheduleId, blockB } = await threeBlocks(store);
      setJson(path, blockB, 'not json');
      const strict = runCli(['populate', '--db', path, '--schedule', String(scheduleId)]);
      expect(strict.code).toBe(1);
      expect(strict.stdout).toBe('');
      expect(strict.stderr).toBe(`tsi-etl populate: schedule ${scheduleId}, block ${blockB}: bad visibility_periods_json: not JSON: unexpected "o" at offset 1 (use --lenient to write such blocks flagged visibility_invalid = 1 and report them)\n`);
      const lenient = runCli(['populate', '--db', path, '--schedule', String(scheduleId), '--lenient', '--json']);
      expect(lenient.code).toBe(0);
      expect(JSON.parse(lenient.stdout).invalidBlockIds).toEqual([blockB]);
    });
  });
});

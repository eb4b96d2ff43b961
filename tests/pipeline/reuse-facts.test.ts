import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../base/errors.js';
import { backfill } from '../../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { loadVariantSchedule } from '../../pipeline/variant-schedule.js';
import type { Store } from '../../sql/store.js';
import { ALL_PHASES } from '../../sql/table-specs.js';
import { analyticsDigests, spawnPopulate } from '../faults/crash-harness.js';
import { insertSchedule, periodsJson, runCli, withStore } from '../helpers.js';

/**
 * A populate with reuse (on `threads` threads; threadsMinBlocks 0, so a small
 * schedule uses them) writes what a full one-thread recomputation writes:
 * table by table, digested.
 */
async function expectReuseEqualsFull(store: Store, scheduleId: number, threads = 1): Promise<{ reused: number }> {
  const summary = await populateSchedule(store, scheduleId, { threads, threadsMinBlocks: 0 });
  const withReuse = await analyticsDigests(store.db, scheduleId);
  await populateSchedule(store, scheduleId, { reuse: false, threads: 1 });
  expect(withReuse).toEqual(await analyticsDigests(store.db, scheduleId));
  return { reused: summary.reusedBlocks };
}

async function blockIdsOf(store: Store, scheduleId: number): Promise<number[]> {
  const rows = await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute();
  return rows.map((r) => Number(r.scheduling_block_id));
}

async function factsCount(store: Store): Promise<number> {
  return Number((await store.db.selectFrom('block_visibility_facts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
}

async function setJson(store: Store, blockId: number, json: string | null): Promise<void> {
  await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: json }).where('scheduling_block_id', '=', blockId).execute();
}

/** One random change to the source between populates. */
type Edit =
  | { kind: 'json'; pick: number; shiftDays: number }
  | { kind: 'json-same-facts'; pick: number }
  | { kind: 'json-same-length'; pick: number }
  | { kind: 'reinsert'; pick: number; replace: boolean }
  | { kind: 'window'; pick: number; shiftDays: number }
  | { kind: 'unschedule'; pick: number }
  | { kind: 'priority'; pick: number; priority: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('json' as const), pick: fc.nat(), shiftDays: fc.double({ min: -0.5, max: 0.5, noNaN: true }) }),
  fc.record({ kind: fc.constant('json-same-facts' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('json-same-length' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('reinsert' as const), pick: fc.nat(), replace: fc.boolean() }),
  fc.record({ kind: fc.constant('window' as const), pick: fc.nat(), shiftDays: fc.double({ min: -0.2, max: 0.2, noNaN: true }) }),
  fc.record({ kind: fc.constant('unschedule' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('priority' as const), pick: fc.nat(), priority: fc.integer({ min: 0, max: 20 }) }),
);

/**
 * The last digit of the first stop's fraction, one lower or higher: the same
 * length (so only the digest, or SQLite's triggers, can tell), another union.
 */
function sameLengthJson(json: string | null): string {
  return (json ?? '[]').replace(/("stop":\d+\.\d*)(\d)/, (_, head: string, d: string) => head + (d === '0' ? '1' : String(Number(d) - 1)));
}

/** The block row gone and back with other JSON of the same length: deleted and inserted again (with its links), or replaced in one INSERT OR REPLACE. */
async function reinsertBlock(store: Store, blockId: number, replace: boolean): Promise<void> {
  await store.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('scheduling_blocks').selectAll().where('scheduling_block_id', '=', blockId).executeTakeFirstOrThrow();
    const again = { ...row, visibility_periods_json: sameLengthJson(row.visibility_periods_json) };
    if (replace) return void (await tx.replaceInto('scheduling_blocks').values(again).execute());
    const links = await tx.selectFrom('schedule_scheduling_blocks').selectAll().where('scheduling_block_id', '=', blockId).execute();
    await tx.deleteFrom('schedule_scheduling_blocks').where('scheduling_block_id', '=', blockId).execute();
    await tx.deleteFrom('scheduling_blocks').where('scheduling_block_id', '=', blockId).execute();
    await tx.insertInto('scheduling_blocks').values(again).execute();
    await tx.insertInto('schedule_scheduling_blocks').values(links).execute();
  });
}

async function applyEdit(store: Store, scheduleId: number, e: Edit): Promise<void> {
  const ids = await blockIdsOf(store, scheduleId);
  const blockId = ids[e.pick % ids.length];
  if (e.kind === 'reinsert') return reinsertBlock(store, blockId, e.replace);
  if (e.kind === 'json' || e.kind === 'json-same-facts' || e.kind === 'json-same-length') {
    const row = await store.db.selectFrom('scheduling_blocks').select('visibility_periods_json').where('scheduling_block_id', '=', blockId).executeTakeFirstOrThrow();
    if (e.kind === 'json-same-length') return setJson(store, blockId, sameLengthJson(row.visibility_periods_json));
    // `||`: the generator writes both NULL and '' for a block without periods.
    const periods = JSON.parse(row.visibility_periods_json || '[]') as { start: number; stop: number }[];
    // Same periods in other text (key order, spaces): another digest, the same facts.
    if (e.kind === 'json-same-facts') await setJson(store, blockId, JSON.stringify(periods.map((p) => ({ stop: p.stop, start: p.start })), null, 1));
    else await setJson(store, blockId, periodsJson([...periods.map((p): [number, number] => [p.start + e.shiftDays, p.stop + e.shiftDays]), [60000.25, 60000.5]]));
  } else if (e.kind === 'priority') {
    await store.db.updateTable('scheduling_blocks').set({ priority: e.priority }).where('scheduling_block_id', '=', blockId).execute();
  } else {
    const link = store.db.updateTable('schedule_scheduling_blocks').where('schedule_id', '=', scheduleId).where('scheduling_block_id', '=', blockId);
    if (e.kind === 'unschedule') await link.set({ start_time_mjd: null, stop_time_mjd: null }).execute();
    else await link.set((eb) => ({ start_time_mjd: eb('start_time_mjd', '+', e.shiftDays), stop_time_mjd: eb('stop_time_mjd', '+', e.shiftDays) })).execute();
  }
}

describe('reuse of visibility facts: the same tables as a full recomputation', () => {
  it('over random pools, variants, edits (JSON, windows, priorities), orders of populates and threads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.record({ target: fc.nat(2), threads: fc.constantFrom(1, 3), edits: fc.array(edit, { maxLength: 3 }) }), { minLength: 1, maxLength: 5 }),
        async (seed, steps) => {
          await withStore(async (store) => {
            const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 40, days: 3, seed });
            const v1 = (await loadVariantSchedule(store, { variantOf: s, seed: seed + 1, change: 0.4 })).scheduleId;
            const v2 = (await loadVariantSchedule(store, { variantOf: s, seed: seed + 2, change: 0.4 })).scheduleId;
            const schedules = [s, v1, v2];
            let populatedOnce = false;
            for (const step of steps) {
              const target = schedules[step.target];
              for (const e of step.edits) await applyEdit(store, target, e);
              const { reused } = await expectReuseEqualsFull(store, target, step.threads);
              // Facts are stored by the first populate and shared by every schedule of the pool.
              if (populatedOnce && step.edits.length === 0) expect(reused).toBeGreaterThan(0);
              populatedOnce = true;
            }
          });
        },
      ),
      { numRuns: 8 },
    );
  });

  it('serves the stored facts (a tampered fact shows), and recomputes a block whose JSON was edited', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [
        { json: periodsJson([[60000, 60001]]) },
        { json: periodsJson([[60000.5, 60002], [60001, 60003]]), scheduled: [60000.5, 60000.6] },
        { json: ' [ ] ' },
        { json: null },
      ]);
      const first = await populateSchedule(store, scheduleId);
      expect([first.reusedBlocks, first.parsedBlocks]).toEqual([0, 3]);
      expect(await factsCount(store)).toBe(3);
      const hours = async () => (await store.db.selectFrom('schedule_blocks_analytics').select('total_visibility_hours').where('scheduling_block_id', '=', blockIds[0]).executeTakeFirstOrThrow()).total_visibility_hours;
      expect(await hours()).toBe(24);

      // The facts are what a reuse serves: tampering with one shows in the output.
      await store.db.updateTable('block_visibility_facts').set({ union_hours: 99 }).where('scheduling_block_id', '=', blockIds[0]).execute();
      const second = await populateSchedule(store, scheduleId);
      expect([second.reusedBlocks, second.parsedBlocks]).toEqual([3, 0]);
      expect(await hours()).toBe(99);

      // An edit of the same length (another digest) and one of another length are both parsed again.
      await setJson(store, blockIds[0], periodsJson([[60000, 60002]]));
      const third = await populateSchedule(store, scheduleId);
      expect([third.reusedBlocks, third.parsedBlocks]).toEqual([2, 1]);
      expect(await hours()).toBe(48);
      await setJson(store, blockIds[0], periodsJson([[60000, 60000.5]]) + ' ');
      await populateSchedule(store, scheduleId);
      expect(await hours()).toBe(12);
      await expectReuseEqualsFull(store, scheduleId);
    });
  });

  it('--no-reuse neither reads nor writes facts', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60001]]) }]);
      const full = await populateSchedule(store, scheduleId, { reuse: false });
      expect(full.reusedBlocks).toBe(0);
      expect(await factsCount(store)).toBe(0);
      await populateSchedule(store, scheduleId);
      expect((await populateSchedule(store, scheduleId, { reuse: false })).reusedBlocks).toBe(0);
    });
  });
});

describe('bad visibility JSON with reuse: as without it, also when seen before', () => {
  it('strict fails every time, naming the block; lenient leaves it out every time; no facts are stored for it', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [
        { json: periodsJson([[60000, 60001]]) },
        { json: '[{"start": 60001, "stop": 60000}]' },
      ]);
      for (let i = 0; i < 2; i++) {
        const error = await populateSchedule(store, scheduleId).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadInputError);
        expect((error as BadInputError).blockId).toBe(blockIds[1]);
        const lenient = await populateSchedule(store, scheduleId, { lenient: true });
        expect(lenient.invalidBlockIds).toEqual([blockIds[1]]);
        expect(lenient.parsedBlocks).toBe(i === 0 ? 2 : 1);
      }
      expect((await store.db.selectFrom('block_visibility_facts').select('scheduling_block_id').execute()).map((r) => Number(r.scheduling_block_id))).toEqual([blockIds[0]]);

      // Good JSON that turns bad again: its old facts do not match and are never served.
      await setJson(store, blockIds[1], periodsJson([[60000, 60001]]));
      await populateSchedule(store, scheduleId);
      await setJson(store, blockIds[1], '[{"start": "x"}]');
      await expect(populateSchedule(store, scheduleId)).rejects.toThrow(BadInputError);
      expect((await populateSchedule(store, scheduleId, { lenient: true })).invalidBlockIds).toEqual([blockIds[1]]);
    });
  });
});

describe('populates of schedules sharing blocks at once', () => {
  it('in two processes: both commit, each block has one fact, and both equal a full recomputation', async () => {
    await withStore(async (store, path) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 300, days: 3, seed: 5 });
      const v = (await loadVariantSchedule(store, { variantOf: s, seed: 1 })).scheduleId;
      const runs = await Promise.all([spawnPopulate(path, s), spawnPopulate(path, v)]);
      expect(runs.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, '']]);
      const withJson = Number((await store.db.selectFrom('scheduling_blocks').select((eb) => eb.fn.countAll().as('n')).where('visibility_periods_json', 'is not', null).executeTakeFirstOrThrow()).n);
      expect(await factsCount(store)).toBe(withJson);
      for (const id of [s, v]) {
        const digests = await analyticsDigests(store.db, id);
        await populateSchedule(store, id, { reuse: false });
        expect(await analyticsDigests(store.db, id)).toEqual(digests);
      }
      // Through the CLI: --no-reuse parses every block, the default reuses them all.
      const cli = (...args: string[]) => JSON.parse(runCli(['populate', '--db', path, '--schedule', String(s), '--json', ...args]).stdout);
      expect([cli('--no-reuse').reusedBlocks, cli().parsedBlocks, cli().reusedBlocks]).toEqual([0, 0, withJson]);
    });
  }, 60_000);
});

describe('facts cleanup', () => {
  it('keeps the facts another schedule with analytics uses, drops those no one uses, and those of deleted blocks', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 30, days: 2, seed: 3 });
      const v = (await loadVariantSchedule(store, { variantOf: s, seed: 1, change: 0.5 })).scheduleId;
      await populateSchedule(store, s);
      await populateSchedule(store, v);
      const stored = await factsCount(store);
      expect(stored).toBeGreaterThan(0);

      await store.deleteAnalytics(s, ALL_PHASES);
      const vBlocks = new Set(await blockIdsOf(store, v));
      const left = (await store.db.selectFrom('block_visibility_facts').select('scheduling_block_id').execute()).map((r) => Number(r.scheduling_block_id));
      expect(left.length).toBeGreaterThan(0);
      expect(left.every((id) => vBlocks.has(id))).toBe(true);
      // Reused by V after S's analytics went.
      expect((await populateSchedule(store, v)).reusedBlocks).toBe(left.length);

      // A block that no longer exists loses its facts at the next delete.
      const gone = left[0];
      await store.db.deleteFrom('schedule_scheduling_blocks').where('scheduling_block_id', '=', gone).execute();
      await store.db.deleteFrom('scheduling_blocks').where('scheduling_block_id', '=', gone).execute();
      await store.deleteAnalytics(s, [1]);
      expect(await factsCount(store)).toBe(left.length - 1);

      await store.deleteAnalytics(v, ALL_PHASES);
      expect(await factsCount(store)).toBe(0);
    });
  });
});

describe('backfill over one pool', () => {
  it('parses each distinct JSON once in total and reports the blocks reused', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, { blocks: 60, days: 2, seed: 9 });
      for (let seed = 1; seed <= 3; seed++) await loadVariantSchedule(store, { variantOf: s, seed, change: 0.3 });
      const withJson = Number((await store.db.selectFrom('scheduling_blocks').select((eb) => eb.fn.countAll().as('n')).where('visibility_periods_json', 'is not', null).executeTakeFirstOrThrow()).n);
      const progress: number[] = [];
      const report = await backfill(store, { onProgress: (p) => progress.push(p.reusedBlocks) });
      expect(report.done).toHaveLength(4);
      // Each block with JSON is parsed once (by whichever schedule comes first); blocks without JSON have nothing to reuse.
      expect(report.reusedBlocks).toBe(report.blocks - withJson - (await nullLinks(store)));
      expect(report.parsedBlocks).toBe(withJson);
      expect(report.reusedBlocks).toBeGreaterThan(0);
      expect(progress.at(-1)).toBe(report.reusedBlocks);
    });
  });
});

/** Links, over every schedule, to blocks without JSON (never reused: there is nothing to parse). */
async function nullLinks(store: Store): Promise<number> {
  return Number((await store.db.selectFrom('schedule_scheduling_blocks as ssb')
    .innerJoin('scheduling_blocks as sb', 'sb.scheduling_block_id', 'ssb.scheduling_block_id')
    .select((eb) => eb.fn.countAll().as('n')).where('sb.visibility_periods_json', 'is', null).executeTakeFirstOrThrow()).n);
}

import { describe, expect, it } from 'vitest';
import { DuplicateScheduleError, UnknownScheduleError } from '../../base/errors.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { loadVariantSchedule } from '../../pipeline/variant-schedule.js';
import type { Store } from '../../sql/store.js';
import { runCli, withStore } from '../helpers.js';

const POOL = { blocks: 3000, days: 10, seed: 4 };
const BLOCK_TABLES = ['scheduling_blocks', 'targets', 'constraints', 'altitude_constraints', 'azimuth_constraints'] as const;

type Link = { scheduling_block_id: number; start_time_mjd: number | null; stop_time_mjd: number | null };

async function links(store: Store, scheduleId: number): Promise<Link[]> {
  return store.db.selectFrom('schedule_scheduling_blocks').select(['scheduling_block_id', 'start_time_mjd', 'stop_time_mjd'])
    .where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute();
}

async function rowCounts(store: Store): Promise<number[]> {
  return Promise.all(BLOCK_TABLES.map(async (t) => Number((await store.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));
}

/** What happened to each of S's blocks in the variant, decided from the two link sets alone. */
function classify(original: Link[], variant: Link[]) {
  const byId = new Map(variant.map((l) => [l.scheduling_block_id, l]));
  const counts = { newly_scheduled: 0, newly_unscheduled: 0, retimed: 0, left_out: 0, unchanged: 0 };
  const shiftsSec: number[] = [];
  for (const a of original) {
    const b = byId.get(a.scheduling_block_id);
    const inA = a.start_time_mjd !== null && a.stop_time_mjd !== null;
    const inB = b !== undefined && b.start_time_mjd !== null && b.stop_time_mjd !== null;
    if (b === undefined) counts.left_out++;
    else if (!inA && inB) counts.newly_scheduled++;
    else if (inA && !inB) counts.newly_unscheduled++;
    else if (inA && inB && b.start_time_mjd !== a.start_time_mjd) {
      counts.retimed++;
      shiftsSec.push((b.start_time_mjd! - a.start_time_mjd!) * 86_400);
      // the window keeps its length
      expect(Math.abs((b.stop_time_mjd! - b.start_time_mjd!) - (a.stop_time_mjd! - a.start_time_mjd!)) * 86_400).toBeLessThan(1e-3);
    } else {
      expect(b).toEqual(a);
      counts.unchanged++;
    }
  }
  return { counts, shiftsSec };
}

describe('loadVariantSchedule', () => {
  it('links the same blocks, scheduled differently, about a fifth of them changed, and writes no block rows', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, POOL);
      const before = await rowCounts(store);
      const v = await loadVariantSchedule(store, { variantOf: s, seed: 1 });
      expect(await rowCounts(store)).toEqual(before);

      const original = await links(store, s);
      const variant = await links(store, v.scheduleId);
      const ids = new Set(original.map((l) => l.scheduling_block_id));
      expect(variant.every((l) => ids.has(l.scheduling_block_id))).toBe(true);
      expect(v.blocks).toBe(variant.length);

      const { counts, shiftsSec } = classify(original, variant);
      expect(v.changes).toEqual(counts);

      // Newly scheduled blocks get S's mean window (whole seconds), or their requested duration when shorter.
      const windows = original.filter((l) => l.start_time_mjd !== null).map((l) => (l.stop_time_mjd! - l.start_time_mjd!) * 86_400);
      const meanSec = Math.round(windows.reduce((a, b) => a + b, 0) / windows.length);
      const requested = new Map((await store.db.selectFrom('scheduling_blocks').select(['scheduling_block_id', 'requested_duration_sec']).execute())
        .map((r) => [Number(r.scheduling_block_id), Number(r.requested_duration_sec)]));
      const wasScheduled = new Set(original.filter((l) => l.start_time_mjd !== null).map((l) => l.scheduling_block_id));
      const fresh = variant.filter((l) => l.start_time_mjd !== null && !wasScheduled.has(l.scheduling_block_id));
      expect(fresh.length).toBe(counts.newly_scheduled);
      for (const l of fresh) {
        expect(Math.abs((l.stop_time_mjd! - l.start_time_mjd!) * 86_400 - Math.min(meanSec, requested.get(l.scheduling_block_id)!))).toBeLessThan(1e-3);
      }
      const changed = POOL.blocks - counts.unchanged;
      // Binomial(3000, 0.2): sd ≈ 22; allow 4 sd.
      expect(Math.abs(changed - 0.2 * POOL.blocks)).toBeLessThan(90);
      for (const kind of ['newly_scheduled', 'newly_unscheduled', 'retimed', 'left_out'] as const) expect(counts[kind], kind).toBeGreaterThan(20);
      expect(Math.min(...shiftsSec.map(Math.abs))).toBeGreaterThanOrEqual(2 - 1e-3);
      expect(Math.max(...shiftsSec.map(Math.abs))).toBeLessThanOrEqual(6 * 3600 + 1e-3);
      expect(shiftsSec.some((x) => x < 0) && shiftsSec.some((x) => x > 0)).toBe(true);

      const schedules = await store.db.selectFrom('schedules').select(['schedule_id', 'checksum', 'dark_periods_json']).orderBy('schedule_id').execute();
      expect(schedules[1].checksum).not.toBe(schedules[0].checksum);
      expect(schedules[1].dark_periods_json).toBe(schedules[0].dark_periods_json);
    });
  });

  it('honours the change fraction', async () => {
    await withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, POOL);
      const none = await loadVariantSchedule(store, { variantOf: s, change: 0 });
      expect(none.changes.unchanged).toBe(POOL.blocks);
      expect(await links(store, none.scheduleId)).toEqual(await links(store, s));
      const half = await loadVariantSchedule(store, { variantOf: s, change: 0.5 });
      expect(Math.abs(POOL.blocks - half.changes.unchanged - 0.5 * POOL.blocks)).toBeLessThan(120);
      await expect(loadVariantSchedule(store, { variantOf: s, change: 1.5 })).rejects.toThrow(RangeError);
    });
  });

  it('gives the same variant for a seed, another for another seed, and rejects the same options twice', async () => {
    const variantOf = (seed: number) => withStore(async (store) => {
      const { scheduleId: s } = await loadGeneratedSchedule(store, POOL);
      const v = await loadVariantSchedule(store, { variantOf: s, seed });
      await expect(loadVariantSchedule(store, { variantOf: s, seed })).rejects.toThrow(DuplicateScheduleError);
      const checksum = (await store.db.selectFrom('schedules').select('checksum').where('schedule_id', '=', v.scheduleId).executeTakeFirstOrThrow()).checksum;
      return { links: await links(store, v.scheduleId), checksum };
    });
    const a = await variantOf(7);
    const b = await variantOf(7);
    const c = await variantOf(8);
    expect(b).toEqual(a);
    expect(c.checksum).not.toBe(a.checksum);
    expect(c.links).not.toEqual(a.links);
  });

  it('fails clearly for an unknown schedule and writes nothing', async () => {
    await withStore(async (store) => {
      await expect(loadVariantSchedule(store, { variantOf: 42 })).rejects.toThrow(UnknownScheduleError);
      expect(await store.db.selectFrom('schedules').selectAll().execute()).toEqual([]);
    });
  });
});

// Runs the BUILT cli.
describe('tsi-etl generate --variant-of', () => {
  it('writes a variant, reports its changes, and rejects options that do not go with it', async () => {
    await withStore(async (store, path) => {
      await loadGeneratedSchedule(store, { blocks: 200, days: 5, seed: 1 });
      const json = runCli(['generate', '--variant-of', '1', '--seed', '3', '--change', '0.3', '--json', '--db', path]);
      expect(json.code, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout);
      expect(report).toMatchObject({ scheduleId: 2, variantOf: 1 });
      expect(Object.keys(report.changes).sort()).toEqual(['left_out', 'newly_scheduled', 'newly_unscheduled', 'retimed', 'unchanged']);
      const text = runCli(['generate', '--variant-of', '1', '--seed', '4', '--db', path]);
      expect(text.stdout).toMatch(/^generated schedule 3, a variant of schedule 1: [\d,]+ blocks; \d+ newly scheduled, \d+ newly unscheduled, \d+ retimed, \d+ left out, \d+ unchanged/);

      for (const [args, message] of [
        [['--variant-of', '1', '--blocks', '5'], '--blocks: cannot be used with --variant-of'],
        [['--variant-of', '1', '--change', '2'], '--change: must be a fraction between 0 and 1, got "2"'],
        [['--change', '0.5'], '--change: only applies with --variant-of'],
        [['--variant-of', 'x'], '--variant-of: must be a positive integer id'],
      ] as const) {
        const r = runCli(['generate', ...args, '--db', path]);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(message);
      }
      const unknown = runCli(['generate', '--variant-of', '99', '--db', path]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('schedule 99 does not exist');
      const help = runCli(['generate', '--help']);
      expect(help.stdout).toContain('--variant-of ID');
      expect(help.stdout).toContain('--change F');
    });
  });
});

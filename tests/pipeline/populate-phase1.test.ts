import { describe, expect, it } from 'vitest';
import { populateSchedule } from '../../pipeline/populate.js';
import { BadInputError } from '../../base/errors.js';
import { close, insertSchedule, periodsJson, tableRows, withStore } from '../helpers.js';

describe('populate, phase 1: the per-block row of SEMANTICS', () => {
  it('computes every column of hand-made blocks, including the edge cases', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [
        // overlapping and duplicated periods → union 0.75 d = 18 h
        { priority: 0, json: periodsJson([[60000, 60000.5], [60000.25, 60000.75], [60000.25, 60000.75]]), scheduled: [60000.1, 60000.2], alt: [20, 80], az: [0, 180], requestedSec: 7200, minObsSec: 900 },
        // zero-length period: valid, covers no time; a start without a stop is not scheduled
        { priority: 2.5, json: periodsJson([[60001, 60001]]), scheduled: [60001, null] },
        // NULL JSON, no constraints at all → NULLs and elevation range 90
        { priority: 5, json: null },
        // empty string
        { priority: 7.5, json: '' },
        // [] and only a minimum altitude
        { priority: 10, json: '[]', alt: [30, null], requestedSec: 5400 },
        // key order, extra keys with nested values, a constraints row without alt/az
        { priority: 7.4999, json: '[{"stop": 60002.5, "start": 60002, "extra": [1, {"a": "}"}]}]', constraints: true },
      ]);
      const summary = await populateSchedule(store, scheduleId, { phases: [1] });
      expect(summary.blocks).toBe(6);
      expect(summary.periods).toBe(5);
      const rows = await store.db.selectFrom('schedule_blocks_analytics').selectAll().where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute();
      expect(rows.map((r) => r.scheduling_block_id)).toEqual(blockIds);
      expect(rows.map((r) => r.priority_bucket)).toEqual([1, 2, 3, 4, 4, 3]);
      expect(rows.map((r) => r.visibility_period_count)).toEqual([3, 1, 0, 0, 0, 1]);
      expect(rows.map((r) => r.is_impossible)).toEqual([0, 1, 1, 1, 1, 0]);
      expect(close(rows[0].total_visibility_hours, 18)).toBe(true);
      expect(close(rows[5].total_visibility_hours, 12)).toBe(true);
      expect(rows.slice(1, 5).map((r) => r.total_visibility_hours)).toEqual([0, 0, 0, 0]);

      const a = rows[0];
      expect(a.is_scheduled).toBe(1);
      expect([a.scheduled_start_mjd, a.scheduled_stop_mjd]).toEqual([60000.1, 60000.2]);
      expect(close(a.scheduled_duration_sec, (60000.2 - 60000.1) * 86400)).toBe(true);
      expect([a.min_altitude_deg, a.max_altitude_deg, a.min_azimuth_deg, a.max_azimuth_deg, a.elevation_range_deg]).toEqual([20, 80, 0, 180, 60]);
      expect([a.requested_duration_sec, a.min_observation_sec, a.requested_hours]).toEqual([7200, 900, 2]);
      expect([a.target_ra_deg, a.target_dec_deg]).toEqual([10, -20]);

      const b = rows[1];
      expect([b.is_scheduled, b.scheduled_start_mjd, b.scheduled_stop_mjd, b.scheduled_duration_sec]).toEqual([0, null, null, null]);
      const c = rows[2];
      expect([c.min_altitude_deg, c.max_altitude_deg, c.min_azimuth_deg, c.max_azimuth_deg, c.elevation_range_deg]).toEqual([null, null, null, null, 90]);
      const e = rows[4];
      expect([e.min_altitude_deg, e.max_altitude_deg, e.elevation_range_deg, e.requested_hours]).toEqual([30, null, 60, 1.5]);
      expect(rows[5].elevation_range_deg).toBe(90);
    });
  });

  it('puts every block of a single-priority schedule in bucket 2', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [{ priority: 3, json: '[]' }, { priority: 3, json: null }, { priority: 3, json: periodsJson([[1, 2]]) }]);
      await populateSchedule(store, scheduleId, { phases: [1] });
      const rows = await store.db.selectFrom('schedule_blocks_analytics').select('priority_bucket').where('schedule_id', '=', scheduleId).execute();
      expect(rows.map((r) => r.priority_bucket)).toEqual([2, 2, 2]);
    });
  });

  it('is idempotent: populating twice gives the same rows', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await insertSchedule(store, [
        { priority: 1, json: periodsJson([[60000, 60000.1]]), scheduled: [60000, 60000.05] },
        { priority: 9, json: periodsJson([[60000.05, 60000.3], [60001, 60001.2]]) },
      ]);
      await populateSchedule(store, scheduleId);
      const tables = ['schedule_blocks_analytics', 'schedule_summary_analytics', 'schedule_visibility_time_bins', 'schedule_block_visibility_ranges'];
      const first = await Promise.all(tables.map((t) => tableRows(store, t, scheduleId)));
      await populateSchedule(store, scheduleId);
      const second = await Promise.all(tables.map((t) => tableRows(store, t, scheduleId)));
      expect(second).toEqual(first);
      expect(first[0]).toHaveLength(2);
    });
  });

  it('fails on bad JSON naming schedule and block, leaving the previous analytics intact', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [
        { priority: 1, json: periodsJson([[60000, 60000.1]]) },
        { priority: 2, json: periodsJson([[60000, 60000.2]]) },
      ]);
      await populateSchedule(store, scheduleId);
      const before = await tableRows(store, 'schedule_blocks_analytics', scheduleId);
      await store.db.updateTable('scheduling_blocks').set({ visibility_periods_json: '[{"start": 60000, "stop": 59999}]' }).where('scheduling_block_id', '=', blockIds[1]).execute();
      const error = await populateSchedule(store, scheduleId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadInputError);
      expect((error as BadInputError).message).toContain(`schedule ${scheduleId}, block ${blockIds[1]}`);
      expect((error as BadInputError).message).toContain('stop < start');
      expect(await tableRows(store, 'schedule_blocks_analytics', scheduleId)).toEqual(before);
    });
  });

  it('in lenient mode leaves the bad block out, flags it, and reports its id', async () => {
    await withStore(async (store) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [
        { priority: 1, json: periodsJson([[60000, 60000.1]]) },
        { priority: 2, json: 'not json' },
      ]);
      const summary = await populateSchedule(store, scheduleId, { lenient: true });
      expect(summary.invalidBlockIds).toEqual([blockIds[1]]);
      const rows = await store.db.selectFrom('schedule_blocks_analytics').selectAll().where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute();
      expect(rows.map((r) => [r.visibility_invalid, r.is_impossible, r.visibility_period_count])).toEqual([[0, 0, 1], [1, 0, 0]]);
      const run = await store.db.selectFrom('schedule_analytics_runs').selectAll().where('schedule_id', '=', scheduleId).executeTakeFirstOrThrow();
      expect(run.invalid_block_count).toBe(1);
      expect(JSON.parse(run.invalid_block_ids ?? '[]')).toEqual([blockIds[1]]);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runNaiveEtl } from '../../bench/naive-baseline.js';
import { compareAnalytics } from '../../bench/naive.bench.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { insertSchedule, periodsJson, withStore, type HandBlock } from '../helpers.js';

/** Two databases holding the same schedule: one for the baseline, one for tsi-etl. */
async function withTwin(load: (store: SqliteStore) => Promise<number>, fn: (naivePath: string, etlStore: SqliteStore, etlPath: string, scheduleId: number) => Promise<void>): Promise<void> {
  await withStore(async (naiveStore, naivePath) => {
    const scheduleId = await load(naiveStore);
    await withStore(async (etlStore, etlPath) => {
      expect(await load(etlStore)).toBe(scheduleId);
      await fn(naivePath, etlStore, etlPath, scheduleId);
    });
  });
}

const MJD = 60676;
const hand: HandBlock[] = [
  // Overlapping and duplicated periods, off the minute grid.
  { json: periodsJson([[MJD + 0.1, MJD + 0.2], [MJD + 0.15, MJD + 0.25], [MJD + 0.1, MJD + 0.2]]), priority: 1, scheduled: [MJD + 0.1, MJD + 0.12] },
  // Ties in priority, a scheduled window overlapping the first block's (one conflict).
  { json: periodsJson([[MJD + 0.3, MJD + 0.31], [MJD + 1.2, MJD + 1.3]]), priority: 5, scheduled: [MJD + 0.11, MJD + 0.13], alt: [20, 80] },
  { json: periodsJson([[MJD + 1.25, MJD + 1.26]]), priority: 5, requestedSec: 7200, az: [10, 200] },
  // Never visible, in the three spellings.
  { json: '[]', priority: 7.5 },
  { json: null, priority: 10 },
  { json: '', priority: 2.5, scheduled: [MJD + 2, null] },
];

describe('runNaiveEtl', () => {
  it('writes exactly what tsi-etl writes for a generated schedule, at 15-minute and 1-minute bins', async () => {
    for (const binSeconds of [900, 60]) {
      await withTwin(
        async (store) => (await loadGeneratedSchedule(store, { blocks: 120, days: 8, seed: 3 })).scheduleId,
        async (naivePath, etlStore, etlPath, scheduleId) => {
          const naive = runNaiveEtl(naivePath, scheduleId, { binSeconds });
          await populateSchedule(etlStore, scheduleId, { binSeconds });
          const compared = await compareAnalytics(naivePath, etlPath, scheduleId);
          expect(compared.schedule_blocks_analytics).toBe(120);
          expect(compared.schedule_summary_analytics).toBe(1);
          expect(compared.schedule_visibility_time_bins).toBe(naive.rowsWritten.schedule_visibility_time_bins);
          expect(naive.rowsWritten.schedule_visibility_time_bins).toBeGreaterThan(0);
        },
      );
    }
  });

  it('writes exactly what tsi-etl writes for hand-made edge cases (duplicates, ties, empty JSON, half-scheduled)', async () => {
    await withTwin(
      async (store) => (await insertSchedule(store, hand)).scheduleId,
      async (naivePath, etlStore, etlPath, scheduleId) => {
        runNaiveEtl(naivePath, scheduleId, { binSeconds: 300 });
        await populateSchedule(etlStore, scheduleId, { binSeconds: 300 });
        await compareAnalytics(naivePath, etlPath, scheduleId);
        const summary = await sql<{ conflict_count: number; scheduled_blocks: number; impossible_blocks: number }>`
          SELECT conflict_count, scheduled_blocks, impossible_blocks FROM schedule_summary_analytics WHERE schedule_id = ${scheduleId}`.execute(etlStore.db);
        expect(summary.rows).toEqual([{ conflict_count: 1, scheduled_blocks: 2, impossible_blocks: 3 }]);
      },
    );
  });

  it('sends at most rowsPerInsert rows per INSERT statement', async () => {
    await withStore(async (store, path) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 250, days: 3, seed: 5 });
      const batched = runNaiveEtl(path, scheduleId, { binSeconds: 900 });
      const single = runNaiveEtl(path, scheduleId, { binSeconds: 900, rowsPerInsert: 1 });
      expect(single.rowsWritten).toEqual(batched.rowsWritten);
      // Row by row, every row is a statement; in batches of 100, ceil(rows / 100) per table.
      const saved = Object.values(batched.rowsWritten).reduce((n, rows) => n + rows - Math.ceil(rows / 100), 0);
      expect(single.statements - batched.statements).toBe(saved);
      expect(batched.rowsWritten.schedule_blocks_analytics).toBe(250);
    });
  });

  it('fails naming the block on bad visibility JSON, leaving nothing of Phase 1 written', async () => {
    await withStore(async (store, path) => {
      const { scheduleId, blockIds } = await insertSchedule(store, [{ json: periodsJson([[MJD, MJD + 0.1]]) }, { json: '[{"start": 2, "stop": 1}]' }]);
      expect(() => runNaiveEtl(path, scheduleId)).toThrow(`schedule ${scheduleId}, block ${blockIds[1]}: period 0: stop < start`);
      const rows = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM schedule_blocks_analytics`.execute(store.db);
      expect(rows.rows[0].n).toBe(0);
    });
  });
});

describe('compareAnalytics', () => {
  it('names the table, row and column of the first difference', async () => {
    await withTwin(
      async (store) => (await loadGeneratedSchedule(store, { blocks: 40, days: 4, seed: 9 })).scheduleId,
      async (naivePath, etlStore, etlPath, scheduleId) => {
        runNaiveEtl(naivePath, scheduleId, { binSeconds: 900 });
        await populateSchedule(etlStore, scheduleId, { binSeconds: 900 });
        const { rows } = await sql<{ bin_index: number; priority_q2_count: number }>`
          SELECT bin_index, priority_q2_count FROM schedule_visibility_time_bins WHERE schedule_id = ${scheduleId} ORDER BY bin_index LIMIT 1`.execute(etlStore.db);
        await sql`UPDATE schedule_visibility_time_bins SET priority_q2_count = priority_q2_count + 1 WHERE schedule_id = ${scheduleId} AND bin_index = ${rows[0].bin_index}`.execute(etlStore.db);
        await expect(compareAnalytics(naivePath, etlPath, scheduleId)).rejects.toThrow(
          `schedule_visibility_time_bins row 0, bin_index ${rows[0].bin_index}: priority_q2_count is ${rows[0].priority_q2_count} from the baseline, ${rows[0].priority_q2_count + 1} from tsi-etl`,
        );
      },
    );
  });

  it('fails when one side wrote nothing', async () => {
    await withTwin(
      async (store) => (await loadGeneratedSchedule(store, { blocks: 10, days: 2, seed: 1 })).scheduleId,
      async (naivePath, etlStore, etlPath, scheduleId) => {
        await populateSchedule(etlStore, scheduleId);
        await expect(compareAnalytics(naivePath, etlPath, scheduleId)).rejects.toThrow('schedule_blocks_analytics has 0 rows from the baseline and 10 from tsi-etl');
      },
    );
  });
});

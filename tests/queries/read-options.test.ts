import pino from 'pino';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { getVisibilityHistogram } from '../../queries/visibility-reads.js';
import type { ReadOptions } from '../../queries/read-options.js';
import { withStore } from '../helpers.js';

/** Runs one read with a real pino logger into memory; returns [level, reason] of each fallback event it logged. */
async function fallbackReasons(read: (options: ReadOptions) => Promise<unknown>, extra: ReadOptions = {}): Promise<[number, string][]> {
  const events: { level: number; reason: string }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void events.push(JSON.parse(line)) });
  await read({ ...extra, log });
  return events.map((e) => [e.level, e.reason]);
}

describe('withFallback says why the legacy path answered', () => {
  afterEach(() => {
    delete process.env.TSI_USE_ANALYTICS_TABLE;
  });

  it('for each reason: disabled by option or env, no analytics, a query the stored bins cannot answer, an error; nothing when analytics answer', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 20, days: 3, seed: 2 });
      const reasons = (q: object, extra: ReadOptions = {}) => fallbackReasons((o) => getVisibilityHistogram(store, { scheduleId, binMinutes: 60, ...q }, o), extra);

      expect(await reasons({})).toEqual([[20, 'no analytics for this schedule']]);
      await populateSchedule(store, scheduleId);
      expect(await reasons({})).toEqual([]);
      expect(await reasons({}, { useAnalyticsTable: false })).toEqual([[20, 'disabled by the caller (useAnalyticsTable: false, or --legacy)']]);
      process.env.TSI_USE_ANALYTICS_TABLE = 'false';
      expect(await reasons({})).toEqual([[20, 'disabled by env TSI_USE_ANALYTICS_TABLE=false']]);
      process.env.TSI_USE_ANALYTICS_TABLE = '0';
      expect(await reasons({})).toEqual([[20, 'disabled by env TSI_USE_ANALYTICS_TABLE=0']]);
      process.env.TSI_USE_ANALYTICS_TABLE = 'true';
      expect(await reasons({})).toEqual([]);
      process.env.TSI_USE_ANALYTICS_TABLE = 'flase';
      await expect(getVisibilityHistogram(store, { scheduleId, binMinutes: 60 })).rejects.toThrow('TSI_USE_ANALYTICS_TABLE: must be true or false (or 1 or 0), got "flase"');
      delete process.env.TSI_USE_ANALYTICS_TABLE;

      const [bin] = await getVisibilityHistogram(store, { scheduleId, binMinutes: 60 });
      expect(await reasons({ startUnix: bin.binStartUnix + 30, endUnix: bin.binStartUnix + 7230 })).toEqual([
        [20, `start ${bin.binStartUnix + 30}, end ${bin.binStartUnix + 7230} and width 60 min are not all whole minutes: the stored minute ranges cannot answer exactly`],
      ]);
      expect(await reasons({ binMinutes: 1.5 })).toHaveLength(1);

      await sql`DROP TABLE schedule_block_visibility_ranges`.execute(store.db);
      const failed = await reasons({ binMinutes: 7 });
      expect(failed).toHaveLength(1);
      expect(failed[0][0]).toBe(40);
      expect(failed[0][1]).toMatch(/^the analytics read failed: no such table: schedule_block_visibility_ranges/);
    });
  });
});

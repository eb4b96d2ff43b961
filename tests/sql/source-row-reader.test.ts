import { describe, expect, it } from 'vitest';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule } from '../../pipeline/populate.js';
import { selectSourceBlocks } from '../../sql/queries/source-blocks.js';
import { sourceRowReader } from '../../sql/sqlite/source-row-reader.js';
import type { SourceBlockRow, SourceBlocksOptions } from '../../sql/store.js';
import type { SqliteStore } from '../../sql/sqlite/sqlite-store.js';
import { insertSchedule, periodsJson, withStore } from '../helpers.js';

/*
 * The SQLite source reads its rows as arrays and builds the row objects
 * itself: they must be what the query's named columns say, with and
 * without stored facts, and a change of the query's columns must fail
 * loudly rather than shift values between fields.
 */

async function sourceRows(store: SqliteStore, scheduleId: number, reuseFacts: boolean, options?: SourceBlocksOptions): Promise<SourceBlockRow[]> {
  const snapshot = await store.openSource(scheduleId, { reuseFacts });
  try {
    const rows: SourceBlockRow[] = [];
    for await (const chunk of snapshot.blocks(7, options)) rows.push(...chunk);
    return rows;
  } finally {
    await snapshot.close();
  }
}

describe('the SQLite source rows', () => {
  it('are the query\'s named columns, and carry the stored facts once a populate stored them', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 40, days: 3, seed: 4 });
      // A block with constraints, one without JSON: every nullable column takes both forms.
      const { scheduleId: hand } = await insertSchedule(store, [
        { json: periodsJson([[60000, 60000.25]]), alt: [20, 80], az: [null, 270], scheduled: [60000.1, 60000.2] },
        { json: null },
      ], 'hand');
      for (const id of [scheduleId, hand]) {
        const named = (await selectSourceBlocks(store.db, id).execute()).map((r) => ({ ...r }));
        expect(await sourceRows(store, id, false)).toEqual(named);
        // Before any populate no facts are stored: every row has its JSON and `reused: null`.
        expect(await sourceRows(store, id, true)).toEqual(named.map((r) => ({ ...r, reused: null })));

        await populateSchedule(store, id);
        const facts = new Map((await store.db.selectFrom('block_visibility_facts').selectAll().execute()).map((f) => [f.scheduling_block_id, f]));
        const expected = (ranges: boolean) => named.map((r) => {
          const f = facts.get(r.blockId);
          if (f === undefined) return { ...r, reused: null };
          return {
            ...r,
            visibilityJson: null,
            reused: { periodCount: f.period_count, unionHours: f.union_hours, rangeCount: f.range_count, minuteRanges: ranges ? Buffer.from(f.minute_ranges as Uint8Array) : null },
          };
        });
        expect(facts.size).toBeGreaterThan(0);
        expect(await sourceRows(store, id, true)).toEqual(expected(true));
        expect(await sourceRows(store, id, true, { minuteRanges: false })).toEqual(expected(false));
      }
    });
  });

  it('refuses columns other than the query\'s, naming both lists', () => {
    const plain = ['blockId', 'raDeg', 'decDeg', 'priority', 'requestedDurationSec', 'minObservationSec', 'minAltDeg', 'maxAltDeg', 'minAzDeg', 'maxAzDeg', 'scheduledStartMjd', 'scheduledStopMjd', 'visibilityJson'];
    expect(() => sourceRowReader(plain, false)).not.toThrow();
    const swapped = [...plain];
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    expect(() => sourceRowReader(swapped, false)).toThrow(/^the source query returned the columns blockId, decDeg, raDeg, .* \(a bug: please report it\)$/);
    expect(() => sourceRowReader(plain, true)).toThrow(/not blockId, .*factsPeriodCount/);
  });
});

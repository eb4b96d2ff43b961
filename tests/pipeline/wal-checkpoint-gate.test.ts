import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { backfill } from '../../pipeline/backfill.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { analyticsDigests } from '../faults/crash-harness.js';
import { withStore } from '../helpers.js';

/*
 * A parallel SQLite backfill keeps read snapshots open back to back, so
 * SQLite never rewinds its write-ahead log on its own: past a size, the
 * backfill makes a gap with no populate running and checkpoints it.
 */

async function parallelBackfill(walCheckpointBytes: number, checkpointFails = false) {
  return withStore(async (store) => {
    // A checkpoint that fails (disk trouble, say) must cost only the log's size, never a schedule.
    if (checkpointFails) vi.spyOn(store, 'checkpointWriteAheadLog').mockRejectedValue(new Error('disk I/O error'));
    const ids: number[] = [];
    for (let seed = 1; seed <= 8; seed++) ids.push((await loadGeneratedSchedule(store, { blocks: 600, days: 8, seed })).scheduleId);
    const logs: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
    const report = await backfill(store, { concurrency: 2, walCheckpointBytes, log });
    expect(report.done).toEqual(ids);
    return {
      walBytes: store.writeAheadLogBytes(),
      checkpoints: logs.filter((l) => l.event === 'wal-checkpoint'),
      warnings: logs.filter((l) => l.msg === 'could not checkpoint the write-ahead log; the backfill goes on'),
      tables: await Promise.all(ids.map((id) => analyticsDigests(store.db, id))),
    };
  });
}

describe('the write-ahead log of a parallel SQLite backfill', () => {
  it('is checkpointed between populates once past its limit, so it stays near one pair of populates; the tables are the same', async () => {
    const unbounded = await parallelBackfill(Number.POSITIVE_INFINITY);
    expect(unbounded.checkpoints).toEqual([]);
    const bounded = await parallelBackfill(1);
    expect(bounded.checkpoints.length).toBeGreaterThan(0);
    expect(bounded.checkpoints.every((c) => Number(c.bytesAfter) === 0)).toBe(true);
    expect(bounded.walBytes).toBeLessThan(unbounded.walBytes / 2);
    expect(bounded.tables).toEqual(unbounded.tables);
  });

  it('goes on when a checkpoint fails, with a warning, and every schedule done', async () => {
    const run = await parallelBackfill(1, true);
    expect(run.checkpoints).toEqual([]);
    expect(run.warnings.length).toBeGreaterThan(0);
  });
});

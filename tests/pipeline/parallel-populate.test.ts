import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../base/errors.js';
import { loadGeneratedSchedule } from '../../pipeline/load-schedule.js';
import { populateSchedule, type PopulateSummary } from '../../pipeline/populate.js';
import type { PipelineConfig } from '../../pipeline/config.js';
import { runBlocksInWorkers } from '../../stages/parallel/parallel-blocks.js';
import { newRunMetrics } from '../../base/run-metrics.js';
import type { SourceBlockRow, SourceSnapshot, Store, WriteTx } from '../../sql/store.js';
import { ALL_PHASES } from '../../sql/table-specs.js';
import { analyticsDigests } from '../faults/crash-harness.js';
import { insertSchedule, periodsJson, runCli, withStore, type HandBlock } from '../helpers.js';

/*
 * A populate on worker threads must write exactly what the one-thread path
 * writes, table by table (every column but clocks; ids in the same order),
 * and report the same invalid blocks and the same first error. Worker
 * threads run the built worker script (`npm test` builds first).
 */

/** Populates once per thread count and returns each run's digests and summary. */
async function populateEach(store: Store, scheduleId: number, threads: readonly number[], config: Partial<PipelineConfig>) {
  const runs: { digests: string[]; summary: PopulateSummary; insertOrder: number[] }[] = [];
  for (const t of threads) {
    // threadsMinBlocks 0: even a schedule of one block goes to the workers. No reuse, and no analytics
    // left by the run before (whose minute bins would be kept): every run parses every block and writes
    // every row, so their counters compare (reuse on threads: tests/pipeline/reuse-facts.test.ts).
    await store.deleteAnalytics(scheduleId, ALL_PHASES);
    const summary = await populateSchedule(store, scheduleId, { ...config, reuse: false, threads: t, threadsMinBlocks: 0 });
    // Rows are inserted in block order on any number of threads, so their ids (left out of the digests) follow it too.
    const byId = await store.db.selectFrom('schedule_blocks_analytics').select('scheduling_block_id').where('schedule_id', '=', scheduleId).orderBy('id').execute();
    runs.push({ digests: await analyticsDigests(store.db, scheduleId), summary, insertOrder: byId.map((r) => r.scheduling_block_id) });
  }
  return runs;
}

function expectSameRuns(runs: Awaited<ReturnType<typeof populateEach>>): void {
  const [one, ...others] = runs;
  for (const other of others) {
    expect(other.digests).toEqual(one.digests);
    expect(other.insertOrder).toEqual(one.insertOrder);
    expect(other.summary.invalidBlockIds).toEqual(one.summary.invalidBlockIds);
    expect(other.summary.rowsWritten).toEqual(one.summary.rowsWritten);
    expect([other.summary.blocks, other.summary.periods, other.summary.jsonBytes]).toEqual([one.summary.blocks, one.summary.periods, one.summary.jsonBytes]);
  }
}

/** A hand-made block: some periods, no JSON, or bad JSON; scheduled or not. */
const handBlock: fc.Arbitrary<HandBlock> = fc.record({
  kind: fc.constantFrom('periods', 'periods', 'periods', 'null', 'bad', 'empty'),
  periods: fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 60 })), { maxLength: 4 }),
  priority: fc.constantFrom(0, 1.5, 2.5, 5, 7.25, 10),
  scheduled: fc.option(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 30 })), { nil: null }),
}).map(({ kind, periods, priority, scheduled }) => ({
  json: kind === 'null' ? null : kind === 'bad' ? '[{"start":60000,"stop":"x"}]' : kind === 'empty' ? '[]'
    : periodsJson(periods.map(([s, len]) => [60000 + s / 100, 60000 + (s + len) / 100])),
  priority,
  scheduled: scheduled === null ? undefined : [60000 + scheduled[0] / 100, 60000 + (scheduled[0] + scheduled[1]) / 100],
}));

describe('populate on worker threads writes what one thread writes', () => {
  it('generated schedules, odd block counts, fewer blocks than workers, all phases and bin widths', async () => {
    await withStore(async (store) => {
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom(2, 3, 5),
        fc.constantFrom(60, 300),
        fc.integer({ min: 1, max: 1000 }),
        async (blocks, chunkRows, batchRows, threads, binSeconds, seed) => {
          const { scheduleId } = await loadGeneratedSchedule(store, { blocks, days: 3, seed, name: `p-${blocks}-${seed}-${Math.random()}` });
          expectSameRuns(await populateEach(store, scheduleId, [1, threads], { chunkRows, batchRows, binSeconds }));
        },
      ), { numRuns: 12 });
    });
  });

  it('lenient bad input: the same rows, and the same invalid ids in block-id order', async () => {
    await withStore(async (store) => {
      await fc.assert(fc.asyncProperty(
        fc.array(handBlock, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(2, 4),
        async (blocks, chunkRows, threads) => {
          const { scheduleId } = await insertSchedule(store, blocks);
          expectSameRuns(await populateEach(store, scheduleId, [1, threads], { chunkRows, batchRows: 3, lenient: true }));
        },
      ), { numRuns: 15 });
    });
  });

  it('a schedule larger than a chunk per worker: phases alone and together', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 1500, days: 20, seed: 4 });
      for (const phases of [[1], [2], [3], [1, 2, 3]] as const) {
        expectSameRuns(await populateEach(store, scheduleId, [1, 2, 3], { phases, chunkRows: 100, batchRows: 300 }));
      }
    });
  });

  it('strict bad input: the first bad block in block-id order is named, whichever worker meets it first', async () => {
    await withStore(async (store) => {
      const good = periodsJson([[60000.25, 60000.5]]);
      // Chunks of 2 blocks over 3 workers: the two bad blocks land in different workers' chunks.
      const blocks: HandBlock[] = Array.from({ length: 12 }, (_, i) => ({ json: i === 7 ? '{"start":1}' : i === 10 ? 'nope' : good }));
      const { scheduleId, blockIds } = await insertSchedule(store, blocks);
      const before = await analyticsDigests(store.db, scheduleId);
      for (const threads of [1, 4]) {
        const error = await populateSchedule(store, scheduleId, { threads, chunkRows: 2, threadsMinBlocks: 0 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadInputError);
        expect((error as BadInputError).blockId).toBe(blockIds[7]);
        expect((error as Error).message).toContain(`schedule ${scheduleId}, block ${blockIds[7]}`);
        expect(await analyticsDigests(store.db, scheduleId)).toEqual(before);
      }
    });
  });
});

describe('reuse mixed with parsing, on threads', () => {
  it('scattered and clumped JSON edits: the same tables and insert order as one thread', async () => {
    await withStore(async (store) => {
      const { scheduleId } = await loadGeneratedSchedule(store, { blocks: 400, days: 3, seed: 8 });
      await populateSchedule(store, scheduleId, { threads: 1 });
      const ids = (await store.db.selectFrom('schedule_scheduling_blocks').select('scheduling_block_id').where('schedule_id', '=', scheduleId).orderBy('scheduling_block_id').execute()).map((r) => r.scheduling_block_id);
      await fc.assert(fc.asyncProperty(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(2, 3),
        fc.integer({ min: 1, max: 64 }),
        async (every, clump, threads, batchRows) => {
          // Every `every`-th block, and a clump of `clump` blocks from the 100th: a store write of the JSON
          // drops their facts (migration 007's triggers), so these blocks are parsed and the rest reused.
          const edited = ids.filter((_, i) => i % every === 0 || (i >= 100 && i < 100 + clump));
          const runs: { digests: string[]; order: number[]; summary: PopulateSummary }[] = [];
          for (const t of [1, threads]) {
            await store.db.updateTable('scheduling_blocks').set((eb) => ({ visibility_periods_json: eb.ref('visibility_periods_json') })).where('scheduling_block_id', 'in', edited).execute();
            const summary = await populateSchedule(store, scheduleId, { threads: t, threadsMinBlocks: 0, batchRows });
            const order = (await store.db.selectFrom('schedule_blocks_analytics').select('scheduling_block_id').where('schedule_id', '=', scheduleId).orderBy('id').execute()).map((r) => r.scheduling_block_id);
            runs.push({ digests: await analyticsDigests(store.db, scheduleId), order, summary });
          }
          const [one, many] = runs;
          expect(many.digests).toEqual(one.digests);
          expect(many.order).toEqual(one.order);
          expect([many.summary.reusedBlocks, many.summary.parsedBlocks, many.summary.blocks]).toEqual([one.summary.reusedBlocks, one.summary.parsedBlocks, one.summary.blocks]);
          expect(one.summary.parsedBlocks).toBeGreaterThan(0);
          expect(one.summary.reusedBlocks).toBeGreaterThan(0);
        },
      ), { numRuns: 10 });
    });
  });
});

describe('a source that fails after a bad block', () => {
  it('reports the bad block, as one thread does, not the later failure', async () => {
    const row = (id: number, json: string): SourceBlockRow => ({
      blockId: id, raDeg: 1, decDeg: 2, priority: 5, requestedDurationSec: 3600, minObservationSec: 600,
      minAltDeg: null, maxAltDeg: null, minAzDeg: null, maxAzDeg: null, scheduledStartMjd: null, scheduledStopMjd: null, visibilityJson: json,
    });
    const good = periodsJson([[60000.1, 60000.2]]);
    // Block 4 is bad; four chunks later the source fails (a connection reset, a value out of range).
    const snapshot = {
      async *blocks(chunkRows: number) {
        for (let c = 0; c < 4; c++) yield Array.from({ length: chunkRows }, (_, i) => row(c * chunkRows + i + 1, c === 0 && i === 3 ? 'bad json' : good));
        throw new Error('the source failed');
      },
    } as unknown as SourceSnapshot;
    const setup = { scheduleId: 1, priorityMin: 0, priorityMax: 10, lenient: false, writeBlockRows: true, writeRanges: false, recordFacts: false, binSeconds: null, factsRule: null, batchRows: 10 };
    const tx = { insert: async () => {} } as unknown as WriteTx;
    const error = await runBlocksInWorkers(snapshot, tx, { setup, workers: 1, chunkRows: 32, blocks: {}, replayInto: [], unorderedAccumulators: [], metrics: newRunMetrics() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).blockId).toBe(4);
  });
});

describe('a chunk with a huge JSON value is parsed on the main thread, in its turn', () => {
  it('writes what one thread writes when such a chunk sits between worker chunks', async () => {
    await withStore(async (store) => {
      // 420,000 periods ≈ 17.7 M characters: past the inline threshold (16 Mi), in the middle chunk of five.
      const huge = periodsJson(Array.from({ length: 420_000 }, (_, i): [number, number] => [60000 + i * 1e-4, 60000 + i * 1e-4 + 5e-5]));
      const blocks: HandBlock[] = Array.from({ length: 50 }, (_, i) => ({
        json: i === 25 ? huge : i % 9 === 4 ? 'bad' : periodsJson([[60000 + i / 10, 60000.3 + i / 10]]),
        priority: i % 7,
        scheduled: i % 3 === 0 ? [60000 + i / 10, 60000.05 + i / 10] : undefined,
      }));
      expect(huge.length).toBeGreaterThan(16 * 1024 * 1024);
      const { scheduleId } = await insertSchedule(store, blocks);
      expectSameRuns(await populateEach(store, scheduleId, [1, 3], { chunkRows: 10, batchRows: 7, lenient: true }));
    });
  });
});

describe('--threads on the command line (built dist/)', () => {
  it('accepts a thread count, and rejects one that is not a positive integer', async () => {
    await withStore(async (store, path) => {
      const { scheduleId } = await insertSchedule(store, [{ json: periodsJson([[60000, 60000.5]]) }, { json: null }]);
      const run = runCli(['populate', '--db', path, '--schedule', String(scheduleId), '--threads', '3', '--json']);
      expect([run.code, run.stderr]).toEqual([0, '']);
      expect(JSON.parse(run.stdout).blocks).toBe(2);
      for (const bad of ['0', '1.5', 'two']) {
        const rejected = runCli(['populate', '--db', path, '--schedule', String(scheduleId), '--threads', bad]);
        expect([rejected.code, rejected.stderr]).toEqual([2, `tsi-etl populate: --threads: must be a positive integer, got "${bad}"\n`]);
      }
    });
  });
});

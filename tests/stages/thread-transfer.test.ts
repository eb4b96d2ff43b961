import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newBlockFacts } from '../../stages/core/block-facts.js';
import { createMinuteBinAccumulator } from '../../stages/core/minute-bin-accumulator.js';
import { packSourceChunk, unpackSourceChunk } from '../../stages/core/source-chunk-codec.js';
import { packTableBatch, unpackTableBatch } from '../../stages/core/table-batch-codec.js';
import { VISIBILITY_RANGES } from '../../sql/table-specs.js';
import type { SourceBlockRow } from '../../sql/store.js';

/*
 * What crosses between threads comes back as it went: source rows (any
 * text, nulls), table batches (numbers, nulls, blobs), and minute-bin
 * counts split over accumulators and merged.
 */

const nullableNumber = fc.option(fc.double({ noNaN: true }), { nil: null });
const sourceRow: fc.Arbitrary<SourceBlockRow> = fc.record({
  blockId: fc.integer({ min: 1, max: 2 ** 40 }),
  raDeg: fc.double({ noNaN: true }),
  decDeg: fc.double({ noNaN: true }),
  priority: fc.double({ noNaN: true }),
  requestedDurationSec: fc.double({ noNaN: true }),
  minObservationSec: fc.double({ noNaN: true }),
  minAltDeg: nullableNumber,
  maxAltDeg: nullableNumber,
  minAzDeg: nullableNumber,
  maxAzDeg: nullableNumber,
  scheduledStartMjd: nullableNumber,
  scheduledStopMjd: nullableNumber,
  // Full Unicode, lone surrogates included: UTF-8 would not keep those.
  visibilityJson: fc.option(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('\ud800', '\uFEFF[]', 'é')), { nil: null }),
  // The key SQL Server sends with a JSON to parse (absent on SQLite).
  jsonKey: fc.record({ digest: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b)), length: fc.nat() }),
}, { requiredKeys: ['blockId', 'raDeg', 'decDeg', 'priority', 'requestedDurationSec', 'minObservationSec', 'minAltDeg', 'maxAltDeg', 'minAzDeg', 'maxAzDeg', 'scheduledStartMjd', 'scheduledStopMjd', 'visibilityJson'] });

describe('source chunks packed for a worker', () => {
  it('unpack to the rows that were packed', () => {
    fc.assert(fc.property(fc.array(sourceRow, { maxLength: 20 }), (rows) => {
      expect(unpackSourceChunk(packSourceChunk(rows))).toEqual(rows);
    }));
  });

  it('reuse a spare text buffer when it is large enough, whatever it held before', () => {
    fc.assert(fc.property(fc.array(sourceRow, { maxLength: 20 }), fc.nat({ max: 4096 }), (rows, spareBytes) => {
      const spare = new Uint8Array(spareBytes).fill(0x7b).buffer;
      const packed = packSourceChunk(rows, spare);
      const ascii = rows.every((r) => r.visibilityJson === null || Buffer.byteLength(r.visibilityJson) === r.visibilityJson.length);
      const chars = rows.reduce((n, r) => n + (r.visibilityJson?.length ?? 0), 0);
      expect(packed.text.buffer === spare).toBe(ascii && chars <= spareBytes);
      expect(unpackSourceChunk(packed)).toEqual(rows);
    }));
  });
});

describe('table batches packed for the writer', () => {
  it('unpack to the values that were packed, blobs included', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.option(fc.double({ noNaN: true }), { nil: null }), fc.uint8Array({ maxLength: 12 })), { maxLength: 10 }), (rows) => {
      // schedule_block_visibility_ranges: six numbers and a blob per row.
      const values = rows.flatMap(([n, blob]) => [1, 2, n, 3, 1, 4, Buffer.from(blob)]);
      const { table, batch } = unpackTableBatch(packTableBatch({ table: VISIBILITY_RANGES, batch: { values, rowCount: rows.length } }));
      expect(table).toBe(VISIBILITY_RANGES);
      expect(batch.rowCount).toBe(rows.length);
      expect(batch.values.map((v) => (v instanceof Uint8Array ? [...v] : v))).toEqual(values.map((v) => (v instanceof Uint8Array ? [...v] : v)));
    }));
  });
});

describe('minute-bin counts merged from several accumulators', () => {
  it('equal the counts of one accumulator fed every block', () => {
    const block = fc.record({
      ranges: fc.array(fc.tuple(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: 0, max: 200 })), { maxLength: 4 }),
      bucket: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>,
      scheduled: fc.boolean(),
      priority: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(fc.property(fc.array(block, { maxLength: 20 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(60, 300), (blocks, parts, binSeconds) => {
      const one = createMinuteBinAccumulator({ binSeconds });
      const split = Array.from({ length: parts }, () => createMinuteBinAccumulator({ binSeconds }));
      blocks.forEach((b, i) => {
        // Sorted, merged, separated ranges, as BlockFacts promises.
        const flat: number[] = [];
        let at = Number.NEGATIVE_INFINITY;
        for (const [start, length] of [...b.ranges].sort((x, y) => x[0] - y[0])) {
          const s = Math.max(start, at + 1);
          flat.push(s, s + length);
          at = s + length;
        }
        const f = { ...newBlockFacts(), priority: b.priority, priorityBucket: b.bucket, isScheduled: b.scheduled, minuteRanges: Int32Array.from(flat), minuteRangeCount: flat.length / 2, visibilityPeriodCount: flat.length / 2 };
        one.record(f);
        split[i % parts].record(f);
      });
      const merged = createMinuteBinAccumulator({ binSeconds });
      for (const acc of split) merged.merge(acc.state());
      expect(merged.finish()).toEqual(one.finish());
    }));
  });
});

import { newBlockFacts, type Accumulator, type BlockFacts } from './block-facts.js';

/**
 * The scalar BlockFacts of a run of blocks as columns, so a worker thread can
 * hand them to accumulators on the main thread (transferred, not cloned).
 * `minuteRanges` is not carried: the accumulators fed this way (Phase 2)
 * never read it.
 */
export interface PackedBlockFacts {
  count: number;
  /** blockId, priority, requestedHours, scheduledStartMjd, scheduledStopMjd, totalVisibilityHours per block. */
  numbers: Float64Array;
  /** visibilityPeriodCount per block. */
  periodCounts: Int32Array;
  /** priorityBucket | isScheduled << 3 | visibilityInvalid << 4 per block. */
  flags: Uint8Array;
}

const WIDTH = 6;

/**
 * An accumulator that only records the facts, in order; `take()` hands out
 * what it has and starts over. Replaying the columns on the main thread
 * feeds Phase 2 the same values in the same order as a one-thread run, so
 * its floating-point sums come out bit for bit the same.
 */
export class BlockFactsRecorder implements Accumulator<PackedBlockFacts> {
  #numbers: number[] = [];
  #periodCounts: number[] = [];
  #flags: number[] = [];

  record(f: BlockFacts): void {
    this.#numbers.push(f.blockId, f.priority, f.requestedHours, f.scheduledStartMjd, f.scheduledStopMjd, f.totalVisibilityHours);
    this.#periodCounts.push(f.visibilityPeriodCount);
    this.#flags.push(f.priorityBucket | (f.isScheduled ? 8 : 0) | (f.visibilityInvalid ? 16 : 0));
  }

  finish(): PackedBlockFacts {
    return this.take();
  }

  take(): PackedBlockFacts {
    const packed: PackedBlockFacts = {
      count: this.#flags.length,
      numbers: Float64Array.from(this.#numbers),
      periodCounts: Int32Array.from(this.#periodCounts),
      flags: Uint8Array.from(this.#flags),
    };
    this.#numbers = [];
    this.#periodCounts = [];
    this.#flags = [];
    return packed;
  }
}

export function blockFactsTransfers(facts: PackedBlockFacts): ArrayBuffer[] {
  return [facts.numbers.buffer, facts.periodCounts.buffer, facts.flags.buffer] as ArrayBuffer[];
}

/** Feeds each recorded block to the accumulators, in the recorded order. */
export function replayBlockFacts(packed: PackedBlockFacts, accumulators: readonly Accumulator<unknown>[]): void {
  const f = newBlockFacts();
  const { numbers, periodCounts, flags } = packed;
  for (let i = 0; i < packed.count; i++) {
    const b = i * WIDTH;
    f.blockId = numbers[b];
    f.priority = numbers[b + 1];
    f.requestedHours = numbers[b + 2];
    f.scheduledStartMjd = numbers[b + 3];
    f.scheduledStopMjd = numbers[b + 4];
    f.totalVisibilityHours = numbers[b + 5];
    f.visibilityPeriodCount = periodCounts[i];
    f.priorityBucket = (flags[i] & 7) as BlockFacts['priorityBucket'];
    f.isScheduled = (flags[i] & 8) !== 0;
    f.visibilityInvalid = (flags[i] & 16) !== 0;
    for (const acc of accumulators) acc.record(f);
  }
}

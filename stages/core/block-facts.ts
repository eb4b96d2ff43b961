/**
 * The per-block record the transform stage hands to every accumulator.
 *
 * One object is reused for all blocks of a run: an accumulator's `record()`
 * must copy what it keeps and never hold a reference to the object or to its
 * `minuteRanges` view.
 *
 * | field                 | meaning (SEMANTICS.md)                                     |
 * |-----------------------|------------------------------------------------------------|
 * | blockId               | scheduling_block_id                                        |
 * | priority              | raw priority                                               |
 * | priorityBucket        | 1..4 from the schedule's min/max priority                  |
 * | requestedHours        | requested_duration_sec / 3600                              |
 * | isScheduled           | start and stop both present                                |
 * | scheduledStartMjd/Stop| the scheduled window (NaN when not scheduled)              |
 * | totalVisibilityHours  | length of the union of valid periods, hours                |
 * | visibilityPeriodCount | number of valid periods                                    |
 * | visibilityInvalid     | lenient mode only: the JSON was bad and was left out       |
 * | minuteRanges          | merged visibility in Unix minutes, pairs [start, end)      |
 * | minuteRangeCount      | number of pairs valid in minuteRanges                      |
 *
 * `minuteRanges` holds, for each valid period `[s, e)` in Unix seconds, the
 * minute interval `[floor(s/60), ceil(e/60))`, sorted and merged within the
 * block. A zero-length period on an exact minute boundary stays as the point
 * `[m, m)` unless another range covers it: with minute-aligned bin edges that
 * keeps `p.start < bin_end && p.stop > bin_start` exact for any bin width.
 */
export interface BlockFacts {
  blockId: number;
  priority: number;
  priorityBucket: 1 | 2 | 3 | 4;
  requestedHours: number;
  isScheduled: boolean;
  scheduledStartMjd: number;
  scheduledStopMjd: number;
  totalVisibilityHours: number;
  visibilityPeriodCount: number;
  visibilityInvalid: boolean;
  minuteRanges: Int32Array;
  minuteRangeCount: number;
}

/** A blank BlockFacts to reuse for every block of a run. */
export function newBlockFacts(): BlockFacts {
  return {
    blockId: 0,
    priority: 0,
    priorityBucket: 2,
    requestedHours: 0,
    isScheduled: false,
    scheduledStartMjd: Number.NaN,
    scheduledStopMjd: Number.NaN,
    totalVisibilityHours: 0,
    visibilityPeriodCount: 0,
    visibilityInvalid: false,
    minuteRanges: new Int32Array(0),
    minuteRangeCount: 0,
  };
}

/** Accumulators are fed one block at a time and produce their rows at the end. */
export interface Accumulator<Result> {
  record(block: BlockFacts): void;
  finish(): Result;
}

import type { LegacyBlock } from '../queries/legacy/legacy-block.js';
import { MJD_UNIX_EPOCH } from '../stages/core/time.js';

/** A block for the legacy reference functions, with periods in seconds after a base Unix time. */
export interface BlockSpec {
  priority: number;
  scheduled?: boolean;
  invalid?: boolean;
  /** Periods in seconds after the base, in JSON order. */
  periods?: [number, number][];
}

export const unixToMjd = (unix: number) => MJD_UNIX_EPOCH + unix / 86_400;

/** LegacyBlocks (ids from 100) whose periods are `base + s` seconds, as MJD. */
export function legacyBlocks(specs: BlockSpec[], baseUnix: number): LegacyBlock[] {
  return specs.map((spec, i) => ({
    scheduleId: 1,
    blockId: 100 + i,
    raDeg: 0,
    decDeg: 0,
    priority: spec.priority,
    requestedDurationSec: 3600,
    minObservationSec: 60,
    minAltDeg: null,
    maxAltDeg: null,
    minAzDeg: null,
    maxAzDeg: null,
    scheduledStartMjd: spec.scheduled ? 60000 : null,
    scheduledStopMjd: spec.scheduled ? 60000.1 : null,
    periods: spec.invalid ? [] : (spec.periods ?? []).map(([s, e]) => ({ start: unixToMjd(baseUnix + s), stop: unixToMjd(baseUnix + e) })),
    invalid: spec.invalid ?? false,
  }));
}

import { scheduleGaps, type ScheduleGaps } from '../../stages/core/schedule-gaps.js';
import type { CompareBlock } from './compare-block.js';
import { medianInPlace } from './median-mad.js';

/** SEMANTICS "Compare read", per schedule. */
export interface ScheduleFigures extends ScheduleGaps {
  blocks: number;
  scheduled_count: number;
  scheduled_priority_sum: number;
  /** scheduled_priority_sum / Σ priority of all blocks; null when that sum ≤ 0. */
  priority_capture: number | null;
  scheduled_priority_mean: number | null;
  scheduled_priority_median: number | null;
  /** Σ scheduled_duration_sec / 3600. */
  scheduled_hours: number;
}

/** The figures of one schedule's blocks, in one pass plus the gap sweep. */
export function scheduleFigures(blocks: readonly CompareBlock[]): ScheduleFigures {
  let scheduled = 0;
  for (const b of blocks) if (b.start_unix !== null) scheduled++;
  const priorities = new Float64Array(scheduled);
  const starts = new Float64Array(scheduled);
  const stops = new Float64Array(scheduled);
  let prioritySum = 0;
  let scheduledPrioritySum = 0;
  let seconds = 0;
  let k = 0;
  for (const b of blocks) {
    prioritySum += b.priority;
    if (b.start_unix === null) continue;
    scheduledPrioritySum += b.priority;
    seconds += b.scheduled_duration_sec!;
    priorities[k] = b.priority;
    starts[k] = b.start_unix;
    stops[k] = b.stop_unix!;
    k++;
  }
  return {
    blocks: blocks.length,
    scheduled_count: scheduled,
    scheduled_priority_sum: scheduledPrioritySum,
    priority_capture: prioritySum > 0 ? scheduledPrioritySum / prioritySum : null,
    scheduled_priority_mean: scheduled > 0 ? scheduledPrioritySum / scheduled : null,
    scheduled_priority_median: medianInPlace(priorities),
    scheduled_hours: seconds / 3600,
    ...scheduleGaps(starts, stops),
  };
}

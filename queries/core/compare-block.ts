import { TsiError } from '../../base/errors.js';
import { blockKey } from '../../stages/core/block-key.js';
import { mjdToUnix } from '../../stages/core/time.js';

/** One block of a schedule as Compare needs it: what its per-block row says, nothing from the JSON. */
export interface CompareBlock {
  scheduling_block_id: number;
  key: string;
  priority: number;
  requested_hours: number;
  /** The scheduled window in Unix seconds (SEMANTICS "Time"); both null when the block is not scheduled. */
  start_unix: number | null;
  stop_unix: number | null;
  /** `(stop − start)·86400` of the MJD values; null when not scheduled. */
  scheduled_duration_sec: number | null;
}

/** One per-block row as both paths select it (SQL Server returns BIGINT ids as strings). */
export interface CompareBlockRow {
  scheduling_block_id: number | string;
  original_block_id: string | null;
  priority: number;
  requested_hours: number;
  start_mjd: number | null;
  stop_mjd: number | null;
  duration_sec: number | null;
}

export function toCompareBlock(r: CompareBlockRow): CompareBlock {
  const id = Number(r.scheduling_block_id);
  const scheduled = r.start_mjd !== null && r.stop_mjd !== null;
  return {
    scheduling_block_id: id,
    key: blockKey(r.original_block_id, id),
    priority: r.priority,
    requested_hours: r.requested_hours,
    start_unix: scheduled ? mjdToUnix(r.start_mjd!) : null,
    stop_unix: scheduled ? mjdToUnix(r.stop_mjd!) : null,
    scheduled_duration_sec: scheduled ? r.duration_sec : null,
  };
}

/** A key that occurs twice in one schedule: its blocks cannot be told apart from another schedule's. */
export class DuplicateBlockKeyError extends TsiError {
  constructor(readonly scheduleId: number, readonly key: string, firstBlockId: number, secondBlockId: number) {
    super(
      `schedule ${scheduleId}: block key ${JSON.stringify(key)} occurs twice (blocks ${firstBlockId} and ${secondBlockId}); `
      + 'give each block a distinct original_block_id to compare this schedule',
    );
  }
}

/** The schedule's blocks by key. @throws DuplicateBlockKeyError naming the schedule and the key. */
export function indexByKey(scheduleId: number, blocks: readonly CompareBlock[]): Map<string, CompareBlock> {
  const byKey = new Map<string, CompareBlock>();
  for (const block of blocks) {
    const seen = byKey.get(block.key);
    if (seen !== undefined) throw new DuplicateBlockKeyError(scheduleId, block.key, seen.scheduling_block_id, block.scheduling_block_id);
    byKey.set(block.key, block);
  }
  return byKey;
}

/** Code-unit order of keys (SEMANTICS: not locale order). */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

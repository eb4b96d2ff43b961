import type { CompareBlock } from './compare-block.js';

/** What happened to one key between schedule A and schedule B (SEMANTICS "Compare read"). */
export type BlockStatus = 'only_a' | 'only_b' | 'newly_scheduled' | 'newly_unscheduled' | 'unscheduled_both' | 'retimed' | 'unchanged';

/** Every status, in the order counts are reported. */
export const BLOCK_STATUSES: readonly BlockStatus[] = ['only_a', 'only_b', 'newly_scheduled', 'newly_unscheduled', 'unscheduled_both', 'retimed', 'unchanged'];

/** A shift larger than this many whole milliseconds retimes a block; exactly one second does not. */
const RETIME_THRESHOLD_MS = 1000;

/** Both windows are millisecond-rounded Unix seconds: compare them as whole milliseconds so float noise cannot cross the threshold. */
function movedMs(a: number, b: number): number {
  return Math.abs(Math.round(b * 1000) - Math.round(a * 1000));
}

/** The status of a key present in A (`a`), in B (`b`), or in both. */
export function blockStatus(a: CompareBlock | undefined, b: CompareBlock | undefined): BlockStatus {
  if (b === undefined) return 'only_a';
  if (a === undefined) return 'only_b';
  const inA = a.start_unix !== null;
  const inB = b.start_unix !== null;
  if (!inA) return inB ? 'newly_scheduled' : 'unscheduled_both';
  if (!inB) return 'newly_unscheduled';
  const retimed = movedMs(a.start_unix!, b.start_unix!) > RETIME_THRESHOLD_MS || movedMs(a.stop_unix!, b.stop_unix!) > RETIME_THRESHOLD_MS;
  return retimed ? 'retimed' : 'unchanged';
}

/** `b − a` in seconds, rounded to the millisecond like the windows themselves. */
export function shiftSeconds(a: number, b: number): number {
  return (Math.round(b * 1000) - Math.round(a * 1000)) / 1000;
}

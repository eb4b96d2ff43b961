import { createHash } from 'node:crypto';

export interface SourceAggregates {
  blockCount: number;
  priorityMin: number | null;
  priorityMax: number | null;
  prioritySum: number | null;
  intSum: number | null;
  windowSum: number | null;
  geometrySum: number | null;
  jsonSizeSum: number | null;
}

/**
 * The schedule's checksum plus aggregates of every source column (weighted by
 * block id, so moving a value between blocks changes them), hashed. It
 * detects any edit that changes a number, a window, a constraint, the block
 * set or a JSON value's byte length; `verify` is the exhaustive check.
 */
/**
 * The run record's fingerprint when the phases it keeps were computed from
 * another source than the ones it replaced: equal to no source's
 * fingerprint, so `backfill --changed` and `verify` see the schedule as
 * changed until every phase is computed from one source again (the old
 * fingerprint would read as current if the source were changed back).
 */
export function mixedSourcesFingerprint(current: string): string {
  return `mixed:${current}`;
}

export function sourceFingerprint(checksum: string, a: SourceAggregates): string {
  const parts = [checksum, a.blockCount, a.priorityMin, a.priorityMax, a.prioritySum, a.intSum, a.windowSum, a.geometrySum, a.jsonSizeSum];
  return createHash('sha256').update(parts.map((p) => (p === null ? 'null' : String(p))).join('|')).digest('hex').slice(0, 32);
}

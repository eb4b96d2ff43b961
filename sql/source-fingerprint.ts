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
export function sourceFingerprint(checksum: string, a: SourceAggregates): string {
  const parts = [checksum, a.blockCount, a.priorityMin, a.priorityMax, a.prioritySum, a.intSum, a.windowSum, a.geometrySum, a.jsonSizeSum];
  return createHash('sha256').update(parts.map((p) => (p === null ? 'null' : String(p))).join('|')).digest('hex').slice(0, 32);
}

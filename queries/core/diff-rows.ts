import { shiftSeconds, type BlockStatus } from './block-status.js';
import { compareKeys, type CompareBlock } from './compare-block.js';

/** One key that changed between A and B (SEMANTICS "Diff rows"). */
export interface DiffRow {
  status: BlockStatus;
  key: string;
  a_block_id: number | null;
  b_block_id: number | null;
  a_priority: number | null;
  b_priority: number | null;
  /** A's, else B's. */
  requested_hours: number;
  a_start_unix: number | null;
  a_stop_unix: number | null;
  b_start_unix: number | null;
  b_stop_unix: number | null;
  /** B.start − A.start; only for 'retimed'. */
  shift_seconds: number | null;
}

/** Statuses that make no diff row. */
const QUIET: ReadonlySet<BlockStatus> = new Set(['unchanged', 'unscheduled_both']);

export function isDiff(status: BlockStatus): boolean {
  return !QUIET.has(status);
}

export function diffRow(status: BlockStatus, key: string, a: CompareBlock | undefined, b: CompareBlock | undefined): DiffRow {
  return {
    status,
    key,
    a_block_id: a?.scheduling_block_id ?? null,
    b_block_id: b?.scheduling_block_id ?? null,
    a_priority: a?.priority ?? null,
    b_priority: b?.priority ?? null,
    requested_hours: (a ?? b)!.requested_hours,
    a_start_unix: a?.start_unix ?? null,
    a_stop_unix: a?.stop_unix ?? null,
    b_start_unix: b?.start_unix ?? null,
    b_stop_unix: b?.stop_unix ?? null,
    shift_seconds: status === 'retimed' ? shiftSeconds(a!.start_unix!, b!.start_unix!) : null,
  };
}

const largerPriority = (r: DiffRow) => Math.max(r.a_priority ?? -Infinity, r.b_priority ?? -Infinity);

/** SEMANTICS order: status name, then the larger priority descending, then key (code-unit order). */
export function sortDiffRows(rows: DiffRow[]): DiffRow[] {
  return rows.sort((x, y) => compareKeys(x.status, y.status) || largerPriority(y) - largerPriority(x) || compareKeys(x.key, y.key));
}

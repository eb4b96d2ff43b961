// STAND-IN: replaced by the real read at merge (the Compare read and its cache are built in issue J).
// A simple implementation over the Phase 1 reads, without the cache, so the report and its tests run before the merge.
import type { Store } from '../sql/store.js';
import { TsiError } from '../base/errors.js';
import { scheduleGaps } from '../stages/core/schedule-gaps.js';
import { mjdToUnix } from '../stages/core/time.js';
import { fetchSkyMapBlocks } from './block-reads.js';
import type { ReadOptions, ReadSource } from './read-options.js';
import { scheduleBlockKeys } from './stand-in-block-keys.js';

export type BlockStatus = 'only_a' | 'only_b' | 'newly_scheduled' | 'newly_unscheduled' | 'unscheduled_both' | 'retimed' | 'unchanged';
export interface ScheduleFigures {
  blocks: number; scheduled_count: number; scheduled_priority_sum: number; priority_capture: number | null;
  scheduled_priority_mean: number | null; scheduled_priority_median: number | null; scheduled_hours: number;
  scheduled_union_hours: number; gap_count: number; gap_total_hours: number | null; gap_mean_hours: number | null;
  gap_median_hours: number | null; gap_p90_hours: number | null; gap_max_hours: number | null;
}
export interface CoveragePoint { rank: number; key: string; cum_a: number; cum_b: number }
export interface DiffRow {
  status: BlockStatus; key: string; a_block_id: number | null; b_block_id: number | null;
  a_priority: number | null; b_priority: number | null; requested_hours: number;
  a_start_unix: number | null; a_stop_unix: number | null; b_start_unix: number | null; b_stop_unix: number | null;
  shift_seconds: number | null;
}
export interface Comparison {
  other: number; source: 'cache' | 'analytics' | 'legacy'; a: ScheduleFigures; b: ScheduleFigures;
  counts: Record<BlockStatus, number>; match_ratio: number | null;
  median_shift_seconds: number | null; mad_shift_seconds: number | null; order_preservation: number | null;
  coverage_final_a: number; coverage_final_b: number; coverage_lead_top10: number;
  coverage: CoveragePoint[];
  rows: DiffRow[];
}
export interface BlockStatusTable { schedules: number[]; rows: { key: string; cells: (number | 'unscheduled' | 'absent')[] }[] }
export interface ComparisonReport { reference: number; comparisons: Comparison[]; block_status?: BlockStatusTable }
export interface CompareOptions extends ReadOptions { rows?: number; coverage?: boolean; blockStatus?: boolean }

interface SideBlock { id: number; priority: number; requested_hours: number; start: number | null; stop: number | null }
interface Side { blocks: Map<string, SideBlock>; source: ReadSource }

async function readSide(store: Store, scheduleId: number, options: ReadOptions): Promise<Side> {
  let source: ReadSource = 'analytics';
  const rows = await fetchSkyMapBlocks(store, scheduleId, { ...options, onSource: (read, s) => { source = s; options.onSource?.(read, s); } });
  const keys = await scheduleBlockKeys(store, scheduleId);
  const blocks = new Map<string, SideBlock>();
  for (const r of rows) {
    const key = keys.get(r.scheduling_block_id) ?? String(r.scheduling_block_id);
    if (blocks.has(key)) throw new TsiError(`schedule ${scheduleId}: block key ${JSON.stringify(key)} occurs twice: give its blocks distinct original_block_id values to compare it`);
    const scheduled = r.is_scheduled === 1 && r.scheduled_start_mjd !== null && r.scheduled_stop_mjd !== null;
    blocks.set(key, {
      id: r.scheduling_block_id, priority: r.priority, requested_hours: r.requested_hours,
      start: scheduled ? mjdToUnix(r.scheduled_start_mjd!) : null, stop: scheduled ? mjdToUnix(r.scheduled_stop_mjd!) : null,
    });
  }
  return { blocks, source };
}

function median(sorted: number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return n % 2 === 1 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

function figures(side: Side): ScheduleFigures {
  const all = [...side.blocks.values()];
  const scheduled = all.filter((b) => b.start !== null);
  const prioritySum = all.reduce((s, b) => s + b.priority, 0);
  const scheduledSum = scheduled.reduce((s, b) => s + b.priority, 0);
  return {
    blocks: all.length, scheduled_count: scheduled.length, scheduled_priority_sum: scheduledSum,
    priority_capture: prioritySum > 0 ? scheduledSum / prioritySum : null,
    scheduled_priority_mean: scheduled.length ? scheduledSum / scheduled.length : null,
    scheduled_priority_median: median(scheduled.map((b) => b.priority).sort((x, y) => x - y)),
    scheduled_hours: scheduled.reduce((s, b) => s + (b.stop! - b.start!) / 3600, 0),
    ...scheduleGaps(Float64Array.from(scheduled, (b) => b.start!), Float64Array.from(scheduled, (b) => b.stop!)),
  };
}

function statusOf(a: SideBlock | undefined, b: SideBlock | undefined): BlockStatus {
  if (!b) return 'only_a';
  if (!a) return 'only_b';
  if (a.start === null) return b.start === null ? 'unscheduled_both' : 'newly_scheduled';
  if (b.start === null) return 'newly_unscheduled';
  const ms = (x: number) => Math.round(x * 1000);
  return Math.abs(ms(b.start) - ms(a.start!)) > 1000 || Math.abs(ms(b.stop!) - ms(a.stop!)) > 1000 ? 'retimed' : 'unchanged';
}

/** Length of the longest strictly increasing subsequence (patience sorting). */
function longestIncreasing(values: number[]): number {
  const tails: number[] = [];
  for (const v of values) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (tails[mid] < v) lo = mid + 1; else hi = mid; }
    tails[lo] = v;
  }
  return tails.length;
}

const byKey = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

function compare(other: number, a: Side, b: Side, options: CompareOptions): Comparison {
  const keys = [...new Set([...a.blocks.keys(), ...b.blocks.keys()])].sort(byKey);
  const counts: Record<BlockStatus, number> = { only_a: 0, only_b: 0, newly_scheduled: 0, newly_unscheduled: 0, unscheduled_both: 0, retimed: 0, unchanged: 0 };
  const rows: DiffRow[] = [];
  const timed: string[] = [];
  const common: string[] = [];
  for (const key of keys) {
    const x = a.blocks.get(key);
    const y = b.blocks.get(key);
    const status = statusOf(x, y);
    counts[status]++;
    if (x && y) common.push(key);
    if (x?.start != null && y?.start != null) timed.push(key);
    if (status === 'unchanged' || status === 'unscheduled_both') continue;
    rows.push({
      status, key, a_block_id: x?.id ?? null, b_block_id: y?.id ?? null, a_priority: x?.priority ?? null, b_priority: y?.priority ?? null,
      requested_hours: (x ?? y)!.requested_hours, a_start_unix: x?.start ?? null, a_stop_unix: x?.stop ?? null, b_start_unix: y?.start ?? null, b_stop_unix: y?.stop ?? null,
      shift_seconds: status === 'retimed' ? y!.start! - x!.start! : null,
    });
  }
  const larger = (r: DiffRow) => Math.max(r.a_priority ?? -Infinity, r.b_priority ?? -Infinity);
  rows.sort((r, s) => byKey(r.status, s.status) || larger(s) - larger(r) || byKey(r.key, s.key));
  const shifts = timed.map((k) => b.blocks.get(k)!.start! - a.blocks.get(k)!.start!).sort((x, y) => x - y);
  const medianShift = median(shifts);
  const rank = (side: Side) => new Map([...timed].sort((k, l) => side.blocks.get(k)!.start! - side.blocks.get(l)!.start! || byKey(k, l)).map((k, i) => [k, i]));
  const rankA = rank(a);
  const rankB = rank(b);
  const inAOrder = [...timed].sort((k, l) => rankA.get(k)! - rankA.get(l)!).map((k) => rankB.get(k)!);
  const coverage: CoveragePoint[] = [];
  const pa = (k: string) => a.blocks.get(k)!.priority;
  const pb = (k: string) => b.blocks.get(k)!.priority;
  let cumA = 0;
  let cumB = 0;
  let lead = 0;
  [...common].sort((k, l) => Math.max(pa(l), pb(l)) - Math.max(pa(k), pb(k)) || byKey(k, l)).forEach((key, i) => {
    cumA += a.blocks.get(key)!.start !== null ? pa(key) : 0;
    cumB += b.blocks.get(key)!.start !== null ? pb(key) : 0;
    coverage.push({ rank: i + 1, key, cum_a: cumA, cum_b: cumB });
    if (i + 1 === Math.min(10, common.length)) lead = cumB - cumA;
  });
  return {
    other, source: a.source === 'legacy' || b.source === 'legacy' ? 'legacy' : 'analytics', a: figures(a), b: figures(b), counts,
    match_ratio: keys.length ? common.length / keys.length : null,
    median_shift_seconds: medianShift,
    mad_shift_seconds: medianShift === null ? null : median(shifts.map((s) => Math.abs(s - medianShift)).sort((x, y) => x - y)),
    order_preservation: timed.length ? longestIncreasing(inAOrder) / timed.length : null,
    coverage_final_a: cumA, coverage_final_b: cumB, coverage_lead_top10: lead,
    coverage: options.coverage ? coverage : [], rows: rows.slice(0, options.rows ?? 0),
  };
}

function blockStatus(ids: number[], sides: Side[]): BlockStatusTable {
  const keys = [...new Set(sides.flatMap((s) => [...s.blocks.keys()]))].sort(byKey);
  return { schedules: ids, rows: keys.map((key) => ({ key, cells: sides.map((s) => { const b = s.blocks.get(key); return b === undefined ? 'absent' : b.start ?? 'unscheduled'; }) })) };
}

export async function compareSchedules(store: Store, reference: number, others: readonly number[], options: CompareOptions = {}): Promise<ComparisonReport> {
  const a = await readSide(store, reference, options);
  const sides: Side[] = [];
  for (const other of others) sides.push(await readSide(store, other, options));
  return {
    reference,
    comparisons: others.map((other, i) => compare(other, a, sides[i], options)),
    ...(options.blockStatus ? { block_status: blockStatus([reference, ...others], [a, ...sides]) } : {}),
  };
}

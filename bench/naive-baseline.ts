/*
 * The original system's ETL, rebuilt here only to be measured against:
 * three separate phase functions, each reading what it needs with its own
 * queries and writing its tables in its own transaction.
 *
 * - Phase 1: the five-table join read whole into memory (`.all()`), one
 *   `JSON.parse` per block, the per-block rows computed from those objects.
 * - Phase 2: reads the per-block rows back from `schedule_blocks_analytics`
 *   with separate queries (aggregates, the sorted priorities for the median,
 *   the three columns for the correlations, the scheduled windows for
 *   pairwise conflicts, a GROUP BY for the priority rates), then one COUNT
 *   query per histogram bin and per heatmap cell (100 for the 10×10 heatmap).
 * - Phase 3: the join again, `JSON.parse` again, a `Set` of block ids per
 *   time bin filled by walking every period bin by bin, then one pass over
 *   the sets to count by bucket and status.
 * - Writes: parameterized INSERTs of 100 rows each, one transaction per phase.
 *
 * It is a baseline, not a strawman: it writes the same numbers as tsi-etl
 * (naive.bench.ts compares every row), uses WAL and synchronous=NORMAL like
 * the embedded store, with a 64 MB page cache (the store's writer: 4 MiB), and reuses
 * the shared definitions (union hours, buckets, equal-width bins, ranks).
 * It talks to better-sqlite3 directly, as the original talked to its driver:
 * it stands outside the product, so the product's Store boundary is not its.
 */
import BetterSqlite3 from 'better-sqlite3';
import { legacyUnionHours } from '../queries/legacy/legacy-union-hours.js';
import { parsePeriodsLegacy } from '../queries/legacy/parse-periods-legacy.js';
import type { LegacyPeriod } from '../queries/legacy/legacy-block.js';
import { binLayout, binLower, binMid, binUpper, type BinLayout } from '../stages/core/equal-width-bins.js';
import { priorityBucket } from '../stages/core/priority-bucket.js';
import { averageRanks, rankPearson } from '../stages/core/spearman.js';
import { mjdToUnix } from '../stages/core/time.js';

type Db = BetterSqlite3.Database;
type SqlValue = number | string | null;

export interface NaiveOptions {
  /** Bins of the visibility-hours histogram and of each heatmap axis. @default 10 */
  nBins?: number;
  /** Width of a time bin in seconds (the original's `bin_duration_seconds`). @default 60 */
  binSeconds?: number;
  /** Rows per parameterized INSERT, as the original batched them. @default 100 */
  rowsPerInsert?: number;
}

/** What one naive run did: seconds per phase, statements issued, rows written. */
export interface NaiveSummary {
  seconds: { phase1: number; phase2: number; phase3: number; total: number };
  statements: number;
  rowsWritten: Record<string, number>;
}

const NAIVE_DEFAULTS: Required<NaiveOptions> = { nBins: 10, binSeconds: 60, rowsPerInsert: 100 };

/** The five-table join of the original Phase 1, one row per block. */
const JOIN_SQL = `
  SELECT sb.scheduling_block_id AS blockId, t.ra_deg AS raDeg, t.dec_deg AS decDeg, sb.priority AS priority,
         sb.requested_duration_sec AS requestedDurationSec, sb.min_observation_sec AS minObservationSec,
         ac.min_alt_deg AS minAltDeg, ac.max_alt_deg AS maxAltDeg, az.min_az_deg AS minAzDeg, az.max_az_deg AS maxAzDeg,
         ssb.start_time_mjd AS startMjd, ssb.stop_time_mjd AS stopMjd, sb.visibility_periods_json AS json
  FROM schedule_scheduling_blocks ssb
  JOIN scheduling_blocks sb ON sb.scheduling_block_id = ssb.scheduling_block_id
  JOIN targets t ON t.target_id = sb.target_id
  LEFT JOIN constraints c ON c.constraints_id = sb.constraints_id
  LEFT JOIN altitude_constraints ac ON ac.altitude_constraints_id = c.altitude_constraints_id
  LEFT JOIN azimuth_constraints az ON az.azimuth_constraints_id = c.azimuth_constraints_id
  WHERE ssb.schedule_id = ?
  ORDER BY ssb.scheduling_block_id`;

/** The original Phase 3 query: what the time bins need of each block. */
const VISIBILITY_SQL = `
  SELECT sb.scheduling_block_id AS blockId, sb.priority AS priority,
         ssb.start_time_mjd AS startMjd, ssb.stop_time_mjd AS stopMjd, sb.visibility_periods_json AS json
  FROM schedule_scheduling_blocks ssb
  JOIN scheduling_blocks sb ON sb.scheduling_block_id = ssb.scheduling_block_id
  WHERE ssb.schedule_id = ?
  ORDER BY ssb.scheduling_block_id`;

interface JoinRow {
  blockId: number;
  raDeg: number;
  decDeg: number;
  priority: number;
  requestedDurationSec: number;
  minObservationSec: number;
  minAltDeg: number | null;
  maxAltDeg: number | null;
  minAzDeg: number | null;
  maxAzDeg: number | null;
  startMjd: number | null;
  stopMjd: number | null;
  json: string | null;
}

/** Statement counter and batched writer shared by the three phases. */
class NaiveWriter {
  statements = 0;
  readonly rowsWritten: Record<string, number> = {};

  constructor(
    readonly db: Db,
    private readonly rowsPerInsert: number,
  ) {}

  /** Runs `body` in one transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK on error). */
  transaction(body: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      body();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  deleteSchedule(table: string, scheduleId: number): void {
    this.run(`DELETE FROM ${table} WHERE schedule_id = ?`, [scheduleId]);
  }

  run(sqlText: string, params: SqlValue[]): void {
    this.db.prepare(sqlText).run(params);
    this.statements++;
  }

  /** Inserts `rows` with one parameterized INSERT per `rowsPerInsert` rows. */
  insert(table: string, columns: readonly string[], rows: SqlValue[][]): void {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const prepare = (n: number) => this.db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(n).fill(tuple).join(', ')}`);
    let full: BetterSqlite3.Statement | undefined;
    for (let i = 0; i < rows.length; i += this.rowsPerInsert) {
      const chunk = rows.slice(i, i + this.rowsPerInsert);
      const statement = chunk.length === this.rowsPerInsert ? (full ??= prepare(chunk.length)) : prepare(chunk.length);
      statement.run(chunk.flat());
      this.statements++;
    }
    this.rowsWritten[table] = (this.rowsWritten[table] ?? 0) + rows.length;
  }

  /** One read query, counted. */
  all<T>(sqlText: string, params: SqlValue[]): T[] {
    this.statements++;
    return this.db.prepare(sqlText).all(params) as T[];
  }

  get<T>(sqlText: string, params: SqlValue[]): T {
    this.statements++;
    return this.db.prepare(sqlText).get(params) as T;
  }
}

/** `JSON.parse` of one block's periods; bad input fails the run, like tsi-etl's default. */
function parsePeriods(scheduleId: number, row: { blockId: number; json: string | null }): LegacyPeriod[] {
  const periods = parsePeriodsLegacy(row.json);
  if (typeof periods === 'string') throw new Error(`schedule ${scheduleId}, block ${row.blockId}: ${periods}`);
  return periods;
}

function priorityRange(rows: readonly { priority: number }[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows) {
    if (r.priority < lo) lo = r.priority;
    if (r.priority > hi) hi = r.priority;
  }
  return [lo, hi];
}

const BLOCK_COLUMNS = [
  'schedule_id', 'scheduling_block_id', 'target_ra_deg', 'target_dec_deg', 'priority', 'priority_bucket',
  'requested_duration_sec', 'min_observation_sec', 'min_altitude_deg', 'max_altitude_deg', 'min_azimuth_deg',
  'max_azimuth_deg', 'is_scheduled', 'scheduled_start_mjd', 'scheduled_stop_mjd', 'total_visibility_hours',
  'visibility_period_count',
] as const;

/** Phase 1: every block's row from the join held in memory. */
function phase1(w: NaiveWriter, scheduleId: number): void {
  const rows = w.all<JoinRow>(JOIN_SQL, [scheduleId]);
  const [lo, hi] = priorityRange(rows);
  const out = rows.map((r): SqlValue[] => {
    const periods = parsePeriods(scheduleId, r);
    const scheduled = r.startMjd !== null && r.stopMjd !== null;
    return [
      scheduleId, r.blockId, r.raDeg, r.decDeg, r.priority, priorityBucket(r.priority, lo, hi),
      r.requestedDurationSec, r.minObservationSec, r.minAltDeg, r.maxAltDeg, r.minAzDeg, r.maxAzDeg,
      scheduled ? 1 : 0, scheduled ? r.startMjd : null, scheduled ? r.stopMjd : null,
      legacyUnionHours(periods), periods.length,
    ];
  });
  w.transaction(() => {
    w.deleteSchedule('schedule_blocks_analytics', scheduleId);
    w.insert('schedule_blocks_analytics', BLOCK_COLUMNS, out);
  });
}

interface Aggregates {
  total: number;
  scheduled: number | null;
  impossible: number | null;
  pMin: number | null;
  pMax: number | null;
  pMean: number | null;
  pScheduledMean: number | null;
  pUnscheduledMean: number | null;
  vSum: number | null;
  vMean: number | null;
  vMin: number | null;
  vMax: number | null;
  rSum: number | null;
  rMean: number | null;
  rMin: number | null;
  rMax: number | null;
  scheduledSec: number | null;
}

const FROM_BLOCKS = 'FROM schedule_blocks_analytics WHERE schedule_id = ?';

/** SQL for a row's bin index on `layout` (SEMANTICS "Visibility-hours histogram"), with its parameters. */
function binIndexSql(column: string, layout: BinLayout): [string, SqlValue[]] {
  if (layout.count === 1) return ['0', []];
  // (v - min) >= 0, so CAST's truncation is floor, computed in the same doubles as binIndex().
  return [`MIN(${layout.count - 1}, CAST((${column} - ?) / ? AS INTEGER))`, [layout.min, layout.width]];
}

/** Unordered pairs of scheduled windows overlapping for a positive length, checked pair by pair. */
function pairwiseConflicts(windows: { start: number; stop: number }[]): number {
  const unix = windows.map((w) => [mjdToUnix(w.start), mjdToUnix(w.stop)]);
  let count = 0;
  for (let i = 0; i < unix.length; i++) {
    for (let j = i + 1; j < unix.length; j++) {
      if (Math.max(unix[i][0], unix[j][0]) < Math.min(unix[i][1], unix[j][1])) count++;
    }
  }
  return count;
}

function spearman(x: Float64Array, y: Float64Array): number | null {
  return rankPearson(averageRanks(x), averageRanks(y));
}

/** Phase 2: summary, priority rates, histogram and heatmap, each from its own queries over Phase 1's table. */
function phase2(w: NaiveWriter, scheduleId: number, nBins: number): void {
  const id = [scheduleId];
  const a = w.get<Aggregates>(`
    SELECT COUNT(*) AS total, SUM(is_scheduled) AS scheduled, SUM(is_impossible) AS impossible,
           MIN(priority) AS pMin, MAX(priority) AS pMax, AVG(priority) AS pMean,
           AVG(CASE WHEN is_scheduled = 1 THEN priority END) AS pScheduledMean,
           AVG(CASE WHEN is_scheduled = 0 THEN priority END) AS pUnscheduledMean,
           SUM(total_visibility_hours) AS vSum, AVG(total_visibility_hours) AS vMean,
           MIN(total_visibility_hours) AS vMin, MAX(total_visibility_hours) AS vMax,
           SUM(requested_hours) AS rSum, AVG(requested_hours) AS rMean,
           MIN(requested_hours) AS rMin, MAX(requested_hours) AS rMax,
           SUM(scheduled_duration_sec) AS scheduledSec ${FROM_BLOCKS}`, id);
  const priorities = w.all<{ priority: number }>(`SELECT priority ${FROM_BLOCKS} ORDER BY priority`, id).map((r) => r.priority);
  const mid = priorities.length >> 1;
  const median = priorities.length === 0 ? null : priorities.length % 2 === 1 ? priorities[mid] : (priorities[mid - 1] + priorities[mid]) / 2;
  const axes = w.all<{ p: number; v: number; r: number }>(`SELECT priority AS p, total_visibility_hours AS v, requested_hours AS r ${FROM_BLOCKS}`, id);
  const p = Float64Array.from(axes, (x) => x.p);
  const v = Float64Array.from(axes, (x) => x.v);
  const r = Float64Array.from(axes, (x) => x.r);
  const windows = w.all<{ start: number; stop: number }>(`SELECT scheduled_start_mjd AS start, scheduled_stop_mjd AS stop ${FROM_BLOCKS} AND is_scheduled = 1`, id);
  const scheduled = a.scheduled ?? 0;
  const summary: Record<string, SqlValue> = {
    schedule_id: scheduleId,
    total_blocks: a.total,
    scheduled_blocks: scheduled,
    unscheduled_blocks: a.total - scheduled,
    impossible_blocks: a.impossible ?? 0,
    invalid_visibility_blocks: 0,
    scheduling_rate: a.total === 0 ? 0 : scheduled / a.total,
    priority_min: a.pMin,
    priority_max: a.pMax,
    priority_mean: a.pMean,
    priority_median: median,
    priority_scheduled_mean: a.pScheduledMean,
    priority_unscheduled_mean: a.pUnscheduledMean,
    visibility_total_hours: a.vSum ?? 0,
    visibility_mean_hours: a.vMean,
    visibility_min_hours: a.vMin,
    visibility_max_hours: a.vMax,
    requested_total_hours: a.rSum ?? 0,
    requested_mean_hours: a.rMean,
    scheduled_total_hours: (a.scheduledSec ?? 0) / 3600,
    corr_priority_visibility: spearman(p, v),
    corr_priority_requested: spearman(p, r),
    corr_visibility_requested: spearman(v, r),
    conflict_count: pairwiseConflicts(windows),
    n_bins: nBins,
  };

  const rates = w.all<{ pv: number; n: number; s: number; vm: number; rm: number }>(`
    SELECT CAST(ROUND(priority) AS INTEGER) AS pv, COUNT(*) AS n, SUM(is_scheduled) AS s,
           AVG(total_visibility_hours) AS vm, AVG(requested_hours) AS rm
    ${FROM_BLOCKS} GROUP BY pv ORDER BY pv`, id)
    .map((x): SqlValue[] => [scheduleId, x.pv, x.n, x.s, x.s / x.n, x.vm, x.rm]);

  const countWhere = (where: string, params: SqlValue[]) =>
    w.get<{ n: number; s: number | null }>(`SELECT COUNT(*) AS n, SUM(is_scheduled) AS s ${FROM_BLOCKS} AND ${where}`, [scheduleId, ...params]);
  const visibilityBins: SqlValue[][] = [];
  const heatmap: SqlValue[][] = [];
  if (a.total > 0) {
    const vLayout = binLayout(a.vMin!, a.vMax!, nBins);
    const tLayout = binLayout(a.rMin!, a.rMax!, nBins);
    const [vExpr, vParams] = binIndexSql('total_visibility_hours', vLayout);
    const [tExpr, tParams] = binIndexSql('requested_hours', tLayout);
    for (let i = 0; i < vLayout.count; i++) {
      const c = countWhere(`${vExpr} = ?`, [...vParams, i]);
      if (c.n > 0) visibilityBins.push([scheduleId, i, binLower(i, vLayout), binUpper(i, vLayout), binMid(i, vLayout), c.n, c.s, c.s! / c.n]);
    }
    for (let i = 0; i < vLayout.count; i++) {
      for (let j = 0; j < tLayout.count; j++) {
        const c = countWhere(`${vExpr} = ? AND ${tExpr} = ?`, [...vParams, i, ...tParams, j]);
        if (c.n > 0) heatmap.push([scheduleId, i, j, binMid(i, vLayout), binMid(j, tLayout), c.n, c.s, c.s! / c.n]);
      }
    }
  }

  w.transaction(() => {
    for (const table of ['schedule_summary_analytics', 'schedule_priority_rates', 'schedule_visibility_bins', 'schedule_heatmap_bins']) {
      w.deleteSchedule(table, scheduleId);
    }
    w.insert('schedule_summary_analytics', Object.keys(summary), [Object.values(summary)]);
    w.insert('schedule_priority_rates', ['schedule_id', 'priority_value', 'total_count', 'scheduled_count', 'scheduling_rate', 'visibility_mean_hours', 'requested_mean_hours'], rates);
    w.insert('schedule_visibility_bins', ['schedule_id', 'bin_index', 'bin_min_hours', 'bin_max_hours', 'bin_mid_hours', 'total_count', 'scheduled_count', 'scheduling_rate'], visibilityBins);
    w.insert('schedule_heatmap_bins', ['schedule_id', 'visibility_bin_index', 'time_bin_index', 'visibility_mid_hours', 'time_mid_hours', 'total_count', 'scheduled_count', 'scheduling_rate'], heatmap);
  });
}

const TIME_BIN_COLUMNS = [
  'schedule_id', 'bin_start_unix', 'bin_end_unix', 'bin_index', 'total_visible_count', 'priority_q1_count',
  'priority_q2_count', 'priority_q3_count', 'priority_q4_count', 'scheduled_visible_count', 'unscheduled_visible_count',
] as const;

const METADATA_COLUMNS = [
  'schedule_id', 'time_range_start_unix', 'time_range_end_unix', 'bin_duration_seconds', 'total_bins', 'total_blocks',
  'blocks_with_visibility', 'priority_min', 'priority_max', 'max_visible_in_bin', 'mean_visible_per_bin',
] as const;

/** Phase 3: a Set of visible block ids per time bin, then counts per bin. */
function phase3(w: NaiveWriter, scheduleId: number, binSeconds: number): void {
  const rows = w.all<{ blockId: number; priority: number; startMjd: number | null; stopMjd: number | null; json: string | null }>(VISIBILITY_SQL, [scheduleId]);
  const [lo, hi] = priorityRange(rows);
  const blocks = rows.map((r) => ({
    bucket: priorityBucket(r.priority, lo, hi),
    scheduled: r.startMjd !== null && r.stopMjd !== null,
    periods: parsePeriods(scheduleId, r).map((p) => ({ start: mjdToUnix(p.start), stop: mjdToUnix(p.stop) })),
  }));
  let minStart = Infinity;
  let maxStop = -Infinity;
  for (const b of blocks) {
    for (const p of b.periods) {
      if (p.start < minStart) minStart = p.start;
      if (p.stop > maxStop) maxStop = p.stop;
    }
  }
  const hasPeriods = minStart !== Infinity;
  const rangeStart = hasPeriods ? Math.floor(minStart / binSeconds) * binSeconds : 0;
  const rangeEnd = hasPeriods ? Math.ceil(maxStop / binSeconds) * binSeconds : 0;
  const totalBins = (rangeEnd - rangeStart) / binSeconds;

  // The sets hold each block's position in `blocks` rather than its id: the
  // same sets, but counting then needs no id → block map lookup (the original's
  // HashMap cost ~4 s more on W10k at 15-minute bins; the baseline keeps the cheaper way).
  const visible: Set<number>[] = Array.from({ length: totalBins }, () => new Set<number>());
  blocks.forEach((b, index) => {
    for (const p of b.periods) {
      const first = Math.max(0, Math.floor((p.start - rangeStart) / binSeconds));
      const last = Math.min(totalBins - 1, Math.ceil((p.stop - rangeStart) / binSeconds));
      for (let k = first; k <= last; k++) {
        const binStart = rangeStart + k * binSeconds;
        if (p.start < binStart + binSeconds && p.stop > binStart) visible[k].add(index);
      }
    }
  });

  const bins: SqlValue[][] = [];
  let sum = 0;
  let max = 0;
  visible.forEach((ids, k) => {
    if (ids.size === 0) return;
    const q = [0, 0, 0, 0, 0];
    let scheduled = 0;
    for (const index of ids) {
      const b = blocks[index];
      q[b.bucket]++;
      if (b.scheduled) scheduled++;
    }
    const binStart = rangeStart + k * binSeconds;
    bins.push([scheduleId, binStart, binStart + binSeconds, k, ids.size, q[1], q[2], q[3], q[4], scheduled, ids.size - scheduled]);
    sum += ids.size;
    if (ids.size > max) max = ids.size;
  });
  const metadata: SqlValue[] = [
    scheduleId, rangeStart, rangeEnd, binSeconds, totalBins, blocks.length,
    blocks.filter((b) => b.periods.length > 0).length,
    blocks.length > 0 ? lo : null, blocks.length > 0 ? hi : null,
    max, totalBins > 0 ? sum / totalBins : null,
  ];
  w.transaction(() => {
    w.deleteSchedule('schedule_visibility_time_metadata', scheduleId);
    w.deleteSchedule('schedule_visibility_time_bins', scheduleId);
    w.insert('schedule_visibility_time_metadata', METADATA_COLUMNS, [metadata]);
    w.insert('schedule_visibility_time_bins', TIME_BIN_COLUMNS, bins);
  });
}

/**
 * Runs the original system's three phases on one schedule of the SQLite file
 * at `dbPath`, writing the same analytics tables as tsi-etl (all but the
 * per-block minute ranges, which the original did not have).
 * @throws Error naming the block on bad visibility JSON (nothing of the failing phase is written).
 */
export function runNaiveEtl(dbPath: string, scheduleId: number, options: NaiveOptions = {}): NaiveSummary {
  const { nBins, binSeconds, rowsPerInsert } = { ...NAIVE_DEFAULTS, ...options };
  const db = new BetterSqlite3(dbPath, { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    const w = new NaiveWriter(db, rowsPerInsert);
    const t0 = performance.now();
    phase1(w, scheduleId);
    const t1 = performance.now();
    phase2(w, scheduleId, nBins);
    const t2 = performance.now();
    phase3(w, scheduleId, binSeconds);
    const t3 = performance.now();
    return {
      seconds: { phase1: (t1 - t0) / 1000, phase2: (t2 - t1) / 1000, phase3: (t3 - t2) / 1000, total: (t3 - t0) / 1000 },
      statements: w.statements,
      rowsWritten: w.rowsWritten,
    };
  } finally {
    db.close();
  }
}

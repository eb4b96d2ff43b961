import type { Kysely } from 'kysely';
import type { Database } from '../sql/schema.js';
import type { Store } from '../sql/store.js';
import { HEATMAP_BINS, PRIORITY_RATES, SUMMARY, VISIBILITY_BINS, type TableSpec } from '../sql/table-specs.js';
import type { HeatmapBinRow, Phase2Result, PriorityRateRow, SummaryRow, VisibilityBinRow } from '../stages/core/phase2-rows.js';
import { fetchLegacyBlocks } from './legacy/fetch-legacy-blocks.js';
import { computePhase2Legacy } from './legacy/phase2-legacy.js';
import { readConsistently } from './consistent-read.js';
import { withFallback, type ReadOptions, type ReadSource } from './read-options.js';

/** Options of the Phase 2 reads whose answer depends on the bin count. */
export interface SummaryReadOptions extends ReadOptions {
  /**
   * Bins per axis of the visibility histogram and the heatmap. The stored
   * rows answer only when they were computed with this count; otherwise the
   * legacy path computes the bins with it.
   * @default the stored count; 10 when the legacy path answers
   */
  nBins?: number;
}

/** The `schedule_summary_analytics` row of a schedule. */
export interface ScheduleSummary extends SummaryRow {
  schedule_id: number;
}

/** All of a schedule's Phase 2 analytics, from one path (what `tsi-etl summary --json` prints). */
export interface SummaryReport {
  summary: ScheduleSummary;
  priority_rates: PriorityRateRow[];
  visibility_bins: VisibilityBinRow[];
  heatmap_bins: HeatmapBinRow[];
  source: ReadSource;
}

/** The legacy path's bin count when the caller gives none (the populate default). */
const DEFAULT_N_BINS = 10;

type Reader = Kysely<Database>;

/** The columns a read returns are the columns the populate writes, so the two cannot drift apart. */
function readColumns(table: TableSpec): string[] {
  return table.columns.map((c) => c.name).filter((name) => name !== 'schedule_id');
}

/** Every Phase 2 column is numeric; SQL Server returns BIGINT as a string, so one shape for callers. */
function numeric<T>(row: Record<string, unknown>): T {
  for (const key of Object.keys(row)) if (row[key] !== null) row[key] = Number(row[key]);
  return row as T;
}

async function selectRows<T>(db: Reader, table: TableSpec, scheduleId: number, orderBy: string[]): Promise<T[]> {
  let query = db.selectFrom(table.name as never).select(readColumns(table) as never).where('schedule_id' as never, '=', scheduleId as never);
  for (const column of orderBy) query = query.orderBy(column as never);
  return ((await query.execute()) as Record<string, unknown>[]).map((r) => numeric<T>(r));
}

/** The stored summary, when there is one computed with `nBins` bins (any count when undefined). */
async function storedSummary(db: Reader, scheduleId: number, nBins: number | undefined): Promise<ScheduleSummary | undefined> {
  const row = await db
    .selectFrom('schedule_summary_analytics')
    .select(readColumns(SUMMARY) as never)
    .where('schedule_id', '=', scheduleId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const summary: ScheduleSummary = { schedule_id: scheduleId, ...numeric<SummaryRow>(row as Record<string, unknown>) };
  return nBins === undefined || summary.n_bins === nBins ? summary : undefined;
}

/** True when the stored Phase 2 rows exist and were computed with `nBins` bins (any count when undefined). */
async function storedFor(db: Reader, scheduleId: number, nBins: number | undefined): Promise<boolean> {
  const row = await db.selectFrom('schedule_summary_analytics').select('n_bins').where('schedule_id', '=', scheduleId).executeTakeFirst();
  return row !== undefined && (nBins === undefined || Number(row.n_bins) === nBins);
}

const storedRates = (db: Reader, id: number) => selectRows<PriorityRateRow>(db, PRIORITY_RATES, id, ['priority_value']);
const storedVisibilityBins = (db: Reader, id: number) => selectRows<VisibilityBinRow>(db, VISIBILITY_BINS, id, ['bin_index']);
const storedHeatmapBins = (db: Reader, id: number) => selectRows<HeatmapBinRow>(db, HEATMAP_BINS, id, ['visibility_bin_index', 'time_bin_index']);

/** The stored rows of one Phase 2 table, present only when the schedule has a summary row. */
function analyticsRows<T>(store: Store, scheduleId: number, nBins: number | undefined, rows: (db: Reader, id: number) => Promise<T[]>) {
  return () => readConsistently(store, scheduleId, async () => ((await storedFor(store.db, scheduleId, nBins)) ? rows(store.db, scheduleId) : undefined));
}

/** The legacy path: the five-table join and `computePhase2Legacy`, as the dashboards computed it before the ETL. */
async function legacyPhase2(store: Store, scheduleId: number, nBins = DEFAULT_N_BINS): Promise<Phase2Result> {
  return computePhase2Legacy(await fetchLegacyBlocks(store, scheduleId), nBins);
}

/**
 * A schedule's summary (SEMANTICS "Per schedule"): the stored row, or the
 * legacy computation when there is none (or it has another bin count than
 * `options.nBins`). Throws UnknownScheduleError for an unknown schedule.
 */
export async function getScheduleSummary(store: Store, scheduleId: number, options: SummaryReadOptions = {}): Promise<ScheduleSummary> {
  const r = await withFallback(
    'schedule-summary', options,
    () => storedSummary(store.db, scheduleId, options.nBins),
    async () => ({ schedule_id: scheduleId, ...(await legacyPhase2(store, scheduleId, options.nBins)).summary }),
  );
  return r.value;
}

/** Scheduling rates per rounded priority, sorted by priority_value (SEMANTICS "Per priority"). */
export async function getPriorityRates(store: Store, scheduleId: number, options: ReadOptions = {}): Promise<PriorityRateRow[]> {
  const r = await withFallback(
    'priority-rates', options,
    analyticsRows(store, scheduleId, undefined, storedRates),
    async () => (await legacyPhase2(store, scheduleId)).priorityRates,
  );
  return r.value;
}

/** The non-empty bins of the visibility-hours histogram, sorted by bin_index. */
export async function getVisibilityBins(store: Store, scheduleId: number, options: SummaryReadOptions = {}): Promise<VisibilityBinRow[]> {
  const r = await withFallback(
    'visibility-bins', options,
    analyticsRows(store, scheduleId, options.nBins, storedVisibilityBins),
    async () => (await legacyPhase2(store, scheduleId, options.nBins)).visibilityBins,
  );
  return r.value;
}

/** The non-empty heatmap cells, sorted by (visibility_bin_index, time_bin_index). */
export async function getHeatmapBins(store: Store, scheduleId: number, options: SummaryReadOptions = {}): Promise<HeatmapBinRow[]> {
  const r = await withFallback(
    'heatmap-bins', options,
    analyticsRows(store, scheduleId, options.nBins, storedHeatmapBins),
    async () => (await legacyPhase2(store, scheduleId, options.nBins)).heatmapBins,
  );
  return r.value;
}

/**
 * The four Phase 2 reads at once, all from the same path (the analytics
 * tables of one populate, see readConsistently, or one legacy computation),
 * with the path that answered.
 */
export async function getSummaryReport(store: Store, scheduleId: number, options: SummaryReadOptions = {}): Promise<SummaryReport> {
  const r = await withFallback(
    'summary-report', options,
    () => readConsistently(store, scheduleId, async () => {
      const db = store.db;
      const summary = await storedSummary(db, scheduleId, options.nBins);
      if (summary === undefined) return undefined;
      return {
        summary,
        priority_rates: await storedRates(db, scheduleId),
        visibility_bins: await storedVisibilityBins(db, scheduleId),
        heatmap_bins: await storedHeatmapBins(db, scheduleId),
      };
    }),
    async () => {
      const p2 = await legacyPhase2(store, scheduleId, options.nBins);
      return {
        summary: { schedule_id: scheduleId, ...p2.summary },
        priority_rates: p2.priorityRates,
        visibility_bins: p2.visibilityBins,
        heatmap_bins: p2.heatmapBins,
      };
    },
  );
  return { ...r.value, source: r.source };
}

/** True when the schedule has stored Phase 2 analytics (its summary row). */
export async function hasSummaryAnalytics(store: Store, scheduleId: number): Promise<boolean> {
  return storedFor(store.db, scheduleId, undefined);
}

/**
 * Deletes the schedule's Phase 2 rows (all four tables) and its run record in
 * one transaction, leaving the per-block and time-bin rows; returns rows deleted.
 */
export async function deleteSummaryAnalytics(store: Store, scheduleId: number): Promise<number> {
  return store.deleteAnalytics(scheduleId, [2]);
}

/**
 * Rows of the Phase 2 tables (SEMANTICS "Per schedule", "Per priority",
 * "Visibility-hours histogram", "Heatmap"), derived from the table types in
 * sql/schema.ts; `schedule_id`, `id` and `created_at` are added by the writer.
 */
import type {
  ResultRow, ScheduleHeatmapBinsTable, SchedulePriorityRatesTable, ScheduleSummaryAnalyticsTable, ScheduleVisibilityBinsTable,
} from '../../sql/schema.js';

/** `schedule_summary_analytics`: one row per schedule. */
export type SummaryRow = ResultRow<ScheduleSummaryAnalyticsTable>;
/** `schedule_priority_rates`: one row per rounded priority. */
export type PriorityRateRow = ResultRow<SchedulePriorityRatesTable>;
/** `schedule_visibility_bins`: one row per non-empty bin. */
export type VisibilityBinRow = ResultRow<ScheduleVisibilityBinsTable>;
/** `schedule_heatmap_bins`: one row per non-empty (visibility, requested) cell. */
export type HeatmapBinRow = ResultRow<ScheduleHeatmapBinsTable>;

/**
 * Everything Phase 2 writes for one schedule. Priority rates are sorted by
 * priority_value, bins by bin_index, heatmap cells by
 * (visibility_bin_index, time_bin_index).
 */
export interface Phase2Result {
  summary: SummaryRow;
  priorityRates: PriorityRateRow[];
  visibilityBins: VisibilityBinRow[];
  heatmapBins: HeatmapBinRow[];
}

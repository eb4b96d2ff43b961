/**
 * Rows of the Phase 2 tables (SEMANTICS "Per schedule", "Per priority",
 * "Visibility-hours histogram", "Heatmap"). Field names are the column names;
 * `schedule_id`, `id` and `created_at` are added by the writer. A nullable
 * column is `number | null`.
 */

/** `schedule_summary_analytics`: one row per schedule. */
export interface SummaryRow {
  total_blocks: number;
  scheduled_blocks: number;
  unscheduled_blocks: number;
  /** Blocks with 0 visibility hours whose JSON was valid. */
  impossible_blocks: number;
  /** Blocks whose JSON was bad input (lenient mode); they count 0 hours elsewhere. */
  invalid_visibility_blocks: number;
  /** scheduled / total; 0 for an empty schedule. */
  scheduling_rate: number;
  priority_min: number | null;
  priority_max: number | null;
  priority_mean: number | null;
  priority_median: number | null;
  priority_scheduled_mean: number | null;
  priority_unscheduled_mean: number | null;
  visibility_total_hours: number;
  visibility_mean_hours: number | null;
  visibility_min_hours: number | null;
  visibility_max_hours: number | null;
  requested_total_hours: number;
  requested_mean_hours: number | null;
  scheduled_total_hours: number;
  corr_priority_visibility: number | null;
  corr_priority_requested: number | null;
  corr_visibility_requested: number | null;
  conflict_count: number;
  n_bins: number;
}

/** `schedule_priority_rates`: one row per rounded priority. */
export interface PriorityRateRow {
  priority_value: number;
  total_count: number;
  scheduled_count: number;
  scheduling_rate: number;
  visibility_mean_hours: number | null;
  requested_mean_hours: number | null;
}

/** `schedule_visibility_bins`: one row per non-empty bin. */
export interface VisibilityBinRow {
  bin_index: number;
  bin_min_hours: number;
  bin_max_hours: number;
  bin_mid_hours: number;
  total_count: number;
  scheduled_count: number;
  scheduling_rate: number;
}

/** `schedule_heatmap_bins`: one row per non-empty (visibility, requested) cell. */
export interface HeatmapBinRow {
  visibility_bin_index: number;
  time_bin_index: number;
  visibility_mid_hours: number;
  time_mid_hours: number;
  total_count: number;
  scheduled_count: number;
  scheduling_rate: number;
}

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

import type { ColumnType, Generated, Selectable } from 'kysely';

/** A column the database computes (generated / identity / default): read-only for inserts. */
type Computed<T> = ColumnType<T, never, never>;

/** The normalized source tables (SEMANTICS "Source"). SQL Server: schema `dbo`. */
export interface SchedulesTable {
  schedule_id: Generated<number>;
  schedule_name: string;
  upload_timestamp: Generated<string>;
  checksum: string;
  dark_periods_json: string | null;
}
export interface TargetsTable {
  target_id: number;
  name: string;
  ra_deg: number;
  dec_deg: number;
  ra_pm_masyr: number;
  dec_pm_masyr: number;
  equinox: number;
}
export interface AltitudeConstraintsTable {
  altitude_constraints_id: number;
  min_alt_deg: number | null;
  max_alt_deg: number | null;
}
export interface AzimuthConstraintsTable {
  azimuth_constraints_id: number;
  min_az_deg: number | null;
  max_az_deg: number | null;
}
export interface ConstraintsTable {
  constraints_id: number;
  start_time_mjd: number | null;
  stop_time_mjd: number | null;
  altitude_constraints_id: number | null;
  azimuth_constraints_id: number | null;
}
export interface SchedulingBlocksTable {
  scheduling_block_id: number;
  target_id: number;
  constraints_id: number | null;
  priority: number;
  min_observation_sec: number;
  requested_duration_sec: number;
  visibility_periods_json: string | null;
  /** The block's id in the scheduler's input (migration 005); see blockKey(). */
  original_block_id: string | null;
}
export interface ScheduleSchedulingBlocksTable {
  schedule_id: number;
  scheduling_block_id: number;
  start_time_mjd: number | null;
  stop_time_mjd: number | null;
}

/** Phase 1. SQL Server: schema `analytics`. */
export interface ScheduleBlocksAnalyticsTable {
  id: Generated<number>;
  schedule_id: number;
  scheduling_block_id: number;
  target_ra_deg: number;
  target_dec_deg: number;
  priority: number;
  priority_bucket: number;
  requested_duration_sec: number;
  min_observation_sec: number;
  requested_hours: Computed<number>;
  elevation_range_deg: Computed<number>;
  min_altitude_deg: number | null;
  max_altitude_deg: number | null;
  min_azimuth_deg: number | null;
  max_azimuth_deg: number | null;
  is_scheduled: number;
  scheduled_start_mjd: number | null;
  scheduled_stop_mjd: number | null;
  scheduled_duration_sec: Computed<number | null>;
  total_visibility_hours: number;
  visibility_period_count: number;
  visibility_invalid: number;
  is_impossible: Computed<number>;
  created_at: Generated<string>;
}

/** Phase 2. */
export interface ScheduleSummaryAnalyticsTable {
  id: Generated<number>;
  schedule_id: number;
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
  /**
   * Gaps (migration 005): the union of the scheduled windows and the spaces
   * between its intervals, in hours. NULL in rows written before 005 until
   * the schedule is populated again; the five gap figures are NULL when
   * gap_count is 0.
   */
  scheduled_union_hours: number | null;
  gap_count: number | null;
  gap_total_hours: number | null;
  gap_mean_hours: number | null;
  gap_median_hours: number | null;
  gap_p90_hours: number | null;
  gap_max_hours: number | null;
  created_at: Generated<string>;
}
export interface SchedulePriorityRatesTable {
  id: Generated<number>;
  schedule_id: number;
  priority_value: number;
  total_count: number;
  scheduled_count: number;
  scheduling_rate: number;
  visibility_mean_hours: number | null;
  requested_mean_hours: number | null;
  created_at: Generated<string>;
}
export interface ScheduleVisibilityBinsTable {
  id: Generated<number>;
  schedule_id: number;
  bin_index: number;
  bin_min_hours: number;
  bin_max_hours: number;
  bin_mid_hours: number;
  total_count: number;
  scheduled_count: number;
  scheduling_rate: number;
  created_at: Generated<string>;
}
export interface ScheduleHeatmapBinsTable {
  id: Generated<number>;
  schedule_id: number;
  visibility_bin_index: number;
  time_bin_index: number;
  visibility_mid_hours: number;
  time_mid_hours: number;
  total_count: number;
  scheduled_count: number;
  scheduling_rate: number;
  created_at: Generated<string>;
}

/** Phase 3. */
export interface ScheduleVisibilityTimeMetadataTable {
  id: Generated<number>;
  schedule_id: number;
  time_range_start_unix: number;
  time_range_end_unix: number;
  bin_duration_seconds: number;
  total_bins: number;
  total_blocks: number;
  /** Blocks with at least one valid period. */
  blocks_with_visibility: number;
  /** Over all blocks; null when there are none. */
  priority_min: number | null;
  priority_max: number | null;
  max_visible_in_bin: number;
  /** `sum(total) / total_bins`; null when `total_bins = 0`. */
  mean_visible_per_bin: number | null;
  created_at: Generated<string>;
}
export interface ScheduleVisibilityTimeBinsTable {
  id: Generated<number>;
  schedule_id: number;
  bin_start_unix: number;
  bin_end_unix: number;
  bin_index: number;
  total_visible_count: number;
  priority_q1_count: number;
  priority_q2_count: number;
  priority_q3_count: number;
  priority_q4_count: number;
  scheduled_visible_count: number;
  unscheduled_visible_count: number;
}
export interface ScheduleBlockVisibilityRangesTable {
  schedule_id: number;
  scheduling_block_id: number;
  priority: number;
  priority_bucket: number;
  is_scheduled: number;
  range_count: number;
  minute_ranges: Uint8Array;
}

/** Bookkeeping: what produced a schedule's analytics (for `backfill --changed`). */
export interface ScheduleAnalyticsRunsTable {
  schedule_id: number;
  phases: string;
  source_fingerprint: string;
  n_bins: number;
  bin_duration_seconds: number;
  block_count: number;
  invalid_block_count: number;
  invalid_block_ids: string | null;
  duration_ms: number;
  completed_at: Generated<string>;
  /** SHA-256 of the run's minute-bin output (stages/core/minute-bins-digest.ts); null without Phase 3 or before migration 007. */
  phase3_digest: Uint8Array | null;
  /** Key of what the run's Phase 3 rows were computed from (stages/core/phase3-inputs-key.ts); null without it (migration 008). */
  phase3_inputs_key: Uint8Array | null;
}
/**
 * A block's visibility as computed from one exact JSON text, reused by any
 * populate of any schedule while it is known to be of the block's current
 * JSON: `json_digest` and `json_length` match on SQL Server; on SQLite,
 * triggers delete it when the JSON changes (sql/visibility-facts.ts holds the rule).
 */
export interface BlockVisibilityFactsTable {
  scheduling_block_id: number;
  json_digest: Uint8Array;
  json_length: number;
  period_count: number;
  union_hours: number;
  range_count: number;
  minute_ranges: Uint8Array;
}

/**
 * Phase 4 Compare cache: the figures of one ordered pair (A, B), valid while
 * both schedules' analytics runs (fingerprint and completion time) are those
 * it was computed from.
 */
export interface ScheduleComparisonsTable {
  schedule_a_id: number;
  schedule_b_id: number;
  a_source_fingerprint: string;
  b_source_fingerprint: string;
  a_run_completed_at: string;
  b_run_completed_at: string;
  a_blocks: number;
  a_scheduled_count: number;
  a_scheduled_priority_sum: number;
  a_priority_capture: number | null;
  a_scheduled_priority_mean: number | null;
  a_scheduled_priority_median: number | null;
  a_scheduled_hours: number;
  a_scheduled_union_hours: number;
  a_gap_count: number;
  a_gap_total_hours: number | null;
  a_gap_mean_hours: number | null;
  a_gap_median_hours: number | null;
  a_gap_p90_hours: number | null;
  a_gap_max_hours: number | null;
  b_blocks: number;
  b_scheduled_count: number;
  b_scheduled_priority_sum: number;
  b_priority_capture: number | null;
  b_scheduled_priority_mean: number | null;
  b_scheduled_priority_median: number | null;
  b_scheduled_hours: number;
  b_scheduled_union_hours: number;
  b_gap_count: number;
  b_gap_total_hours: number | null;
  b_gap_mean_hours: number | null;
  b_gap_median_hours: number | null;
  b_gap_p90_hours: number | null;
  b_gap_max_hours: number | null;
  count_only_a: number;
  count_only_b: number;
  count_newly_scheduled: number;
  count_newly_unscheduled: number;
  count_unscheduled_both: number;
  count_retimed: number;
  count_unchanged: number;
  match_ratio: number | null;
  median_shift_seconds: number | null;
  mad_shift_seconds: number | null;
  order_preservation: number | null;
  coverage_final_a: number;
  coverage_final_b: number;
  coverage_lead_top10: number;
  computed_at: Generated<string>;
}
export interface ScheduleEtlLocksTable {
  schedule_id: number;
  owner: string;
  acquired_at: Generated<string>;
}

/**
 * The whole schema as kysely sees it. Table names are bare: the SQL Server
 * store maps them to `dbo.` / `analytics.` (see sql/table-names.ts).
 */
export interface Database {
  schedules: SchedulesTable;
  targets: TargetsTable;
  altitude_constraints: AltitudeConstraintsTable;
  azimuth_constraints: AzimuthConstraintsTable;
  constraints: ConstraintsTable;
  scheduling_blocks: SchedulingBlocksTable;
  schedule_scheduling_blocks: ScheduleSchedulingBlocksTable;
  schedule_blocks_analytics: ScheduleBlocksAnalyticsTable;
  schedule_summary_analytics: ScheduleSummaryAnalyticsTable;
  schedule_priority_rates: SchedulePriorityRatesTable;
  schedule_visibility_bins: ScheduleVisibilityBinsTable;
  schedule_heatmap_bins: ScheduleHeatmapBinsTable;
  schedule_visibility_time_metadata: ScheduleVisibilityTimeMetadataTable;
  schedule_visibility_time_bins: ScheduleVisibilityTimeBinsTable;
  schedule_block_visibility_ranges: ScheduleBlockVisibilityRangesTable;
  schedule_analytics_runs: ScheduleAnalyticsRunsTable;
  schedule_etl_locks: ScheduleEtlLocksTable;
  schedule_comparisons: ScheduleComparisonsTable;
  block_visibility_facts: BlockVisibilityFactsTable;
}

/**
 * A table's row as computed for one schedule: every column as read, without
 * the ones the database or the writer supply (`id`, `schedule_id`, `created_at`).
 * Result types derive from the table types, so the two cannot drift apart.
 */
export type ResultRow<Table> = Omit<Selectable<Table>, 'id' | 'schedule_id' | 'created_at'>;

-- Phase 2: per-schedule summary, per-priority rates, visibility histogram, heatmap.
CREATE TABLE IF NOT EXISTS schedule_summary_analytics (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL UNIQUE,
  total_blocks INTEGER NOT NULL,
  scheduled_blocks INTEGER NOT NULL,
  unscheduled_blocks INTEGER NOT NULL,
  impossible_blocks INTEGER NOT NULL,
  invalid_visibility_blocks INTEGER NOT NULL DEFAULT 0,
  scheduling_rate REAL NOT NULL,
  priority_min REAL NULL,
  priority_max REAL NULL,
  priority_mean REAL NULL,
  priority_median REAL NULL,
  priority_scheduled_mean REAL NULL,
  priority_unscheduled_mean REAL NULL,
  visibility_total_hours REAL NOT NULL,
  visibility_mean_hours REAL NULL,
  visibility_min_hours REAL NULL,
  visibility_max_hours REAL NULL,
  requested_total_hours REAL NOT NULL,
  requested_mean_hours REAL NULL,
  scheduled_total_hours REAL NOT NULL,
  corr_priority_visibility REAL NULL,
  corr_priority_requested REAL NULL,
  corr_visibility_requested REAL NULL,
  conflict_count INTEGER NOT NULL DEFAULT 0,
  n_bins INTEGER NOT NULL DEFAULT 10,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS schedule_priority_rates (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL,
  priority_value INTEGER NOT NULL,
  total_count INTEGER NOT NULL,
  scheduled_count INTEGER NOT NULL,
  scheduling_rate REAL NOT NULL,
  visibility_mean_hours REAL NULL,
  requested_mean_hours REAL NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (schedule_id, priority_value)
);

CREATE TABLE IF NOT EXISTS schedule_visibility_bins (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL,
  bin_index INTEGER NOT NULL,
  bin_min_hours REAL NOT NULL,
  bin_max_hours REAL NOT NULL,
  bin_mid_hours REAL NOT NULL,
  total_count INTEGER NOT NULL,
  scheduled_count INTEGER NOT NULL,
  scheduling_rate REAL NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (schedule_id, bin_index)
);

CREATE TABLE IF NOT EXISTS schedule_heatmap_bins (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL,
  visibility_bin_index INTEGER NOT NULL,
  time_bin_index INTEGER NOT NULL,
  visibility_mid_hours REAL NOT NULL,
  time_mid_hours REAL NOT NULL,
  total_count INTEGER NOT NULL,
  scheduled_count INTEGER NOT NULL,
  scheduling_rate REAL NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (schedule_id, visibility_bin_index, time_bin_index)
);

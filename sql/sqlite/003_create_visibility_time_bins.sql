-- Phase 3: per-bin visibility counts, their metadata, and each block's merged
-- visibility in minutes (what makes the histogram exact at any bin width).
CREATE TABLE IF NOT EXISTS schedule_visibility_time_metadata (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL UNIQUE,
  time_range_start_unix INTEGER NOT NULL,
  time_range_end_unix INTEGER NOT NULL,
  bin_duration_seconds INTEGER NOT NULL,
  total_bins INTEGER NOT NULL,
  total_blocks INTEGER NOT NULL,
  blocks_with_visibility INTEGER NOT NULL,
  priority_min REAL NULL,
  priority_max REAL NULL,
  max_visible_in_bin INTEGER NOT NULL,
  mean_visible_per_bin REAL NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS schedule_visibility_time_bins (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL,
  bin_start_unix INTEGER NOT NULL,
  bin_end_unix INTEGER NOT NULL,
  bin_index INTEGER NOT NULL,
  total_visible_count INTEGER NOT NULL,
  priority_q1_count INTEGER NOT NULL,
  priority_q2_count INTEGER NOT NULL,
  priority_q3_count INTEGER NOT NULL,
  priority_q4_count INTEGER NOT NULL,
  scheduled_visible_count INTEGER NOT NULL,
  unscheduled_visible_count INTEGER NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS ix_svtb_schedule_bin
  ON schedule_visibility_time_bins (schedule_id, bin_index);

-- minute_ranges: little-endian int32 pairs [start, end) in Unix minutes, merged per block.
CREATE TABLE IF NOT EXISTS schedule_block_visibility_ranges (
  schedule_id INTEGER NOT NULL,
  scheduling_block_id INTEGER NOT NULL,
  priority REAL NOT NULL,
  priority_bucket INTEGER NOT NULL,
  is_scheduled INTEGER NOT NULL,
  range_count INTEGER NOT NULL,
  minute_ranges BLOB NOT NULL,
  PRIMARY KEY (schedule_id, scheduling_block_id)
) WITHOUT ROWID;

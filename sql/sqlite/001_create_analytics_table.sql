-- Phase 1: one denormalized row per block (the plan's schedule_blocks_analytics).
-- The plan's PERSISTED computed columns are STORED generated columns here.
CREATE TABLE IF NOT EXISTS schedule_blocks_analytics (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL,
  scheduling_block_id INTEGER NOT NULL,
  target_ra_deg REAL NOT NULL,
  target_dec_deg REAL NOT NULL,
  priority REAL NOT NULL,
  priority_bucket INTEGER NOT NULL CHECK (priority_bucket BETWEEN 1 AND 4),
  requested_duration_sec INTEGER NOT NULL,
  min_observation_sec INTEGER NOT NULL,
  requested_hours REAL GENERATED ALWAYS AS (CAST(requested_duration_sec AS REAL) / 3600.0) STORED,
  elevation_range_deg REAL GENERATED ALWAYS AS (COALESCE(max_altitude_deg, 90.0) - COALESCE(min_altitude_deg, 0.0)) STORED,
  min_altitude_deg REAL NULL,
  max_altitude_deg REAL NULL,
  min_azimuth_deg REAL NULL,
  max_azimuth_deg REAL NULL,
  is_scheduled INTEGER NOT NULL DEFAULT 0,
  scheduled_start_mjd REAL NULL,
  scheduled_stop_mjd REAL NULL,
  scheduled_duration_sec REAL GENERATED ALWAYS AS (
    CASE WHEN is_scheduled = 1 THEN (scheduled_stop_mjd - scheduled_start_mjd) * 86400.0 END
  ) STORED,
  total_visibility_hours REAL NOT NULL DEFAULT 0.0,
  visibility_period_count INTEGER NOT NULL DEFAULT 0,
  -- Lenient mode only: the block's visibility JSON was bad and was left out.
  -- Such a block is not "impossible": we do not know its visibility.
  visibility_invalid INTEGER NOT NULL DEFAULT 0,
  is_impossible INTEGER GENERATED ALWAYS AS (
    CASE WHEN visibility_invalid = 0 AND total_visibility_hours = 0 THEN 1 ELSE 0 END
  ) STORED,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX IF NOT EXISTS ix_sba_schedule_block
  ON schedule_blocks_analytics (schedule_id, scheduling_block_id);

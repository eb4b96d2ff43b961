-- Phase 1: one denormalized row per block (the plan's schedule_blocks_analytics),
-- in schema analytics. Idempotent; GO-separated batches for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 001_create_analytics_table.sql
-- CREATE SCHEMA must be alone in its batch, hence EXEC.
IF SCHEMA_ID(N'analytics') IS NULL EXEC(N'CREATE SCHEMA analytics');
GO

-- The identity `id` of the plan stays the primary key, NONCLUSTERED: the
-- clustered index is (schedule_id, scheduling_block_id), so reading or
-- replacing one schedule's rows touches one contiguous range.
-- visibility_invalid: lenient mode only, the block's visibility JSON was bad
-- and was left out; such a block is not "impossible" (its visibility is unknown).
IF OBJECT_ID(N'analytics.schedule_blocks_analytics', N'U') IS NULL
CREATE TABLE analytics.schedule_blocks_analytics (
  id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedule_blocks_analytics PRIMARY KEY NONCLUSTERED,
  schedule_id BIGINT NOT NULL,
  scheduling_block_id BIGINT NOT NULL,
  target_ra_deg FLOAT NOT NULL,
  target_dec_deg FLOAT NOT NULL,
  priority FLOAT NOT NULL,
  priority_bucket TINYINT NOT NULL CONSTRAINT ck_sba_priority_bucket CHECK (priority_bucket BETWEEN 1 AND 4),
  requested_duration_sec INT NOT NULL,
  min_observation_sec INT NOT NULL,
  requested_hours AS (CAST(requested_duration_sec AS FLOAT) / 3600.0) PERSISTED,
  elevation_range_deg AS (COALESCE(max_altitude_deg, 90.0) - COALESCE(min_altitude_deg, 0.0)) PERSISTED,
  min_altitude_deg FLOAT NULL,
  max_altitude_deg FLOAT NULL,
  min_azimuth_deg FLOAT NULL,
  max_azimuth_deg FLOAT NULL,
  is_scheduled BIT NOT NULL CONSTRAINT df_sba_is_scheduled DEFAULT 0,
  scheduled_start_mjd FLOAT NULL,
  scheduled_stop_mjd FLOAT NULL,
  scheduled_duration_sec AS (CASE WHEN is_scheduled = 1 THEN (scheduled_stop_mjd - scheduled_start_mjd) * 86400.0 END) PERSISTED,
  total_visibility_hours FLOAT NOT NULL CONSTRAINT df_sba_total_visibility_hours DEFAULT 0.0,
  visibility_period_count INT NOT NULL CONSTRAINT df_sba_visibility_period_count DEFAULT 0,
  visibility_invalid BIT NOT NULL CONSTRAINT df_sba_visibility_invalid DEFAULT 0,
  is_impossible AS (CASE WHEN visibility_invalid = 0 AND total_visibility_hours = 0 THEN 1 ELSE 0 END) PERSISTED,
  created_at DATETIME2 NOT NULL CONSTRAINT df_sba_created_at DEFAULT SYSUTCDATETIME(),
  CONSTRAINT uq_sba_schedule_block UNIQUE CLUSTERED (schedule_id, scheduling_block_id)
);
GO

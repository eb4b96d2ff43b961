-- Phase 3: per-bin visibility counts, their metadata, and each block's merged
-- visibility in minutes (what makes the histogram exact at any bin width), in
-- schema analytics (created by 001). Idempotent; for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 003_create_visibility_time_bins.sql
IF OBJECT_ID(N'analytics.schedule_visibility_time_metadata', N'U') IS NULL
CREATE TABLE analytics.schedule_visibility_time_metadata (
  id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedule_visibility_time_metadata PRIMARY KEY NONCLUSTERED,
  schedule_id BIGINT NOT NULL,
  time_range_start_unix BIGINT NOT NULL,
  time_range_end_unix BIGINT NOT NULL,
  bin_duration_seconds INT NOT NULL,
  total_bins INT NOT NULL,
  total_blocks INT NOT NULL,
  blocks_with_visibility INT NOT NULL,
  priority_min FLOAT NULL,
  priority_max FLOAT NULL,
  max_visible_in_bin INT NOT NULL,
  mean_visible_per_bin FLOAT NULL,
  created_at DATETIME2 NOT NULL CONSTRAINT df_svtm_created_at DEFAULT SYSUTCDATETIME(),
  CONSTRAINT uq_svtm_schedule UNIQUE CLUSTERED (schedule_id)
);
GO

IF OBJECT_ID(N'analytics.schedule_visibility_time_bins', N'U') IS NULL
CREATE TABLE analytics.schedule_visibility_time_bins (
  id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedule_visibility_time_bins PRIMARY KEY NONCLUSTERED,
  schedule_id BIGINT NOT NULL,
  bin_start_unix BIGINT NOT NULL,
  bin_end_unix BIGINT NOT NULL,
  bin_index INT NOT NULL,
  total_visible_count INT NOT NULL,
  priority_q1_count INT NOT NULL,
  priority_q2_count INT NOT NULL,
  priority_q3_count INT NOT NULL,
  priority_q4_count INT NOT NULL,
  scheduled_visible_count INT NOT NULL,
  unscheduled_visible_count INT NOT NULL,
  CONSTRAINT uq_svtb_schedule_bin UNIQUE CLUSTERED (schedule_id, bin_index)
);
GO

-- minute_ranges: little-endian int32 pairs [start, end) in Unix minutes, merged per block.
IF OBJECT_ID(N'analytics.schedule_block_visibility_ranges', N'U') IS NULL
CREATE TABLE analytics.schedule_block_visibility_ranges (
  schedule_id BIGINT NOT NULL,
  scheduling_block_id BIGINT NOT NULL,
  priority FLOAT NOT NULL,
  priority_bucket TINYINT NOT NULL,
  is_scheduled BIT NOT NULL,
  range_count INT NOT NULL,
  minute_ranges VARBINARY(MAX) NOT NULL,
  CONSTRAINT pk_schedule_block_visibility_ranges PRIMARY KEY CLUSTERED (schedule_id, scheduling_block_id)
);
GO

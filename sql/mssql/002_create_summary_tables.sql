-- Phase 2: per-schedule summary, per-priority rates, visibility histogram,
-- heatmap, in schema analytics (created by 001). Idempotent; for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 002_create_summary_tables.sql
-- As in 001, `id` is a NONCLUSTERED primary key and each table is clustered
-- on schedule_id first, so one schedule's rows are one range.
IF OBJECT_ID(N'analytics.schedule_summary_analytics', N'U') IS NULL
CREATE TABLE analytics.schedule_summary_analytics (
  id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedule_summary_analytics PRIMARY KEY NONCLUSTERED,
  schedule_id BIGINT NOT NULL,
  total_blocks INT NOT NULL,
  scheduled_blocks INT NOT NULL,
  unscheduled_blocks INT NOT NULL,
  impossible_blocks INT NOT NULL,
  invalid_visibility_blocks INT NOT NULL CONSTRAINT df_ssa_invalid_visibility_blocks DEFAULT 0,
  scheduling_rate FLOAT NOT NULL,
  priority_min FLOAT NULL,
  priority_max FLOAT NULL,
  priority_mean FLOAT NULL,
  priority_median FLOAT NULL,
  priority_scheduled_mean FLOAT NULL,
  priority_unscheduled_mean FLOAT NULL,
  visibility_total_hours FLOAT NOT NULL,
  visibility_mean_hours FLOAT NULL,
  visibility_min_hours FLOAT NULL,
  visibility_max_hours FLOAT NULL,
  requested_total_hours FLOAT NOT NULL,
  requested_mean_hours FLOAT NULL,
  scheduled_total_hours FLOAT NOT NULL,
  corr_priority_visibility FLOAT NULL,
  corr_priority_requested FLOAT NULL,
  corr_visibility_requested FLOAT NULL,
  -- BIGINT, not the plan's INT: a million blocks can overlap in more than 2^31 pairs.
  conflict_count BIGINT NOT NULL CONSTRAINT df_ssa_conflict_count DEFAULT 0,
  n_bins INT NOT NULL CONSTRAINT df_ssa_n_bins DEFAULT 10,
  created_at DATETIME2 NOT NULL CONSTRAINT df_ssa_created_at DEFAULT SYSUTCDATETIME(),
  CONSTRAINT uq_ssa_schedule UNIQUE CLUSTERED (schedule_id)
);
GO

IF OBJECT_ID(N'analytics.schedule_priority_rates', N'U') IS NULL
CREATE TABLE analytics.schedule_priority_rates (
  id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedule_priority_rates PRIMARY KEY NONCLUSTERED,
  schedule_id BIGINT NOT NULL,
  priority_value INT NOT NULL,
  total_count INT NOT NULL,
  scheduled_count INT NOT NULL,
  scheduling_rate FLOAT NOT NULL,
  visibility_mean_hours FLOAT NULL,
  requested_mean_hours FLOAT NULL,
  created_at DATETIME2 NOT NULL CONSTRAINT df_spr_created_at DEFAULT SYSUTCDATETIME(),
  CONSTRAINT uq_spr_schedule_priority UNIQUE CLUSTERED (schedule_id, priority_value)
);
GO

IF OBJECT_ID(N'analytics.schedule_visibility_bins', N'U') IS NULL
CREATE TABLE analytics.schedule_visibility_bins (
  id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedule_visibility_bins PRIMARY KEY NONCLUSTERED,
  schedule_id BIGINT NOT NULL,
  bin_index INT NOT NULL,
  bin_min_hours FLOAT NOT NULL,
  bin_max_hours FLOAT NOT NULL,
  bin_mid_hours FLOAT NOT NULL,
  total_count INT NOT NULL,
  scheduled_count INT NOT NULL,
  scheduling_rate FLOAT NOT NULL,
  created_at DATETIME2 NOT NULL CONSTRAINT df_svb_created_at DEFAULT SYSUTCDATETIME(),
  CONSTRAINT uq_svb_schedule_bin UNIQUE CLUSTERED (schedule_id, bin_index)
);
GO

IF OBJECT_ID(N'analytics.schedule_heatmap_bins', N'U') IS NULL
CREATE TABLE analytics.schedule_heatmap_bins (
  id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedule_heatmap_bins PRIMARY KEY NONCLUSTERED,
  schedule_id BIGINT NOT NULL,
  visibility_bin_index INT NOT NULL,
  time_bin_index INT NOT NULL,
  visibility_mid_hours FLOAT NOT NULL,
  time_mid_hours FLOAT NOT NULL,
  total_count INT NOT NULL,
  scheduled_count INT NOT NULL,
  scheduling_rate FLOAT NOT NULL,
  created_at DATETIME2 NOT NULL CONSTRAINT df_shb_created_at DEFAULT SYSUTCDATETIME(),
  CONSTRAINT uq_shb_schedule_cell UNIQUE CLUSTERED (schedule_id, visibility_bin_index, time_bin_index)
);
GO

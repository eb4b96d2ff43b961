-- Phase 4: block keys, gap figures, the Timeline index and the Compare cache.
-- Idempotent (every object is created only when missing); for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 005_phase4_keys_gaps_timeline_compare.sql

-- The block's id in the scheduler's input; its key is trim(original_block_id)
-- when non-empty, else the decimal scheduling_block_id.
IF COL_LENGTH(N'dbo.scheduling_blocks', N'original_block_id') IS NULL
  ALTER TABLE dbo.scheduling_blocks ADD original_block_id NVARCHAR(256) NULL;
GO

-- Gaps between the intervals of the union of scheduled windows (NULL in rows
-- written before this migration, until the schedule is populated again).
IF COL_LENGTH(N'analytics.schedule_summary_analytics', N'scheduled_union_hours') IS NULL
  ALTER TABLE analytics.schedule_summary_analytics ADD scheduled_union_hours FLOAT NULL;
IF COL_LENGTH(N'analytics.schedule_summary_analytics', N'gap_count') IS NULL
  ALTER TABLE analytics.schedule_summary_analytics ADD gap_count INT NULL;
IF COL_LENGTH(N'analytics.schedule_summary_analytics', N'gap_total_hours') IS NULL
  ALTER TABLE analytics.schedule_summary_analytics ADD gap_total_hours FLOAT NULL;
IF COL_LENGTH(N'analytics.schedule_summary_analytics', N'gap_mean_hours') IS NULL
  ALTER TABLE analytics.schedule_summary_analytics ADD gap_mean_hours FLOAT NULL;
IF COL_LENGTH(N'analytics.schedule_summary_analytics', N'gap_median_hours') IS NULL
  ALTER TABLE analytics.schedule_summary_analytics ADD gap_median_hours FLOAT NULL;
IF COL_LENGTH(N'analytics.schedule_summary_analytics', N'gap_p90_hours') IS NULL
  ALTER TABLE analytics.schedule_summary_analytics ADD gap_p90_hours FLOAT NULL;
IF COL_LENGTH(N'analytics.schedule_summary_analytics', N'gap_max_hours') IS NULL
  ALTER TABLE analytics.schedule_summary_analytics ADD gap_max_hours FLOAT NULL;
GO

-- Timeline: a schedule's scheduled blocks in start order, from the index.
-- (Babelfish before 2025 lists an index under its internal name, the given
-- name followed by the table's and a hash: hence the prefix match.)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE (name = N'ix_sba_timeline' OR name LIKE N'ix[_]sba[_]timeline%') AND object_id = OBJECT_ID(N'analytics.schedule_blocks_analytics'))
  CREATE NONCLUSTERED INDEX ix_sba_timeline
    ON analytics.schedule_blocks_analytics (schedule_id, is_scheduled, scheduled_start_mjd);
GO

-- Compare cache: one row per ordered pair (A, B), valid while both schedules'
-- analytics runs are the ones it was computed from.
IF OBJECT_ID(N'analytics.schedule_comparisons', N'U') IS NULL
CREATE TABLE analytics.schedule_comparisons (
  schedule_a_id BIGINT NOT NULL,
  schedule_b_id BIGINT NOT NULL,
  a_source_fingerprint NVARCHAR(64) NOT NULL,
  b_source_fingerprint NVARCHAR(64) NOT NULL,
  a_run_completed_at DATETIME2 NOT NULL,
  b_run_completed_at DATETIME2 NOT NULL,
  a_blocks INT NOT NULL,
  a_scheduled_count INT NOT NULL,
  a_scheduled_priority_sum FLOAT NOT NULL,
  a_priority_capture FLOAT NULL,
  a_scheduled_priority_mean FLOAT NULL,
  a_scheduled_priority_median FLOAT NULL,
  a_scheduled_hours FLOAT NOT NULL,
  a_scheduled_union_hours FLOAT NOT NULL,
  a_gap_count INT NOT NULL,
  a_gap_total_hours FLOAT NULL,
  a_gap_mean_hours FLOAT NULL,
  a_gap_median_hours FLOAT NULL,
  a_gap_p90_hours FLOAT NULL,
  a_gap_max_hours FLOAT NULL,
  b_blocks INT NOT NULL,
  b_scheduled_count INT NOT NULL,
  b_scheduled_priority_sum FLOAT NOT NULL,
  b_priority_capture FLOAT NULL,
  b_scheduled_priority_mean FLOAT NULL,
  b_scheduled_priority_median FLOAT NULL,
  b_scheduled_hours FLOAT NOT NULL,
  b_scheduled_union_hours FLOAT NOT NULL,
  b_gap_count INT NOT NULL,
  b_gap_total_hours FLOAT NULL,
  b_gap_mean_hours FLOAT NULL,
  b_gap_median_hours FLOAT NULL,
  b_gap_p90_hours FLOAT NULL,
  b_gap_max_hours FLOAT NULL,
  count_only_a INT NOT NULL,
  count_only_b INT NOT NULL,
  count_newly_scheduled INT NOT NULL,
  count_newly_unscheduled INT NOT NULL,
  count_unscheduled_both INT NOT NULL,
  count_retimed INT NOT NULL,
  count_unchanged INT NOT NULL,
  match_ratio FLOAT NULL,
  median_shift_seconds FLOAT NULL,
  mad_shift_seconds FLOAT NULL,
  order_preservation FLOAT NULL,
  coverage_final_a FLOAT NOT NULL,
  coverage_final_b FLOAT NOT NULL,
  coverage_lead_top10 FLOAT NOT NULL,
  computed_at DATETIME2 NOT NULL CONSTRAINT df_sc_computed_at DEFAULT SYSUTCDATETIME(),
  CONSTRAINT pk_schedule_comparisons PRIMARY KEY CLUSTERED (schedule_a_id, schedule_b_id)
);
GO

-- Deleting a schedule's analytics deletes the pairs it is the B side of too.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE (name = N'ix_sc_schedule_b' OR name LIKE N'ix[_]sc[_]schedule[_]b%') AND object_id = OBJECT_ID(N'analytics.schedule_comparisons'))
  CREATE NONCLUSTERED INDEX ix_sc_schedule_b ON analytics.schedule_comparisons (schedule_b_id);
GO

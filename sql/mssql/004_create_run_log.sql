-- One row per schedule whose analytics exist: what produced them, and the
-- source fingerprint that `backfill --changed` compares against. Schema
-- analytics (created by 001). Idempotent; for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 004_create_run_log.sql
IF OBJECT_ID(N'analytics.schedule_analytics_runs', N'U') IS NULL
CREATE TABLE analytics.schedule_analytics_runs (
  schedule_id BIGINT NOT NULL CONSTRAINT pk_schedule_analytics_runs PRIMARY KEY,
  phases NVARCHAR(MAX) NOT NULL,
  source_fingerprint NVARCHAR(MAX) NOT NULL,
  n_bins INT NOT NULL,
  bin_duration_seconds INT NOT NULL,
  block_count INT NOT NULL,
  invalid_block_count INT NOT NULL,
  invalid_block_ids NVARCHAR(MAX) NULL,
  duration_ms FLOAT NOT NULL,
  completed_at DATETIME2 NOT NULL CONSTRAINT df_sar_completed_at DEFAULT SYSUTCDATETIME()
);
GO

-- Kept for parity with the embedded store, where a row is a backfill worker's
-- claim. On SQL Server a claim is an application lock (sp_getapplock on
-- 'tsi-etl:claim:<schedule_id>'), which the server drops with its session, so
-- a crashed worker can never leave a schedule claimed; this table stays empty.
IF OBJECT_ID(N'analytics.schedule_etl_locks', N'U') IS NULL
CREATE TABLE analytics.schedule_etl_locks (
  schedule_id BIGINT NOT NULL CONSTRAINT pk_schedule_etl_locks PRIMARY KEY,
  owner NVARCHAR(200) NOT NULL,
  acquired_at DATETIME2 NOT NULL CONSTRAINT df_sel_acquired_at DEFAULT SYSUTCDATETIME()
);
GO

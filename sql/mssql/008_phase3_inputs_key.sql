-- Phase 3 kept whole when its inputs are unchanged: the key of what a
-- run's Phase 3 rows were computed from. (The embedded store fills it; a
-- SQL Server populate leaves it NULL and keeps the minute bins by the
-- digest of their output, phase3_digest, instead.)
-- Idempotent; for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 008_phase3_inputs_key.sql

IF COL_LENGTH(N'analytics.schedule_analytics_runs', N'phase3_inputs_key') IS NULL
  ALTER TABLE analytics.schedule_analytics_runs ADD phase3_inputs_key VARBINARY(32) NULL;
GO

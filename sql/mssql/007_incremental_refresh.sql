-- Incremental refresh: the digest of a run's Phase 3 output. (On SQL Server
-- the visibility facts need nothing new: each is keyed by the HASHBYTES
-- digest and DATALENGTH of its JSON, compared by the source query; the
-- embedded store uses triggers instead.)
-- Idempotent; for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 007_incremental_refresh.sql

-- SHA-256 of the run's Phase 3 minute-bin output (the metadata row and every
-- time-bin row); NULL when the run has no Phase 3 or predates this column.
-- A populate whose new output has the same digest leaves those rows in place.
IF COL_LENGTH(N'analytics.schedule_analytics_runs', N'phase3_digest') IS NULL
  ALTER TABLE analytics.schedule_analytics_runs ADD phase3_digest VARBINARY(32) NULL;
GO

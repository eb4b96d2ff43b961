-- Per-block visibility facts, kept so a populate parses each block's JSON
-- once: what the pipeline takes from a block's visibility_periods_json,
-- stored with HASHBYTES('SHA2_256', …) and DATALENGTH of the exact text they
-- were computed from. A fact is served only while both still match the
-- block's current JSON; bad JSON never gets a fact (it is parsed again).
-- Idempotent (every object is created only when missing); for sqlcmd:
--   sqlcmd -S host,1433 -d database -U user -i 006_block_visibility_facts.sql

IF OBJECT_ID(N'analytics.block_visibility_facts', N'U') IS NULL
CREATE TABLE analytics.block_visibility_facts (
  scheduling_block_id BIGINT NOT NULL PRIMARY KEY,
  json_digest BINARY(32) NOT NULL,
  json_length BIGINT NOT NULL,
  period_count INT NOT NULL,
  union_hours FLOAT NOT NULL,
  range_count INT NOT NULL,
  minute_ranges VARBINARY(MAX) NOT NULL
);
GO

-- Cleanup asks which schedules still link a block. (The prefix match: see 005.)
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE (name = N'ix_ssb_block' OR name LIKE N'ix[_]ssb[_]block%') AND object_id = OBJECT_ID(N'dbo.schedule_scheduling_blocks'))
  CREATE NONCLUSTERED INDEX ix_ssb_block ON dbo.schedule_scheduling_blocks (scheduling_block_id);
GO

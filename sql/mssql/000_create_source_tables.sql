-- The normalized operational tables (SEMANTICS "Source") in schema dbo.
-- Idempotent: each object is created only when it is missing, so the file can
-- be run again. `tsi-etl migrate` runs it batch by batch, split on GO lines as
-- sqlcmd does; a DBA can run it directly:
--   sqlcmd -S host,1433 -d database -U user -i 000_create_source_tables.sql
-- Text columns that bulk copy loads are NVARCHAR(MAX): the loader declares
-- them as MAX, and a bulk load must declare the column as the table has it.
IF OBJECT_ID(N'dbo.schedules', N'U') IS NULL
CREATE TABLE dbo.schedules (
  schedule_id BIGINT IDENTITY(1,1) NOT NULL CONSTRAINT pk_schedules PRIMARY KEY,
  schedule_name NVARCHAR(400) NOT NULL,
  upload_timestamp DATETIME2 NOT NULL CONSTRAINT df_schedules_upload_timestamp DEFAULT SYSUTCDATETIME(),
  checksum NVARCHAR(256) NOT NULL CONSTRAINT uq_schedules_checksum UNIQUE,
  dark_periods_json NVARCHAR(MAX) NULL
);
GO

IF OBJECT_ID(N'dbo.targets', N'U') IS NULL
CREATE TABLE dbo.targets (
  target_id BIGINT NOT NULL CONSTRAINT pk_targets PRIMARY KEY,
  name NVARCHAR(MAX) NOT NULL,
  ra_deg FLOAT NOT NULL,
  dec_deg FLOAT NOT NULL,
  ra_pm_masyr FLOAT NOT NULL CONSTRAINT df_targets_ra_pm DEFAULT 0,
  dec_pm_masyr FLOAT NOT NULL CONSTRAINT df_targets_dec_pm DEFAULT 0,
  equinox FLOAT NOT NULL CONSTRAINT df_targets_equinox DEFAULT 2000
);
GO

IF OBJECT_ID(N'dbo.altitude_constraints', N'U') IS NULL
CREATE TABLE dbo.altitude_constraints (
  altitude_constraints_id BIGINT NOT NULL CONSTRAINT pk_altitude_constraints PRIMARY KEY,
  min_alt_deg FLOAT NULL,
  max_alt_deg FLOAT NULL
);
GO

IF OBJECT_ID(N'dbo.azimuth_constraints', N'U') IS NULL
CREATE TABLE dbo.azimuth_constraints (
  azimuth_constraints_id BIGINT NOT NULL CONSTRAINT pk_azimuth_constraints PRIMARY KEY,
  min_az_deg FLOAT NULL,
  max_az_deg FLOAT NULL
);
GO

IF OBJECT_ID(N'dbo.constraints', N'U') IS NULL
CREATE TABLE dbo.constraints (
  constraints_id BIGINT NOT NULL CONSTRAINT pk_constraints PRIMARY KEY,
  start_time_mjd FLOAT NULL,
  stop_time_mjd FLOAT NULL,
  altitude_constraints_id BIGINT NULL CONSTRAINT fk_constraints_altitude REFERENCES dbo.altitude_constraints (altitude_constraints_id),
  azimuth_constraints_id BIGINT NULL CONSTRAINT fk_constraints_azimuth REFERENCES dbo.azimuth_constraints (azimuth_constraints_id)
);
GO

IF OBJECT_ID(N'dbo.scheduling_blocks', N'U') IS NULL
CREATE TABLE dbo.scheduling_blocks (
  scheduling_block_id BIGINT NOT NULL CONSTRAINT pk_scheduling_blocks PRIMARY KEY,
  target_id BIGINT NOT NULL CONSTRAINT fk_scheduling_blocks_target REFERENCES dbo.targets (target_id),
  constraints_id BIGINT NULL CONSTRAINT fk_scheduling_blocks_constraints REFERENCES dbo.constraints (constraints_id),
  priority FLOAT NOT NULL,
  min_observation_sec INT NOT NULL,
  requested_duration_sec INT NOT NULL,
  visibility_periods_json NVARCHAR(MAX) NULL
);
GO

-- Clustered on (schedule_id, scheduling_block_id): a schedule's blocks are one
-- range, read in block-id order by the ETL's source query.
IF OBJECT_ID(N'dbo.schedule_scheduling_blocks', N'U') IS NULL
CREATE TABLE dbo.schedule_scheduling_blocks (
  schedule_id BIGINT NOT NULL CONSTRAINT fk_ssb_schedule REFERENCES dbo.schedules (schedule_id),
  scheduling_block_id BIGINT NOT NULL CONSTRAINT fk_ssb_block REFERENCES dbo.scheduling_blocks (scheduling_block_id),
  start_time_mjd FLOAT NULL,
  stop_time_mjd FLOAT NULL,
  CONSTRAINT pk_schedule_scheduling_blocks PRIMARY KEY CLUSTERED (schedule_id, scheduling_block_id)
);
GO

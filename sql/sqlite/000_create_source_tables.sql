-- The normalized operational tables (SEMANTICS "Source"), as in SQL Server's dbo schema.
CREATE TABLE IF NOT EXISTS schedules (
  schedule_id INTEGER PRIMARY KEY,
  schedule_name TEXT NOT NULL,
  upload_timestamp TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  checksum TEXT NOT NULL UNIQUE,
  dark_periods_json TEXT NULL
);

CREATE TABLE IF NOT EXISTS targets (
  target_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  ra_deg REAL NOT NULL,
  dec_deg REAL NOT NULL,
  ra_pm_masyr REAL NOT NULL DEFAULT 0,
  dec_pm_masyr REAL NOT NULL DEFAULT 0,
  equinox REAL NOT NULL DEFAULT 2000
);

CREATE TABLE IF NOT EXISTS altitude_constraints (
  altitude_constraints_id INTEGER PRIMARY KEY,
  min_alt_deg REAL NULL,
  max_alt_deg REAL NULL
);

CREATE TABLE IF NOT EXISTS azimuth_constraints (
  azimuth_constraints_id INTEGER PRIMARY KEY,
  min_az_deg REAL NULL,
  max_az_deg REAL NULL
);

CREATE TABLE IF NOT EXISTS constraints (
  constraints_id INTEGER PRIMARY KEY,
  start_time_mjd REAL NULL,
  stop_time_mjd REAL NULL,
  altitude_constraints_id INTEGER NULL REFERENCES altitude_constraints (altitude_constraints_id),
  azimuth_constraints_id INTEGER NULL REFERENCES azimuth_constraints (azimuth_constraints_id)
);

CREATE TABLE IF NOT EXISTS scheduling_blocks (
  scheduling_block_id INTEGER PRIMARY KEY,
  target_id INTEGER NOT NULL REFERENCES targets (target_id),
  constraints_id INTEGER NULL REFERENCES constraints (constraints_id),
  priority REAL NOT NULL,
  min_observation_sec INTEGER NOT NULL,
  requested_duration_sec INTEGER NOT NULL,
  visibility_periods_json TEXT NULL
);

CREATE TABLE IF NOT EXISTS schedule_scheduling_blocks (
  schedule_id INTEGER NOT NULL REFERENCES schedules (schedule_id),
  scheduling_block_id INTEGER NOT NULL REFERENCES scheduling_blocks (scheduling_block_id),
  start_time_mjd REAL NULL,
  stop_time_mjd REAL NULL,
  PRIMARY KEY (schedule_id, scheduling_block_id)
) WITHOUT ROWID;

-- One row per schedule whose analytics exist: what produced them, and the
-- source fingerprint that `backfill --changed` compares against.
CREATE TABLE IF NOT EXISTS schedule_analytics_runs (
  schedule_id INTEGER PRIMARY KEY,
  phases TEXT NOT NULL,
  source_fingerprint TEXT NOT NULL,
  n_bins INTEGER NOT NULL,
  bin_duration_seconds INTEGER NOT NULL,
  block_count INTEGER NOT NULL,
  invalid_block_count INTEGER NOT NULL,
  invalid_block_ids TEXT NULL,
  duration_ms REAL NOT NULL,
  completed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Cross-process "lock with no wait" for backfill workers: a row is a claim.
CREATE TABLE IF NOT EXISTS schedule_etl_locks (
  schedule_id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  acquired_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

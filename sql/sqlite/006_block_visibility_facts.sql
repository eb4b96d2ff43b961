-- Per-block visibility facts, kept so a populate parses each block's JSON
-- once: what the pipeline takes from a block's visibility_periods_json,
-- stored with the SHA-256 digest and byte length of the exact text they were
-- computed from. A fact is served only while both still match the block's
-- current JSON; bad JSON never gets a fact (it is parsed again every time).
-- Since migration 007, SQLite keeps facts current with triggers instead:
-- json_digest is then a zero-length blob and only the length is compared.
-- Idempotent: every object is created only when missing.
CREATE TABLE IF NOT EXISTS block_visibility_facts (
  scheduling_block_id INTEGER PRIMARY KEY,
  json_digest BLOB NOT NULL,
  json_length INTEGER NOT NULL,
  period_count INTEGER NOT NULL,
  union_hours REAL NOT NULL,
  range_count INTEGER NOT NULL,
  minute_ranges BLOB NOT NULL
);

-- Cleanup asks which schedules still link a block.
CREATE INDEX IF NOT EXISTS ix_ssb_block ON schedule_scheduling_blocks (scheduling_block_id);

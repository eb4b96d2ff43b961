-- Every column of scheduling_blocks but its visibility JSON, and that
-- JSON's byte length, in one narrow index.
--
-- A block's row is mostly JSON (~9 KB on W10k), so every pass that reads only
-- its small columns touches one table page per block: the source aggregates,
-- the Phase 3 inputs key and, for blocks whose stored facts are reused, the
-- source rows themselves. The planner still seeks the table by rowid, so
-- those queries name this index (`INDEXED BY`, sql/sqlite/source-columns-index.ts).
-- On W10k a windows-only repopulate took 0.15–0.17 s with it against
-- 0.18–0.20 s without; a full populate, which reads every JSON, is unchanged.
-- The length is written length(CAST(… AS BLOB)), not octet_length(…): an
-- index expression is evaluated by every connection that writes the table,
-- and octet_length needs SQLite 3.43 (Debian 12's sqlite3 is 3.40; with
-- octet_length here it could not insert into scheduling_blocks, nor run
-- PRAGMA integrity_check). The cast of the text being written is cheap.
-- Idempotent.

CREATE INDEX IF NOT EXISTS ix_sb_source_columns ON scheduling_blocks (
  scheduling_block_id, target_id, constraints_id, priority, min_observation_sec, requested_duration_sec,
  length(CAST(visibility_periods_json AS BLOB))
);

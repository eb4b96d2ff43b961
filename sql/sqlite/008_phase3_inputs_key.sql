-- Phase 3 kept whole when its inputs are unchanged.
--
-- A run record stores the key of what its Phase 3 rows were computed from:
-- a SHA-256 over the count of visibility JSON changes (the triggers of
-- migration 007 keep it), the time-bin width, and every block's id,
-- priority and scheduled flag in block order. A populate whose source has
-- the same key leaves every Phase 3 row in place and reads no minute
-- ranges: nothing they depend on changed. NULL when the run had no Phase 3,
-- ran without reuse, or predates this column.
-- Idempotent.

ALTER TABLE schedule_analytics_runs ADD COLUMN phase3_inputs_key BLOB NULL;

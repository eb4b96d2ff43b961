-- Phase 4: block keys, gap figures, the Timeline index and the Compare cache.
-- SQLite has no ADD COLUMN IF NOT EXISTS: the migrator treats "duplicate
-- column name" from an ADD COLUMN as already applied, so this file is safe
-- to run again.

-- The block's id in the scheduler's input; its key is trim(original_block_id)
-- when non-empty, else the decimal scheduling_block_id.
ALTER TABLE scheduling_blocks ADD COLUMN original_block_id TEXT NULL CHECK (length(original_block_id) <= 256);

-- Gaps between the intervals of the union of scheduled windows (NULL in rows
-- written before this migration, until the schedule is populated again).
ALTER TABLE schedule_summary_analytics ADD COLUMN scheduled_union_hours REAL NULL;
ALTER TABLE schedule_summary_analytics ADD COLUMN gap_count INTEGER NULL;
ALTER TABLE schedule_summary_analytics ADD COLUMN gap_total_hours REAL NULL;
ALTER TABLE schedule_summary_analytics ADD COLUMN gap_mean_hours REAL NULL;
ALTER TABLE schedule_summary_analytics ADD COLUMN gap_median_hours REAL NULL;
ALTER TABLE schedule_summary_analytics ADD COLUMN gap_p90_hours REAL NULL;
ALTER TABLE schedule_summary_analytics ADD COLUMN gap_max_hours REAL NULL;

-- Timeline: a schedule's scheduled blocks in start order, from the index.
CREATE INDEX IF NOT EXISTS ix_sba_timeline
  ON schedule_blocks_analytics (schedule_id, is_scheduled, scheduled_start_mjd);

-- Compare cache: one row per ordered pair (A, B), valid while both schedules'
-- analytics runs are the ones it was computed from.
CREATE TABLE IF NOT EXISTS schedule_comparisons (
  schedule_a_id INTEGER NOT NULL,
  schedule_b_id INTEGER NOT NULL,
  a_source_fingerprint TEXT NOT NULL,
  b_source_fingerprint TEXT NOT NULL,
  a_run_completed_at TEXT NOT NULL,
  b_run_completed_at TEXT NOT NULL,
  a_blocks INTEGER NOT NULL,
  a_scheduled_count INTEGER NOT NULL,
  a_scheduled_priority_sum REAL NOT NULL,
  a_priority_capture REAL NULL,
  a_scheduled_priority_mean REAL NULL,
  a_scheduled_priority_median REAL NULL,
  a_scheduled_hours REAL NOT NULL,
  a_scheduled_union_hours REAL NOT NULL,
  a_gap_count INTEGER NOT NULL,
  a_gap_total_hours REAL NULL,
  a_gap_mean_hours REAL NULL,
  a_gap_median_hours REAL NULL,
  a_gap_p90_hours REAL NULL,
  a_gap_max_hours REAL NULL,
  b_blocks INTEGER NOT NULL,
  b_scheduled_count INTEGER NOT NULL,
  b_scheduled_priority_sum REAL NOT NULL,
  b_priority_capture REAL NULL,
  b_scheduled_priority_mean REAL NULL,
  b_scheduled_priority_median REAL NULL,
  b_scheduled_hours REAL NOT NULL,
  b_scheduled_union_hours REAL NOT NULL,
  b_gap_count INTEGER NOT NULL,
  b_gap_total_hours REAL NULL,
  b_gap_mean_hours REAL NULL,
  b_gap_median_hours REAL NULL,
  b_gap_p90_hours REAL NULL,
  b_gap_max_hours REAL NULL,
  count_only_a INTEGER NOT NULL,
  count_only_b INTEGER NOT NULL,
  count_newly_scheduled INTEGER NOT NULL,
  count_newly_unscheduled INTEGER NOT NULL,
  count_unscheduled_both INTEGER NOT NULL,
  count_retimed INTEGER NOT NULL,
  count_unchanged INTEGER NOT NULL,
  match_ratio REAL NULL,
  median_shift_seconds REAL NULL,
  mad_shift_seconds REAL NULL,
  order_preservation REAL NULL,
  coverage_final_a REAL NOT NULL,
  coverage_final_b REAL NOT NULL,
  coverage_lead_top10 REAL NOT NULL,
  computed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (schedule_a_id, schedule_b_id)
);
-- Deleting a schedule's analytics deletes the pairs it is the B side of too.
CREATE INDEX IF NOT EXISTS ix_sc_schedule_b ON schedule_comparisons (schedule_b_id);

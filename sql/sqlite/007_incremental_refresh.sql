-- Incremental refresh: visibility facts kept current by triggers, and the
-- digest of a run's Phase 3 output.
--
-- On SQLite a stored fact belongs to its block's current JSON by
-- construction: every statement that changes a block's visibility JSON, its
-- id, or removes the block deletes the block's facts in the same statement
-- (so in the same transaction). A populate then reuses a block's facts
-- without reading its JSON at all (the source joins on block id and byte
-- length only), and `json_digest` holds a zero-length blob on SQLite.
-- Each such change also bumps block_visibility_json_changes, which a populate
-- that computes before taking the write lock reads twice: it stores no new
-- facts when a change committed in between (they could be of the old JSON).
-- Re-running this file (migrate does when a trigger is missing) deletes
-- every fact: facts stored while no trigger watched cannot be trusted. They
-- are a cache; the next populate parses again.
-- Idempotent. A trigger body ends with END; (the migrator keeps it whole).

CREATE TABLE IF NOT EXISTS block_visibility_json_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  change_count INTEGER NOT NULL
);
INSERT OR IGNORE INTO block_visibility_json_changes (id, change_count) VALUES (1, 0);

CREATE TRIGGER IF NOT EXISTS trg_sb_json_update_drops_facts
AFTER UPDATE OF visibility_periods_json, scheduling_block_id ON scheduling_blocks
BEGIN
  DELETE FROM block_visibility_facts WHERE scheduling_block_id IN (OLD.scheduling_block_id, NEW.scheduling_block_id);
  INSERT INTO block_visibility_json_changes (id, change_count) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET change_count = change_count + 1;
END;

CREATE TRIGGER IF NOT EXISTS trg_sb_delete_drops_facts
AFTER DELETE ON scheduling_blocks
BEGIN
  DELETE FROM block_visibility_facts WHERE scheduling_block_id = OLD.scheduling_block_id;
  INSERT INTO block_visibility_json_changes (id, change_count) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET change_count = change_count + 1;
END;

-- INSERT OR REPLACE of an existing block removes the old row without firing
-- the delete trigger (unless recursive_triggers is on): caught before the
-- insert, while the old row is still there. A plain insert of a new block
-- costs one primary-key lookup.
CREATE TRIGGER IF NOT EXISTS trg_sb_replace_drops_facts
BEFORE INSERT ON scheduling_blocks
WHEN EXISTS (SELECT 1 FROM scheduling_blocks WHERE scheduling_block_id = NEW.scheduling_block_id)
BEGIN
  DELETE FROM block_visibility_facts WHERE scheduling_block_id = NEW.scheduling_block_id;
  INSERT INTO block_visibility_json_changes (id, change_count) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET change_count = change_count + 1;
END;

DELETE FROM block_visibility_facts;
-- For the same reason a re-run counts as a change: a run record's key of
-- Phase 3 inputs (migration 008) includes this count, and JSON edits made
-- while no trigger counted them must not leave it equal.
UPDATE block_visibility_json_changes SET change_count = change_count + 1;

-- SHA-256 of the run's Phase 3 minute-bin output (the metadata row and every
-- time-bin row); NULL when the run has no Phase 3 or predates this column.
-- A populate whose new output has the same digest leaves those rows in place.
ALTER TABLE schedule_analytics_runs ADD COLUMN phase3_digest BLOB NULL;

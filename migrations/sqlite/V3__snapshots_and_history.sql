-- Each file is a full snapshot of its source: leads absent from a newer snapshot are kept,
-- marked inactive; every change is kept in lead_changes; files and runs count what changed.
ALTER TABLE leads ADD COLUMN is_active BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE leads ADD COLUMN deactivated_at TEXT;

ALTER TABLE source_files ADD COLUMN snapshot_date TEXT;
ALTER TABLE source_files ADD COLUMN records_inserted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_files ADD COLUMN records_updated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_files ADD COLUMN records_unchanged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_files ADD COLUMN records_deactivated INTEGER NOT NULL DEFAULT 0;
CREATE INDEX source_files_snapshots ON source_files (source, status, snapshot_date);

ALTER TABLE runs ADD COLUMN records_inserted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN records_updated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN records_unchanged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN records_deactivated INTEGER NOT NULL DEFAULT 0;

CREATE TABLE lead_changes (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source_file_id INTEGER NOT NULL REFERENCES source_files (id),
    lead_id TEXT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('inserted', 'updated', 'deactivated', 'reactivated')),
    column_name TEXT,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX lead_changes_run ON lead_changes (run_id);
CREATE INDEX lead_changes_lead ON lead_changes (lead_id);
CREATE INDEX lead_changes_file ON lead_changes (source_file_id, change);

-- Snapshot guards and undo; see the PostgreSQL migration of the same version.
--
-- SQLite cannot alter a CHECK constraint: `source_files` and `lead_updates` are rebuilt.
-- With `legacy_alter_table`, renaming a table leaves the references of other tables and of
-- the `lead_changes` view naming it as they are, so they name the new table once it exists.
PRAGMA legacy_alter_table = ON;

ALTER TABLE source_files RENAME TO source_files_v8;
CREATE TABLE source_files (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    encoding TEXT,
    records_read INTEGER NOT NULL DEFAULT 0,
    records_loaded INTEGER NOT NULL DEFAULT 0,
    records_rejected INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL
        CHECK (status IN ('loading', 'loaded', 'skipped', 'failed', 'held', 'undone')),
    message TEXT,
    processed_at TEXT NOT NULL,
    snapshot_date TEXT,
    records_inserted INTEGER NOT NULL DEFAULT 0,
    records_updated INTEGER NOT NULL DEFAULT 0,
    records_unchanged INTEGER NOT NULL DEFAULT 0,
    records_deactivated INTEGER NOT NULL DEFAULT 0,
    e_tag TEXT
);
INSERT INTO source_files SELECT * FROM source_files_v8;
DROP TABLE source_files_v8;
CREATE INDEX source_files_content ON source_files (content_sha256, status);
CREATE INDEX source_files_snapshots ON source_files (source, status, snapshot_date);
CREATE INDEX source_files_e_tag ON source_files (e_tag, size_bytes, status);

ALTER TABLE lead_updates RENAME TO lead_updates_v8;
CREATE TABLE lead_updates (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source_file_id INTEGER NOT NULL REFERENCES source_files (id),
    lead_id TEXT NOT NULL,
    change TEXT NOT NULL
        CHECK (change IN ('inserted', 'updated', 'deactivated', 'reactivated', 'undone')),
    column_name TEXT,
    old_value TEXT,
    new_value TEXT
);
INSERT INTO lead_updates SELECT * FROM lead_updates_v8;
DROP TABLE lead_updates_v8;
CREATE INDEX lead_changes_run ON lead_updates (run_id);
CREATE INDEX lead_changes_lead ON lead_updates (lead_id);
CREATE INDEX lead_changes_file ON lead_updates (source_file_id, change);

PRAGMA legacy_alter_table = OFF;

ALTER TABLE runs ADD COLUMN files_held INTEGER NOT NULL DEFAULT 0;

ALTER TABLE leads ADD COLUMN filled_columns BIGINT;
ALTER TABLE leads ADD COLUMN flagged_columns BIGINT;

CREATE TABLE snapshot_columns (
    source_file_id INTEGER NOT NULL REFERENCES source_files (id),
    column_name TEXT NOT NULL,
    filled INTEGER NOT NULL,
    flagged INTEGER NOT NULL,
    PRIMARY KEY (source_file_id, column_name)
);

CREATE TABLE lead_priors AS SELECT CAST(0 AS INTEGER) AS changed_by_file_id, * FROM leads WHERE 0;
CREATE INDEX lead_priors_file ON lead_priors (changed_by_file_id);

CREATE TABLE guard_overrides (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source_file_id INTEGER NOT NULL REFERENCES source_files (id),
    guard TEXT NOT NULL,
    column_name TEXT,
    observed REAL NOT NULL,
    threshold REAL NOT NULL
);

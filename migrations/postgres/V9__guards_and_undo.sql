-- Snapshot guards and undo.
--
-- A snapshot a guard holds back is recorded `held`; one undone, `undone`. An undo is kept in
-- the history as its own change kind.
ALTER TABLE source_files DROP CONSTRAINT source_files_status_check,
    ADD CONSTRAINT source_files_status_check
    CHECK (status IN ('loading', 'loaded', 'skipped', 'failed', 'held', 'undone'));
ALTER TABLE lead_updates DROP CONSTRAINT lead_changes_change_check,
    ADD CONSTRAINT lead_updates_change_check
    CHECK (change IN ('inserted', 'updated', 'deactivated', 'reactivated', 'undone'));
ALTER TABLE runs ADD COLUMN files_held INTEGER NOT NULL DEFAULT 0;

-- Which data columns of a lead have a value (bit i: the i-th data column, in the order of
-- the table) and which were noted as doubtful in `issues`: a snapshot's fill and invalid
-- counts add them up, the unchanged leads' included, without reading their rows again.
-- NULL for leads written before: they are compared, and so counted, when next listed.
ALTER TABLE leads ADD COLUMN filled_columns BIGINT, ADD COLUMN flagged_columns BIGINT;
DROP INDEX leads_source;
CREATE INDEX leads_source ON leads (source)
    INCLUDE (lead_id, record_hash, is_active, filled_columns, flagged_columns);

-- Per applied snapshot, each data column's filled and doubtful counts among its leads,
-- which the next snapshot of its source is compared with.
CREATE TABLE snapshot_columns (
    source_file_id BIGINT NOT NULL REFERENCES source_files (id),
    column_name TEXT NOT NULL,
    filled BIGINT NOT NULL,
    flagged BIGINT NOT NULL,
    PRIMARY KEY (source_file_id, column_name)
);

-- Every lead a snapshot changed (updated, reactivated or deactivated), as it was just
-- before: what an undo of the snapshot writes back, every column exact. A migration that
-- adds a column to `leads` adds it here too.
CREATE TABLE lead_priors (LIKE leads);
ALTER TABLE lead_priors ADD COLUMN changed_by_file_id BIGINT NOT NULL;
CREATE INDEX lead_priors_file ON lead_priors (changed_by_file_id);

-- A held snapshot applied deliberately (`--accept`): which guard, with its figures.
CREATE TABLE guard_overrides (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source_file_id BIGINT NOT NULL REFERENCES source_files (id),
    guard TEXT NOT NULL,
    column_name TEXT,
    observed DOUBLE PRECISION NOT NULL,
    threshold DOUBLE PRECISION NOT NULL
);

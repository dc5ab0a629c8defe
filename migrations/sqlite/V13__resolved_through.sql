-- How far the history had come when leads were last resolved: the newest source file and
-- lead update then. A lead not resolved as it is now was brought by a later file or
-- changed by a later update, so a load finds the leads to link among those (indexed)
-- instead of comparing every lead's hash with its entity's. One row per resolving run.
CREATE TABLE resolved_through (
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source_file_id BIGINT NOT NULL,
    lead_update_id BIGINT NOT NULL
);

-- Each `leadpipe export`: what it wrote, where, how many rows, and the newest committed run
-- whose changes it holds (`through_run_id`, null before any run), so that the next export
-- with `--since-last-export` writes only what later runs changed (`since_run_id`: the run
-- this one started after, null for a whole export). See the PostgreSQL migration too.
CREATE TABLE exports (
    id INTEGER PRIMARY KEY,
    exported_at TEXT NOT NULL,
    what TEXT NOT NULL,
    destination TEXT NOT NULL,
    since_run_id TEXT,
    through_run_id TEXT,
    rows BIGINT NOT NULL
);
CREATE INDEX exports_what ON exports (what, id);

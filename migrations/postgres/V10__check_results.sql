-- The results of declarative checks on the leads table, each under the run that made it:
-- an ingest, whose checks ran after its data was written and were committed with it, or a
-- `leadpipe verify`, which loads nothing. `runs.command` tells them apart (and `undo`'s).
ALTER TABLE runs ADD COLUMN command TEXT NOT NULL DEFAULT 'ingest'
    CHECK (command IN ('ingest', 'verify', 'undo'));

CREATE TABLE check_results (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source TEXT NOT NULL,
    check_name TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('warn', 'error')),
    status TEXT NOT NULL CHECK (status IN ('pass', 'fail')),
    observed TEXT NOT NULL,
    threshold TEXT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX check_results_run ON check_results (run_id);
CREATE INDEX check_results_source ON check_results (source, check_name, checked_at);

-- The leads table and the ledger that accounts for every file and record loaded.

CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status TEXT NOT NULL,
    files_loaded BIGINT NOT NULL DEFAULT 0,
    files_skipped BIGINT NOT NULL DEFAULT 0,
    files_failed BIGINT NOT NULL DEFAULT 0,
    records_read BIGINT NOT NULL DEFAULT 0,
    records_loaded BIGINT NOT NULL DEFAULT 0,
    records_rejected BIGINT NOT NULL DEFAULT 0,
    leadpipe_version TEXT NOT NULL
);

CREATE TABLE source_files (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    encoding TEXT,
    records_read BIGINT NOT NULL DEFAULT 0,
    records_loaded BIGINT NOT NULL DEFAULT 0,
    records_rejected BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('loading', 'loaded', 'skipped', 'failed')),
    message TEXT,
    processed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX source_files_content ON source_files (content_sha256, status);

CREATE TABLE leads (
    accepts_financial_aid BOOLEAN,
    ages_served TEXT,
    capacity INTEGER,
    certificate_expiration_date DATE,
    city TEXT,
    address1 TEXT,
    address2 TEXT,
    company TEXT,
    phone TEXT,
    phone2 TEXT,
    county TEXT,
    curriculum_type TEXT,
    email TEXT,
    first_name TEXT,
    language TEXT,
    last_name TEXT,
    license_status TEXT,
    license_issued DATE,
    license_number TEXT,
    license_renewed DATE,
    license_type TEXT,
    licensee_name TEXT,
    max_age INTEGER,
    min_age INTEGER,
    operator TEXT,
    provider_id TEXT,
    schedule TEXT,
    state TEXT,
    title TEXT,
    website_address TEXT,
    zip TEXT,
    facility_type TEXT,
    lead_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_line BIGINT NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source_record JSONB NOT NULL,
    issues JSONB
);
CREATE INDEX leads_source ON leads (source);

CREATE TABLE rejects (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    source TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_line BIGINT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    raw_text TEXT NOT NULL
);
CREATE INDEX rejects_run ON rejects (run_id);

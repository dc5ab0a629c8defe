-- Entity resolution; see the PostgreSQL migration of the same version.
--
-- The parameters resolution learnt (configuration, m and u, term frequencies, threshold) as
-- JSON; the newest row is the one every load links with, until `resolve --retrain`.
CREATE TABLE resolve_models (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    trained_at TEXT NOT NULL,
    leads BIGINT NOT NULL,
    parameters TEXT NOT NULL
);

-- An entity keeps its id while it gains or loses members. Merged into another, it is
-- `merged` with the id it went into; split, `split`, its parts new entities that name it
-- in `entity_changes`.
CREATE TABLE entities (
    entity_id BIGINT PRIMARY KEY,
    created_run TEXT NOT NULL REFERENCES runs (run_id),
    status TEXT NOT NULL CHECK (status IN ('active', 'merged', 'split')),
    merged_into BIGINT REFERENCES entities (entity_id),
    ended_run TEXT REFERENCES runs (run_id)
);

-- Every lead's entity, with the lead's record hash when it was last resolved: a lead whose
-- hash differs (new, or changed since) is linked again by the next load.
CREATE TABLE entity_members (
    lead_id TEXT PRIMARY KEY,
    entity_id BIGINT NOT NULL REFERENCES entities (entity_id),
    record_hash TEXT NOT NULL
);
CREATE INDEX entity_members_entity ON entity_members (entity_id);

-- Each lead's blocking keys (a 64-bit hash of rule and key): who a new lead is compared with.
CREATE TABLE blocking_keys (
    block_key BIGINT NOT NULL,
    lead_id TEXT NOT NULL
);
CREATE INDEX blocking_keys_key ON blocking_keys (block_key);
CREATE INDEX blocking_keys_lead ON blocking_keys (lead_id);

-- The pairs at or above the match threshold, with their weight in bits (`lead_a` <
-- `lead_b`): the links that hold entities together, and what a load follows to find the
-- leads a change can move.
CREATE TABLE entity_links (
    lead_a TEXT NOT NULL,
    lead_b TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (lead_a, lead_b)
);
CREATE INDEX entity_links_b ON entity_links (lead_b);

-- What each run did to entities: `created`, `grew`, `merged` (into
-- `other_entity_id`), `split` (a part of `other_entity_id`, the parent).
CREATE TABLE entity_changes (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    entity_id BIGINT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('created', 'grew', 'merged', 'split')),
    other_entity_id BIGINT,
    members BIGINT NOT NULL
);
CREATE INDEX entity_changes_run ON entity_changes (run_id);
CREATE INDEX entity_changes_entity ON entity_changes (entity_id);

-- A person's verdict on a pair (`lead_a` < `lead_b`); it wins over the model in every run.
CREATE TABLE match_labels (
    lead_a TEXT NOT NULL,
    lead_b TEXT NOT NULL,
    label TEXT NOT NULL CHECK (label IN ('must_link', 'cannot_link')),
    labelled_at TEXT NOT NULL,
    PRIMARY KEY (lead_a, lead_b)
);
CREATE INDEX match_labels_b ON match_labels (lead_b);

-- `leadpipe resolve` is a run of its own. SQLite cannot alter a CHECK constraint: `runs` is
-- rebuilt, with `legacy_alter_table` as in V9 so that the tables referring to it name the
-- new table.
PRAGMA legacy_alter_table = ON;
ALTER TABLE runs RENAME TO runs_v10;
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    files_loaded INTEGER NOT NULL DEFAULT 0,
    files_skipped INTEGER NOT NULL DEFAULT 0,
    files_failed INTEGER NOT NULL DEFAULT 0,
    records_read INTEGER NOT NULL DEFAULT 0,
    records_loaded INTEGER NOT NULL DEFAULT 0,
    records_rejected INTEGER NOT NULL DEFAULT 0,
    leadpipe_version TEXT NOT NULL,
    records_inserted INTEGER NOT NULL DEFAULT 0,
    records_updated INTEGER NOT NULL DEFAULT 0,
    records_unchanged INTEGER NOT NULL DEFAULT 0,
    records_deactivated INTEGER NOT NULL DEFAULT 0,
    files_held INTEGER NOT NULL DEFAULT 0,
    command TEXT NOT NULL DEFAULT 'ingest'
        CHECK (command IN ('ingest', 'verify', 'undo', 'resolve'))
);
INSERT INTO runs SELECT * FROM runs_v10;
DROP TABLE runs_v10;
PRAGMA legacy_alter_table = OFF;


-- The golden record: one row per entity, the providers sales works from. Each column is
-- the value of the first member that has one, members ordered by the survivorship rule:
-- active over inactive, then the lead written by the newest snapshot, then by lead id; a
-- phone (with its extension and validity) from a member whose phone is valid first, an
-- e-mail likewise. `is_active` if any member is; `member_lead_ids` and `sources` list the
-- members, comma-separated, in order.
CREATE VIEW providers AS
SELECT a.entity_id, a.members, a.member_lead_ids, a.sources, a.is_active,
       v.accepts_financial_aid, v.ages_served, v.capacity, v.certificate_expiration_date, v.city, v.address1, v.address2, v.company, v.phone, v.phone2, v.county, v.curriculum_type, v.email, v.first_name, v.language, v.last_name, v.license_status, v.license_issued, v.license_number, v.license_renewed, v.license_type, v.licensee_name, v.max_age, v.min_age, v.operator, v.provider_id, v.schedule, v.state, v.title, v.website_address, v.zip, v.facility_type, v.phone_extension, v.phone_valid, v.email_valid
FROM (
    SELECT m.entity_id, count(*) AS members, group_concat(l.lead_id, ',' ORDER BY l.lead_id) AS member_lead_ids,
           group_concat(DISTINCT l.source ORDER BY l.source) AS sources, max(l.is_active) AS is_active
    FROM entity_members m JOIN leads l ON l.lead_id = m.lead_id
    GROUP BY m.entity_id
) a JOIN (
    SELECT m.entity_id,
        ROW_NUMBER() OVER (PARTITION BY m.entity_id ORDER BY l.lead_id) AS n,
        FIRST_VALUE(l.accepts_financial_aid) OVER (PARTITION BY m.entity_id
            ORDER BY l.accepts_financial_aid IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS accepts_financial_aid,
        FIRST_VALUE(l.ages_served) OVER (PARTITION BY m.entity_id
            ORDER BY l.ages_served IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS ages_served,
        FIRST_VALUE(l.capacity) OVER (PARTITION BY m.entity_id
            ORDER BY l.capacity IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS capacity,
        FIRST_VALUE(l.certificate_expiration_date) OVER (PARTITION BY m.entity_id
            ORDER BY l.certificate_expiration_date IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS certificate_expiration_date,
        FIRST_VALUE(l.city) OVER (PARTITION BY m.entity_id
            ORDER BY l.city IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS city,
        FIRST_VALUE(l.address1) OVER (PARTITION BY m.entity_id
            ORDER BY l.address1 IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS address1,
        FIRST_VALUE(l.address2) OVER (PARTITION BY m.entity_id
            ORDER BY l.address2 IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS address2,
        FIRST_VALUE(l.company) OVER (PARTITION BY m.entity_id
            ORDER BY l.company IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS company,
        FIRST_VALUE(l.phone) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone IS NULL, coalesce(l.phone_valid, 0) = 0, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone,
        FIRST_VALUE(l.phone2) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone2 IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone2,
        FIRST_VALUE(l.county) OVER (PARTITION BY m.entity_id
            ORDER BY l.county IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS county,
        FIRST_VALUE(l.curriculum_type) OVER (PARTITION BY m.entity_id
            ORDER BY l.curriculum_type IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS curriculum_type,
        FIRST_VALUE(l.email) OVER (PARTITION BY m.entity_id
            ORDER BY l.email IS NULL, coalesce(l.email_valid, 0) = 0, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS email,
        FIRST_VALUE(l.first_name) OVER (PARTITION BY m.entity_id
            ORDER BY l.first_name IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS first_name,
        FIRST_VALUE(l.language) OVER (PARTITION BY m.entity_id
            ORDER BY l.language IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS language,
        FIRST_VALUE(l.last_name) OVER (PARTITION BY m.entity_id
            ORDER BY l.last_name IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS last_name,
        FIRST_VALUE(l.license_status) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_status IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_status,
        FIRST_VALUE(l.license_issued) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_issued IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_issued,
        FIRST_VALUE(l.license_number) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_number IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_number,
        FIRST_VALUE(l.license_renewed) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_renewed IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_renewed,
        FIRST_VALUE(l.license_type) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_type IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_type,
        FIRST_VALUE(l.licensee_name) OVER (PARTITION BY m.entity_id
            ORDER BY l.licensee_name IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS licensee_name,
        FIRST_VALUE(l.max_age) OVER (PARTITION BY m.entity_id
            ORDER BY l.max_age IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS max_age,
        FIRST_VALUE(l.min_age) OVER (PARTITION BY m.entity_id
            ORDER BY l.min_age IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS min_age,
        FIRST_VALUE(l.operator) OVER (PARTITION BY m.entity_id
            ORDER BY l.operator IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS operator,
        FIRST_VALUE(l.provider_id) OVER (PARTITION BY m.entity_id
            ORDER BY l.provider_id IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS provider_id,
        FIRST_VALUE(l.schedule) OVER (PARTITION BY m.entity_id
            ORDER BY l.schedule IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS schedule,
        FIRST_VALUE(l.state) OVER (PARTITION BY m.entity_id
            ORDER BY l.state IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS state,
        FIRST_VALUE(l.title) OVER (PARTITION BY m.entity_id
            ORDER BY l.title IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS title,
        FIRST_VALUE(l.website_address) OVER (PARTITION BY m.entity_id
            ORDER BY l.website_address IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS website_address,
        FIRST_VALUE(l.zip) OVER (PARTITION BY m.entity_id
            ORDER BY l.zip IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS zip,
        FIRST_VALUE(l.facility_type) OVER (PARTITION BY m.entity_id
            ORDER BY l.facility_type IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS facility_type,
        FIRST_VALUE(l.phone_extension) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone IS NULL, coalesce(l.phone_valid, 0) = 0, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone_extension,
        FIRST_VALUE(l.phone_valid) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone IS NULL, coalesce(l.phone_valid, 0) = 0, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone_valid,
        FIRST_VALUE(l.email_valid) OVER (PARTITION BY m.entity_id
            ORDER BY l.email IS NULL, coalesce(l.email_valid, 0) = 0, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS email_valid
    FROM entity_members m JOIN leads l ON l.lead_id = m.lead_id
) v ON v.entity_id = a.entity_id AND v.n = 1;

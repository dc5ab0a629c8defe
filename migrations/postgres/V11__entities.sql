-- Entity resolution: which leads are one provider.
--
-- The parameters resolution learnt (configuration, m and u, term frequencies, threshold) as
-- JSON; the newest row is the one every load links with, until `resolve --retrain`.
CREATE TABLE resolve_models (
    id BIGINT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (run_id),
    trained_at TIMESTAMPTZ NOT NULL,
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
    weight DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (lead_a, lead_b)
);
CREATE INDEX entity_links_b ON entity_links (lead_b);

-- What each run did to entities: `created`, `grew`, `merged` (into
-- `other_entity_id`), `split` (a part of `other_entity_id`, the parent).
CREATE TABLE entity_changes (
    id BIGSERIAL PRIMARY KEY,
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
    labelled_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (lead_a, lead_b)
);
CREATE INDEX match_labels_b ON match_labels (lead_b);

-- `leadpipe resolve` is a run of its own.
ALTER TABLE runs DROP CONSTRAINT runs_command_check,
    ADD CONSTRAINT runs_command_check
    CHECK (command IN ('ingest', 'verify', 'undo', 'resolve'));

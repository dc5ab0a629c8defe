-- `source_record` holds the JSON text leadpipe writes, as `json`: the header's order (and a
-- header named twice) is kept, as in SQLite, and a load no longer converts every record to
-- `jsonb`, whose keys PostgreSQL re-sorts. Cast to `jsonb` to index or compare it.
ALTER TABLE leads ALTER COLUMN source_record TYPE JSON USING source_record::json;

-- A snapshot is compared with its source's stored leads by their ids, record hashes and
-- activity: read from this index alone, not from the wide rows, once autovacuum has marked
-- the table's pages visible.
DROP INDEX leads_source;
CREATE INDEX leads_source ON leads (source) INCLUDE (lead_id, record_hash, is_active);

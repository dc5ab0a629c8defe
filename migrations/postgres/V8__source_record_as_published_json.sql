-- `source_record` holds the JSON text leadpipe writes, as `json`: the header's order (and a
-- header named twice) is kept, as in SQLite, and a load no longer converts every record to
-- `jsonb`, whose keys PostgreSQL re-sorts. Cast to `jsonb` to index or compare it.
ALTER TABLE leads ALTER COLUMN source_record TYPE JSON USING source_record::json;

-- A hash of each lead's values and record as published: a snapshot's unchanged leads are
-- found by comparing hashes, not every column.
ALTER TABLE leads ADD COLUMN record_hash TEXT;

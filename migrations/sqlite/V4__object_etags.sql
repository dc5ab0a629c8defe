-- Objects of a store that keeps version tags (S3 ETags) are recognised by tag and size
-- before they are downloaded.
ALTER TABLE source_files ADD COLUMN e_tag TEXT;
CREATE INDEX source_files_e_tag ON source_files (e_tag, size_bytes, status);

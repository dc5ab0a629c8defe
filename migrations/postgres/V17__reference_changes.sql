-- The file that last changed a reference record (its lead columns, or whether it is
-- removed), null until one does; with `first_file_id`, what an incremental export asks of a
-- CRM's records: which changed since a run.
ALTER TABLE reference_records ADD COLUMN changed_file_id BIGINT;

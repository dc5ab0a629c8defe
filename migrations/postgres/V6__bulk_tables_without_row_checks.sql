-- The high-volume tables name their run and file without foreign keys. leadpipe records a run
-- and each of its files before their rows, in the same transaction, and checking every row
-- against them cost about as much as writing it: half of a million-lead load's history rows'
-- time. `source_files` still references `runs`. (SQLite checks keys in-process, cheaply, and
-- keeps them.)
ALTER TABLE leads DROP CONSTRAINT IF EXISTS leads_run_id_fkey;
ALTER TABLE lead_changes DROP CONSTRAINT IF EXISTS lead_changes_run_id_fkey;
ALTER TABLE lead_changes DROP CONSTRAINT IF EXISTS lead_changes_source_file_id_fkey;
ALTER TABLE rejects DROP CONSTRAINT IF EXISTS rejects_run_id_fkey;

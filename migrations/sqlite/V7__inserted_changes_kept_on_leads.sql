-- A lead's `inserted` change is kept on the lead, as the file that first brought it
-- (`first_file_id`), instead of as a row of its own: a million-lead first load wrote a
-- million history rows, a fifth of its time. The rows kept are renamed `lead_updates`
-- (updated columns, deactivations, reactivations), and `lead_changes` becomes a view of
-- every change: the inserted ones, derived from `leads`, then `lead_updates`. Like the
-- other high-volume columns (V6), `first_file_id` names its file without a foreign key.
ALTER TABLE leads ADD COLUMN first_file_id BIGINT;
UPDATE leads SET first_file_id = c.source_file_id
FROM lead_changes c WHERE c.lead_id = leads.lead_id AND c.change = 'inserted';
DELETE FROM lead_changes WHERE change = 'inserted';
ALTER TABLE lead_changes RENAME TO lead_updates;
CREATE INDEX leads_first_file ON leads (first_file_id);
CREATE VIEW lead_changes AS
SELECT f.run_id, l.first_file_id AS source_file_id, l.lead_id, 'inserted' AS change,
       NULL AS column_name, NULL AS old_value, NULL AS new_value
FROM leads l JOIN source_files f ON f.id = l.first_file_id
UNION ALL
SELECT run_id, source_file_id, lead_id, change, column_name, old_value, new_value
FROM lead_updates;

-- PostgreSQL's V6 drops the per-row foreign-key checks of leads, lead_changes and rejects,
-- which cost it about as much as writing the rows. SQLite checks them in-process, cheaply,
-- and dropping a constraint would mean rebuilding each table: SQLite keeps them. This
-- version exists so that both targets number their schemas alike.
SELECT 1;

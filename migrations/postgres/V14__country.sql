-- The country of a lead's address (ISO 3166-1 alpha-2, `US`, `CA`), for sources that publish
-- addresses outside the US (CRM exports): written by the `region` normalizer, null where a
-- source does not say. `lead_priors` keeps a lead's columns as they were before a snapshot
-- changed them, so it has it too. The `providers` view does not carry it yet.
ALTER TABLE leads ADD COLUMN country TEXT;
ALTER TABLE lead_priors ADD COLUMN country TEXT;

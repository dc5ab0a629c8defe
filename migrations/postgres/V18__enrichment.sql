-- What enrichment derives for a lead (src/enrich), offline, from its own values: its time
-- zone and where that came from (`zip`, `area_code`, `state`), its calling hours (the
-- published schedule's, else the spec's default window), its ZIP code's centroid
-- (`location_source` is `zip_centroid`: not a geocode) and its e-mail's kind (`business`,
-- `free`, `school`, `government`). `derived` says which columns of the lead were derived and
-- from what, as `issues` says which were doubtful. `lead_priors` keeps a lead's columns as
-- they were before a snapshot changed them, and reference records have a lead's columns:
-- both have them too. `derived` is `json`, as `source_record` is since V8: the text leadpipe
-- writes for every lead, which the server checks but does not convert to `jsonb`.
ALTER TABLE leads ADD COLUMN time_zone TEXT;
ALTER TABLE leads ADD COLUMN time_zone_source TEXT;
ALTER TABLE leads ADD COLUMN calling_hours TEXT;
ALTER TABLE leads ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE leads ADD COLUMN longitude DOUBLE PRECISION;
ALTER TABLE leads ADD COLUMN location_source TEXT;
ALTER TABLE leads ADD COLUMN email_kind TEXT;
ALTER TABLE leads ADD COLUMN derived JSON;
ALTER TABLE lead_priors ADD COLUMN time_zone TEXT;
ALTER TABLE lead_priors ADD COLUMN time_zone_source TEXT;
ALTER TABLE lead_priors ADD COLUMN calling_hours TEXT;
ALTER TABLE lead_priors ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE lead_priors ADD COLUMN longitude DOUBLE PRECISION;
ALTER TABLE lead_priors ADD COLUMN location_source TEXT;
ALTER TABLE lead_priors ADD COLUMN email_kind TEXT;
ALTER TABLE lead_priors ADD COLUMN derived JSON;
ALTER TABLE reference_records ADD COLUMN time_zone TEXT;
ALTER TABLE reference_records ADD COLUMN time_zone_source TEXT;
ALTER TABLE reference_records ADD COLUMN calling_hours TEXT;
ALTER TABLE reference_records ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE reference_records ADD COLUMN longitude DOUBLE PRECISION;
ALTER TABLE reference_records ADD COLUMN location_source TEXT;
ALTER TABLE reference_records ADD COLUMN email_kind TEXT;
ALTER TABLE reference_records ADD COLUMN derived JSON;

-- The providers view of V15 again, with the derived columns: the time zone and the centroid
-- each of one member (the centroid's columns of the same member), the calling hours of a
-- member with a published schedule first, the e-mail's kind of the member whose e-mail it
-- shows.
DROP VIEW providers;

CREATE VIEW providers AS
SELECT a.entity_id, a.members, a.member_lead_ids, a.sources, a.is_active,
       v.accepts_financial_aid, v.ages_served, v.capacity, v.certificate_expiration_date, v.city, v.address1, v.address2, v.company, v.phone, v.phone2, v.county, v.curriculum_type, v.email, v.first_name, v.language, v.last_name, v.license_status, v.license_issued, v.license_number, v.license_renewed, v.license_type, v.licensee_name, v.max_age, v.min_age, v.operator, v.provider_id, v.schedule, v.state, v.title, v.website_address, v.zip, v.facility_type, v.phone_extension, v.phone_valid, v.email_valid, v.country,
       v.time_zone, v.time_zone_source, v.calling_hours, v.latitude, v.longitude, v.location_source, v.email_kind,
       EXISTS (SELECT 1 FROM entity_members r JOIN reference_records c ON c.lead_id = r.lead_id
               WHERE r.entity_id = a.entity_id AND NOT c.removed) AS in_crm
FROM (
    SELECT m.entity_id, count(*) AS members, string_agg(l.lead_id, ',' ORDER BY l.lead_id) AS member_lead_ids,
           string_agg(DISTINCT l.source, ',' ORDER BY l.source) AS sources, bool_or(l.is_active) AS is_active
    FROM entity_members m JOIN leads l ON l.lead_id = m.lead_id
    GROUP BY m.entity_id
) a JOIN (
    SELECT m.entity_id,
        ROW_NUMBER() OVER (PARTITION BY m.entity_id ORDER BY l.lead_id) AS n,
        FIRST_VALUE(l.accepts_financial_aid) OVER (PARTITION BY m.entity_id
            ORDER BY l.accepts_financial_aid IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS accepts_financial_aid,
        FIRST_VALUE(l.ages_served) OVER (PARTITION BY m.entity_id
            ORDER BY l.ages_served IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS ages_served,
        FIRST_VALUE(l.capacity) OVER (PARTITION BY m.entity_id
            ORDER BY l.capacity IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS capacity,
        FIRST_VALUE(l.certificate_expiration_date) OVER (PARTITION BY m.entity_id
            ORDER BY l.certificate_expiration_date IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS certificate_expiration_date,
        FIRST_VALUE(l.city) OVER (PARTITION BY m.entity_id
            ORDER BY l.city IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS city,
        FIRST_VALUE(l.address1) OVER (PARTITION BY m.entity_id
            ORDER BY l.address1 IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS address1,
        FIRST_VALUE(l.address2) OVER (PARTITION BY m.entity_id
            ORDER BY l.address2 IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS address2,
        FIRST_VALUE(l.company) OVER (PARTITION BY m.entity_id
            ORDER BY l.company IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS company,
        FIRST_VALUE(l.phone) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone IS NULL, l.phone_valid IS NOT TRUE, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone,
        FIRST_VALUE(l.phone2) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone2 IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone2,
        FIRST_VALUE(l.county) OVER (PARTITION BY m.entity_id
            ORDER BY l.county IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS county,
        FIRST_VALUE(l.curriculum_type) OVER (PARTITION BY m.entity_id
            ORDER BY l.curriculum_type IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS curriculum_type,
        FIRST_VALUE(l.email) OVER (PARTITION BY m.entity_id
            ORDER BY l.email IS NULL, l.email_valid IS NOT TRUE, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS email,
        FIRST_VALUE(l.first_name) OVER (PARTITION BY m.entity_id
            ORDER BY l.first_name IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS first_name,
        FIRST_VALUE(l.language) OVER (PARTITION BY m.entity_id
            ORDER BY l.language IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS language,
        FIRST_VALUE(l.last_name) OVER (PARTITION BY m.entity_id
            ORDER BY l.last_name IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS last_name,
        FIRST_VALUE(l.license_status) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_status IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_status,
        FIRST_VALUE(l.license_issued) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_issued IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_issued,
        FIRST_VALUE(l.license_number) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_number IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_number,
        FIRST_VALUE(l.license_renewed) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_renewed IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_renewed,
        FIRST_VALUE(l.license_type) OVER (PARTITION BY m.entity_id
            ORDER BY l.license_type IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS license_type,
        FIRST_VALUE(l.licensee_name) OVER (PARTITION BY m.entity_id
            ORDER BY l.licensee_name IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS licensee_name,
        FIRST_VALUE(l.max_age) OVER (PARTITION BY m.entity_id
            ORDER BY l.max_age IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS max_age,
        FIRST_VALUE(l.min_age) OVER (PARTITION BY m.entity_id
            ORDER BY l.min_age IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS min_age,
        FIRST_VALUE(l.operator) OVER (PARTITION BY m.entity_id
            ORDER BY l.operator IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS operator,
        FIRST_VALUE(l.provider_id) OVER (PARTITION BY m.entity_id
            ORDER BY l.provider_id IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS provider_id,
        FIRST_VALUE(l.schedule) OVER (PARTITION BY m.entity_id
            ORDER BY l.schedule IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS schedule,
        FIRST_VALUE(l.state) OVER (PARTITION BY m.entity_id
            ORDER BY l.state IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS state,
        FIRST_VALUE(l.title) OVER (PARTITION BY m.entity_id
            ORDER BY l.title IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS title,
        FIRST_VALUE(l.website_address) OVER (PARTITION BY m.entity_id
            ORDER BY l.website_address IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS website_address,
        FIRST_VALUE(l.zip) OVER (PARTITION BY m.entity_id
            ORDER BY l.zip IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS zip,
        FIRST_VALUE(l.facility_type) OVER (PARTITION BY m.entity_id
            ORDER BY l.facility_type IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS facility_type,
        FIRST_VALUE(l.phone_extension) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone IS NULL, l.phone_valid IS NOT TRUE, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone_extension,
        FIRST_VALUE(l.phone_valid) OVER (PARTITION BY m.entity_id
            ORDER BY l.phone IS NULL, l.phone_valid IS NOT TRUE, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS phone_valid,
        FIRST_VALUE(l.email_valid) OVER (PARTITION BY m.entity_id
            ORDER BY l.email IS NULL, l.email_valid IS NOT TRUE, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS email_valid,
        FIRST_VALUE(l.country) OVER (PARTITION BY m.entity_id
            ORDER BY l.country IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS country,
        FIRST_VALUE(l.time_zone) OVER (PARTITION BY m.entity_id
            ORDER BY l.time_zone IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS time_zone,
        FIRST_VALUE(l.time_zone_source) OVER (PARTITION BY m.entity_id
            ORDER BY l.time_zone IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS time_zone_source,
        FIRST_VALUE(l.calling_hours) OVER (PARTITION BY m.entity_id
            ORDER BY l.calling_hours IS NULL, l.schedule IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS calling_hours,
        FIRST_VALUE(l.latitude) OVER (PARTITION BY m.entity_id
            ORDER BY l.latitude IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS latitude,
        FIRST_VALUE(l.longitude) OVER (PARTITION BY m.entity_id
            ORDER BY l.latitude IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS longitude,
        FIRST_VALUE(l.location_source) OVER (PARTITION BY m.entity_id
            ORDER BY l.latitude IS NULL, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS location_source,
        FIRST_VALUE(l.email_kind) OVER (PARTITION BY m.entity_id
            ORDER BY l.email IS NULL, l.email_valid IS NOT TRUE, l.is_active DESC, l.ingested_at DESC, l.lead_id) AS email_kind
    FROM entity_members m JOIN leads l ON l.lead_id = m.lead_id
) v ON v.entity_id = a.entity_id AND v.n = 1;

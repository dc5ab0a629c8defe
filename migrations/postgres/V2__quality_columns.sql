-- Columns that qualify the original ones: a phone's extension and whether the phone number
-- and the e-mail address are valid (NULL when there is none).
ALTER TABLE leads ADD COLUMN phone_extension TEXT;
ALTER TABLE leads ADD COLUMN phone_valid BOOLEAN;
ALTER TABLE leads ADD COLUMN email_valid BOOLEAN;

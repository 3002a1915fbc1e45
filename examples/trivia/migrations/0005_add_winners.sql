-- Written by hand in production in the runbook; here it is a reviewed migration.
ALTER TABLE games ADD COLUMN winners JSON;

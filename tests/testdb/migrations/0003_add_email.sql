-- A data migration: every account gets an address, derived from its name.
ALTER TABLE accounts ADD COLUMN email TEXT;
UPDATE accounts SET email = lower(name) || '@example.com';

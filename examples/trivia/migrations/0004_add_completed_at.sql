-- The runbook's first failure: this column was in the model but its
-- migration was never committed ("table games has no column named completed_at").
ALTER TABLE games ADD COLUMN completed_at DATETIME;

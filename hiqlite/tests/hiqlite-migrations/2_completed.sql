ALTER TABLE games ADD COLUMN completed_at TEXT;

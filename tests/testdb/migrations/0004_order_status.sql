ALTER TABLE orders ADD COLUMN status TEXT NOT NULL DEFAULT 'open';
INSERT INTO accounts (name, email) VALUES ('system', 'system@example.com');

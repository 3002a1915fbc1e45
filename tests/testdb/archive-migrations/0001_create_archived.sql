CREATE TABLE archived_orders (
    id INTEGER PRIMARY KEY,
    archived_at TEXT NOT NULL
);

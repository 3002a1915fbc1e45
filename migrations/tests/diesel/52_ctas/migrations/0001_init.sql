CREATE TABLE src (id INTEGER PRIMARY KEY NOT NULL, n INT, t TEXT, r REAL, d DECIMAL(5,2), b BLOB, x);
CREATE TABLE copy AS SELECT id, n, t, r, d, b, x, n + 1 AS expr, 'lit' AS lit FROM src;

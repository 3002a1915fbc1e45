CREATE TABLE teams (id INTEGER PRIMARY KEY, title TEXT NOT NULL, motto TEXT);
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    age INTEGER,
    score REAL NOT NULL DEFAULT 0,
    team_id INTEGER REFERENCES teams (id)
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT,
    likes INTEGER NOT NULL DEFAULT 0,
    ratio REAL
);
CREATE TABLE tags (post_id INTEGER NOT NULL, tag TEXT NOT NULL, weight INTEGER, PRIMARY KEY (post_id, tag)) WITHOUT ROWID;
CREATE TABLE codes (code TEXT PRIMARY KEY, label TEXT, n INTEGER NOT NULL);
CREATE TABLE strict_kv (k TEXT PRIMARY KEY, v INTEGER) STRICT;
CREATE TABLE bigid (id BIGINT PRIMARY KEY, note TEXT NOT NULL);
CREATE VIEW user_posts AS SELECT u.name, p.title, p.body FROM users u LEFT JOIN posts p ON p.user_id = u.id;
CREATE VIEW authored AS SELECT p.title, u.name AS author FROM posts p JOIN users u ON u.id = p.user_id;
CREATE VIEW team_counts AS
    SELECT t.title, count(u.id) AS members, max(u.age) AS oldest
    FROM teams t LEFT JOIN users u ON u.team_id = t.id GROUP BY t.id;
CREATE VIEW emails AS SELECT email FROM users WHERE email IS NOT NULL;

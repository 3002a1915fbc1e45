CREATE TABLE docs (id INTEGER PRIMARY KEY NOT NULL, body TEXT NOT NULL);
CREATE VIRTUAL TABLE docs_fts USING fts5(body, content='docs', content_rowid='id');
CREATE VIRTUAL TABLE plain_fts USING fts5(title, body);

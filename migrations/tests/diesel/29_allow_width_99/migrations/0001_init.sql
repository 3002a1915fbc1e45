CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaa (id INTEGER PRIMARY KEY NOT NULL);
CREATE TABLE bbbbbbbbbbbbbbbbbbbbbbbb (id INTEGER PRIMARY KEY NOT NULL);

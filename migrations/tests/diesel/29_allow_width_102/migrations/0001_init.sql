CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaaa (id INTEGER PRIMARY KEY NOT NULL);
CREATE TABLE bbbbbbbbbbbbbbbbbbbbbbbbbb (id INTEGER PRIMARY KEY NOT NULL);

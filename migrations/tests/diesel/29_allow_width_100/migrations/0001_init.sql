CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaa (id INTEGER PRIMARY KEY NOT NULL);
CREATE TABLE bbbbbbbbbbbbbbbbbbbbbbbbb (id INTEGER PRIMARY KEY NOT NULL);

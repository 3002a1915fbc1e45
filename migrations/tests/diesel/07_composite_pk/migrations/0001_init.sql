CREATE TABLE memberships (user_id INTEGER NOT NULL, group_id INTEGER NOT NULL, role TEXT, PRIMARY KEY (group_id, user_id));
CREATE TABLE triple (a TEXT, b TEXT, c TEXT, d TEXT, PRIMARY KEY (c, a, b));
CREATE TABLE pk_nullable (a TEXT, b INTEGER, PRIMARY KEY (a, b));

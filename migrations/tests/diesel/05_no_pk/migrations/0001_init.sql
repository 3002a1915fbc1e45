CREATE TABLE nopk (a TEXT, b INTEGER NOT NULL);
CREATE TABLE has_rowid_col (rowid TEXT, x INTEGER);
CREATE TABLE has_rowid_oid (rowid TEXT, oid TEXT, x INTEGER);
CREATE TABLE has_upper_rowid ("ROWID" TEXT, x INTEGER);

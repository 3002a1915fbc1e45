CREATE TABLE only_oid (oid TEXT, x INTEGER);
CREATE TABLE rowid_and_rowid_ (rowid TEXT, _rowid_ TEXT, x INTEGER);
CREATE TABLE oid_and_rowid_ (oid TEXT, _rowid_ TEXT, x INTEGER);
CREATE TABLE ref_only_oid (id INTEGER PRIMARY KEY NOT NULL, r INTEGER REFERENCES only_oid);
CREATE TABLE "Upper Rowid" ("RowId" INTEGER, "OID" TEXT);

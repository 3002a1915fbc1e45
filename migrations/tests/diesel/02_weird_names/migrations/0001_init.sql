CREATE TABLE "quote'table" (id INTEGER PRIMARY KEY NOT NULL, "created at" TEXT, "with-dash" INTEGER, "with""dq" TEXT, "CamelCase" TEXT, "1starts_digit" TEXT, "ünïcode" TEXT);
CREATE TABLE "has space" (id INTEGER PRIMARY KEY NOT NULL, name TEXT);
CREATE TABLE "dash-table" (id INTEGER PRIMARY KEY NOT NULL);
CREATE TABLE "UpperTable" (Id INTEGER PRIMARY KEY NOT NULL, Name TEXT NOT NULL);

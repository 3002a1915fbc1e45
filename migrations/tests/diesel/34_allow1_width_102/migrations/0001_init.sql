CREATE TABLE qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq (id INTEGER PRIMARY KEY NOT NULL);

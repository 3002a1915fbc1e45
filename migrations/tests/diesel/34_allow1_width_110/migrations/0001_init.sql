CREATE TABLE qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq (id INTEGER PRIMARY KEY NOT NULL);

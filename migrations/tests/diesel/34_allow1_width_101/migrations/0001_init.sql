CREATE TABLE qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq (id INTEGER PRIMARY KEY NOT NULL);

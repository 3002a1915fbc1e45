CREATE TABLE types (
  id INTEGER PRIMARY KEY NOT NULL,
  c_boolean BOOLEAN, c_bool BOOL, c_tinyint1 TINYINT(1), c_tinyint TINYINT, c_smallint SMALLINT, c_int2 INT2,
  c_int INT, c_integer INTEGER, c_mediumint MEDIUMINT, c_bigint BIGINT, c_ubigint UNSIGNED BIG INT, c_int8 INT8,
  c_varchar VARCHAR(20), c_char CHARACTER(10), c_nchar NCHAR(5), c_text TEXT, c_clob CLOB, c_blob BLOB, c_empty,
  c_real REAL, c_double DOUBLE, c_double_precision DOUBLE PRECISION, c_float FLOAT, c_numeric NUMERIC,
  c_decimal DECIMAL(10,2), c_datetime DATETIME, c_timestamp TIMESTAMP, c_date DATE, c_time TIME,
  c_floating_point FLOATING POINT, c_lower_int integer, c_binary BINARY,
  c_nn_text TEXT NOT NULL
);

CREATE TABLE pppppppppppppppppppppppp (id INTEGER PRIMARY KEY NOT NULL);
CREATE TABLE cccccccccccccccccccccccc (id INTEGER PRIMARY KEY NOT NULL, ffffffffffffffffffffffffid INTEGER REFERENCES pppppppppppppppppppppppp(id));

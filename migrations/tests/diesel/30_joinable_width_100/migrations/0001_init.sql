CREATE TABLE ppppppppppppppppppppppp (id INTEGER PRIMARY KEY NOT NULL);
CREATE TABLE ccccccccccccccccccccccc (id INTEGER PRIMARY KEY NOT NULL, fffffffffffffffffffffffffid INTEGER REFERENCES ppppppppppppppppppppppp(id));

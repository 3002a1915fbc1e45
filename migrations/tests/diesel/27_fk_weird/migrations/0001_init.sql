CREATE TABLE "Parent Table" ("the id" INTEGER PRIMARY KEY NOT NULL);
CREATE TABLE "child-table" (id INTEGER PRIMARY KEY NOT NULL, "parent ref" INTEGER REFERENCES "Parent Table"("the id"), "fn" INTEGER REFERENCES "Parent Table");
CREATE TABLE "quote'child" (id INTEGER PRIMARY KEY NOT NULL, "q'col" INTEGER REFERENCES "Parent Table"("the id"));

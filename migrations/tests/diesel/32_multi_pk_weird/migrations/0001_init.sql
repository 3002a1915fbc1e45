CREATE TABLE "m n" ("first col" TEXT, "type" INTEGER, other TEXT, PRIMARY KEY ("type", "first col"));

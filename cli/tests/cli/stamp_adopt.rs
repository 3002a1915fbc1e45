//! `driftless stamp, adopt`.

use crate::harness::*;

#[test]
fn stamp_a_db_made_by_hand() {
    let p = Project::with(&TWO_TABLES);
    p.conn()
        .execute_batch(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);\n\
             CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));",
        )
        .expect("make the database by hand");
    p.db_cmd("stamp", &["2"])
        .code(0)
        .out("app.db is recorded at version 2; nothing was run");
    p.db_cmd("status", &[]).code(0).out("up to date");
    p.db_cmd("diff", &[]).code(0).out("matches");
    assert_eq!(versions(&p.conn()), [1, 2]);
}

#[test]
fn stamp_a_missing_db_exits_2() {
    let p = Project::with(&TWO_TABLES);
    p.run(&["stamp", "--dir", DIR, "--db", "typo.db", "2"])
        .code(2)
        .err("`typo.db` does not exist")
        .out_lacks("recorded");
    assert!(!p.path("typo.db").exists(), "stamp created the database");
}

#[test]
fn adopt_a_diesel_history() {
    let p = Project::with(&[
        (
            "2024-01-01-120000_create_x/up.sql",
            "CREATE TABLE x (id INTEGER PRIMARY KEY);\n",
        ),
        ("2024-01-01-120000_create_x/down.sql", "DROP TABLE x;\n"),
        (
            "2024-02-01-120000_create_y/up.sql",
            "CREATE TABLE y (id INTEGER PRIMARY KEY);\n",
        ),
        ("2024-02-01-120000_create_y/down.sql", "DROP TABLE y;\n"),
    ]);
    p.conn()
        .execute_batch(
            "CREATE TABLE x (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);\n\
             INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101120000');",
        )
        .expect("a database diesel migrated");
    p.db_cmd("adopt", &[])
        .code(0)
        .out("adopted 1 applied diesel migrations: 20240101120000");
    assert_eq!(versions(&p.conn()), [20240101120000]);
    p.db_cmd("status", &[])
        .code(0)
        .out("current   20240101120000 (migrations/2024-01-01-120000_create_x/up.sql)")
        .out("pending   1");
    p.db_cmd("upgrade", &[])
        .code(0)
        .out("applied migrations/2024-02-01-120000_create_y/up.sql");
    p.db_cmd("status", &[]).code(0).out("up to date");
    // a second adopt finds driftless's own history
    p.db_cmd("adopt", &[])
        .code(1)
        .err("nothing to adopt")
        .err("already has a driftless history");
}

#[test]
fn adopt_without_a_foreign_history_exits_1() {
    let p = Project::with(&TWO_TABLES);
    p.conn()
        .execute_batch("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);")
        .expect("sql");
    p.db_cmd("adopt", &[])
        .code(1)
        .err(
            "nothing to adopt: no sqlx, diesel, refinery, Prisma, golang-migrate, goose, dbmate, Flyway, \
             hiqlite or D1 history table in the database, and its user_version is 0",
        );
    let conn = p.conn();
    assert_eq!(tables(&conn), ["a"]);
    let history: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = '_driftless_migrations'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(history, 0, "adopt wrote a history table although it failed");
}

#[test]
fn adopt_a_rusqlite_migration_user_version() {
    let p = Project::with(&[
        (
            "01-create_x/up.sql",
            "CREATE TABLE x (id INTEGER PRIMARY KEY);\n",
        ),
        (
            "02-create_y/up.sql",
            "CREATE TABLE y (id INTEGER PRIMARY KEY);\n",
        ),
    ]);
    // as rusqlite_migration leaves a database after its first migration
    p.conn()
        .execute_batch("CREATE TABLE x (id INTEGER PRIMARY KEY); PRAGMA user_version = 1;")
        .expect("migrate by hand");
    p.db_cmd("adopt", &[])
        .code(0)
        .out("adopted 1 applied user_version migrations: 1");
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("diff", &[]).code(0).out("matches");
    assert_eq!(versions(&p.conn()), [1, 2]);
    // a number beyond the files is refused, naming what to do
    let p = Project::with(&[(
        "01-create_x/up.sql",
        "CREATE TABLE x (id INTEGER PRIMARY KEY);\n",
    )]);
    p.conn()
        .execute_batch("CREATE TABLE x (id INTEGER PRIMARY KEY); PRAGMA user_version = 3;")
        .expect("migrate by hand");
    p.db_cmd("adopt", &[])
        .code(1)
        .err("user_version says 3 migrations ran, but there are 1 files")
        .err("nothing was adopted");
}

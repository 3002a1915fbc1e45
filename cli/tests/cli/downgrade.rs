//! `driftless downgrade`.

use crate::harness::*;

#[test]
fn downgrade_that_drops_tables_needs_confirmation() {
    let p = Project::with(&REVERSIBLE);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("downgrade", &["--to", "0"])
        .code(2)
        .out("the down migrations delete data")
        .out("migrations/0002_create_b.down.sql:1:")
        .out("migrations/0001_create_a.down.sql:1:")
        .err("--yes");
    let conn = p.conn();
    assert_eq!(tables(&conn), ["a", "b"], "nothing may change");
    assert_eq!(versions(&conn), [1, 2]);
    drop(conn);

    p.db_cmd("downgrade", &["--to", "0", "--yes"])
        .code(0)
        .out("ran migrations/0002_create_b.down.sql")
        .out("ran migrations/0001_create_a.down.sql")
        .out("app.db is at version none");
    let conn = p.conn();
    assert!(tables(&conn).is_empty(), "{:?}", tables(&conn));
    assert!(versions(&conn).is_empty());
}

#[test]
fn downgrade_to_a_version() {
    let p = Project::with(&REVERSIBLE);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("downgrade", &["--to", "1", "--yes"])
        .code(0)
        .out("ran migrations/0002_create_b.down.sql")
        .out_lacks("0001_create_a.down.sql")
        .out("app.db is at version 1");
    assert_eq!(tables(&p.conn()), ["a"]);
    p.db_cmd("status", &[]).code(0).out("pending   1");
    p.db_cmd("downgrade", &["--to", "9", "--yes"])
        .code(2)
        .err("no migration has version 9");
}

#[test]
fn downgrade_without_a_down_file_exits_1() {
    let p = Project::with(&[
        ("0001_create_a.sql", "CREATE TABLE a (x);\n"),
        ("0002_create_b.up.sql", "CREATE TABLE b (x);\n"),
        ("0002_create_b.down.sql", "DROP TABLE b;\n"),
    ]);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("downgrade", &["--to", "0", "--yes"])
        .code(1)
        .err("migration 1 (migrations/0001_create_a.sql) has no down migration");
    let conn = p.conn();
    assert_eq!(versions(&conn), [1, 2], "nothing may be downgraded");
    assert_eq!(tables(&conn), ["a", "b"]);
}

#[test]
fn downgrade_backup_to_a_path() {
    let p = Project::with(&REVERSIBLE);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd(
        "downgrade",
        &["--to", "1", "--yes", "--backup", "before.db"],
    )
    .code(0)
    .out("backed up app.db to before.db")
    .out("app.db is at version 1");
    let copy = p.conn_at("before.db");
    assert_eq!(tables(&copy), ["a", "b"]);
    assert_eq!(versions(&copy), [1, 2]);
}

#[test]
fn a_migration_numbered_0_is_undone_by_downgrade_to_0_and_forgotten_by_stamp_0() {
    // golang-migrate projects start at 0000; 0 still means "none"
    let p = Project::with(&[
        ("0000_system.up.sql", "CREATE TABLE sys (k TEXT);\n"),
        ("0000_system.down.sql", "DROP TABLE sys;\n"),
        ("0001_init.up.sql", "CREATE TABLE t (id INTEGER);\n"),
        ("0001_init.down.sql", "DROP TABLE t;\n"),
    ]);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("downgrade", &["--to", "0", "--yes"])
        .code(0)
        .out("ran migrations/0000_system.down.sql")
        .out("app.db is at version none");
    assert!(tables(&p.conn()).is_empty());
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("stamp", &["0"]).code(0);
    assert!(versions(&p.conn()).is_empty());
}

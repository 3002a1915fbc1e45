//! `driftless upgrade`.

use crate::harness::*;

#[test]
fn upgrade_creates_the_db_and_applies_everything() {
    let p = Project::with(&TWO_TABLES);
    assert!(!p.path(DB).exists());
    let run = p.db_cmd("upgrade", &[]);
    run.code(0)
        .out("applied migrations/0001_create_a.sql (")
        .out("applied migrations/0002_create_b.sql (")
        .out("app.db is at version 2 (2 applied)");
    let conn = p.conn();
    assert_eq!(tables(&conn), ["a", "b"]);
    assert_eq!(versions(&conn), [1, 2]);
    p.db_cmd("upgrade", &[])
        .code(0)
        .out("app.db is up to date")
        .out_lacks("applied migrations/");
}

#[test]
fn upgrade_to_stops_there() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"])
        .code(0)
        .out("app.db is at version 1 (1 applied)");
    assert_eq!(tables(&p.conn()), ["a"]);
    p.db_cmd("upgrade", &["--to", "2"])
        .code(0)
        .out("applied migrations/0002_create_b.sql")
        .out("app.db is at version 2 (1 applied)");
    p.db_cmd("upgrade", &["--to", "9"])
        .code(2)
        .err("no migration has version 9");
}

#[test]
fn upgrade_to_a_version_below_the_current_one() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0002_b.sql", "CREATE TABLE b (x);\n"),
        ("0003_c.sql", "CREATE TABLE c (x);\n"),
        ("0004_d.sql", "CREATE TABLE d (x);\n"),
    ]);
    p.db_cmd("upgrade", &["--to", "3"]).code(0);
    p.db_cmd("upgrade", &["--to", "2"])
        .code(0)
        .out("nothing to apply up to version 2")
        .out("app.db is at version 3")
        .out("1 pending migration")
        .out_lacks("up to date");
    p.db_cmd("upgrade", &["--to", "3"])
        .code(0)
        .out("nothing to apply up to version 3")
        .out("1 pending migration")
        .out_lacks("up to date");
    assert_eq!(versions(&p.conn()), [1, 2, 3]);
    p.db_cmd("upgrade", &[])
        .code(0)
        .out("app.db is at version 4 (1 applied)");
    p.db_cmd("upgrade", &["--to", "2"])
        .code(0)
        .out("app.db is up to date");
}

#[test]
fn upgrade_backup_beside_the_db() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"]).code(0);
    let run = p.db_cmd("upgrade", &["--backup"]);
    run.code(0)
        .out("backed up app.db to app.db.")
        .out("applied migrations/0002_create_b.sql");
    let backups: Vec<String> = fs::read_dir(p.root.path())
        .expect("read project dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with("app.db.") && n.ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    // the backup is the database before the upgrade
    let copy = p.conn_at(&backups[0]);
    assert_eq!(tables(&copy), ["a"]);
    assert_eq!(versions(&copy), [1]);
}

#[test]
fn upgrade_backup_to_a_path() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"]).code(0);
    p.db_cmd("upgrade", &["--backup", "before.db"])
        .code(0)
        .out("backed up app.db to before.db");
    let copy = p.conn_at("before.db");
    assert_eq!(tables(&copy), ["a"]);
    assert_eq!(versions(&copy), [1]);
    assert_eq!(tables(&p.conn()), ["a", "b"]);
}

#[test]
fn upgrade_with_a_failing_migration() {
    let p = Project::with(&[
        ("0001_create_a.sql", "CREATE TABLE a (x);\n"),
        (
            "0002_broken.sql",
            "CREATE TABLE b (x);\n\nINSERT INTO nope VALUES (1);\n",
        ),
    ]);
    p.db_cmd("upgrade", &[])
        .code(1)
        .out("applied migrations/0001_create_a.sql")
        .err("migrations/0002_broken.sql")
        .err("line 3")
        .err("no such table: nope");
    let conn = p.conn();
    assert_eq!(versions(&conn), [1]);
    assert_eq!(
        tables(&conn),
        ["a"],
        "the failed migration was not rolled back"
    );
    p.db_cmd("status", &[])
        .code(0)
        .out("2  migrations/0002_broken.sql");
}

#[test]
fn upgrade_to_a_flyway_version_as_written() {
    let p = Project::with(&[
        ("V1__create_a.sql", "CREATE TABLE a (id INTEGER);\n"),
        ("V1.1__create_b.sql", "CREATE TABLE b (id INTEGER);\n"),
        ("V2__create_c.sql", "CREATE TABLE c (id INTEGER);\n"),
        (
            "R__v.sql",
            "DROP VIEW IF EXISTS v;\nCREATE VIEW v AS SELECT id FROM a;\n",
        ),
    ]);
    p.db_cmd("upgrade", &["--to", "1.1"])
        .code(0)
        .out("app.db is at version 1.1 (2 applied)");
    assert_eq!(tables(&p.conn()), ["a", "b"]);
    p.db_cmd("upgrade", &[])
        .code(0)
        .out("applied migrations/V2__create_c.sql")
        .out("applied migrations/R__v.sql")
        .out("app.db is at version 2 (2 applied)");
    p.db_cmd("status", &[]).code(0).out("up to date");
    p.db_cmd("upgrade", &["--to", "one"])
        .code(2)
        .err("`one` is not a version");
}

#[test]
fn a_partly_applied_migration_names_the_version_to_stamp() {
    // `stamp <version - 1>` named a version no migration has
    let p = Project::with(&[
        (
            "0001_init.sql",
            "CREATE TABLE t (id INTEGER PRIMARY KEY);\n",
        ),
        (
            "0005_bad.sql",
            "-- driftless:no-transaction\nCREATE TABLE u (id INTEGER PRIMARY KEY);\nINSERT INTO nope VALUES (1);\n",
        ),
    ]);
    p.db_cmd("upgrade", &[])
        .code(1)
        .err("recorded as unfinished")
        .err("`stamp 1` to run it again");
    p.db_cmd("stamp", &["1"]).code(0);
}

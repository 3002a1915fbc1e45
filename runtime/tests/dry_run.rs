//! `Migrations::rehearse`: the pending migrations on a copy of a real
//! SQLite file, with its rows; the file itself never written.

use std::fs;
use std::time::Duration;

use driftless::rusqlite::Connection;
use driftless::{Error, Options, StepOutcome};

mod common;
use common::Fixture;

const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);\n";

/// The first migration applied and two games in it; 0002 and 0003 pending.
fn with_rows(pending: &[(&str, &str)]) -> (Fixture, Connection) {
    let mut files = vec![("0001_games.sql", GAMES)];
    files.extend_from_slice(pending);
    let f = Fixture::new(&files);
    let mut conn = Connection::open(f.db_path()).expect("open");
    f.migrations()
        .upgrade_to(&mut conn, 1)
        .expect("upgrade to 1");
    conn.execute_batch("INSERT INTO games (name) VALUES ('quiz'), ('pub quiz');")
        .expect("rows");
    (f, conn)
}

#[test]
fn a_migration_that_fails_on_the_real_rows_is_reported_and_nothing_is_written() {
    let (f, conn) = with_rows(&[
        ("0002_rename.sql", "UPDATE games SET note = 'seen';\n"),
        (
            "0003_score.sql",
            "-- the score\nALTER TABLE games ADD COLUMN score INTEGER NOT NULL;\n",
        ),
        ("0004_more.sql", "ALTER TABLE games ADD COLUMN more TEXT;\n"),
    ]);
    let before = f.bytes();
    let migrations = f.migrations();
    let dry = migrations.rehearse(&conn).expect("dry run");
    assert_eq!(dry.steps.len(), 3);
    let StepOutcome::Applied {
        rows_changed,
        changes,
        ..
    } = &dry.steps[0].outcome
    else {
        panic!("0002 applies: {:?}", dry.steps[0]);
    };
    assert_eq!(*rows_changed, 2, "the UPDATE touched both games");
    assert!(changes.is_empty(), "{changes:?}");
    let failed = dry.failed().expect("0003 fails");
    assert_eq!(failed.version, 3);
    let StepOutcome::Failed(e) = &failed.outcome else {
        unreachable!()
    };
    let text = e.to_string();
    assert!(text.contains("0003_score.sql"), "{text}");
    assert!(text.contains("line 2"), "{text}");
    assert!(
        text.contains("Cannot add a NOT NULL column with default value NULL"),
        "{text}"
    );
    assert!(matches!(dry.steps[2].outcome, StepOutcome::NotRun));
    drop(conn);
    assert_eq!(
        f.bytes(),
        before,
        "the database file is byte for byte as it was"
    );
    let conn = Connection::open(f.db_path()).expect("open");
    let status = migrations.status(&conn).expect("status");
    assert_eq!(status.current, Some(1));
    assert_eq!(status.pending.len(), 3);
}

#[test]
fn passing_migrations_report_time_rows_and_schema_changes_and_stay_pending() {
    let (f, conn) = with_rows(&[(
        "0002_hosts.sql",
        "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\nALTER TABLE games ADD COLUMN host INTEGER;\n\
         UPDATE games SET note = name;\n",
    )]);
    let migrations = f.migrations();
    let dry = migrations.rehearse(&conn).expect("dry run");
    assert!(dry.failed().is_none());
    assert_eq!(dry.copy, driftless::Copied::Memory);
    assert!(dry.bytes > 0);
    let StepOutcome::Applied {
        rows_changed,
        changes,
        ..
    } = &dry.steps[0].outcome
    else {
        panic!("{:?}", dry.steps[0]);
    };
    assert_eq!(*rows_changed, 2);
    let said: Vec<&str> = changes.iter().map(|c| c.description.as_str()).collect();
    assert_eq!(
        said,
        [
            "column `games.host` is in the new schema, but not in the old one",
            "table `hosts` is in the new schema, but not in the old one",
        ]
    );
    assert_eq!(migrations.status(&conn).expect("status").pending.len(), 1);
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'hosts'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(tables, 0, "the real database has no `hosts`");
}

#[test]
fn a_database_in_wal_mode_is_left_as_it_was() {
    let (f, conn) = with_rows(&[("0002_x.sql", "ALTER TABLE games ADD COLUMN x TEXT;\n")]);
    conn.pragma_update(None, "journal_mode", "wal")
        .expect("wal");
    conn.execute("INSERT INTO games (name) VALUES ('late')", [])
        .expect("row");
    let before = f.bytes();
    let dry = f.migrations().rehearse(&conn).expect("dry run");
    assert!(dry.failed().is_none());
    assert_eq!(f.bytes(), before);
}

#[test]
fn what_an_upgrade_would_refuse_is_refused() {
    let (f, conn) = with_rows(&[("0002_x.sql", "ALTER TABLE games ADD COLUMN x TEXT;\n")]);
    fs::write(
        f.dir.path().join("migrations/0001_games.sql"),
        "CREATE TABLE games (id INTEGER);",
    )
    .expect("edit");
    let err = f.migrations().rehearse(&conn).expect_err("modified");
    assert!(matches!(err, Error::Modified { .. }), "{err}");
    let err = f
        .migrations()
        .rehearse_with(&conn, Some(9), &Options::default())
        .expect_err("no version 9");
    assert!(matches!(err, Error::UnknownVersion { version: 9 }), "{err}");
}

#[test]
fn a_database_locked_by_another_writer_is_a_clear_error() {
    let (f, conn) = with_rows(&[("0002_x.sql", "ALTER TABLE games ADD COLUMN x TEXT;\n")]);
    let writer = Connection::open(f.db_path()).expect("second connection");
    writer.execute_batch("BEGIN EXCLUSIVE;").expect("lock");
    let options = Options {
        busy_timeout: Duration::from_millis(300),
        ..Options::default()
    };
    let err = f
        .migrations()
        .rehearse_with(&conn, None, &options)
        .expect_err("locked");
    assert!(matches!(err, Error::Locked { .. }), "{err}");
    assert!(
        err.to_string().contains("locked by another connection"),
        "{err}"
    );
    writer.execute_batch("COMMIT;").expect("unlock");
    assert!(
        f.migrations()
            .rehearse(&conn)
            .expect("free")
            .failed()
            .is_none()
    );
}

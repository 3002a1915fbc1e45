//! The migrator on an `Executor` (the replicated-cluster path), run here on
//! rusqlite connections to real files, with a second migrator injected
//! between the history read and the write.

use driftless::executor::{Column, Executor, Failure, Statement};
use driftless::rusqlite::Connection;
use driftless::rusqlite::types::Value;
use driftless::{Error, Event, Tool};

mod common;
use common::Fixture;

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

/// A migration that records each run in `runs`, so a second run shows.
fn fixture() -> Fixture {
    Fixture::new(&[
        ("0001_runs.sql", "CREATE TABLE runs (m INTEGER NOT NULL);"),
        (
            "0002_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY);\nINSERT INTO runs VALUES (2);",
        ),
        (
            "0003_players.sql",
            "CREATE TABLE players (id INTEGER PRIMARY KEY);\nINSERT INTO runs VALUES (3);",
        ),
    ])
}

#[test]
fn upgrade_on_writes_the_history_the_file_migrator_reads() {
    let f = fixture();
    let migrations = f.migrations();
    let mut db = f.open();
    let mut seen = Vec::new();
    let report = migrations
        .upgrade_on(&mut db, Some(2), |e| {
            if let Event::Done(ran) = e {
                seen.push(ran.version);
            }
        })
        .expect("upgrade");
    assert_eq!(seen, [1, 2]);
    assert_eq!(report.ran.len(), 2);
    // the file migrator agrees, and takes it from there
    let status = migrations.status(&db).expect("status");
    assert_eq!((status.current, status.pending.len()), (Some(2), 1));
    assert_eq!(migrations.status_on(&mut db).expect("status_on"), status);
    migrations.upgrade(&mut db).expect("upgrade the rest");
    assert!(
        migrations
            .status_on(&mut db)
            .expect("status")
            .is_up_to_date()
    );
    assert!(migrations.verify_on(&mut db).expect("verify").is_empty());
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 2);
}

#[test]
fn a_failing_migration_keeps_nothing_and_names_its_line() {
    let f = fixture();
    f.write(
        "0004_bad.sql",
        "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\nINSERT INTO runs VALUES (4);\nINSERT INTO nowhere VALUES (1);",
    );
    let migrations = f.migrations();
    let mut db = f.open();
    let err = migrations
        .upgrade_on(&mut db, None, |_| {})
        .expect_err("fails");
    let Error::Stopped { report, error } = &err else {
        panic!("{err}")
    };
    assert_eq!(report.ran.len(), 3);
    let shown = error.to_string();
    assert!(
        shown.contains("0004_bad.sql")
            && shown.contains("line 3")
            && shown.contains("no such table: nowhere"),
        "{shown}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sqlite_schema WHERE name = 'hosts'"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM _driftless_migrations WHERE version = 4"
        ),
        0
    );
    assert_eq!(count(&db, "SELECT count(*) FROM runs WHERE m = 4"), 0);
}

/// An executor that lets another migrator act on the same file just
/// before its own write: the race two nodes can run.
struct Raced<'a> {
    conn: Connection,
    before_write: Box<dyn FnMut() + 'a>,
}

impl Executor for Raced<'_> {
    fn read(
        &mut self,
        sql: &str,
        params: &[Value],
        columns: &[Column],
    ) -> Result<Vec<Vec<Value>>, Failure> {
        self.conn.read(sql, params, columns)
    }

    fn write(&mut self, statements: &[Statement]) -> Result<(), Failure> {
        (self.before_write)();
        self.conn.write(statements)
    }
}

#[test]
fn two_migrators_at_once_apply_each_migration_once() {
    let f = fixture();
    let migrations = f.migrations();
    let other = f.migrations();
    let mut second = f.open();
    // before each of its writes, the other migrator applies the next migration
    let mut raced = Raced {
        conn: f.open(),
        before_write: Box::new(|| {
            let pending = other.status(&second).expect("status").pending;
            if let Some(p) = pending.first() {
                other
                    .upgrade_on(&mut second, Some(p.version), |_| {})
                    .expect("other");
            }
        }),
    };
    let report = migrations
        .upgrade_on(&mut raced, None, |_| {})
        .expect("upgrade");
    assert!(
        report.ran.is_empty(),
        "the other was first with every one: {report:?}"
    );
    let db = f.open();
    assert_eq!(count(&db, "SELECT count(*) FROM _driftless_migrations"), 3);
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 2, "each ran once");
}

#[test]
fn a_second_downgrader_undoes_nothing_twice() {
    let f = Fixture::new(&[
        (
            "0001_runs.up.sql",
            "CREATE TABLE runs (m INTEGER NOT NULL);",
        ),
        ("0001_runs.down.sql", "DROP TABLE runs;"),
        ("0002_games.up.sql", "INSERT INTO runs VALUES (2);"),
        ("0002_games.down.sql", "INSERT INTO runs VALUES (-2);"),
    ]);
    let migrations = f.migrations();
    let mut db = f.open();
    migrations
        .upgrade_on(&mut db, None, |_| {})
        .expect("upgrade");
    let other = f.migrations();
    let mut second = f.open();
    let mut once = true;
    let mut raced = Raced {
        conn: f.open(),
        before_write: Box::new(|| {
            if std::mem::take(&mut once) {
                other.downgrade_on(&mut second, 1).expect("other downgrade");
            }
        }),
    };
    let report = migrations.downgrade_on(&mut raced, 1).expect("downgrade");
    assert!(report.ran.is_empty(), "{report:?}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM runs WHERE m = -2"),
        1,
        "the down script ran once"
    );
    assert_eq!(
        migrations.status_on(&mut db).expect("status").current,
        Some(1)
    );
}

#[test]
fn a_no_transaction_migration_is_refused_before_anything_runs() {
    let f = fixture();
    f.write("0004_vacuum.sql", "-- driftless:no-transaction\nVACUUM;");
    let migrations = f.migrations();
    let mut db = f.open();
    let err = migrations
        .upgrade_on(&mut db, None, |_| {})
        .expect_err("refused");
    assert!(
        matches!(err, Error::NeedsTransaction { version: 4, .. }),
        "{err}"
    );
    assert_eq!(migrations.status_on(&mut db).expect("status").current, None);
    // up to the one before it, it runs
    migrations
        .upgrade_on(&mut db, Some(3), |_| {})
        .expect("up to 3");
}

#[test]
fn stamp_on_and_verify_on_see_a_hand_made_table() {
    let f = fixture();
    let migrations = f.migrations();
    let mut db = f.open();
    db.execute_batch(
        "CREATE TABLE runs (m INTEGER NOT NULL); CREATE TABLE games (id INTEGER PRIMARY KEY);",
    )
    .expect("by hand");
    migrations.stamp_on(&mut db, 2).expect("stamp");
    assert_eq!(
        migrations.status_on(&mut db).expect("status").current,
        Some(2)
    );
    assert!(migrations.verify_on(&mut db).expect("verify").is_empty());
    db.execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME")
        .expect("patch");
    let diffs = migrations.verify_on(&mut db).expect("verify");
    assert_eq!(diffs.len(), 1);
    assert_eq!(
        diffs[0].fix,
        migrations.verify(&db).expect("file verify")[0].fix
    );
    migrations.stamp_on(&mut db, 0).expect("stamp 0");
    assert_eq!(migrations.status_on(&mut db).expect("status").current, None);
}

/// hiqlite's own history for `files`: what `Client::migrate` writes.
fn hiqlite_history(conn: &Connection, files: &[(u32, &str, &str)]) {
    conn.execute_batch(
        "CREATE TABLE _migrations (id INTEGER NOT NULL CONSTRAINT _migrations_pk PRIMARY KEY, \
         name TEXT NOT NULL, ts INTEGER NOT NULL, hash TEXT NOT NULL)",
    )
    .expect("table");
    for (id, name, sql) in files {
        conn.execute_batch(sql).expect("schema");
        let hash = driftless_migrations_hex(sql);
        conn.execute(
            "INSERT INTO _migrations VALUES (?1, ?2, 7, ?3)",
            (id, name, hash),
        )
        .expect("row");
    }
}

fn driftless_migrations_hex(sql: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(sql.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn hiqlite_history_is_adopted_on_the_executor_and_on_a_file() {
    let files = [
        (1, "init", "CREATE TABLE t (x);"),
        (2, "more", "CREATE TABLE u (y);"),
    ];
    let f = Fixture::new(&[
        ("1_init.sql", files[0].2),
        ("2_more.sql", files[1].2),
        ("3_next.sql", "CREATE TABLE v (z);"),
    ]);
    let migrations = f.migrations();

    let mut db = f.open();
    hiqlite_history(&db, &files);
    let adopted = migrations.adopt_on(&mut db).expect("adopt_on");
    assert_eq!(
        (adopted.tool, adopted.versions),
        (Tool::Hiqlite, vec![1, 2])
    );
    let status = migrations.status_on(&mut db).expect("status");
    assert_eq!((status.current, status.pending.len()), (Some(2), 1));
    assert!(
        migrations.verify_on(&mut db).expect("verify").is_empty(),
        "hiqlite's table is not drift"
    );
    let again = migrations.adopt_on(&mut db).expect_err("already adopted");
    assert!(
        again
            .to_string()
            .contains("already has a driftless history"),
        "{again}"
    );

    let copy = Fixture::new(&[
        ("1_init.sql", files[0].2),
        ("2_more.sql", "CREATE TABLE u (y, changed);"),
    ]);
    let mut file = copy.open();
    hiqlite_history(&file, &files);
    let err = copy
        .migrations()
        .adopt(&mut file)
        .expect_err("changed file");
    assert!(
        err.to_string()
            .contains("2_more.sql changed since hiqlite applied it"),
        "{err}"
    );
    assert!(
        copy.migrations()
            .status(&file)
            .expect("status")
            .applied
            .is_empty(),
        "nothing written"
    );
}

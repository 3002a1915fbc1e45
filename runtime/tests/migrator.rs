//! The runtime migrator against real SQLite files: upgrade, failure,
//! disagreements, downgrade, verify, backup, rebuilds.

use std::fs;
use std::path::Path;

use driftless::Schema;
use driftless::rusqlite::Connection;
use driftless::{Backup, DiffKind, Error, Event, Migrations, Options};

mod common;
use common::Fixture;

const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";
const PLAYERS: &str = "CREATE TABLE players (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id), name TEXT NOT NULL);";
const COMPLETED: &str = "ALTER TABLE games ADD COLUMN completed_at DATETIME;";

fn three() -> Fixture {
    Fixture::new(&[
        ("0001_games.sql", GAMES),
        ("0002_players.sql", PLAYERS),
        ("0003_completed.sql", COMPLETED),
    ])
}

fn versions(m: &Migrations, conn: &Connection) -> Vec<u64> {
    m.status(conn)
        .expect("status")
        .applied
        .iter()
        .map(|a| a.version)
        .collect()
}

/// Everything a failed migration must leave as it was: schema, data, history.
fn dump(conn: &Connection) -> String {
    let mut out = format!("{:?}\n", Schema::read(conn).expect("schema"));
    let mut tables = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .expect("prepare");
    let names: Vec<String> = tables
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("names");
    for name in names {
        let mut rows = conn
            .prepare(&format!("SELECT * FROM \"{name}\""))
            .expect("select");
        let n = rows.column_count();
        let data: Vec<String> = rows
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i)))
                    .collect::<Vec<_>>()
                    .join(","))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("data");
        out.push_str(&format!("{name}: {data:?}\n"));
    }
    out
}

#[test]
fn upgrade_from_empty_from_the_middle_and_when_up_to_date() {
    let f = three();
    let m = f.migrations();
    let mut conn = f.open();
    let report = m.upgrade_to(&mut conn, 1).expect("to 1");
    assert_eq!(report.ran.len(), 1);
    assert_eq!(versions(&m, &conn), [1]);

    let report = m.upgrade(&mut conn).expect("from the middle");
    let ran: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
    assert_eq!(ran, [2, 3]);
    assert!(m.status(&conn).expect("status").is_up_to_date());
    let history = &m.status(&conn).expect("status").applied;
    assert_eq!(history[1].name, "players");
    assert_eq!(history[1].checksum, m.get(2).expect("2").checksum.to_vec());
    assert!(history[1].applied_at.ends_with('Z'));
    drop(conn);

    // up to date: nothing is written, not even the file's timestamp
    let before = (
        fs::read(f.db_path()).expect("read"),
        fs::metadata(f.db_path())
            .expect("meta")
            .modified()
            .expect("mtime"),
    );
    let mut conn = f.open();
    let report = m.upgrade(&mut conn).expect("no-op");
    assert!(report.ran.is_empty() && report.backup.is_none());
    drop(conn);
    let after = (
        fs::read(f.db_path()).expect("read"),
        fs::metadata(f.db_path())
            .expect("meta")
            .modified()
            .expect("mtime"),
    );
    assert!(before == after, "an up-to-date upgrade wrote to the file");
}

#[test]
fn a_failing_migration_leaves_the_database_exactly_as_it_was() {
    let f = three();
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade(&mut conn).expect("upgrade");
    conn.execute("INSERT INTO games (name) VALUES ('quiz')", [])
        .expect("data");
    let before = dump(&conn);
    drop(conn);
    let bytes_before = fs::read(f.db_path()).expect("read");

    f.write(
        "0004_broken.sql",
        "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\nINSERT INTO hosts VALUES (1);\nUPDATE nowhere SET x = 1;\n",
    );
    let m = f.migrations();
    let mut conn = f.open();
    let err = m.upgrade(&mut conn).expect_err("third statement fails");
    let text = err.to_string();
    assert!(matches!(err, Error::Migration(_)), "{text}");
    assert!(
        text.contains("migrations/0004_broken.sql") || text.contains("0004_broken.sql"),
        "{text}"
    );
    assert!(text.contains("line 3"), "{text}");
    assert!(text.contains("no such table: nowhere"), "{text}");
    assert_eq!(dump(&conn), before);
    drop(conn);
    assert_eq!(fs::read(f.db_path()).expect("read"), bytes_before);
}

#[test]
fn a_failure_after_applied_migrations_reports_what_stays_applied() {
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        ("0002_players.sql", PLAYERS),
        ("0003_broken.sql", "UPDATE nowhere SET x = 1;"),
    ]);
    let mut conn = f.open();
    let backup = f.dir.path().join("before.db");
    let options = Options {
        backup: Backup::To(backup.clone()),
        ..Options::default()
    };
    let err = f
        .migrations()
        .upgrade_with(&mut conn, None, &options)
        .expect_err("the third fails");
    assert!(matches!(err.root(), Error::Migration(_)), "{err}");
    let report = err.report().expect("what ran before the failure");
    let ran: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
    assert_eq!(ran, [1, 2]);
    assert_eq!(report.backup.as_deref(), Some(backup.as_path()));
    let text = err.to_string();
    assert!(
        text.contains("before it, 2 migrations ran and stay done: migrations/0001_games.sql, migrations/0002_players.sql")
            || text.contains("0001_games.sql, ") && text.contains("stay done"),
        "{text}"
    );
    assert_eq!(versions(&f.migrations(), &conn), [1, 2]);
}

#[test]
fn unknown_applied_version_is_the_runbooks_cant_locate_revision() {
    let f = three();
    let mut conn = f.open();
    f.migrations().upgrade(&mut conn).expect("upgrade");
    // the build that applied 0003 is gone: its file was never committed
    f.remove("0003_completed.sql");
    let m = f.migrations();
    let err = m.upgrade(&mut conn).expect_err("unknown");
    let Error::UnknownApplied { unknown } = &err else {
        panic!("wrong error: {err}");
    };
    assert_eq!(unknown[0].version, 3);
    assert_eq!(unknown[0].name, "completed");
    let text = err.to_string();
    assert!(text.contains("3 completed (applied 20"), "{text}");
    assert!(text.contains("stamp"), "{text}");
    assert_eq!(m.status(&conn).expect("status").unknown.len(), 1);

    // the reviewed way out: verify shows what 0003 did, stamp forgets it
    let diffs = m.verify(&conn).expect("verify works while 0003 is unknown");
    assert_eq!(diffs.len(), 1);
    assert_eq!(diffs[0].kind, DiffKind::ExtraColumn);
    assert!(diffs[0].description.contains("games.completed_at"));
    m.stamp(&mut conn, 2).expect("stamp");
    assert!(m.status(&conn).expect("status").unknown.is_empty());
    assert_eq!(m.verify(&conn).expect("verify"), diffs);
}

#[test]
fn modified_migration_is_its_own_error() {
    let f = three();
    let mut conn = f.open();
    f.migrations().upgrade(&mut conn).expect("upgrade");
    f.write(
        "0002_players.sql",
        &format!("{PLAYERS}\n-- edited after it ran\n"),
    );
    let err = f.migrations().upgrade(&mut conn).expect_err("modified");
    let Error::Modified { modified } = &err else {
        panic!("wrong error: {err}");
    };
    assert_eq!(modified[0].version, 2);
    assert_ne!(modified[0].checksum_applied, modified[0].checksum_now);
    assert!(err.to_string().contains("0002_players.sql"), "{err}");
}

#[test]
fn late_merged_older_migration_is_refused_unless_allowed() {
    let f = Fixture::new(&[("0001_games.sql", GAMES), ("0003_completed.sql", COMPLETED)]);
    let mut conn = f.open();
    f.migrations().upgrade(&mut conn).expect("upgrade");
    f.write("0002_players.sql", PLAYERS);
    let m = f.migrations();
    let err = m.upgrade(&mut conn).expect_err("out of order");
    let Error::OutOfOrder {
        pending,
        newest_applied,
    } = &err
    else {
        panic!("wrong error: {err}");
    };
    assert_eq!((pending[0].version, *newest_applied), (2, 3));
    let allowed = Options {
        allow_out_of_order: true,
        ..Options::default()
    };
    let report = m.upgrade_with(&mut conn, None, &allowed).expect("allowed");
    assert_eq!(report.ran[0].version, 2);
    assert_eq!(versions(&m, &conn), [1, 2, 3]);
}

#[test]
fn missing_down_file_stops_the_downgrade_before_anything_runs() {
    let f = Fixture::new(&[
        ("0001_games.up.sql", GAMES),
        ("0001_games.down.sql", "DROP TABLE games;"),
        ("0002_players.up.sql", PLAYERS),
        ("0003_completed.up.sql", COMPLETED),
        (
            "0003_completed.down.sql",
            "ALTER TABLE games DROP COLUMN completed_at;",
        ),
    ]);
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade(&mut conn).expect("upgrade");
    let err = m.downgrade_to(&mut conn, 0).expect_err("0002 has no down");
    assert!(
        matches!(err, Error::MissingDown { version: 2, .. }),
        "{err}"
    );
    assert_eq!(versions(&m, &conn), [1, 2, 3], "nothing may run");
    assert_eq!(m.verify(&conn).expect("verify"), []);
}

#[test]
fn an_empty_down_script_stops_the_downgrade_before_it_starts() {
    let f = Fixture::new(&[
        ("0001_games.up.sql", GAMES),
        ("0001_games.down.sql", "DROP TABLE games;"),
        ("0002_completed.up.sql", COMPLETED),
        ("0002_completed.down.sql", "-- TODO: drop the column\n"),
    ]);
    let mut conn = f.open();
    f.migrations().upgrade(&mut conn).expect("upgrade");
    let err = f
        .migrations()
        .downgrade_to(&mut conn, 0)
        .expect_err("empty down");
    assert!(matches!(err, Error::EmptyDown { version: 2, .. }), "{err}");
    assert!(err.to_string().contains("0002_completed.down.sql"), "{err}");
    assert_eq!(versions(&f.migrations(), &conn), [1, 2]);
}

#[test]
fn a_migration_cannot_corrupt_a_real_database() {
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        (
            "0002_hack.sql",
            "PRAGMA writable_schema = ON;\n\
             UPDATE sqlite_schema SET sql = 'CREATE TABLE games (broken' WHERE name = 'games';",
        ),
    ]);
    let mut conn = f.open();
    let err = f.migrations().upgrade(&mut conn).expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("0002_hack.sql") && text.contains("may not be modified"),
        "{text}"
    );
    drop(conn);
    // the file is sound and at version 1; the connection's own setting is back
    let conn = f.open();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(ok, "ok");
    assert_eq!(versions(&f.migrations(), &conn), [1]);
}

#[test]
fn diesel_versions_run_and_compare_in_diesels_order() {
    // `2024-03-13_170000_cascade` is version 20240313 to diesel, after
    // 20240306170000 because diesel compares versions as text
    let f = Fixture::new(&[
        (
            "2024-03-06-170000_add_users/up.sql",
            "CREATE TABLE users (id INTEGER PRIMARY KEY);",
        ),
        ("2024-03-06-170000_add_users/down.sql", "DROP TABLE users;"),
        (
            "2024-03-13_170000_cascade/up.sql",
            "DROP TABLE users; CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);",
        ),
        (
            "2024-03-13_170000_cascade/down.sql",
            "DROP TABLE users; CREATE TABLE users (id INTEGER PRIMARY KEY);",
        ),
    ]);
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade_to(&mut conn, 20_240_306_170_000)
        .expect("the first only");
    assert_eq!(versions(&m, &conn), [20_240_306_170_000]);
    m.upgrade(&mut conn)
        .expect("then the cascade, not out of order");
    let status = m.status(&conn).expect("status");
    assert_eq!(status.current, Some(20_240_313));
    assert!(status.is_up_to_date(), "{status:?}");
    m.downgrade_to(&mut conn, 20_240_306_170_000)
        .expect("undo the cascade only");
    assert_eq!(versions(&m, &conn), [20_240_306_170_000]);
}

#[test]
fn down_then_up_returns_the_same_schema() {
    let f = Fixture::new(&[
        ("0001_games.up.sql", GAMES),
        ("0001_games.down.sql", "DROP TABLE games;"),
        (
            "0002_players.up.sql",
            &format!("{PLAYERS}\nCREATE INDEX players_game ON players (game_id);"),
        ),
        ("0002_players.down.sql", "DROP TABLE players;"),
        ("0003_completed.up.sql", COMPLETED),
        (
            "0003_completed.down.sql",
            "ALTER TABLE games DROP COLUMN completed_at;",
        ),
    ]);
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade(&mut conn).expect("upgrade");
    let top = Schema::read(&conn).expect("schema");
    let report = m.downgrade_to(&mut conn, 1).expect("down to 1");
    let ran: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
    assert_eq!(ran, [3, 2], "newest first");
    assert!(report.ran[0].file.ends_with("0003_completed.down.sql"));
    assert_eq!(versions(&m, &conn), [1]);
    assert!(
        Schema::read(&conn)
            .expect("schema")
            .table("players")
            .is_none()
    );
    m.upgrade(&mut conn).expect("up again");
    assert_eq!(Schema::read(&conn).expect("schema"), top);
    m.downgrade_to(&mut conn, 0).expect("all the way");
    assert!(Schema::read(&conn).expect("schema").tables.is_empty());
    assert!(matches!(
        m.downgrade_to(&mut conn, 9),
        Err(Error::UnknownVersion { version: 9 })
    ));
}

#[test]
fn verify_reports_hand_patches_and_its_fix_makes_it_clean() {
    let f = three();
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade(&mut conn).expect("upgrade");
    assert_eq!(m.verify(&conn).expect("verify"), []);
    conn.execute_batch(
        "INSERT INTO games (name, completed_at) VALUES ('quiz', '2026-01-01');
         ALTER TABLE games ADD COLUMN winners JSON;   -- the runbook's hand-typed ALTER
         ALTER TABLE players DROP COLUMN name;        -- and one dropped by hand",
    )
    .expect("hand patches");
    let diffs = m.verify(&conn).expect("verify");
    let described: Vec<&str> = diffs.iter().map(|d| d.description.as_str()).collect();
    assert_eq!(diffs.len(), 2, "{described:#?}");
    assert!(
        described
            .iter()
            .any(|d| d.contains("`games.winners` is in the database")),
        "{described:#?}"
    );
    assert!(
        described
            .iter()
            .any(|d| d.contains("`players.name` is missing")),
        "{described:#?}"
    );
    let fix: Vec<&str> = diffs.iter().map(|d| d.fix.as_str()).collect();
    conn.execute_batch(&fix.join("\n")).expect("fix runs");
    assert_eq!(m.verify(&conn).expect("verify"), []);
    let name: String = conn
        .query_row("SELECT name FROM games", [], |r| r.get(0))
        .expect("data survives the fix");
    assert_eq!(name, "quiz");
}

#[test]
fn backup_then_restore_gives_back_the_data() {
    let f = three();
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade_to(&mut conn, 2).expect("to 2");
    conn.execute("INSERT INTO games (name) VALUES ('quiz')", [])
        .expect("data");
    let options = Options {
        backup: Backup::Beside,
        ..Options::default()
    };
    let report = m.upgrade_with(&mut conn, None, &options).expect("upgrade");
    let backup = report.backup.expect("a backup was taken");
    assert!(
        backup.to_string_lossy().contains("app.db."),
        "{}",
        backup.display()
    );
    conn.execute("DELETE FROM games", [])
        .expect("lose the data");
    drop(conn);

    // restore: copy the backup over the database
    fs::copy(&backup, f.db_path()).expect("restore");
    let conn = f.open();
    let name: String = conn
        .query_row("SELECT name FROM games", [], |r| r.get(0))
        .expect("data is back");
    assert_eq!(name, "quiz");
    assert_eq!(
        versions(&m, &conn),
        [1, 2],
        "the backup is from before the upgrade"
    );

    let err = m.upgrade_with(
        &mut f.open(),
        None,
        &Options {
            backup: Backup::To(Path::new("/nonexistent-dir/x.db").to_path_buf()),
            ..Options::default()
        },
    );
    assert!(matches!(err, Err(Error::Backup { .. })));
    // a backup never overwrites a file
    let taken = f.dir.path().join("taken.db");
    fs::write(&taken, b"precious").expect("write");
    let err = m.upgrade_with(
        &mut f.open(),
        None,
        &Options {
            backup: Backup::To(taken.clone()),
            ..Options::default()
        },
    );
    assert!(matches!(err, Err(Error::BackupExists { .. })));
    assert_eq!(fs::read(&taken).expect("read"), b"precious");
    assert_eq!(
        versions(&m, &f.open()),
        [1, 2],
        "nothing migrated without its backup"
    );
}

#[test]
fn table_rebuild_runs_with_foreign_keys_off_and_is_checked() {
    // SQLite's 12-step procedure: make players.name nullable
    let rebuild = "CREATE TABLE players_new (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id), name TEXT);
                   INSERT INTO players_new SELECT id, game_id, name FROM players;
                   DROP TABLE players;
                   ALTER TABLE players_new RENAME TO players;";
    let f = Fixture::new(&[("0001_games.sql", GAMES), ("0002_players.sql", PLAYERS)]);
    let mut conn = f.open();
    conn.pragma_update(None, "foreign_keys", true)
        .expect("fk on");
    f.migrations().upgrade(&mut conn).expect("upgrade");
    conn.execute_batch(
        "INSERT INTO games VALUES (1, 'quiz'); INSERT INTO players VALUES (1, 1, 'ada');",
    )
    .expect("data");
    f.write("0003_rebuild_players.sql", rebuild);
    f.migrations().upgrade(&mut conn).expect("rebuild");
    let fk: bool = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .expect("pragma");
    assert!(fk, "foreign keys are switched back on");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM players", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 1);

    // a rebuild that leaves an orphan is rolled back
    f.write(
        "0004_orphan.sql",
        "CREATE TABLE games_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         INSERT INTO games_new SELECT id, name FROM games WHERE id <> 1;
         DROP TABLE games;
         ALTER TABLE games_new RENAME TO games;",
    );
    let err = f.migrations().upgrade(&mut conn).expect_err("orphan");
    let Error::ForeignKeyViolation {
        version,
        violations,
        ..
    } = &err
    else {
        panic!("wrong error: {err}");
    };
    assert_eq!((*version, violations[0].table.as_str()), (4, "players"));
    let games: i64 = conn
        .query_row("SELECT count(*) FROM games", [], |r| r.get(0))
        .expect("count");
    assert_eq!(games, 1, "rolled back");
    assert_eq!(versions(&f.migrations(), &conn), [1, 2, 3]);
}

#[test]
fn a_negative_version_in_the_history_is_an_error_not_version_0() {
    let f = three();
    let mut conn = f.open();
    f.migrations().upgrade(&mut conn).expect("upgrade");
    conn.execute(
        "UPDATE _driftless_migrations SET version = -3 WHERE version = 3",
        [],
    )
    .expect("edit by hand");
    let err = f.migrations().status(&conn).expect_err("negative");
    assert!(
        matches!(err, Error::BadVersion { version: -3, .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "history table `_driftless_migrations` records version -3, but versions are 0 or more: \
         no migration file can match it\nhelp: the row was written by hand or by another tool; \
         correct or delete it, then run again"
    );
    f.migrations()
        .upgrade(&mut conn)
        .expect_err("upgrade refuses too");
}

#[test]
fn a_column_named_like_a_rename_keeps_foreign_keys_on() {
    // `ADD COLUMN renamed_at` once read as a rename: foreign keys went off,
    // the DELETE did not cascade, and the orphan check refused the migration
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        (
            "0002_players.sql",
            "CREATE TABLE players (id INTEGER PRIMARY KEY, \
             game_id INTEGER NOT NULL REFERENCES games (id) ON DELETE CASCADE, name TEXT NOT NULL);",
        ),
    ]);
    let mut conn = f.open();
    conn.pragma_update(None, "foreign_keys", true)
        .expect("fk on");
    f.migrations().upgrade(&mut conn).expect("upgrade");
    conn.execute_batch(
        "INSERT INTO games VALUES (1, 'quiz'); INSERT INTO players VALUES (1, 1, 'ada');",
    )
    .expect("data");
    f.write(
        "0003_renamed_at.sql",
        "ALTER TABLE games ADD COLUMN renamed_at DATETIME; -- not a RENAME TO\n\
         DELETE FROM games WHERE id = 1;",
    );
    f.migrations().upgrade(&mut conn).expect("cascades");
    let players: i64 = conn
        .query_row("SELECT count(*) FROM players", [], |r| r.get(0))
        .expect("count");
    assert_eq!(players, 0, "the delete cascaded");
}

#[test]
fn no_transaction_migration_is_recorded_as_such_and_cleaned_up_on_failure() {
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        ("0002_vacuum.sql", "-- driftless:no-transaction\nVACUUM;\n"),
    ]);
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade(&mut conn).expect("upgrade");
    let history = m.status(&conn).expect("status").applied;
    assert!(history[1].no_transaction && history[1].duration_ms >= 0);

    // failing at its first statement: nothing ran, nothing is recorded
    f.write(
        "0003_broken.sql",
        "-- driftless:no-transaction\nSELECT nope FROM nowhere;\nCREATE TABLE a (x);\n",
    );
    let err = f.migrations().upgrade(&mut conn).expect_err("fails");
    assert!(matches!(err, Error::Migration(_)), "{err}");
    assert!(err.to_string().contains("0003_broken.sql"), "{err}");
    assert_eq!(versions(&f.migrations(), &conn), [1, 2], "not recorded");

    // failing after a statement took effect: recorded as unfinished, and said so
    f.write(
        "0003_broken.sql",
        "-- driftless:no-transaction\nCREATE TABLE a (x);\nSELECT nope FROM nowhere;\n",
    );
    let m = f.migrations();
    let err = m.upgrade(&mut conn).expect_err("fails part-way");
    let text = err.to_string();
    assert!(
        matches!(err, Error::PartlyApplied { version: 3, .. }),
        "{text}"
    );
    assert!(
        text.contains("took effect") && text.contains("stamp 3"),
        "{text}"
    );
    let status = m.status(&conn).expect("status");
    assert_eq!(
        status
            .unfinished
            .iter()
            .map(|a| a.version)
            .collect::<Vec<_>>(),
        [3]
    );
    // finished by hand (here: nothing left to do), stamp says so
    m.stamp(&mut conn, 3).expect("stamp");
    assert!(m.status(&conn).expect("status").is_up_to_date());
}

#[test]
fn a_deferred_constraint_failing_at_commit_rolls_the_migration_back() {
    let f = Fixture::new(&[
        (
            "0001_tables.sql",
            "CREATE TABLE p (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE c (pid INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);",
        ),
        ("0002_orphan.sql", "INSERT INTO c (pid) VALUES (42);"),
    ]);
    let m = f.migrations();
    let mut conn = f.open();
    conn.pragma_update(None, "foreign_keys", true)
        .expect("fk on");
    let err = m
        .upgrade(&mut conn)
        .expect_err("deferred FK fails at COMMIT");
    let text = err.to_string();
    // 0001 ran before it and stays applied: the error says so, around the failure
    assert!(
        matches!(err.root(), Error::CommitFailed { version: 2, .. }),
        "{text}"
    );
    assert_eq!(err.report().map(|r| r.ran.len()), Some(1));
    assert!(
        text.contains("0002_orphan.sql") && text.contains("rolled back"),
        "{text}"
    );
    assert!(conn.is_autocommit(), "no transaction is left open");
    assert_eq!(versions(&m, &conn), [1]);
    // the write lock was released: another connection can write
    f.open()
        .execute_batch("CREATE TABLE other (x)")
        .expect("not locked");
}

#[test]
fn a_second_migrator_waits_for_a_running_no_transaction_migration() {
    let slow = "-- driftless:no-transaction\n\
        CREATE TABLE big (x);\n\
        INSERT INTO big WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000) SELECT x FROM n;\n";
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        ("0002_big.sql", slow),
        ("0003_players.sql", PLAYERS),
    ]);
    let path = f.db_path();
    let dir = f.dir.path().join("migrations");
    let first = std::thread::spawn({
        let (path, dir) = (path.clone(), dir.clone());
        move || {
            let m = Migrations::from_dir(dir).expect("migrations");
            m.upgrade(&mut Connection::open(path).expect("open"))
                .map(|r| r.ran.len())
        }
    });
    // start the second migrator while the first is inside 0002 (its row says -1)
    let watcher = Connection::open(&path).expect("open");
    let started = std::time::Instant::now();
    loop {
        let running: Option<i64> = watcher
            .query_row(
                "SELECT duration_ms FROM _driftless_migrations WHERE version = 2",
                [],
                |r| r.get(0),
            )
            .ok();
        if running == Some(-1) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the first migrator never started 0002"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let m = Migrations::from_dir(&dir).expect("migrations");
    let second = m.upgrade(&mut Connection::open(&path).expect("open"));
    let first = first.join().expect("thread");
    let (a, b) = (
        first.expect("first migrator"),
        second.expect("second migrator").ran.len(),
    );
    assert_eq!(a + b, 3, "each migration ran once");
    assert_eq!(versions(&m, &f.open()), [1, 2, 3]);
}

#[test]
fn unfinished_no_transaction_migration_blocks_the_upgrade() {
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        ("0002_x.sql", "-- no-transaction\nCREATE TABLE x (a);"),
    ]);
    let m = f.migrations();
    let mut conn = f.open();
    m.upgrade_to(&mut conn, 1).expect("to 1");
    // what a crash in the middle of 0002 leaves behind
    conn.execute(
        "INSERT INTO _driftless_migrations VALUES (2, 'x', x'00', '2026-01-01T00:00:00Z', -1, 1)",
        [],
    )
    .expect("marker");
    let quick = Options {
        busy_timeout: std::time::Duration::from_millis(200),
        ..Options::default()
    };
    let err = m
        .upgrade_with(&mut conn, None, &quick)
        .expect_err("unfinished");
    assert!(matches!(err, Error::Unfinished { .. }), "{err}");
    assert!(err.to_string().contains("has not finished"), "{err}");
    assert!(err.to_string().contains("stamp 2"), "{err}");
}

#[test]
fn stamp_adopts_an_existing_database() {
    let f = three();
    let m = f.migrations();
    let mut conn = f.open();
    conn.execute_batch(&format!("{GAMES}{PLAYERS}"))
        .expect("made by hand");
    m.stamp(&mut conn, 2).expect("stamp");
    let status = m.status(&conn).expect("status");
    assert_eq!(status.current, Some(2));
    assert_eq!(
        status.pending,
        [driftless::Pending {
            version: 3,
            file: f.migrations().get(3).expect("3").up.file.to_string()
        }]
    );
    m.upgrade(&mut conn).expect("the rest");
    assert_eq!(m.verify(&conn).expect("verify"), []);
    assert!(matches!(
        m.stamp(&mut conn, 42),
        Err(Error::UnknownVersion { version: 42 })
    ));
}

#[test]
fn flyway_repeatable_migrations_run_last_and_again_when_changed() {
    let view = |cols: &str| {
        format!("DROP VIEW IF EXISTS roster;\nCREATE VIEW roster AS SELECT {cols} FROM games;\n")
    };
    let f = Fixture::new(&[
        ("V1__games.sql", GAMES),
        ("U1__games.sql", "DROP TABLE games;"),
        ("V1.1__players.sql", PLAYERS),
        ("U1.1__players.sql", "DROP TABLE players;"),
        ("R__roster.sql", &view("id")),
    ]);
    let mut conn = f.open();
    let ran = |report: driftless::Report| -> Vec<String> {
        report
            .ran
            .iter()
            .map(|r| r.file.rsplit('/').next().unwrap_or("").to_string())
            .collect()
    };
    let m = f.migrations();
    assert_eq!(
        ran(m.upgrade(&mut conn).expect("upgrade")),
        ["V1__games.sql", "V1.1__players.sql", "R__roster.sql"]
    );
    assert!(m.upgrade(&mut conn).expect("again").ran.is_empty());

    // an edited repeatable migration is due again, not "modified"; a new
    // versioned one runs before it and is not out of order
    f.write("R__roster.sql", &view("id, name"));
    f.write("V2__completed.sql", COMPLETED);
    let m = f.migrations();
    let status = m.status(&conn).expect("status");
    assert!(
        status.problem().is_none() && status.out_of_order.is_empty(),
        "{status:?}"
    );
    assert_eq!(status.pending.len(), 2);
    assert_eq!(
        ran(m.upgrade(&mut conn).expect("upgrade")),
        ["V2__completed.sql", "R__roster.sql"]
    );
    let cols: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('roster')",
            [],
            |r| r.get(0),
        )
        .expect("roster columns");
    assert_eq!(cols, 2);
    let status = m.status(&conn).expect("status");
    assert!(status.is_up_to_date(), "{status:?}");
    assert_eq!(status.current, Some(2));

    // `--to` a dotted version (as typed), and a downgrade by Flyway's undo
    // scripts leave the repeatable migration alone
    f.remove("V2__completed.sql");
    drop(conn);
    fs::remove_file(f.db_path()).expect("remove db");
    let mut conn = f.open();
    let m = f.migrations();
    let v11 = driftless_migrations::flyway::version_id("1.1").expect("a version");
    m.upgrade(&mut conn).expect("upgrade");
    let report = m.downgrade_to(&mut conn, 1).expect("downgrade to 1");
    assert_eq!(ran(report), ["U1.1__players.sql"]);
    let status = m.status(&conn).expect("status");
    assert_eq!(status.current, Some(1));
    assert_eq!(
        status.pending.iter().map(|p| p.version).collect::<Vec<_>>(),
        [v11]
    );
}

#[test]
fn a_migration_another_migrator_applies_between_two_of_ours_is_not_run_again() {
    let f = Fixture::new(&[
        ("0001_games.sql", GAMES),
        ("0002_players.sql", PLAYERS),
        ("0003_x.sql", "CREATE TABLE x (a);"),
        ("0004_y.sql", "CREATE TABLE y (a);"),
    ]);
    let m = f.migrations();
    let mut conn = f.open();
    let mut other = f.open();
    let mut other_ran = Vec::new();
    let report = m
        .upgrade_each(&mut conn, None, &Options::default(), |event| {
            // between our 0001 and 0002, another connection applies 0002 and 0003
            if let Event::Done(ran) = event
                && ran.version == 1
            {
                let theirs = m.upgrade_to(&mut other, 3).expect("other migrator");
                other_ran.extend(theirs.ran.iter().map(|r| r.version));
            }
        })
        .expect("upgrade");
    let ours: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
    assert_eq!((ours, other_ran), (vec![1, 4], vec![2, 3]));
    assert_eq!(versions(&m, &f.open()), [1, 2, 3, 4]);
}

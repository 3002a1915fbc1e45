//! `driftless upgrade --dry-run`: a rehearsal on a copy of the real
//! database; the file itself is never written.

use crate::harness::*;

const GAMES: (&str, &str) = (
    "0001_games.sql",
    "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);\n",
);

/// A database at version 1 holding two games, with `pending` to apply.
fn with_rows(pending: &[(&str, &str)]) -> Project {
    let p = Project::with(&[GAMES]);
    p.db_cmd("upgrade", &[]).code(0);
    p.conn()
        .execute_batch("INSERT INTO games (name) VALUES ('quiz'), ('pub quiz');")
        .expect("rows");
    for (name, sql) in pending {
        p.write(name, sql);
    }
    p
}

#[test]
fn a_migration_that_would_fail_is_named_and_the_file_is_unchanged() {
    let p = with_rows(&[
        ("0002_notes.sql", "UPDATE games SET note = name;\n"),
        (
            "0003_score.sql",
            "-- the score\nALTER TABLE games ADD COLUMN score INTEGER NOT NULL;\n",
        ),
        ("0004_more.sql", "ALTER TABLE games ADD COLUMN more TEXT;\n"),
    ]);
    let before = fs::read(p.path(DB)).expect("read");
    p.db_cmd("upgrade", &["--dry-run"])
        .code(1)
        .out("dry run of 3 pending migrations on a copy of app.db (in memory, ")
        .out("  ok      migrations/0002_notes.sql (")
        .out(", 2 rows changed)")
        .out("  FAILED  migrations/0003_score.sql")
        .out("failed in the statement at line 2, column 1: Cannot add a NOT NULL column with default value NULL")
        .out("  not run migrations/0004_more.sql")
        .out("migration 3 would fail; app.db was not changed")
        .out_lacks("nothing of it was kept");
    assert_eq!(fs::read(p.path(DB)).expect("read"), before, "byte for byte");
    assert_eq!(versions(&p.conn()), [1]);

    let json = p
        .db_cmd("upgrade", &["--dry-run", "--format", "json"])
        .json();
    assert_eq!(json["would_fail"], 3, "{json}");
    assert_eq!(json["migrations"][0]["status"], "ok");
    assert_eq!(json["migrations"][0]["rows_changed"], 2);
    assert_eq!(json["migrations"][1]["status"], "failed");
    assert_eq!(json["migrations"][1]["line"], 2);
    assert_eq!(
        json["migrations"][1]["message"],
        "Cannot add a NOT NULL column with default value NULL"
    );
    assert_eq!(json["migrations"][2]["status"], "not-run");
    assert_eq!(fs::read(p.path(DB)).expect("read"), before);
}

#[test]
fn passing_migrations_leave_the_database_pending() {
    let p = with_rows(&[(
        "0002_hosts.sql",
        "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\n",
    )]);
    p.db_cmd("upgrade", &["--dry-run"])
        .code(0)
        .out("  ok      migrations/0002_hosts.sql (")
        .out("table `hosts` is in the new schema, but not in the old one")
        .out("every pending migration would apply; app.db was not changed");
    assert_eq!(versions(&p.conn()), [1]);
    assert_eq!(tables(&p.conn()), ["games"]);
}

#[test]
fn a_database_that_does_not_exist_is_not_created() {
    let p = Project::with(&[GAMES]);
    p.db_cmd("upgrade", &["--dry-run"])
        .code(0)
        .out("on an empty database (app.db does not exist yet)")
        .out("app.db was not created");
    assert!(!p.path(DB).exists());
    p.db_cmd("upgrade", &["--dry-run", "--backup"]).code(2);
}

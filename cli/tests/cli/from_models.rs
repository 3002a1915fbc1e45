//! `driftless new NAME --from-models` on real crates: the build fails at the
//! model, the command writes the migration, the build passes, `check` is
//! clean (the down restores the schema), and an upgrade keeps every row.

use std::path::PathBuf;

use driftless_tests::Scratch;

use crate::harness::tables;

const BUILD_RS: &str = "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n}\n";

fn driftless(s: &Scratch, args: &[&str]) -> (i32, String, String) {
    crate::harness::in_scratch(s, args)
}

fn read(s: &Scratch, rel: &str) -> String {
    std::fs::read_to_string(s.path().join(rel)).expect("read a scratch file")
}

fn db(s: &Scratch) -> PathBuf {
    s.path().join("app.db")
}

#[test]
fn a_new_struct_and_a_new_field_become_the_next_migration() {
    let mut s = Scratch::new("from-models", Some(BUILD_RS));
    s.write(
        "migrations/0001_create_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n",
    );
    s.lib("#[derive(Model)]\n#[model(table = \"games\")]\npub struct Game {\n    pub id: i64,\n    pub name: String,\n}\n");
    s.builds("the models as migrated");
    // a database with rows, at the first migration
    let dbs = db(&s).display().to_string();
    assert_eq!(driftless(&s, &["upgrade", "--db", &dbs]).0, 0);
    let conn = driftless::rusqlite::Connection::open(db(&s)).expect("open");
    conn.execute("INSERT INTO games (name) VALUES ('quiz')", [])
        .expect("a row");
    drop(conn);

    s.lib("#[derive(Model)]\n#[model(table = \"games\")]\npub struct Game {\n    pub id: i64,\n    pub name: String,\n    pub completed_at: Option<String>,\n}\n\n#[derive(Model)]\npub struct Player {\n    pub id: Option<i64>,\n    pub game_id: i64,\n    pub nick: Option<String>,\n    #[model(json)]\n    pub badges: Vec<String>,\n}\n");
    s.fails(
        "the model change before its migration",
        &["has no column `completed_at`"],
    );

    // --dry-run prints and writes nothing
    let (code, out, _) = driftless(&s, &["new", "add_players", "--from-models", "--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("-- up\nALTER TABLE games ADD COLUMN completed_at TEXT;"),
        "{out}"
    );
    assert!(!s.path().join("migrations/0002_add_players.sql").exists());

    let (code, out, err) = driftless(&s, &["new", "add_players", "--from-models"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        out,
        "add `games.completed_at`: field `completed_at` has no column\n\
         create table `players`: `Player` has no table\n\
         wrote migrations/0002_add_players.sql\n"
    );
    assert_eq!(
        read(&s, "migrations/0002_add_players.sql"),
        "-- add_players\n\
         ALTER TABLE games ADD COLUMN completed_at TEXT;\n\
         CREATE TABLE players (\n    id INTEGER PRIMARY KEY,\n    game_id INTEGER NOT NULL,\n    nick TEXT,\n    badges TEXT NOT NULL\n);\n"
    );
    s.builds("after the migration was written");
    let (code, out, _) = driftless(&s, &["check"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = driftless(&s, &["upgrade", "--db", &dbs]);
    assert_eq!(code, 0, "{out}\n{err}");
    let conn = driftless::rusqlite::Connection::open(db(&s)).expect("open");
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM games", [], |r| r.get(0))
        .expect("count");
    assert_eq!(rows, 1, "the upgrade kept the row");
    assert!(tables(&conn).contains(&"players".to_string()));
    // nothing left to write
    let (code, out, _) = driftless(&s, &["new", "again", "--from-models"]);
    assert_eq!(
        (code, out.trim()),
        (
            0,
            "the models match the migrations in migrations: nothing to write"
        )
    );
}

#[test]
fn a_not_null_field_gets_a_placeholder_and_renames_and_drops_are_asked_for() {
    let mut s = Scratch::new("from-models-review", Some(BUILD_RS));
    s.write(
        "migrations/0001_create_games.up.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, player_name TEXT, legacy INTEGER);\n",
    );
    s.write(
        "migrations/0001_create_games.down.sql",
        "DROP TABLE games;\n",
    );
    s.lib("#[derive(Model)]\n#[model(table = \"games\")]\npub struct Game {\n    pub id: i64,\n    pub player: Option<String>,\n    pub score: i64,\n}\n");

    // the rename is suggested, never guessed; the NOT NULL column needs a default
    let (code, out, err) = driftless(&s, &["new", "score", "--from-models", "--dry-run"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("pass `--rename player_name=player`"), "{err}");
    assert!(out.contains("ADD COLUMN player TEXT;"), "{out}");
    // a column no field maps is kept unless --drop: dropping loses data
    assert!(!out.contains("DROP COLUMN legacy"), "{out}");

    let (code, out, err) = driftless(
        &s,
        &[
            "new",
            "score",
            "--from-models",
            "--rename",
            "player_name=player",
            "--drop",
        ],
    );
    assert_eq!(code, 1, "a placeholder must stop it:\n{out}\n{err}");
    assert!(err.contains("write the value, then build"), "{err}");
    let up = read(&s, "migrations/0002_score.up.sql");
    assert!(up.contains("RENAME COLUMN player_name TO player"), "{up}");
    assert!(up.contains("DROP COLUMN legacy"), "{up}");
    assert!(
        up.contains("ADD COLUMN score INTEGER NOT NULL DEFAULT <driftless:"),
        "{up}"
    );
    // unreviewed, it cannot build
    s.fails("with the placeholder in place", &["0002_score.up.sql"]);
    s.write(
        "migrations/0002_score.up.sql",
        &up.replace(
            "<driftless: a default for the rows the table already holds>",
            "0",
        ),
    );
    s.builds("once the default is written");
    // the generated down restores the schema
    let (code, out, _) = driftless(&s, &["check"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_nullability_change_rebuilds_the_table_and_a_model_default_needs_no_review() {
    let mut s = Scratch::new("from-models-rebuild", Some(BUILD_RS));
    s.write(
        "migrations/0001_create_games.up.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT);\nCREATE INDEX games_name ON games (name);\n",
    );
    s.write(
        "migrations/0001_create_games.down.sql",
        "DROP TABLE games;\n",
    );
    s.lib("#[derive(Model)]\n#[model(table = \"games\")]\npub struct Game {\n    pub id: i64,\n    pub name: String,\n    #[model(default = \"0\")]\n    pub score: i64,\n}\n");
    s.fails(
        "a nullable column read into String",
        &["is nullable, but field `name` is `String`"],
    );
    let dbs = db(&s).display().to_string();
    // rows, one with the NULL the new NOT NULL must not lose
    let conn = driftless::rusqlite::Connection::open(db(&s)).expect("open");
    conn.execute_batch(
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT); CREATE INDEX games_name ON games (name);\n\
         INSERT INTO games (name) VALUES ('quiz'), (NULL);",
    )
    .expect("a database made by the first migration");
    drop(conn);
    assert_eq!(driftless(&s, &["stamp", "--db", &dbs, "1"]).0, 0);

    let (code, out, err) = driftless(&s, &["new", "name_not_null", "--from-models"]);
    assert_eq!(code, 1, "the NULL names need a value:\n{out}\n{err}");
    let up = read(&s, "migrations/0002_name_not_null.up.sql");
    assert_eq!(
        up,
        "-- name_not_null\n\
         -- rebuild `games` with the definition below, keeping its rows (SQLite's 12-step procedure)\n\
         CREATE TABLE games__driftless_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
         INSERT INTO games__driftless_new (id, name) SELECT id, coalesce(name, <driftless: a default for the rows the table already holds>) FROM games;\n\
         DROP TABLE games;\n\
         ALTER TABLE games__driftless_new RENAME TO games;\n\
         CREATE INDEX games_name ON games (name);\n\
         PRAGMA foreign_key_check;\n\
         ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n"
    );
    s.write(
        "migrations/0002_name_not_null.up.sql",
        &up.replace(
            "<driftless: a default for the rows the table already holds>",
            "'unnamed'",
        ),
    );
    s.builds("once the value is written");
    let (code, out, _) = driftless(&s, &["check"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, err) = driftless(&s, &["upgrade", "--db", &dbs]);
    assert_eq!(code, 0, "{out}\n{err}");
    let conn = driftless::rusqlite::Connection::open(db(&s)).expect("open");
    let names: Vec<String> = conn
        .prepare("SELECT name FROM games ORDER BY id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    assert_eq!(names, ["quiz", "unnamed"], "every row kept");
}

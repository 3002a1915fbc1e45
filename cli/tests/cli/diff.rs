//! `driftless diff`.

use crate::harness::*;

const GAMES: [(&str, &str); 1] = [(
    "0001_create_games.sql",
    "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT);\n",
)];

#[test]
fn diff_clean_db_matches() {
    let p = Project::with(&GAMES);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("diff", &[])
        .code(0)
        .out("app.db matches its applied migrations");
    let doc = p.db_cmd("diff", &["--format", "json"]).code(0).json();
    assert_eq!(doc["differences"].as_array().map(Vec::len), Some(0));
}

#[test]
fn diff_after_a_hand_patch() {
    let p = Project::with(&GAMES);
    p.db_cmd("upgrade", &[]).code(0);
    p.conn()
        .execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME;")
        .expect("patch by hand");
    p.db_cmd("diff", &[])
        .code(1)
        .out("app.db differs from its applied migrations")
        .out("column `games.paused_at` is in the database, but no applied migration creates it")
        .out("ALTER TABLE games ADD COLUMN paused_at DATETIME;")
        .out("ALTER TABLE games DROP COLUMN paused_at;");
    let doc = p.db_cmd("diff", &["--format", "json"]).code(1).json();
    let differences = doc["differences"].as_array().expect("differences");
    assert_eq!(differences.len(), 1);
    assert!(
        differences[0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("games.paused_at"))
    );
    assert_eq!(differences[0]["destructive"], true);
    assert_eq!(
        doc["keep_sql"],
        "ALTER TABLE games ADD COLUMN paused_at DATETIME;"
    );
    assert_eq!(
        doc["revert_sql"],
        "ALTER TABLE games DROP COLUMN paused_at;"
    );
}

#[test]
fn diff_write_keeps_the_patch_as_a_migration() {
    let p = Project::with(&GAMES);
    p.db_cmd("upgrade", &[]).code(0);
    p.conn()
        .execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME;")
        .expect("patch by hand");
    p.db_cmd("diff", &["--write", "keep_patch"])
        .code(0)
        .out("wrote migrations/0002_keep_patch.sql")
        .out("recorded version 2 as applied in app.db");
    assert_eq!(p.files(), ["0001_create_games.sql", "0002_keep_patch.sql"]);
    let written =
        fs::read_to_string(p.path(DIR).join("0002_keep_patch.sql")).expect("read new migration");
    assert!(
        written.contains("ALTER TABLE games ADD COLUMN paused_at DATETIME;"),
        "{written}"
    );
    assert_eq!(versions(&p.conn()), [1, 2]);
    p.db_cmd("diff", &[]).code(0).out("matches");
    p.db_cmd("status", &[]).code(0).out("up to date");
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
    // a fresh database built from the migrations now has the column too
    p.run(&["upgrade", "--dir", DIR, "--db", "fresh.db"])
        .code(0);
    let cols: i64 = p
        .conn_at("fresh.db")
        .query_row(
            "SELECT count(*) FROM pragma_table_info('games') WHERE name = 'paused_at'",
            [],
            |r| r.get(0),
        )
        .expect("table_info");
    assert_eq!(cols, 1);
}

#[test]
fn diff_write_json_prints_one_document() {
    let p = Project::with(&GAMES);
    p.db_cmd("upgrade", &[]).code(0);
    let nothing = p.db_cmd("diff", &["--format", "json", "--write", "nothing"]);
    let doc = nothing.code(0).json();
    assert_eq!(doc["differences"].as_array().map(Vec::len), Some(0));
    nothing.err("nothing to write");
    p.conn()
        .execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME;")
        .expect("patch by hand");
    let run = p.db_cmd("diff", &["--format", "json", "--write", "keep_patch"]);
    let doc = run.code(0).json();
    assert_eq!(
        doc["keep_sql"],
        "ALTER TABLE games ADD COLUMN paused_at DATETIME;"
    );
    run.err("wrote migrations/0002_keep_patch.sql")
        .err("recorded version 2 as applied in app.db");
    assert_eq!(p.files(), ["0001_create_games.sql", "0002_keep_patch.sql"]);
    assert_eq!(versions(&p.conn()), [1, 2]);
}

#[test]
fn diff_write_with_nothing_to_write() {
    let p = Project::with(&GAMES);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("diff", &["--write", "nothing"])
        .code(0)
        .out("nothing to write");
    assert_eq!(p.files(), ["0001_create_games.sql"]);
}

#[test]
fn diff_write_keeps_the_history_of_earlier_migrations() {
    let p = Project::with(&GAMES);
    p.db_cmd("upgrade", &[]).code(0);
    let conn = p.conn();
    conn.execute_batch(
        "UPDATE _driftless_migrations SET applied_at = '2020-01-01T00:00:00.000Z', duration_ms = 1234;\n\
         ALTER TABLE games ADD COLUMN paused_at DATETIME;",
    )
    .expect("age the history, patch by hand");
    drop(conn);
    p.db_cmd("diff", &["--write", "keep_patch"]).code(0);
    let (applied_at, duration): (String, i64) = p
        .conn()
        .query_row(
            "SELECT applied_at, duration_ms FROM _driftless_migrations WHERE version = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("history row of version 1");
    assert_eq!(
        (applied_at.as_str(), duration),
        ("2020-01-01T00:00:00.000Z", 1234),
        "`diff --write` rewrote the history of a migration it did not write"
    );
}

#[test]
fn diff_write_refuses_a_modified_migration() {
    let p = Project::with(&GAMES);
    p.db_cmd("upgrade", &[]).code(0);
    p.write(
        "0001_create_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT);\n-- edited after it ran\n",
    );
    p.conn()
        .execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME;")
        .expect("patch by hand");
    p.db_cmd("status", &[])
        .code(1)
        .out("changed after they ran");
    // refusing (exit 1) would be fine; recording the edited file's checksum is not
    let _ = p.db_cmd("diff", &["--write", "keep_patch"]);
    // whatever `diff --write` does, the edited migration must still show up
    p.db_cmd("status", &[])
        .code(1)
        .out("changed after they ran");
}

#[test]
fn diff_write_in_a_reversible_dir_passes_check() {
    let p = Project::with(&[
        (
            "0001_create_games.up.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT);\n",
        ),
        ("0001_create_games.down.sql", "DROP TABLE games;\n"),
    ]);
    p.db_cmd("upgrade", &[]).code(0);
    p.conn()
        .execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME;")
        .expect("patch by hand");
    p.db_cmd("diff", &["--write", "keep_patch"])
        .code(0)
        .out("wrote migrations/0002_keep_patch.up.sql")
        .out("wrote migrations/0002_keep_patch.down.sql");
    p.db_cmd("diff", &[]).code(0).out("matches");
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
}

//! End-to-end tests: scratch crates outside the repository that depend on
//! driftless by path, built with the real `cargo build`.
//!
//! Every scratch build shares one target directory, `<workspace>/target/e2e`,
//! so rusqlite (with its bundled SQLite), syn and driftless itself compile
//! once per run. Each scratch crate gets a copy of the workspace's
//! `Cargo.lock` and builds `--offline`, so versions match the workspace and
//! no network is needed.

use std::time::Instant;

use driftless_tests::Scratch;

/// The most common build script: one migration set in `migrations/`.
const BUILD_RS: &str = "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n}\n";

/// The `games` table most tests start from.
const CREATE_GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";

/// A model matching [`CREATE_GAMES`].
const GAME: &str = "#[derive(Model)]
#[model(table = \"games\")]
pub struct Game {
    pub id: i64,
    pub name: String,
}
";

/// A model with one field more than [`CREATE_GAMES`] creates.
const GAME_WITH_WINNERS: &str = "#[derive(Model)]
#[model(table = \"games\")]
pub struct Game {
    pub id: i64,
    pub name: String,
    pub winners: Option<String>,
}
";

/// 1. A matching model builds; a field without a column fails at the field,
///    with the column's name and the migration to write.
#[test]
fn missing_column_fails_at_the_field() {
    let mut s = Scratch::new("missing-column", Some(BUILD_RS));
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.lib(GAME);
    s.builds("model matching its migrations");

    s.lib(GAME_WITH_WINNERS);
    let site = s.site("src/lib.rs", "pub winners", "winners");
    let stderr = s.fails(
        "field `winners` without a column",
        &[
            "table `games` has no column `winners`",
            &format!("--> {site}"),
        ],
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("help:") && l.contains("ALTER TABLE games ADD COLUMN winners")),
        "no help line with the migration to write:\n{stderr}"
    );
}

/// A checked query builds against its migrations; a new migration that
/// drops a column the query reads fails the next plain `cargo build` at the
/// query, with SQLite's words.
#[test]
fn dropping_a_column_a_query_reads_fails_at_the_query() {
    let mut s = Scratch::new("query-drop-column", Some(BUILD_RS));
    s.write(
        "migrations/0001_create_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER);\n",
    );
    s.lib(
        "pub fn top(conn: &driftless::rusqlite::Connection, min: i64) -> driftless::rusqlite::Result<Vec<String>> {
    let rows = driftless::query!(\"SELECT name, score FROM games WHERE score >= ?1\", min).fetch_all(conn)?;
    Ok(rows.into_iter().map(|r| r.name).collect())
}
",
    );
    s.builds("a query matching its migrations");
    s.write(
        "migrations/0002_drop_score.sql",
        "ALTER TABLE games DROP COLUMN score;\n",
    );
    let site = s.site("src/lib.rs", "driftless::query!", "\"SELECT");
    s.fails(
        "after a migration drops the column",
        &["no such column: score", &format!("--> {site}")],
    );
}

/// `query_file!` reads its SQL from a file of the crate, checked like a
/// literal; editing the file rebuilds the crate and checks it again.
#[test]
fn query_file_edits_rebuild_and_recheck() {
    let mut s = Scratch::new("query-file", Some(BUILD_RS));
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.write(
        "queries/names.sql",
        "SELECT id, name FROM games ORDER BY name\n",
    );
    s.lib(
        "pub fn names(conn: &driftless::rusqlite::Connection) -> driftless::rusqlite::Result<Vec<String>> {
    Ok(driftless::query_file!(\"queries/names.sql\").fetch_all(conn)?.into_iter().map(|r| r.name).collect())
}
",
    );
    s.builds("a query file matching the migrations");
    s.write(
        "queries/names.sql",
        "SELECT id, title FROM games ORDER BY title\n",
    );
    s.fails(
        "after the query file names a missing column",
        &["no such column: title"],
    );
}

/// 2. Adding, deleting and editing a migration changes the outcome of the
///    next plain `cargo build`.
#[test]
fn editing_migrations_rebuilds() {
    let mut s = Scratch::new("edit-migrations", Some(BUILD_RS));
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.lib(GAME_WITH_WINNERS);
    let missing = "table `games` has no column `winners`";
    s.fails("before the migration is written", &[missing]);

    s.write(
        "migrations/0002_add_winners.sql",
        "ALTER TABLE games ADD COLUMN winners TEXT;\n",
    );
    s.builds("after adding the migration");

    s.remove("migrations/0002_add_winners.sql");
    s.fails("after deleting the migration", &[missing]);

    s.write(
        "migrations/0002_add_winners.sql",
        "ALTER TABLE games ADD COLUMN winners TEXT;\n",
    );
    s.builds("after adding the migration again");

    s.write(
        "migrations/0002_add_winners.sql",
        "ALTER TABLE games ADD COLUMN winner TEXT;\n",
    );
    s.fails(
        "after editing the migration to create another column",
        &[missing, "did you mean `winner`?"],
    );
}

/// 3. A second build with nothing changed neither reruns the build script
///    nor recompiles the crate.
#[test]
fn unchanged_second_build_is_fresh() {
    let mut s = Scratch::new("fresh", Some(BUILD_RS));
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.lib(GAME);
    s.builds("first build");
    assert_eq!(s.traced("replay "), 1, "first build:\n{}", s.trace_text());
    assert_eq!(
        s.traced("load snapshot"),
        1,
        "first build:\n{}",
        s.trace_text()
    );

    let (ok, stderr) = s.build(&["-v"]);
    assert!(ok, "second build:\n{stderr}");
    assert_eq!(
        s.traced("replay "),
        1,
        "the second build replayed again:\n{}",
        s.trace_text()
    );
    assert_eq!(
        s.traced("load snapshot"),
        1,
        "the second build recompiled the crate:\n{}",
        s.trace_text()
    );
    assert!(
        stderr.contains(&format!("Fresh {} v0.1.0", s.name)),
        "the second build is not fresh:\n{stderr}"
    );
}

/// 4. A migration with a syntax error fails the build at its file and line.
#[test]
fn syntax_error_names_file_and_line() {
    let mut s = Scratch::new("syntax-error", Some(BUILD_RS));
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.write(
        "migrations/0002_add_players.sql",
        "CREATE TABLE players (\n    id INTEGER PRIMARY KEY\n    name TEXT NOT NULL,\n    score INTEGER\n);\n",
    );
    s.lib(GAME);
    s.fails(
        "syntax error in a migration",
        &["migration `migrations/0002_add_players.sql` failed in the statement at line 1, column 1: near \"name\": syntax error (at line 3, column 5)"],
    );
}

/// 5. A migration that ATTACHes a file fails the build and creates no file.
#[test]
fn attach_is_refused_and_writes_nothing() {
    let mut s = Scratch::new("attach", Some(BUILD_RS));
    let escape = s.path().join("escape.db");
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.write(
        "migrations/0002_escape.sql",
        &format!(
            "ATTACH '{}' AS x; CREATE TABLE x.t (a);\n",
            escape.display()
        ),
    );
    s.lib(GAME);
    s.fails(
        "ATTACH in a migration",
        &[
            "migration `migrations/0002_escape.sql` line 1",
            "ATTACH of a database file is not allowed",
        ],
    );
    assert!(
        !escape.exists(),
        "the migration created {}",
        escape.display()
    );
}

/// 6. One layout: its migrations create `games (id, name)` in two steps;
///    a matching model builds and an extra field fails at that field.
fn layout(name: &str, files: &[(&str, &str)]) {
    let mut s = Scratch::new(&format!("layout-{name}"), Some(BUILD_RS));
    for (rel, sql) in files {
        s.write(&format!("migrations/{rel}"), sql);
    }
    s.lib(GAME);
    s.builds(&format!("{name} layout, matching model"));

    s.lib(GAME_WITH_WINNERS);
    let site = s.site("src/lib.rs", "pub winners", "winners");
    s.fails(
        &format!("{name} layout, extra field"),
        &[
            "table `games` has no column `winners`",
            &format!("--> {site}"),
        ],
    );
}

const CREATE_ID: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY);\n";
const ADD_NAME: &str = "ALTER TABLE games ADD COLUMN name TEXT NOT NULL DEFAULT '';\n";
const DROP_GAMES: &str = "DROP TABLE games;\n";
const DROP_NAME: &str = "ALTER TABLE games DROP COLUMN name;\n";

#[test]
fn layout_sqlx_simple() {
    layout(
        "simple",
        &[
            ("0001_create_games.sql", CREATE_ID),
            ("0002_add_name.sql", ADD_NAME),
        ],
    );
}

#[test]
fn layout_reversible() {
    layout(
        "reversible",
        &[
            ("0001_create_games.up.sql", CREATE_ID),
            ("0001_create_games.down.sql", DROP_GAMES),
            ("0002_add_name.up.sql", ADD_NAME),
            ("0002_add_name.down.sql", DROP_NAME),
        ],
    );
}

#[test]
fn layout_diesel() {
    layout(
        "diesel",
        &[
            ("2024-01-01-120000_create_games/up.sql", CREATE_ID),
            ("2024-01-01-120000_create_games/down.sql", DROP_GAMES),
            ("2024-02-01-120000_add_name/up.sql", ADD_NAME),
            ("2024-02-01-120000_add_name/down.sql", DROP_NAME),
        ],
    );
}

#[test]
fn layout_refinery() {
    // V10 sorts before V2 as text: versions must compare as numbers
    layout(
        "refinery",
        &[
            ("V1__create_games.sql", CREATE_ID),
            ("V10__add_name.sql", ADD_NAME),
        ],
    );
}

/// 7. Without a build script the derive replays `migrations/` itself, and
///    editing a migration still rebuilds the crate.
#[test]
fn without_build_script_editing_a_migration_rebuilds() {
    let mut s = Scratch::new("no-build-script", None);
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.lib(GAME);
    s.builds("derive replaying migrations/ itself");
    assert_eq!(s.traced("replay "), 1, "{}", s.trace_text());

    s.write(
        "migrations/0001_create_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY);\n",
    );
    let site = s.site("src/lib.rs", "pub name", "name");
    s.fails(
        "after editing the migration so that `name` disappears",
        &["table `games` has no column `name`", &format!("--> {site}")],
    );
}

/// 7b. Without a build script, pointing DRIFTLESS_MIGRATIONS_DIR elsewhere
/// rebuilds against the other directory (the derive tracks the variable).
#[test]
fn without_build_script_changing_the_migrations_dir_rebuilds() {
    let mut s = Scratch::new("dir-var", None);
    s.write("good/0001_create_games.sql", CREATE_GAMES);
    s.write(
        "bad/0001_create_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY);\n",
    );
    s.lib(GAME);
    s.env = vec![("DRIFTLESS_MIGRATIONS_DIR".into(), s.path().join("good"))];
    s.builds("pointed at matching migrations");
    s.env = vec![("DRIFTLESS_MIGRATIONS_DIR".into(), "bad".into())];
    s.fails(
        "pointed (relative to the crate) at migrations without `name`",
        &["table `games` has no column `name`"],
    );
    // the two messages that depend on the environment, not on a struct
    s.env = vec![("DRIFTLESS_MIGRATIONS_DIR".into(), "nowhere".into())];
    s.fails(
        "pointed at a directory that does not exist",
        &[
            "DRIFTLESS_MIGRATIONS_DIR is `nowhere`, but",
            "help: point it at the migrations directory",
        ],
    );
    s.env.clear();
    s.fails(
        "with no build script and no migrations/",
        &[
            "no migrations: no build script registers them, so #[derive(Model)] looked in",
            "help: add a build.rs with `driftless::build::migrations(\"<dir>\").run();`",
        ],
    );
}

/// 8. A hundred models and a hundred queries over a hundred tables: one
///    replay, one snapshot load, one schema database for the queries.
#[test]
fn hundred_models_replay_once() {
    let mut s = Scratch::new("hundred", Some(BUILD_RS));
    let mut models = String::new();
    for i in 1..=100 {
        s.write(
            &format!("migrations/{i:04}_create_t{i}.sql"),
            &format!(
                "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER);\n"
            ),
        );
        models.push_str(&format!(
            "#[derive(Model)]\n#[model(table = \"t{i}\")]\npub struct T{i} {{\n    pub id: i64,\n    pub name: String,\n    pub score: Option<i64>,\n}}\n\n"
        ));
        // and a checked query over each table
        models.push_str(&format!(
            "pub fn q{i}(conn: &driftless::rusqlite::Connection) -> driftless::rusqlite::Result<Vec<T{i}>> {{\n    driftless::query_as!(T{i}, \"SELECT id, name, score FROM t{i} WHERE score > ?1\", 0).fetch_all(conn)\n}}\n\n"
        ));
    }
    s.lib(&models);
    let started = Instant::now();
    s.builds("100 models and 100 queries");
    eprintln!(
        "e2e: building 100 models and 100 queries over 100 migrations took {:.2?} (build script + crate)",
        started.elapsed()
    );
    assert_eq!(s.traced("replay "), 1, "{}", s.trace_text());
    assert_eq!(s.traced("replay 100 migrations"), 1, "{}", s.trace_text());
    assert_eq!(s.traced("load snapshot"), 1, "{}", s.trace_text());
    // the queries' schema database is built once per compiler process too
    assert_eq!(s.traced("schema database"), 1, "{}", s.trace_text());
}

/// A migration added to a long history replays alone, from the checkpoint
/// the last build left (issue 12's prefix cache); two crates of one
/// workspace reading the same migrations build at once and share the
/// checkpoints; an edit of the newest migration is seen.
#[test]
fn added_migration_replays_alone_and_two_crates_share_the_cache() {
    let mut s = Scratch::new("prefix-cache", Some(BUILD_RS));
    let manifest = std::fs::read_to_string(s.path().join("Cargo.toml"))
        .expect("manifest")
        .replace("[workspace]\n", "[workspace]\nmembers = [\"b\"]\n");
    s.write("Cargo.toml", &manifest);
    let runtime = driftless_tests::toml_str(&driftless_tests::workspace().join("runtime"));
    s.write(
        "b/Cargo.toml",
        &format!(
            "[package]\nname = \"driftless-e2e-prefix-cache-b\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\ndriftless = {{ path = {runtime} }}\n\n[build-dependencies]\ndriftless = {{ path = {runtime} }}\n"
        ),
    );
    s.write(
        "b/build.rs",
        "fn main() {\n    driftless::build::migrations(\"../migrations\").run();\n}\n",
    );
    s.write("b/src/lib.rs", &format!("use driftless::Model;\n\n{GAME}"));
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    for i in 2..=300 {
        s.write(
            &format!("migrations/{i:04}_t{i}.sql"),
            &format!("CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT);\n"),
        );
    }
    s.lib(GAME);
    let (ok, stderr) = s.build(&["--workspace"]);
    assert!(ok, "first build:\n{stderr}");
    let replayed = |s: &Scratch, of: usize| -> Vec<usize> {
        s.trace_text()
            .lines()
            .filter_map(|l| l.strip_prefix("cache: replayed "))
            .filter_map(|l| l.split_once(&format!(" of {of} ")))
            .filter_map(|(n, _)| n.parse().ok())
            .collect()
    };
    // both build scripts ran; the first (or both, when they ran at once) replayed everything
    let first = replayed(&s, 300);
    assert!(
        first.len() == 2 && first.contains(&300),
        "{}",
        s.trace_text()
    );

    s.write(
        "migrations/0301_add_winners.sql",
        "ALTER TABLE games ADD COLUMN winners TEXT;\n",
    );
    s.lib(GAME_WITH_WINNERS);
    let (ok, stderr) = s.build(&["--workspace"]);
    assert!(ok, "after adding a migration:\n{stderr}");
    let second = replayed(&s, 301);
    assert!(
        second.len() == 2 && second.iter().all(|&n| n <= 1),
        "only the new migration replays:\n{}",
        s.trace_text()
    );

    s.write(
        "migrations/0301_add_winners.sql",
        "ALTER TABLE games ADD COLUMN winner TEXT;\n",
    );
    let (ok, stderr) = s.build(&["--workspace"]);
    assert!(
        !ok && stderr.contains("table `games` has no column `winners`"),
        "after editing the newest migration:\n{stderr}"
    );
    assert!(replayed(&s, 301).len() >= 3, "{}", s.trace_text());
}

/// 9. A second migration set, chosen with `#[model(db = "...")]`.
#[test]
fn second_migration_set() {
    let mut s = Scratch::new(
        "second-set",
        Some(
            "fn main() {\n    driftless::build::migrations(\"migrations\").run();\n    \
             driftless::build::migrations(\"record-migrations\").db(\"records\").run();\n}\n",
        ),
    );
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.write(
        "record-migrations/0001_create_records.sql",
        "CREATE TABLE records (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\n",
    );
    let record = "#[derive(Model)]
#[model(db = \"records\", table = \"records\")]
pub struct Record {
    pub id: i64,
    pub body: String,
}
";
    s.lib(&format!("{GAME}\n{record}"));
    s.builds("a model of the second set");

    s.lib(&format!(
        "{GAME}\n{record}
#[derive(Model)]
#[model(table = \"records\")]
pub struct Stray {{
    pub id: i64,
}}
"
    ));
    let site = s.site("src/lib.rs", "#[model(table = \"records\")]", "\"records\"");
    s.fails(
        "the second set's table, without `db`",
        &["no table or view `records`", &format!("--> {site}")],
    );
}

/// 10. A binary never lacks a migration that is in its directory: without a
///     build script `embed_migrations!` refuses (a proc macro cannot see a
///     new file), and with one a new migration is in the next `cargo run`.
#[test]
fn embedded_migrations_follow_new_files() {
    let main = "static MIGRATIONS: driftless::Migrations = driftless::embed_migrations!(\"migrations\");\n\
                fn main() {\n    println!(\"{} migrations\", MIGRATIONS.len());\n}\n";

    let mut s = Scratch::new("embed-no-build-script", None);
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.write("src/main.rs", main);
    s.fails(
        "embed_migrations! without a build script",
        &[
            "no build script registers `migrations`, so a new migration file there would not rebuild the binary",
            "help: add to build.rs: `driftless::build::migrations(\"migrations\").run();`",
        ],
    );

    let mut s = Scratch::new("embed-with-build-script", Some(BUILD_RS));
    s.write("migrations/0001_create_games.sql", CREATE_GAMES);
    s.write("src/main.rs", main);
    assert_eq!(s.cargo_stdout("run", &["-q"]), "1 migrations\n");
    s.write(
        "migrations/0002_add_score.sql",
        "ALTER TABLE games ADD COLUMN score INTEGER;\n",
    );
    assert_eq!(
        s.cargo_stdout("run", &["-q"]),
        "2 migrations\n",
        "the new file is embedded without touching the code"
    );
}

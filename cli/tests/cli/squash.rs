//! `driftless squash --to V`: a baseline in place of the history up to V,
//! in every layout; then the three kinds of database: new, past V, and
//! part-way through the replaced migrations.

use crate::harness::*;

/// The user schema of a database as `CREATE` statements, history left out.
fn schema_of(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE '_driftless%' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect()
}

/// A layout's name, its files, and the version to squash to.
type Case = (&'static str, Vec<(&'static str, &'static str)>, u64);

/// The layouts, each with three migrations: games, a seeded score, an index.
fn layouts() -> Vec<Case> {
    const GAMES: &str = "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n";
    const SCORE: &str = "ALTER TABLE games ADD COLUMN score INTEGER;\nINSERT INTO games (name, score) VALUES ('seed', 3);\n";
    const INDEX: &str = "CREATE INDEX games_name ON games (name);\n";
    vec![
        (
            "sqlx",
            vec![
                ("0001_games.sql", GAMES),
                ("0002_score.sql", SCORE),
                ("0003_index.sql", INDEX),
            ],
            2,
        ),
        (
            "sqlx reversible",
            vec![
                ("0001_games.up.sql", GAMES),
                ("0001_games.down.sql", "DROP TABLE games;\n"),
                ("0002_score.up.sql", SCORE),
                (
                    "0002_score.down.sql",
                    "ALTER TABLE games DROP COLUMN score;\n",
                ),
                ("0003_index.up.sql", INDEX),
                ("0003_index.down.sql", "DROP INDEX games_name;\n"),
            ],
            2,
        ),
        (
            "diesel",
            vec![
                ("2024-01-01-000000_games/up.sql", GAMES),
                ("2024-01-01-000000_games/down.sql", "DROP TABLE games;\n"),
                ("2024-02-01-000000_score/up.sql", SCORE),
                (
                    "2024-02-01-000000_score/down.sql",
                    "ALTER TABLE games DROP COLUMN score;\n",
                ),
                ("2024-03-01-000000_index/up.sql", INDEX),
                (
                    "2024-03-01-000000_index/down.sql",
                    "DROP INDEX games_name;\n",
                ),
            ],
            20240201000000,
        ),
        (
            "refinery",
            vec![
                ("V1__games.sql", GAMES),
                ("V2__score.sql", SCORE),
                ("V3__index.sql", INDEX),
            ],
            2,
        ),
        (
            "goose",
            vec![
                (
                    "20240101000000_games.sql",
                    "-- +goose Up\nCREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n-- +goose Down\nDROP TABLE games;\n",
                ),
                (
                    "20240201000000_score.sql",
                    "-- +goose Up\nALTER TABLE games ADD COLUMN score INTEGER;\nINSERT INTO games (name, score) VALUES ('seed', 3);\n",
                ),
                (
                    "20240301000000_index.sql",
                    "-- +goose Up\nCREATE INDEX games_name ON games (name);\n",
                ),
            ],
            20240201000000,
        ),
        (
            "dbmate",
            vec![
                (
                    "20240101000000_games.sql",
                    "-- migrate:up\nCREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n-- migrate:down\nDROP TABLE games;\n",
                ),
                (
                    "20240201000000_score.sql",
                    "-- migrate:up\nALTER TABLE games ADD COLUMN score INTEGER;\nINSERT INTO games (name, score) VALUES ('seed', 3);\n",
                ),
                (
                    "20240301000000_index.sql",
                    "-- migrate:up\nCREATE INDEX games_name ON games (name);\n",
                ),
            ],
            20240201000000,
        ),
        (
            "Prisma",
            vec![
                ("20240101000000_games/migration.sql", GAMES),
                ("20240201000000_score/migration.sql", SCORE),
                ("20240301000000_index/migration.sql", INDEX),
            ],
            20240201000000,
        ),
    ]
}

#[test]
fn every_layout_squashes_and_its_three_kinds_of_database_upgrade() {
    for (layout, files, to) in layouts() {
        let p = Project::with(&files);
        let first = files[0].0;
        // past V, at V, part-way (version 1 only), all before the squash
        p.db_cmd("upgrade", &[]).code(0);
        fs::copy(p.path(DB), p.path("past.db")).expect("copy");
        p.run(&[
            "upgrade",
            "--dir",
            DIR,
            "--db",
            "at.db",
            "--to",
            &to.to_string(),
        ])
        .code(0);
        let first_version =
            if layout == "refinery" || layout == "sqlx" || layout == "sqlx reversible" {
                "1".to_string()
            } else {
                "20240101000000".to_string()
            };
        p.run(&[
            "upgrade",
            "--dir",
            DIR,
            "--db",
            "below.db",
            "--to",
            &first_version,
        ])
        .code(0);
        let schema_before = p.cmd("schema", &[]).code(0).stdout.clone();

        let run = p.cmd("squash", &["--to", &to.to_string()]);
        run.code(0).out("wrote migrations/").out("_squashed");
        let names = p.files();
        assert!(
            names.iter().any(|n| n.contains("squashed")),
            "{layout}: {names:?}"
        );
        assert!(
            !names.iter().any(|n| first.starts_with(n.as_str())),
            "{layout}: the replaced files are gone: {names:?}"
        );
        // the build-time replay gives the identical schema
        assert_eq!(
            p.cmd("schema", &[]).code(0).stdout,
            schema_before,
            "{layout}"
        );
        p.cmd("check", &[]).code(0);

        // a new database runs the baseline, then what follows
        p.run(&["upgrade", "--dir", DIR, "--db", "new.db"]).code(0);
        // past V: its history rows for the replaced versions are accepted
        p.run(&["status", "--dir", DIR, "--db", "past.db"])
            .code(0)
            .out("up to date");
        // at V: the rest runs
        p.run(&["upgrade", "--dir", DIR, "--db", "at.db"]).code(0);
        for db in ["new.db", "past.db", "at.db"] {
            let conn = p.conn_at(db);
            assert_eq!(schema_of(&conn), schema_of(&p.conn()), "{layout}: {db}");
            let seeded: i64 = conn
                .query_row("SELECT score FROM games WHERE name = 'seed'", [], |r| {
                    r.get(0)
                })
                .expect("the seeded row");
            assert_eq!(seeded, 3, "{layout}: {db}");
        }
        // part-way: refused, and left as it was
        p.run(&["upgrade", "--dir", DIR, "--db", "below.db"])
            .code(1)
            .err("part-way through the migrations `migrations/")
            .err("with a build from before the squash");
        assert!(
            !schema_of(&p.conn_at("below.db"))
                .iter()
                .any(|s| s.contains("score")),
            "{layout}: below.db untouched"
        );
    }
}

/// After a squash, a new migration with a version the baseline replaced
/// would count as run on every database past it: `check` refuses it.
#[test]
fn a_new_migration_inside_the_squashed_range_is_an_error() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0003_c.sql", "CREATE TABLE c (x);\n"),
        ("0005_e.sql", "CREATE TABLE e (x);\n"),
    ]);
    p.cmd("squash", &["--to", "3"]).code(0);
    p.write("0002_b.sql", "CREATE TABLE b (x);\n");
    p.cmd("check", &[])
        .code(1)
        .out("error[baseline]: migrations/0003_squashed.sql: is a baseline (`driftless squash`), but `0002_b.sql` runs before it");
    fs::remove_file(p.path(DIR).join("0002_b.sql")).expect("remove");
    p.cmd("check", &[]).code(0);
}

#[test]
fn a_dry_run_prints_the_baseline_and_writes_nothing() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0002_b.sql", "INSERT INTO a VALUES (7);\n"),
    ]);
    p.cmd("squash", &["--to", "2", "--dry-run"])
        .code(0)
        .out("-- migrations/0002_squashed.sql (not written: --dry-run)\n-- driftless:baseline\n")
        .out("CREATE TABLE a (x);")
        .out("INSERT INTO \"a\" (\"x\") VALUES (7);")
        .out("--   migrations/0001_a.sql\n--   migrations/0002_b.sql");
    assert_eq!(p.files(), ["0001_a.sql", "0002_b.sql"]);
}

#[test]
fn a_version_the_directory_lacks_is_a_usage_error() {
    let p = Project::with(&[("0001_a.sql", "CREATE TABLE a (x);\n")]);
    p.cmd("squash", &["--to", "7"])
        .code(2)
        .err("no migration in migrations has version 7");
    assert_eq!(p.files(), ["0001_a.sql"]);
}

/// 1,000 migrations into one, squashed twice: the second baseline carries
/// what the first replaced, and a database from before either still upgrades.
#[test]
fn a_long_history_squashed_twice() {
    let p = Project::new();
    let mut version = 0;
    for t in 0..100 {
        version += 1;
        p.write(
            &format!("{version:04}_create_t{t}.sql"),
            &format!("CREATE TABLE t{t} (id INTEGER PRIMARY KEY);\n"),
        );
        for c in 0..9 {
            version += 1;
            p.write(
                &format!("{version:04}_alter_t{t}_{c}.sql"),
                &format!("ALTER TABLE t{t} ADD COLUMN c{c} TEXT;\n"),
            );
        }
    }
    p.run(&["upgrade", "--dir", DIR, "--db", "old.db", "--to", "500"])
        .code(0);
    let schema = p.cmd("schema", &[]).code(0).stdout.clone();
    p.cmd("squash", &["--to", "500"]).code(0);
    p.cmd("squash", &["--to", "1000"])
        .code(0)
        .out("removed 501 files of the 501 migrations it replaces (0500_squashed.sql to 1000_alter_t99_8.sql)");
    assert_eq!(p.files(), ["1000_squashed.sql"]);
    assert_eq!(p.cmd("schema", &[]).code(0).stdout, schema);
    // old.db stopped at 500, before the second squash replaced 501..1000
    p.run(&["upgrade", "--dir", DIR, "--db", "old.db"])
        .code(1)
        .err("the database is at version 500, part-way through");
}

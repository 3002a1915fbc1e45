//! `driftless check`.

use crate::harness::*;

#[test]
fn check_clean_fixture() {
    let p = Project::with(&[
        (
            "0001_create_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
             CREATE INDEX games_name ON games (name);\n",
        ),
        (
            "0002_create_players.up.sql",
            "CREATE TABLE players (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id));\n",
        ),
        ("0002_create_players.down.sql", "DROP TABLE players;\n"),
    ]);
    let run = p.cmd("check", &[]);
    run.code(0)
        .out("checked 2 migrations in migrations: 0 errors, 0 warnings")
        .out_lacks("warning[")
        .out_lacks("error[");
    p.cmd("check", &["--deny", "warnings"])
        .code(0)
        .out("0 errors, 0 warnings");
}

const BASE: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT);\n";

/// A project whose second migration `0002_change.sql` is `sql` must get
/// exactly one warning `lint` at `line`, and fail with `--deny warnings`.
fn assert_lint(lint: &str, sql: &str, line: usize) {
    let p = Project::with(&[("0001_base.sql", BASE), ("0002_change.sql", sql)]);
    let at = format!("migrations/0002_change.sql:{line}: ");
    p.cmd("check", &[])
        .code(0)
        .out(&format!("warning[{lint}]: {at}"))
        .out(&format!("driftless:allow({lint})"))
        .out("checked 2 migrations in migrations: 0 errors, 1 warning");
    p.cmd("check", &["--deny", "warnings"])
        .code(1)
        .out(&format!("error[{lint}]: {at}"))
        .out("1 error, 0 warnings");
}

#[test]
fn lint_drop_table() {
    assert_lint("drop-table", "DROP TABLE t;\n", 1);
}

#[test]
fn lint_drop_column() {
    assert_lint("drop-column", "ALTER TABLE t DROP COLUMN b;\n", 1);
}

#[test]
fn lint_rename() {
    assert_lint(
        "rename",
        "CREATE TABLE u (x);\n\nALTER TABLE t RENAME COLUMN a TO c;\n",
        3,
    );
}

#[test]
fn lint_rebuild_without_fk_check() {
    assert_lint(
        "rebuild-without-fk-check",
        "CREATE TABLE t2 (id INTEGER PRIMARY KEY, a TEXT);\n\
         INSERT INTO t2 SELECT id, a FROM t;\n\
         -- driftless:allow(drop-table)\n\
         DROP TABLE t;\n\
         -- driftless:allow(rename)\n\
         ALTER TABLE t2 RENAME TO t;\n",
        1,
    );
}

#[test]
fn lint_unique_index_on_existing_table() {
    assert_lint(
        "unique-index-on-existing-table",
        "CREATE UNIQUE INDEX t_a ON t (a);\n",
        1,
    );
}

#[test]
fn lint_nullable_primary_key() {
    assert_lint(
        "nullable-primary-key",
        "CREATE TABLE k (code TEXT PRIMARY KEY);\n",
        1,
    );
}

#[test]
fn allow_comment_exempts_only_the_next_statement() {
    let p = Project::with(&[
        (
            "0001_base.sql",
            "CREATE TABLE t (x);\nCREATE TABLE u (x);\n",
        ),
        (
            "0002_drop.sql",
            "-- driftless:allow(drop-table)\nDROP TABLE t;\nDROP TABLE u;\n",
        ),
    ]);
    p.cmd("check", &[])
        .code(0)
        .out("warning[drop-table]: migrations/0002_drop.sql:3: `DROP TABLE u;`")
        .out_lacks("0002_drop.sql:2")
        .out("0 errors, 1 warning");
    p.cmd("check", &["--deny", "warnings"]).code(1);
}

#[test]
fn allow_comment_for_another_lint_does_not_exempt() {
    let p = Project::with(&[
        ("0001_base.sql", "CREATE TABLE t (x);\n"),
        (
            "0002_drop.sql",
            "-- driftless:allow(rename)\nDROP TABLE t;\n",
        ),
    ]);
    p.cmd("check", &[])
        .code(0)
        .out("warning[drop-table]: migrations/0002_drop.sql:2:");
}

#[test]
fn allow_comment_makes_deny_warnings_pass() {
    let p = Project::with(&[
        ("0001_base.sql", BASE),
        (
            "0002_change.sql",
            "-- driftless:allow(drop-column)\nALTER TABLE t DROP COLUMN b;\n",
        ),
    ]);
    p.cmd("check", &["--deny", "warnings"])
        .code(0)
        .out("0 errors, 0 warnings");
}

#[test]
fn check_sqlite_version_flags_newer_features() {
    let p = Project::with(&[
        ("0001_t.sql", BASE),
        ("0002_rename.sql", "ALTER TABLE t RENAME COLUMN a TO c;\n"),
        (
            "0003_generated.sql",
            "CREATE TABLE g (a INT, b INT GENERATED ALWAYS AS (a + 1));\n",
        ),
        ("0004_drop.sql", "ALTER TABLE t DROP COLUMN b;\n"),
        ("0005_strict.sql", "CREATE TABLE s (a INT) STRICT;\n"),
    ]);
    let run = p.cmd("check", &["--sqlite-version", "3.24"]);
    run.code(0);
    for file in [
        "0002_rename.sql",
        "0003_generated.sql",
        "0004_drop.sql",
        "0005_strict.sql",
    ] {
        run.out(&format!("warning[sqlite-version]: migrations/{file}:1:"));
    }
    run.out("RENAME COLUMN")
        .out("generated columns")
        .out("DROP COLUMN")
        .out("STRICT")
        .out("3.24")
        // rename and drop-column, plus four sqlite-version
        .out("0 errors, 6 warnings");
    // a recent enough target: only the data-loss lints remain
    p.cmd("check", &["--sqlite-version", "3.37"])
        .code(0)
        .out_lacks("sqlite-version]")
        .out("0 errors, 2 warnings");
    p.cmd("check", &["--sqlite-version", "3.24", "--deny", "warnings"])
        .code(1)
        .out("error[sqlite-version]")
        .out("6 errors, 0 warnings");
    // not a version: a usage error
    p.cmd("check", &["--sqlite-version", "three"]).code(2);
}

#[test]
fn check_down_that_does_not_restore_the_schema() {
    let p = Project::with(&[
        (
            "0001_two_tables.up.sql",
            "CREATE TABLE a (x);\nCREATE TABLE b (y);\n",
        ),
        ("0001_two_tables.down.sql", "DROP TABLE a;\n"),
    ]);
    p.cmd("check", &[])
        .code(1)
        .out("error[down]: migrations/0001_two_tables.down.sql:")
        .out("table `b`")
        .out("1 error, 0 warnings");
}

#[test]
fn check_refuses_a_down_migration_that_downgrade_refuses() {
    // real projects ship `-- No-op` downs; `downgrade` stops on them, so `check` must too
    let p = Project::with(&[
        (
            "0001_init.up.sql",
            "CREATE TABLE t (id INTEGER PRIMARY KEY);",
        ),
        ("0001_init.down.sql", "DROP TABLE t;"),
        ("0002_clear.up.sql", "DELETE FROM t;"),
        ("0002_clear.down.sql", "-- No-op"),
    ]);
    p.cmd("check", &[])
        .code(1)
        .out("error[down]: migrations/0002_clear.down.sql")
        .out("has no statement")
        .out("`SELECT 1;`")
        .out("delete the down file");
    // goose: the section, not the file, is what to remove
    let p = Project::with(&[(
        "00001_clear.sql",
        "-- +goose Up\nCREATE TABLE t (id INTEGER);\n-- +goose Down\n-- nothing\n",
    )]);
    p.cmd("check", &[])
        .code(1)
        .out("error[down]: migrations/00001_clear.sql")
        .out("remove its down section");
}

#[test]
fn check_warns_about_migrations_written_in_code() {
    // goose's Go migrations and Flyway's Java ones are not replayed
    let p = Project::with(&[
        (
            "00001_init.sql",
            "-- +goose Up\nCREATE TABLE t (id INTEGER);\n",
        ),
        ("00002_fill.go", "package migrations\n"),
        ("V3__backfill.kt", "class V3__backfill\n"),
        ("migrations_test.go", "package migrations\n"),
    ]);
    p.cmd("check", &[])
        .code(0)
        .out("warning[code-migration]: migrations/00002_fill.go")
        .out("warning[code-migration]: migrations/V3__backfill.kt")
        .out_lacks("migrations_test.go")
        .out("0 errors, 2 warnings");
}

#[test]
fn check_syntax_error_names_the_file() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        (
            "0002_bad.sql",
            "CREATE TABLE b (x);\nCREATE TABLEE oops (x);\n",
        ),
    ]);
    p.cmd("check", &[])
        .code(1)
        .out("error[replay]: migrations/0002_bad.sql")
        .out("line 2")
        .out("syntax error")
        .out("1 error");
}

#[test]
fn check_duplicate_versions_names_both_files() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("1_b.sql", "CREATE TABLE b (x);\n"),
    ]);
    p.cmd("check", &[])
        .code(1)
        .out("two migrations have version 1")
        .out("migrations/0001_a.sql")
        .out("migrations/1_b.sql")
        .out("1 error");
}

#[test]
fn check_missing_dir_exits_2() {
    let p = Project::new();
    p.run(&["check", "--dir", "nope"])
        .code(2)
        .err("`nope` does not exist");
}

#[test]
fn check_outside_git_notes_it() {
    let p = Project::with(&TWO_TABLES);
    p.cmd("check", &[])
        .code(0)
        .out("note: not a git checkout")
        .out_lacks("uncommitted");
}

#[test]
fn check_warns_about_uncommitted_migrations() {
    let p = Project::with(&TWO_TABLES);
    let root = p.root.path();
    git(root, &["init", "-q", "."]);
    git(root, &["add", "migrations"]);
    git(root, &["commit", "-q", "-m", "first migrations"]);
    p.write("0003_create_c.sql", "CREATE TABLE c (x);\n");
    p.write(
        "0002_create_b.sql",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id), note TEXT);\n",
    );
    // not a migration: an untracked README is none of check's business
    p.write("README.md", "notes\n");
    let run = p.cmd("check", &[]);
    // the edit of a migration `main` has is also an error of its own
    run.code(1)
        .out_lacks("README.md")
        .out("error[edited-after-merge]: migrations/0002_create_b.sql:1:")
        .out("warning[uncommitted]: migrations/0002_create_b.sql:")
        .out("changed since its last commit")
        .out("warning[uncommitted]: migrations/0003_create_c.sql:")
        .out("not tracked by git")
        .out_lacks("0001_create_a.sql")
        .out_lacks("not a git checkout")
        .out("checked 3 migrations in migrations: 1 error, 2 warnings");
    p.cmd("check", &["--deny", "warnings"])
        .code(1)
        .out("error[uncommitted]")
        .out("3 errors, 0 warnings");
    let doc = p.cmd("check", &["--format", "json"]).code(1).json();
    let files: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "uncommitted")
        .map(|f| f["file"].as_str().expect("file"))
        .collect();
    assert_eq!(
        files,
        [
            "migrations/0002_create_b.sql",
            "migrations/0003_create_c.sql"
        ]
    );
    // committed: clean again
    git(root, &["add", "migrations"]);
    git(root, &["commit", "-q", "-m", "more"]);
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
}

#[test]
fn check_warns_about_ignored_migrations() {
    let p = Project::with(&TWO_TABLES);
    let root = p.root.path();
    fs::write(
        root.join(".gitignore"),
        "migrations/0003_*.sql\n.DS_Store\n*.db\n",
    )
    .expect("write .gitignore");
    git(root, &["init", "-q", "."]);
    git(root, &["add", ".gitignore", "migrations"]);
    git(root, &["commit", "-q", "-m", "first migrations"]);
    // the runbook's failure: a migration the deploy never gets
    p.write("0003_create_c.sql", "CREATE TABLE c (x);\n");
    // ignored files that are not migrations must stay quiet
    p.write(".DS_Store", "finder junk");
    p.write(".scratch.db", "");
    let run = p.cmd("check", &[]);
    run.code(0)
        .out("warning[uncommitted]: migrations/0003_create_c.sql: ")
        .out("ignored by git: a deploy from git would not have it")
        .out_lacks(".DS_Store")
        .out_lacks(".scratch.db")
        .out("checked 3 migrations in migrations: 0 errors, 1 warning");
    p.cmd("check", &["--deny", "warnings"])
        .code(1)
        .out("error[uncommitted]: migrations/0003_create_c.sql: ");
    let doc = p.cmd("check", &["--format", "json"]).code(0).json();
    let files: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files, ["migrations/0003_create_c.sql"]);
    // committed anyway (git add -f): clean
    git(root, &["add", "-f", "migrations/0003_create_c.sql"]);
    git(root, &["commit", "-q", "-m", "c"]);
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
}

#[test]
fn check_lists_every_broken_file() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0001_b.sql", "CREATE TABLE b (x);\n"),
        ("schema.sql", "CREATE TABLE s (x);\n"),
    ]);
    let doc = p.cmd("check", &["--format", "json"]).code(1).json();
    assert_eq!(doc["errors"], 2, "{doc:#}");
    p.cmd("check", &[])
        .code(1)
        .out("error[duplicate-version]: migrations/0001_a.sql")
        .out("error[files]: migrations/schema.sql");
}

#[test]
fn check_names_the_file_that_breaks_discovery() {
    let a = ("0001_a.sql", "CREATE TABLE a (x);\n");
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[a, ("0001_b.sql", "CREATE TABLE b (x);\n")],
            "migrations/0001_a.sql",
        ),
        (
            &[a, ("schema.sql", "not a migration")],
            "migrations/schema.sql",
        ),
        (
            &[a, ("0002_b.down.sql", "DROP TABLE b;\n")],
            "migrations/0002_b.down.sql",
        ),
        (
            &[("2024-01-01-000000_x/down.sql", "DROP TABLE x;\n")],
            "migrations/2024-01-01-000000_x",
        ),
    ];
    for (files, offending) in cases {
        let p = Project::with(files);
        let doc = p.cmd("check", &["--format", "json"]).code(1).json();
        let code = if offending.ends_with("0001_a.sql") {
            "duplicate-version"
        } else {
            "files"
        };
        assert_eq!(doc["findings"][0]["code"], code, "{doc:#}");
        assert_eq!(doc["findings"][0]["file"], offending, "{doc:#}");
        p.cmd("check", &[])
            .code(1)
            .out(&format!("error[{code}]: {offending}: "));
    }
}

#[test]
fn check_json_has_the_counts() {
    let p = Project::with(&[
        ("0001_base.sql", BASE),
        (
            "0002_change.sql",
            "ALTER TABLE t DROP COLUMN b;\nALTER TABLE t RENAME COLUMN a TO c;\n",
        ),
    ]);
    let doc = p.cmd("check", &["--format", "json"]).code(0).json();
    assert_eq!(doc["migrations"], 2);
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 2);
    let findings = doc["findings"].as_array().expect("findings array");
    let codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["drop-column", "rename"]);
    assert_eq!(findings[0]["level"], "warning");
    assert_eq!(findings[0]["file"], "migrations/0002_change.sql");
    assert_eq!(findings[0]["line"], 1);
    assert_eq!(findings[1]["line"], 2);
    assert!(
        doc["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n.as_str().is_some_and(|n| n.contains("not a git checkout")))
    );

    let denied = p
        .cmd("check", &["--format", "json", "--deny", "warnings"])
        .code(1)
        .json();
    assert_eq!(denied["errors"], 2);
    assert_eq!(denied["warnings"], 0);
    assert_eq!(denied["findings"][0]["level"], "error");
}

#[test]
fn check_json_on_broken_files() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0001_b.sql", "CREATE TABLE b (x);\n"),
    ]);
    let doc = p.cmd("check", &["--format", "json"]).code(1).json();
    assert_eq!(doc["errors"], 1);
    assert_eq!(doc["findings"][0]["code"], "duplicate-version");
    let message = doc["findings"][0]["message"].as_str().expect("message");
    assert!(message.contains("0001_a.sql") && message.contains("0001_b.sql"));
}

#[test]
fn check_reports_a_view_a_later_migration_breaks() {
    // the build and `schema` named the view and its migration; `check`
    // printed one bare line, and no JSON at all
    let p = Project::with(&[
        (
            "0001_a.sql",
            "CREATE TABLE a (x);\nCREATE VIEW v AS SELECT x FROM a;\n",
        ),
        ("0002_drop_a.sql", "DROP TABLE a;\n"),
    ]);
    p.cmd("check", &[])
        .code(1)
        .out("error[replay]: migrations/0001_a.sql")
        .out("view `v` (created in `migrations/0001_a.sql`) does not work on the schema the migrations produce")
        .out("recreate the view in a new migration")
        .out("1 error");
    let doc = p.cmd("check", &["--format", "json"]).code(1).json();
    assert_eq!(doc["errors"], 1);
    assert_eq!(doc["findings"][0]["code"], "replay");
    assert_eq!(doc["findings"][0]["file"], "migrations/0001_a.sql");
}

#[test]
fn a_virtual_table_of_a_module_driftless_lacks_is_noted() {
    let p = Project::with(&[(
        "0001_vec.sql",
        "CREATE VIRTUAL TABLE IF NOT EXISTS memories_vec0 USING vec0(\n    status text,\n    embedding float[384] distance_metric=cosine,\n    +memory_id text\n);\n",
    )]);
    p.cmd("check", &[])
        .code(0)
        .out("note: virtual table `memories_vec0` uses module `vec0`, which driftless's SQLite lacks: it was replayed as a plain table of its columns (status, embedding, memory_id)")
        .out("checked 1 migration in migrations: 0 errors, 0 warnings");
}

//! `driftless check`'s rehearsal on rows: `fails-on-rows`, and how the git
//! base decides between an error and a warning.

use crate::harness::*;

const GAMES: (&str, &str) = (
    "0001_games.sql",
    "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n",
);

const NOT_NULL: &str = "-- the score\nALTER TABLE games ADD COLUMN score INTEGER NOT NULL;\n";

#[test]
fn a_not_null_column_without_default_is_an_error_before_any_database_sees_it() {
    let p = Project::with(&[GAMES, ("0002_score.sql", NOT_NULL)]);
    p.cmd("check", &[])
        .code(1)
        .out(
            "error[fails-on-rows]: migrations/0002_score.sql:2: `ALTER TABLE games ADD COLUMN score INTEGER NOT NULL;` \
             runs on empty tables but fails once they hold rows (table `games`): \
             Cannot add a NOT NULL column with default value NULL",
        )
        .out("help: give the column a constant default")
        .out("checked 2 migrations in migrations: 1 error, 0 warnings");
    let json = p.cmd("check", &["--format", "json"]).json();
    let finding = &json["findings"][0];
    assert_eq!(finding["code"], "fails-on-rows", "{json}");
    assert_eq!(finding["level"], "error", "{json}");
    assert_eq!(finding["line"], 2, "{json}");
}

#[test]
fn a_constant_default_and_the_creating_file_pass() {
    let p = Project::with(&[
        (
            "0001_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
             ALTER TABLE games ADD COLUMN made TEXT DEFAULT CURRENT_TIMESTAMP;\n\
             ALTER TABLE games ADD COLUMN level INTEGER NOT NULL;\n",
        ),
        (
            "0002_score.sql",
            "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n",
        ),
    ]);
    p.cmd("check", &[])
        .code(0)
        .out_lacks("fails-on-rows")
        .out("checked 2 migrations in migrations: 0 errors, 0 warnings");
}

#[test]
fn an_allow_comment_exempts_it() {
    let p = Project::with(&[
        GAMES,
        (
            "0002_score.sql",
            "-- driftless:allow(fails-on-rows)\nALTER TABLE games ADD COLUMN score INTEGER NOT NULL;\n",
        ),
    ]);
    p.cmd("check", &[]).code(0).out_lacks("fails-on-rows");
}

/// A migration already merged (in the base) is a warning: it may have run,
/// and editing it would change history. One the base lacks is an error.
#[test]
fn the_git_base_tells_merged_from_new() {
    let p = Project::with(&[GAMES, ("0002_score.sql", NOT_NULL)]);
    let root = p.root.path();
    git(root, &["init", "-q", "."]);
    git(root, &["add", "migrations"]);
    git(root, &["commit", "-q", "-m", "shipped"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    p.write(
        "0003_made.sql",
        "ALTER TABLE games ADD COLUMN made TEXT DEFAULT (datetime('now'));\n",
    );
    git(root, &["add", "migrations"]);
    git(root, &["commit", "-q", "-m", "new"]);
    p.cmd("check", &[])
        .code(1)
        .out("warning[fails-on-rows]: migrations/0002_score.sql:2:")
        .out("it is in `main` already, so leave the file as it is")
        .out("error[fails-on-rows]: migrations/0003_made.sql:1:")
        .out("Cannot add a column with non-constant default")
        .out("then `UPDATE games SET <column> = <expression>`")
        .out("1 error, 1 warning");
    // against the branch itself, both are merged
    p.cmd("check", &["--base", "feature"])
        .code(0)
        .out("warning[fails-on-rows]: migrations/0003_made.sql:1:")
        .out("0 errors, 2 warnings");
    p.cmd("check", &["--base", "feature", "--deny", "warnings"])
        .code(1);
    p.cmd("check", &["--base", "no-such-branch"])
        .code(2)
        .err("`--base no-such-branch` is not a commit git knows here");
}

/// A checkout without upstream, main or master (a shallow clone in CI):
/// nothing can be told apart, so nothing breaks the check; a note says why.
#[test]
fn without_a_base_they_are_warnings_with_a_note() {
    let p = Project::with(&[GAMES, ("0002_score.sql", NOT_NULL)]);
    let root = p.root.path();
    git(root, &["init", "-q", "-b", "trunk", "."]);
    git(root, &["add", "migrations"]);
    git(root, &["commit", "-q", "-m", "x"]);
    p.cmd("check", &[])
        .code(0)
        .out("warning[fails-on-rows]: migrations/0002_score.sql:2:")
        .out("note: fails-on-rows findings are warnings, since git has no base")
        .out("give `--base REF`");
}

#[test]
fn a_table_no_row_fits_is_noted() {
    let p = Project::with(&[
        (
            "0001_odd.sql",
            "CREATE TABLE odd (x INTEGER NOT NULL CHECK (x * 0 = 1));\n",
        ),
        ("0002_more.sql", "ALTER TABLE odd ADD COLUMN y TEXT;\n"),
    ]);
    p.cmd("check", &[])
        .code(0)
        .out("note: table `odd` was not rehearsed with rows (no synthetic row fits it after migrations/0001_odd.sql: CHECK constraint failed: x * 0 = 1)");
}

/// The same rule for down migrations: an empty or wrong down of a merged
/// migration is a warning (`downgrade` still refuses it), a new one an error.
#[test]
fn down_findings_of_merged_migrations_are_warnings() {
    let p = Project::with(&[
        ("0001_a.up.sql", "CREATE TABLE a (x);\n"),
        ("0001_a.down.sql", "-- irreversible\n"),
    ]);
    let root = p.root.path();
    git(root, &["init", "-q", "."]);
    git(root, &["add", "migrations"]);
    git(root, &["commit", "-q", "-m", "shipped"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    p.write("0002_b.up.sql", "CREATE TABLE b (x);\n");
    p.write(
        "0002_b.down.sql",
        "CREATE TABLE stray (x);\nDROP TABLE b;\n",
    );
    p.cmd("check", &[])
        .code(1)
        .out("warning[down]: migrations/0001_a.down.sql: the down migration of 1")
        .out("error[down]: migrations/0002_b.down.sql: does not restore the schema")
        .out("1 error, ");
}

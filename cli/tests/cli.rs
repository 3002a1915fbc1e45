//! Tests of the `driftless` command line: the real binary, run against
//! migration directories and SQLite files in temporary directories.
//!
//! Every test has its own temporary directory and runs the binary there, so
//! paths in the output are relative (`migrations/0001_a.sql`, `app.db`).
//! `NO_COLOR` is set, stdin is `/dev/null` and stdout/stderr are pipes, so
//! nothing depends on a terminal.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use driftless::rusqlite::{Connection, params};
use driftless_migrations::Schema;
use serde_json::Value;
use tempfile::TempDir;

/// What one run of the binary did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Panics with the whole output unless the exit code is `code`.
    fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless stdout contains `text`.
    fn out(&self, text: &str) -> &Run {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n--- stdout\n{}--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless stderr contains `text`.
    fn err(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n--- stdout\n{}--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics if stdout contains `text`.
    fn out_lacks(&self, text: &str) -> &Run {
        assert!(
            !self.stdout.contains(text),
            "stdout has {text:?}, it should not\n--- stdout\n{}--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Stdout parsed as JSON.
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e})\n--- stdout\n{}--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The stdout line starting with `prefix`.
    fn line(&self, prefix: &str) -> String {
        self.stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| {
                panic!(
                    "no stdout line starts with {prefix:?}\n--- stdout\n{}",
                    self.stdout
                )
            })
            .to_string()
    }
}

/// A temporary project: `migrations/` and `app.db` in a fresh directory.
struct Project {
    root: TempDir,
}

const DIR: &str = "migrations";
const DB: &str = "app.db";

impl Project {
    /// A project with an empty `migrations/` directory.
    fn new() -> Project {
        let root = tempfile::tempdir().expect("temp dir");
        fs::create_dir(root.path().join(DIR)).expect("create migrations/");
        Project { root }
    }

    /// A project whose migrations are `files`: (path under `migrations/`, text).
    fn with(files: &[(&str, &str)]) -> Project {
        let p = Project::new();
        for (name, text) in files {
            p.write(name, text);
        }
        p
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// Writes `text` to `migrations/<name>`, creating folders (diesel).
    fn write(&self, name: &str, text: &str) {
        let path = self.path(DIR).join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create migration folder");
        }
        fs::write(&path, text).expect("write migration");
    }

    /// Runs `driftless args...` in the project directory.
    fn run(&self, args: &[&str]) -> Run {
        let root = self.root.path();
        let out = Command::new(env!("CARGO_BIN_EXE_driftless"))
            .args(args)
            .current_dir(root)
            .env("NO_COLOR", "1")
            // error messages shorten paths under CARGO_MANIFEST_DIR, which cargo sets for tests
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            // never find a repository above the temporary directory
            .env(
                "GIT_CEILING_DIRECTORIES",
                root.parent().expect("temp dir has a parent"),
            )
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .output()
            .expect("run the driftless binary");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs a command that takes `--dir migrations` plus `args`.
    fn cmd(&self, command: &str, args: &[&str]) -> Run {
        let mut all = vec![command, "--dir", DIR];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs a command that takes `--dir migrations --db app.db` plus `args`.
    fn db_cmd(&self, command: &str, args: &[&str]) -> Run {
        let mut all = vec![command, "--dir", DIR, "--db", DB];
        all.extend_from_slice(args);
        self.run(&all)
    }

    fn conn(&self) -> Connection {
        self.conn_at(DB)
    }

    fn conn_at(&self, rel: &str) -> Connection {
        Connection::open(self.path(rel)).expect("open database")
    }

    /// The file names in `migrations/` (folders too), sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.path(DIR))
            .expect("read migrations/")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

/// The user tables of a database, sorted.
fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name != '_driftless_migrations' ORDER BY name",
        )
        .expect("prepare");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .expect("query tables")
        .collect::<Result<_, _>>()
        .expect("read tables")
}

/// The versions recorded in driftless's history, oldest first.
fn versions(conn: &Connection) -> Vec<i64> {
    let mut stmt = conn
        .prepare("SELECT version FROM _driftless_migrations ORDER BY version")
        .expect("prepare");
    stmt.query_map([], |r| r.get::<_, i64>(0))
        .expect("query history")
        .collect::<Result<_, _>>()
        .expect("read history")
}

/// The UTC time now as `YYYYMMDDhhmmss`, from SQLite's clock.
fn utc_stamp() -> u64 {
    let conn = Connection::open_in_memory().expect("memory db");
    let s: String = conn
        .query_row("SELECT strftime('%Y%m%d%H%M%S', 'now')", [], |r| r.get(0))
        .expect("strftime");
    s.parse().expect("digits")
}

/// Panics unless `digits` is a timestamp taken between `before` and `after`.
fn assert_timestamp(digits: &str, before: u64, after: u64) {
    assert_eq!(digits.len(), 14, "{digits:?} is not YYYYMMDDhhmmss");
    let v: u64 = digits.parse().expect("timestamp digits");
    assert!(
        (before..=after).contains(&v),
        "timestamp {v} is not between {before} and {after}"
    );
}

const TWO_TABLES: [(&str, &str); 2] = [
    (
        "0001_create_a.sql",
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);\n",
    ),
    (
        "0002_create_b.sql",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));\n",
    ),
];

/// Two reversible migrations whose down scripts drop their tables.
const REVERSIBLE: [(&str, &str); 4] = [
    (
        "0001_create_a.up.sql",
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\n",
    ),
    ("0001_create_a.down.sql", "DROP TABLE a;\n"),
    (
        "0002_create_b.up.sql",
        "CREATE TABLE b (id INTEGER PRIMARY KEY);\n",
    ),
    ("0002_create_b.down.sql", "DROP TABLE b;\n"),
];

// ---------------------------------------------------------------- new

#[test]
fn new_in_an_empty_dir_uses_a_timestamp() {
    let p = Project::new();
    let before = utc_stamp();
    let run = p.cmd("new", &["Add completed-at"]);
    let after = utc_stamp();
    run.code(0);
    let files = p.files();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = &files[0];
    let stamp = name
        .strip_suffix("_add_completed_at.sql")
        .unwrap_or_else(|| panic!("{name} is not <timestamp>_add_completed_at.sql"));
    assert_timestamp(stamp, before, after);
    assert_eq!(run.stdout.trim(), format!("{DIR}/{name}"));
    // the new file is a valid (empty) migration
    p.cmd("check", &[])
        .code(0)
        .out("checked 1 migration in migrations: 0 errors, 0 warnings");
}

#[test]
fn new_creates_a_missing_dir() {
    let p = Project::new();
    let run = p.run(&["new", "--dir", "db/migrations", "init"]);
    run.code(0);
    let created = PathBuf::from(run.stdout.trim());
    assert!(created.starts_with("db/migrations"), "{}", run.stdout);
    assert!(p.path(run.stdout.trim()).is_file());
}

#[test]
fn new_follows_sequential_numbers_and_padding() {
    let p = Project::with(&[("0001_a.sql", "CREATE TABLE a (x);\n")]);
    p.cmd("new", &["add_b"])
        .code(0)
        .out("migrations/0002_add_b.sql");
    assert_eq!(p.files(), ["0001_a.sql", "0002_add_b.sql"]);
}

#[test]
fn new_reversible_creates_up_and_down() {
    let p = Project::new();
    let before = utc_stamp();
    let run = p.cmd("new", &["create_hosts", "--reversible"]);
    let after = utc_stamp();
    run.code(0);
    let files = p.files();
    assert_eq!(files.len(), 2, "{files:?}");
    let stamp = files[0]
        .strip_suffix("_create_hosts.down.sql")
        .expect("a .down.sql file");
    assert_timestamp(stamp, before, after);
    assert_eq!(files[1], format!("{stamp}_create_hosts.up.sql"));
    let printed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        printed,
        [
            format!("{DIR}/{stamp}_create_hosts.up.sql"),
            format!("{DIR}/{stamp}_create_hosts.down.sql")
        ]
    );
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
}

#[test]
fn new_follows_reversible_files_without_the_flag() {
    let p = Project::with(&[
        ("0007_a.up.sql", "CREATE TABLE a (x);\n"),
        ("0007_a.down.sql", "DROP TABLE a;\n"),
    ]);
    let run = p.cmd("new", &["next"]);
    run.code(0);
    let printed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        printed,
        [
            "migrations/0008_next.up.sql",
            "migrations/0008_next.down.sql"
        ]
    );
    assert_eq!(
        p.files(),
        [
            "0007_a.down.sql",
            "0007_a.up.sql",
            "0008_next.down.sql",
            "0008_next.up.sql"
        ]
    );
}

#[test]
fn new_follows_the_diesel_layout() {
    let p = Project::with(&[
        (
            "2024-01-01-120000_x/up.sql",
            "CREATE TABLE x (id INTEGER);\n",
        ),
        ("2024-01-01-120000_x/down.sql", "DROP TABLE x;\n"),
    ]);
    let before = utc_stamp();
    let run = p.cmd("new", &["add_y"]);
    let after = utc_stamp();
    run.code(0);
    let files = p.files();
    assert_eq!(files.len(), 2, "{files:?}");
    let folder = &files[1];
    let stamp = folder
        .strip_suffix("_add_y")
        .unwrap_or_else(|| panic!("{folder} is not <YYYY-MM-DD-hhmmss>_add_y"));
    let dashes: Vec<usize> = stamp.match_indices('-').map(|(i, _)| i).collect();
    assert_eq!(dashes, [4, 7, 10], "{stamp} is not YYYY-MM-DD-hhmmss");
    assert_timestamp(&stamp.replace('-', ""), before, after);
    let printed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        printed,
        [
            format!("{DIR}/{folder}/up.sql"),
            format!("{DIR}/{folder}/down.sql")
        ]
    );
    assert!(p.path(DIR).join(folder).join("up.sql").is_file());
    assert!(p.path(DIR).join(folder).join("down.sql").is_file());
    p.cmd("check", &[]).code(0).out("0 errors, 0 warnings");
}

#[test]
fn new_follows_the_refinery_layout() {
    let p = Project::with(&[("V1__x.sql", "CREATE TABLE x (id INTEGER);\n")]);
    p.cmd("new", &["add_y"])
        .code(0)
        .out("migrations/V2__add_y.sql");
    assert_eq!(p.files(), ["V1__x.sql", "V2__add_y.sql"]);
}

#[test]
fn new_reversible_in_a_refinery_dir_exits_2() {
    let p = Project::with(&[("V1__x.sql", "CREATE TABLE x (id INTEGER);\n")]);
    p.cmd("new", &["add_y", "--reversible"])
        .code(2)
        .err("refinery")
        .err("no down migrations");
    assert_eq!(p.files(), ["V1__x.sql"], "nothing may be written");
}

#[test]
fn new_after_a_future_timestamp_comes_after_it() {
    let p = Project::with(&[("20990101000000_future.sql", "CREATE TABLE f (x);\n")]);
    p.cmd("new", &["next"])
        .code(0)
        .out("migrations/20990101000001_next.sql");
    p.cmd("new", &["then", "--reversible"])
        .code(0)
        .out("migrations/20990101000002_then.up.sql")
        .out("migrations/20990101000002_then.down.sql");
    assert_eq!(
        p.files(),
        [
            "20990101000000_future.sql",
            "20990101000001_next.sql",
            "20990101000002_then.down.sql",
            "20990101000002_then.up.sql"
        ]
    );
    p.cmd("check", &[]).code(0).out("checked 3 migrations");
}

#[test]
fn new_after_a_future_diesel_folder_comes_after_it() {
    let p = Project::with(&[
        ("2099-01-01-000000_future/up.sql", "CREATE TABLE f (x);\n"),
        ("2099-01-01-000000_future/down.sql", "DROP TABLE f;\n"),
    ]);
    p.cmd("new", &["next"])
        .code(0)
        .out("migrations/2099-01-01-000001_next/up.sql")
        .out("migrations/2099-01-01-000001_next/down.sql");
    assert_eq!(
        p.files(),
        ["2099-01-01-000000_future", "2099-01-01-000001_next"]
    );
}

#[test]
fn new_with_a_bad_name_exits_2() {
    let p = Project::new();
    // `--` so that clap takes `---` as the name rather than as a flag
    p.run(&["new", "--dir", DIR, "--", "---"])
        .code(2)
        .err("`---` is not a migration name");
    p.cmd("new", &["!!!"])
        .code(2)
        .err("is not a migration name");
    assert!(p.files().is_empty(), "{:?}", p.files());
}

// ---------------------------------------------------------------- check

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
fn lint_add_not_null_column() {
    assert_lint(
        "add-not-null-column",
        "ALTER TABLE t ADD COLUMN c TEXT NOT NULL;\n",
        1,
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

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=driftless tests",
            "-c",
            "user.email=tests@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(root)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run git (is it installed?)");
    assert!(status.success(), "git {args:?} failed");
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
    run.code(0)
        .out_lacks("README.md")
        .out("warning[uncommitted]: migrations/0002_create_b.sql:")
        .out("changed since its last commit")
        .out("warning[uncommitted]: migrations/0003_create_c.sql:")
        .out("not tracked by git")
        .out_lacks("0001_create_a.sql")
        .out_lacks("not a git checkout")
        .out("checked 3 migrations in migrations: 0 errors, 2 warnings");
    p.cmd("check", &["--deny", "warnings"])
        .code(1)
        .out("error[uncommitted]")
        .out("2 errors, 0 warnings");
    let doc = p.cmd("check", &["--format", "json"]).code(0).json();
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
fn check_names_the_file_that_breaks_discovery() {
    let a = ("0001_a.sql", "CREATE TABLE a (x);\n");
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[a, ("0001_b.sql", "CREATE TABLE b (x);\n")],
            "migrations/0001_a.sql",
        ),
        (
            &[a, ("notes.txt", "not a migration")],
            "migrations/notes.txt",
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
        assert_eq!(doc["findings"][0]["code"], "files", "{doc:#}");
        assert_eq!(doc["findings"][0]["file"], offending, "{doc:#}");
        p.cmd("check", &[])
            .code(1)
            .out(&format!("error[files]: {offending}: "));
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
    assert_eq!(doc["findings"][0]["code"], "files");
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

// ---------------------------------------------------------------- schema

#[test]
fn schema_sql_prints_create_statements() {
    let p = Project::with(&TWO_TABLES);
    p.cmd("schema", &[])
        .code(0)
        .out("CREATE TABLE a (\n    id INTEGER PRIMARY KEY,\n    name TEXT\n);\n")
        .out("CREATE TABLE b (");
    p.cmd("schema", &["--format", "sql", "--at", "1"])
        .code(0)
        .out("CREATE TABLE a (")
        .out_lacks("CREATE TABLE b");
}

#[test]
fn schema_sql_lays_tables_out_after_add_column() {
    let p = Project::with(&[
        (
            "0001_create_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY,\n\
             \tname   TEXT NOT NULL DEFAULT 'new,  game',\n\
             \tcreated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n",
        ),
        (
            "0002_add_completed_at.sql",
            "ALTER TABLE games ADD COLUMN completed_at DATETIME;\n\
             ALTER TABLE games ADD COLUMN winners JSON;\n",
        ),
    ]);
    p.cmd("schema", &[]).code(0).out(
        "CREATE TABLE games (\n    \
             id INTEGER PRIMARY KEY,\n    \
             name TEXT NOT NULL DEFAULT 'new,  game',\n    \
             created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
             completed_at DATETIME,\n    \
             winners JSON\n\
         );\n",
    );
}

/// Migrations whose stored CREATE statements are as untidy as SQL gets.
const UNTIDY: [(&str, &str); 3] = [
    (
        "0001_create.sql",
        "CREATE TABLE \"odd, name\" (\n  [id  x] INTEGER PRIMARY KEY, -- the key, (really)\n  \
         `e,f` TEXT DEFAULT 'it''s,  fine' CHECK (length(`e,f`) IN (1,2,3)),\n  \
         /* a note */ amount REAL   DEFAULT (-1)\n) STRICT;\n\
         CREATE TABLE games (id INTEGER PRIMARY KEY,\n\
         \tname TEXT COLLATE NOCASE NOT NULL DEFAULT 'x--y',\n\
         \tprice NUMERIC(10,2)  NOT NULL DEFAULT 0,\n\
         \tscore INT GENERATED ALWAYS AS (length(name) * 2) STORED,\n\
         \tUNIQUE (name) ON CONFLICT REPLACE\n);\n\
         CREATE TABLE codes (code TEXT PRIMARY KEY, game_id INTEGER REFERENCES games (id) ON DELETE CASCADE)\n\
         WITHOUT ROWID;\n\
         CREATE INDEX games_score\n    ON games (score DESC,\n  lower(name))  WHERE score > 2;\n\
         CREATE VIEW best AS\n  SELECT name,   score -- best first\n  FROM games\n  ORDER BY score DESC;\n\
         CREATE TRIGGER games_touch AFTER UPDATE ON games   \n\
         BEGIN\n\n    UPDATE codes SET  code = code || 'x  y'\n    WHERE game_id = new.id;\nEND;\n",
    ),
    (
        "0002_add.sql",
        "ALTER TABLE games ADD COLUMN completed_at DATETIME;\n\
         ALTER TABLE games ADD COLUMN winners JSON DEFAULT '[]';\n",
    ),
    (
        "0003_rename.sql",
        "ALTER TABLE games RENAME COLUMN winners TO champions;\n",
    ),
];

#[test]
fn schema_sql_replays_to_the_same_schema() {
    let p = Project::with(&UNTIDY);
    let printed = p.cmd("schema", &[]).code(0).stdout.clone();
    assert!(
        printed.contains(
            "    completed_at DATETIME,\n    \
                 champions JSON DEFAULT '[]',\n    \
                 UNIQUE (name) ON CONFLICT REPLACE\n);"
        ),
        "{printed}"
    );
    // the schema the migrations make, and the one the printed statements make
    let migrated = Connection::open_in_memory().expect("memory db");
    for (_, sql) in UNTIDY {
        migrated.execute_batch(sql).expect("migration runs");
    }
    let expected = Schema::read(&migrated).expect("read migrated schema");
    let replayed = Connection::open_in_memory().expect("memory db");
    replayed
        .execute_batch(&printed)
        .unwrap_or_else(|e| panic!("the printed schema is not valid SQL ({e}):\n{printed}"));
    let got = Schema::read(&replayed).expect("read replayed schema");
    let tables = |s: &Schema| -> Vec<_> {
        s.tables
            .iter()
            .map(|t| (t.name.clone(), t.columns.clone(), t.strict, t.without_rowid))
            .collect()
    };
    assert_eq!(tables(&got), tables(&expected), "{printed}");
    let indexes = |s: &Schema| -> Vec<_> {
        s.indexes
            .iter()
            .map(|i| (i.name.clone(), i.table.clone(), i.unique, i.columns.clone()))
            .collect()
    };
    assert_eq!(indexes(&got), indexes(&expected), "{printed}");
    let views = |s: &Schema| -> Vec<_> {
        s.views
            .iter()
            .map(|v| (v.name.clone(), v.columns.clone()))
            .collect()
    };
    assert_eq!(views(&got), views(&expected), "{printed}");
    let triggers = |s: &Schema| -> Vec<_> {
        s.triggers
            .iter()
            .map(|t| (t.name.clone(), t.table.clone()))
            .collect()
    };
    assert_eq!(triggers(&got), triggers(&expected), "{printed}");
    // and printing the replayed schema again changes nothing
    let again = Project::with(&[("0001_all.sql", printed.as_str())]);
    assert_eq!(again.cmd("schema", &[]).code(0).stdout, printed);
}

impl Project {
    /// Runs `driftless args...` with a stdout whose reader is gone before it
    /// writes (`driftless ... | head -1`); stdout in the result is empty.
    fn run_stdout_closed(&self, args: &[&str]) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_driftless"))
            .args(args)
            .current_dir(self.root.path())
            .env("NO_COLOR", "1")
            .env_remove("CARGO_MANIFEST_DIR")
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the driftless binary");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait for driftless");
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::new(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("Broken pipe"),
            "driftless {args:?} panicked on a closed stdout:\n{}",
            run.stderr
        );
        run
    }
}

#[test]
fn closed_stdout_exits_quietly() {
    // far more output than a pipe holds, so the binary is still writing when the reader is gone
    let mut sql = String::new();
    for t in 0..300 {
        let columns: Vec<String> = (0..10)
            .map(|c| format!("column_number_{c} TEXT NOT NULL DEFAULT 'some default text'"))
            .collect();
        sql.push_str(&format!(
            "CREATE TABLE table_number_{t} ({});\n",
            columns.join(", ")
        ));
    }
    let p = Project::with(&[("0001_many.sql", sql.as_str())]);
    for format in ["sql", "json"] {
        let run = p.run_stdout_closed(&["schema", "--dir", DIR, "--format", format]);
        assert_eq!(run.stderr, "", "--format {format}");
        run.code(0);
    }
}

#[test]
fn closed_stdout_keeps_a_failing_check_failing() {
    // a thousand drop-table warnings: more output than a pipe holds
    let mut create = String::new();
    let mut drop = String::new();
    for t in 0..1000 {
        create.push_str(&format!("CREATE TABLE table_number_{t} (x);\n"));
        drop.push_str(&format!("DROP TABLE table_number_{t};\n"));
    }
    let p = Project::with(&[("0001_create.sql", &create), ("0002_drop.sql", &drop)]);
    p.run_stdout_closed(&["check", "--dir", DIR]).code(0);
    // `driftless check --deny warnings | head` in CI must still fail
    p.run_stdout_closed(&["check", "--dir", DIR, "--deny", "warnings"])
        .code(1);
}

#[test]
fn closed_stdout_during_an_upgrade_exits_2() {
    // one `applied` line a migration: enough of them to fill a pipe
    let files: Vec<(String, String)> = (1..=1500)
        .map(|v| {
            (
                format!("{v:04}_create_table_number_{v}.sql"),
                format!("CREATE TABLE table_number_{v} (x);\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let p = Project::with(&refs);
    p.run_stdout_closed(&["upgrade", "--dir", DIR, "--db", DB])
        .code(2)
        .err("stopped partway");
    let applied = versions(&p.conn()).len();
    assert!(
        (1..1500).contains(&applied),
        "expected an upgrade cut short, {applied} applied"
    );
}

#[test]
fn schema_json_is_a_snapshot() {
    let p = Project::with(&TWO_TABLES);
    let names = |doc: &Value| -> Vec<String> {
        doc["schema"]["tables"]
            .as_array()
            .expect("schema.tables")
            .iter()
            .map(|t| t["name"].as_str().expect("table name").to_string())
            .collect()
    };
    let doc = p.cmd("schema", &["--format", "json"]).code(0).json();
    assert_eq!(names(&doc), ["a", "b"]);
    let columns: Vec<&str> = doc["schema"]["tables"][0]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["name"].as_str().expect("column name"))
        .collect();
    assert_eq!(columns, ["id", "name"]);
    let at1 = p
        .cmd("schema", &["--format", "json", "--at", "1"])
        .code(0)
        .json();
    assert_eq!(names(&at1), ["a"]);
}

#[test]
fn schema_diesel_prints_what_diesel_print_schema_prints() {
    let p = Project::with(&[
        (
            "0001_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, \"type\" TEXT);",
        ),
        (
            "0002_rounds.sql",
            "CREATE TABLE rounds (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id), \
             started DATETIME, done BOOLEAN NOT NULL DEFAULT 0);",
        ),
    ]);
    let expected = "\
// @generated automatically by Diesel CLI.

diesel::table! {
    games (id) {
        id -> Integer,
        name -> Text,
        #[sql_name = \"type\"]
        type_ -> Nullable<Text>,
    }
}

diesel::table! {
    rounds (id) {
        id -> Nullable<Integer>,
        game_id -> Integer,
        started -> Nullable<Timestamp>,
        done -> Bool,
    }
}

diesel::joinable!(rounds -> games (game_id));

diesel::allow_tables_to_appear_in_same_query!(games, rounds,);
";
    assert_eq!(p.cmd("schema", &["--diesel"]).code(0).stdout, expected);
    assert_eq!(
        p.cmd("schema", &["--format", "diesel"]).code(0).stdout,
        expected
    );
    p.cmd("schema", &["--diesel", "--at", "1"])
        .code(0)
        .out("    games (id) {")
        .out_lacks("rounds");
    p.cmd("schema", &["--diesel", "--format", "sql"])
        .code(2)
        .err("cannot be used with");
}

#[test]
fn schema_diesel_writes_text_where_diesel_has_no_type_and_says_so() {
    let p = Project::with(&[(
        "0001_docs.sql",
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, body JSON NOT NULL);",
    )]);
    p.cmd("schema", &["--diesel"])
        .code(0)
        .out("        body -> Text,\n")
        .err("warning: column `docs.body` is declared `JSON`, which diesel has no SQL type for: written as `Text`");
}

#[test]
fn schema_at_an_unknown_version_exits_2() {
    let p = Project::with(&TWO_TABLES);
    p.cmd("schema", &["--at", "7"])
        .code(2)
        .err("no migration has version 7");
}

// ---------------------------------------------------------------- status, history

#[test]
fn status_and_history_of_a_missing_db_exit_2() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("status", &[]).code(2).err("does not exist");
    p.db_cmd("history", &[]).code(2).err("does not exist");
    p.db_cmd("diff", &[]).code(2).err("does not exist");
    p.db_cmd("downgrade", &["--to", "0"])
        .code(2)
        .err("does not exist");
    p.db_cmd("adopt", &[]).code(2).err("does not exist");
    assert!(!p.path(DB).exists(), "a read command created the database");
}

#[test]
fn status_and_history_after_a_partial_upgrade() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"])
        .code(0)
        .out("applied migrations/0001_create_a.sql")
        .out_lacks("0002_create_b")
        .out("app.db is at version 1 (1 applied)");
    let run = p.db_cmd("status", &[]);
    run.code(0).out_lacks("up to date");
    assert!(
        run.line("current")
            .ends_with("1 (migrations/0001_create_a.sql)"),
        "{}",
        run.stdout
    );
    assert!(run.line("latest").ends_with(" 2"), "{}", run.stdout);
    assert!(run.line("pending").ends_with(" 1"), "{}", run.stdout);
    run.out("2  migrations/0002_create_b.sql");

    let doc = p.db_cmd("status", &["--format", "json"]).code(0).json();
    assert_eq!(doc["current"], 1);
    assert_eq!(doc["latest"], 2);
    assert_eq!(doc["pending"][0]["version"], 2);
    assert_eq!(doc["pending"][0]["file"], "migrations/0002_create_b.sql");
    assert_eq!(doc["pending"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["problem"], Value::Null);

    let history = p.db_cmd("history", &[]);
    history.code(0).out("version").out("create_a");
    assert!(
        history.line("1 ").contains("create_a"),
        "{}",
        history.stdout
    );
    let rows = p.db_cmd("history", &["--format", "json"]).code(0).json();
    let rows = rows.as_array().expect("history is an array");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["version"], 1);
    assert_eq!(rows[0]["name"], "create_a");
    assert_eq!(rows[0]["checksum"].as_str().map(str::len), Some(64));
}

#[test]
fn history_of_a_db_without_migrations() {
    let p = Project::with(&TWO_TABLES);
    p.conn()
        .execute_batch("CREATE TABLE other (x);")
        .expect("sql");
    p.db_cmd("history", &[])
        .code(0)
        .out("no migrations applied to app.db");
    p.db_cmd("status", &[])
        .code(0)
        .out("none applied")
        .out_lacks("up to date");
}

#[test]
fn status_up_to_date() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("status", &[]).code(0).out("up to date");
    let doc = p.db_cmd("status", &["--format", "json"]).code(0).json();
    assert_eq!(doc["current"], 2);
    assert_eq!(doc["pending"].as_array().map(Vec::len), Some(0));
    let rows = p.db_cmd("history", &["--format", "json"]).code(0).json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2));
}

#[test]
fn status_with_an_unknown_applied_version() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &[]).code(0);
    p.conn()
        .execute(
            "INSERT INTO _driftless_migrations (version, name, checksum, applied_at, duration_ms, no_transaction) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![3, "ghost", vec![0u8; 32], "2026-01-01T00:00:00Z", 5, 0],
        )
        .expect("insert a history row by hand");
    p.db_cmd("status", &[])
        .code(1)
        .out("3 ghost")
        .out("stamp")
        .out_lacks("up to date");
    let doc = p.db_cmd("status", &["--format", "json"]).code(1).json();
    assert_eq!(doc["unknown"][0]["version"], 3);
    assert_eq!(doc["unknown"][0]["name"], "ghost");
    assert!(doc["problem"].as_str().is_some_and(|p| p.contains("stamp")));
    // history lists it, with a note (it is a listing: exit 0)
    let history = p.db_cmd("history", &[]);
    history.code(0);
    assert!(
        history.line("3 ").contains("ghost") && history.line("3 ").contains("not in migrations"),
        "{}",
        history.stdout
    );
    let rows = p.db_cmd("history", &["--format", "json"]).code(0).json();
    assert_eq!(rows[2]["version"], 3);
    assert!(
        rows[2]["notes"]
            .as_str()
            .is_some_and(|n| n.contains("not in migrations"))
    );
    // and upgrade refuses
    p.db_cmd("upgrade", &[]).code(1).err("3 ghost").err("stamp");
}

#[test]
fn status_with_a_modified_migration() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &[]).code(0);
    p.write(
        "0001_create_a.sql",
        "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT, extra TEXT);\n",
    );
    p.db_cmd("status", &[])
        .code(1)
        .out("changed after they ran")
        .out("1 migrations/0001_create_a.sql")
        .out_lacks("up to date");
    let doc = p.db_cmd("status", &["--format", "json"]).code(1).json();
    assert_eq!(doc["modified"][0]["version"], 1);
    assert_eq!(doc["modified"][0]["file"], "migrations/0001_create_a.sql");
    assert_ne!(
        doc["modified"][0]["checksum_applied"],
        doc["modified"][0]["checksum_now"]
    );
    let history = p.db_cmd("history", &[]);
    history.code(0);
    assert!(
        history.line("1 ").contains("file changed since"),
        "{}",
        history.stdout
    );
    p.db_cmd("upgrade", &[])
        .code(1)
        .err("0001_create_a.sql")
        .err("changed after they ran");
}

#[test]
fn status_with_an_out_of_order_migration() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0003_c.sql", "CREATE TABLE c (x);\n"),
    ]);
    p.db_cmd("upgrade", &[]).code(0);
    // a branch merged late
    p.write("0002_b.sql", "CREATE TABLE b (x);\n");
    p.db_cmd("status", &[])
        .code(1)
        .out("2  migrations/0002_b.sql")
        .out("older than the newest applied one (3)");
    let doc = p.db_cmd("status", &["--format", "json"]).code(1).json();
    assert_eq!(doc["out_of_order"][0]["version"], 2);
    p.db_cmd("upgrade", &[])
        .code(1)
        .err("older than the newest applied one")
        .err("help: on the command line: `driftless upgrade --allow-out-of-order`");
    assert_eq!(versions(&p.conn()), [1, 3]);
}

// ---------------------------------------------------------------- upgrade

#[test]
fn upgrade_creates_the_db_and_applies_everything() {
    let p = Project::with(&TWO_TABLES);
    assert!(!p.path(DB).exists());
    let run = p.db_cmd("upgrade", &[]);
    run.code(0)
        .out("applied migrations/0001_create_a.sql (")
        .out("applied migrations/0002_create_b.sql (")
        .out("app.db is at version 2 (2 applied)");
    let conn = p.conn();
    assert_eq!(tables(&conn), ["a", "b"]);
    assert_eq!(versions(&conn), [1, 2]);
    p.db_cmd("upgrade", &[])
        .code(0)
        .out("app.db is up to date")
        .out_lacks("applied migrations/");
}

#[test]
fn upgrade_to_stops_there() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"])
        .code(0)
        .out("app.db is at version 1 (1 applied)");
    assert_eq!(tables(&p.conn()), ["a"]);
    p.db_cmd("upgrade", &["--to", "2"])
        .code(0)
        .out("applied migrations/0002_create_b.sql")
        .out("app.db is at version 2 (1 applied)");
    p.db_cmd("upgrade", &["--to", "9"])
        .code(2)
        .err("no migration has version 9");
}

#[test]
fn upgrade_to_a_version_below_the_current_one() {
    let p = Project::with(&[
        ("0001_a.sql", "CREATE TABLE a (x);\n"),
        ("0002_b.sql", "CREATE TABLE b (x);\n"),
        ("0003_c.sql", "CREATE TABLE c (x);\n"),
        ("0004_d.sql", "CREATE TABLE d (x);\n"),
    ]);
    p.db_cmd("upgrade", &["--to", "3"]).code(0);
    p.db_cmd("upgrade", &["--to", "2"])
        .code(0)
        .out("nothing to apply up to version 2")
        .out("app.db is at version 3")
        .out("1 pending migration")
        .out_lacks("up to date");
    p.db_cmd("upgrade", &["--to", "3"])
        .code(0)
        .out("nothing to apply up to version 3")
        .out("1 pending migration")
        .out_lacks("up to date");
    assert_eq!(versions(&p.conn()), [1, 2, 3]);
    p.db_cmd("upgrade", &[])
        .code(0)
        .out("app.db is at version 4 (1 applied)");
    p.db_cmd("upgrade", &["--to", "2"])
        .code(0)
        .out("app.db is up to date");
}

#[test]
fn upgrade_backup_beside_the_db() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"]).code(0);
    let run = p.db_cmd("upgrade", &["--backup"]);
    run.code(0)
        .out("backed up app.db to app.db.")
        .out("applied migrations/0002_create_b.sql");
    let backups: Vec<String> = fs::read_dir(p.root.path())
        .expect("read project dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with("app.db.") && n.ends_with(".bak"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    // the backup is the database before the upgrade
    let copy = p.conn_at(&backups[0]);
    assert_eq!(tables(&copy), ["a"]);
    assert_eq!(versions(&copy), [1]);
}

#[test]
fn upgrade_backup_to_a_path() {
    let p = Project::with(&TWO_TABLES);
    p.db_cmd("upgrade", &["--to", "1"]).code(0);
    p.db_cmd("upgrade", &["--backup", "before.db"])
        .code(0)
        .out("backed up app.db to before.db");
    let copy = p.conn_at("before.db");
    assert_eq!(tables(&copy), ["a"]);
    assert_eq!(versions(&copy), [1]);
    assert_eq!(tables(&p.conn()), ["a", "b"]);
}

#[test]
fn upgrade_with_a_failing_migration() {
    let p = Project::with(&[
        ("0001_create_a.sql", "CREATE TABLE a (x);\n"),
        (
            "0002_broken.sql",
            "CREATE TABLE b (x);\n\nINSERT INTO nope VALUES (1);\n",
        ),
    ]);
    p.db_cmd("upgrade", &[])
        .code(1)
        .out("applied migrations/0001_create_a.sql")
        .err("migrations/0002_broken.sql")
        .err("line 3")
        .err("no such table: nope");
    let conn = p.conn();
    assert_eq!(versions(&conn), [1]);
    assert_eq!(
        tables(&conn),
        ["a"],
        "the failed migration was not rolled back"
    );
    p.db_cmd("status", &[])
        .code(0)
        .out("2  migrations/0002_broken.sql");
}

// ---------------------------------------------------------------- downgrade

#[test]
fn downgrade_that_drops_tables_needs_confirmation() {
    let p = Project::with(&REVERSIBLE);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("downgrade", &["--to", "0"])
        .code(2)
        .out("the down migrations delete data")
        .out("migrations/0002_create_b.down.sql:1:")
        .out("migrations/0001_create_a.down.sql:1:")
        .err("--yes");
    let conn = p.conn();
    assert_eq!(tables(&conn), ["a", "b"], "nothing may change");
    assert_eq!(versions(&conn), [1, 2]);
    drop(conn);

    p.db_cmd("downgrade", &["--to", "0", "--yes"])
        .code(0)
        .out("ran migrations/0002_create_b.down.sql")
        .out("ran migrations/0001_create_a.down.sql")
        .out("app.db is at version none");
    let conn = p.conn();
    assert!(tables(&conn).is_empty(), "{:?}", tables(&conn));
    assert!(versions(&conn).is_empty());
}

#[test]
fn downgrade_to_a_version() {
    let p = Project::with(&REVERSIBLE);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("downgrade", &["--to", "1", "--yes"])
        .code(0)
        .out("ran migrations/0002_create_b.down.sql")
        .out_lacks("0001_create_a.down.sql")
        .out("app.db is at version 1");
    assert_eq!(tables(&p.conn()), ["a"]);
    p.db_cmd("status", &[]).code(0).out("pending   1");
    p.db_cmd("downgrade", &["--to", "9", "--yes"])
        .code(2)
        .err("no migration has version 9");
}

#[test]
fn downgrade_without_a_down_file_exits_1() {
    let p = Project::with(&[
        ("0001_create_a.sql", "CREATE TABLE a (x);\n"),
        ("0002_create_b.up.sql", "CREATE TABLE b (x);\n"),
        ("0002_create_b.down.sql", "DROP TABLE b;\n"),
    ]);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd("downgrade", &["--to", "0", "--yes"])
        .code(1)
        .err("migration 1 (migrations/0001_create_a.sql) has no down migration");
    let conn = p.conn();
    assert_eq!(versions(&conn), [1, 2], "nothing may be downgraded");
    assert_eq!(tables(&conn), ["a", "b"]);
}

#[test]
fn downgrade_backup_to_a_path() {
    let p = Project::with(&REVERSIBLE);
    p.db_cmd("upgrade", &[]).code(0);
    p.db_cmd(
        "downgrade",
        &["--to", "1", "--yes", "--backup", "before.db"],
    )
    .code(0)
    .out("backed up app.db to before.db")
    .out("app.db is at version 1");
    let copy = p.conn_at("before.db");
    assert_eq!(tables(&copy), ["a", "b"]);
    assert_eq!(versions(&copy), [1, 2]);
}

// ---------------------------------------------------------------- stamp, adopt

#[test]
fn stamp_a_db_made_by_hand() {
    let p = Project::with(&TWO_TABLES);
    p.conn()
        .execute_batch(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);\n\
             CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));",
        )
        .expect("make the database by hand");
    p.db_cmd("stamp", &["2"])
        .code(0)
        .out("app.db is recorded at version 2; nothing was run");
    p.db_cmd("status", &[]).code(0).out("up to date");
    p.db_cmd("diff", &[]).code(0).out("matches");
    assert_eq!(versions(&p.conn()), [1, 2]);
}

#[test]
fn stamp_a_missing_db_exits_2() {
    let p = Project::with(&TWO_TABLES);
    p.run(&["stamp", "--dir", DIR, "--db", "typo.db", "2"])
        .code(2)
        .err("`typo.db` does not exist")
        .out_lacks("recorded");
    assert!(!p.path("typo.db").exists(), "stamp created the database");
}

#[test]
fn adopt_a_diesel_history() {
    let p = Project::with(&[
        (
            "2024-01-01-120000_create_x/up.sql",
            "CREATE TABLE x (id INTEGER PRIMARY KEY);\n",
        ),
        ("2024-01-01-120000_create_x/down.sql", "DROP TABLE x;\n"),
        (
            "2024-02-01-120000_create_y/up.sql",
            "CREATE TABLE y (id INTEGER PRIMARY KEY);\n",
        ),
        ("2024-02-01-120000_create_y/down.sql", "DROP TABLE y;\n"),
    ]);
    p.conn()
        .execute_batch(
            "CREATE TABLE x (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);\n\
             INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101120000');",
        )
        .expect("a database diesel migrated");
    p.db_cmd("adopt", &[])
        .code(0)
        .out("adopted 1 applied diesel migrations: 20240101120000");
    assert_eq!(versions(&p.conn()), [20240101120000]);
    p.db_cmd("status", &[])
        .code(0)
        .out("current   20240101120000 (migrations/2024-01-01-120000_create_x/up.sql)")
        .out("pending   1");
    p.db_cmd("upgrade", &[])
        .code(0)
        .out("applied migrations/2024-02-01-120000_create_y/up.sql");
    p.db_cmd("status", &[]).code(0).out("up to date");
    // a second adopt finds driftless's own history
    p.db_cmd("adopt", &[])
        .code(1)
        .err("nothing to adopt")
        .err("already has a driftless history");
}

#[test]
fn adopt_without_a_foreign_history_exits_1() {
    let p = Project::with(&TWO_TABLES);
    p.conn()
        .execute_batch("CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT);")
        .expect("sql");
    p.db_cmd("adopt", &[])
        .code(1)
        .err("nothing to adopt: no sqlx, diesel or refinery history table");
    let conn = p.conn();
    assert_eq!(tables(&conn), ["a"]);
    let history: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = '_driftless_migrations'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(history, 0, "adopt wrote a history table although it failed");
}

// ---------------------------------------------------------------- diff

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

// ---------------------------------------------------------------- help

#[test]
fn every_help_has_an_example() {
    let p = Project::new();
    let mut failures = Vec::new();
    for command in [
        None,
        Some("new"),
        Some("check"),
        Some("schema"),
        Some("status"),
        Some("history"),
        Some("upgrade"),
        Some("downgrade"),
        Some("stamp"),
        Some("adopt"),
        Some("diff"),
    ] {
        let args: Vec<&str> = command.into_iter().chain(["--help"]).collect();
        let run = p.run(&args);
        if run.code != 0 || !run.stdout.contains("Example") {
            failures.push(format!(
                "`driftless {}`: exit {}\n{}{}",
                args.join(" "),
                run.code,
                run.stdout,
                run.stderr.lines().take(3).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

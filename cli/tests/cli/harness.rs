//! The harness every command's tests share: a temporary project, the real
//! binary run in it, and assertions on what it printed.

// what every command's tests use, for `use crate::harness::*`
pub use std::fs;
pub use std::path::PathBuf;
pub use std::process::{Command, Stdio};

pub use driftless::rusqlite::{Connection, params};
pub use driftless_migrations::Schema;
pub use serde_json::Value;
use tempfile::TempDir;

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole output unless the exit code is `code`.
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless stdout contains `text`.
    pub fn out(&self, text: &str) -> &Run {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n--- stdout\n{}--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless stderr contains `text`.
    pub fn err(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n--- stdout\n{}--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics if stdout contains `text`.
    pub fn out_lacks(&self, text: &str) -> &Run {
        assert!(
            !self.stdout.contains(text),
            "stdout has {text:?}, it should not\n--- stdout\n{}--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Stdout parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e})\n--- stdout\n{}--- stderr\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The stdout line starting with `prefix`.
    pub fn line(&self, prefix: &str) -> String {
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
pub struct Project {
    pub root: TempDir,
}

pub const DIR: &str = "migrations";
pub const DB: &str = "app.db";

impl Project {
    /// A project with an empty `migrations/` directory.
    pub fn new() -> Project {
        let root = tempfile::tempdir().expect("temp dir");
        fs::create_dir(root.path().join(DIR)).expect("create migrations/");
        Project { root }
    }

    /// A project whose migrations are `files`: (path under `migrations/`, text).
    pub fn with(files: &[(&str, &str)]) -> Project {
        let p = Project::new();
        for (name, text) in files {
            p.write(name, text);
        }
        p
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// Writes `text` to `migrations/<name>`, creating folders (diesel).
    pub fn write(&self, name: &str, text: &str) {
        let path = self.path(DIR).join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create migration folder");
        }
        fs::write(&path, text).expect("write migration");
    }

    /// Runs `driftless args...` in the project directory.
    pub fn run(&self, args: &[&str]) -> Run {
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
    pub fn cmd(&self, command: &str, args: &[&str]) -> Run {
        let mut all = vec![command, "--dir", DIR];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs a command that takes `--dir migrations --db app.db` plus `args`.
    pub fn db_cmd(&self, command: &str, args: &[&str]) -> Run {
        let mut all = vec![command, "--dir", DIR, "--db", DB];
        all.extend_from_slice(args);
        self.run(&all)
    }

    pub fn conn(&self) -> Connection {
        self.conn_at(DB)
    }

    pub fn conn_at(&self, rel: &str) -> Connection {
        Connection::open(self.path(rel)).expect("open database")
    }

    /// The file names in `migrations/` (folders too), sorted.
    pub fn files(&self) -> Vec<String> {
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
pub fn tables(conn: &Connection) -> Vec<String> {
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
pub fn versions(conn: &Connection) -> Vec<i64> {
    let mut stmt = conn
        .prepare("SELECT version FROM _driftless_migrations ORDER BY version")
        .expect("prepare");
    stmt.query_map([], |r| r.get::<_, i64>(0))
        .expect("query history")
        .collect::<Result<_, _>>()
        .expect("read history")
}

/// The UTC time now as `YYYYMMDDhhmmss`, from SQLite's clock.
pub fn utc_stamp() -> u64 {
    let conn = Connection::open_in_memory().expect("memory db");
    let s: String = conn
        .query_row("SELECT strftime('%Y%m%d%H%M%S', 'now')", [], |r| r.get(0))
        .expect("strftime");
    s.parse().expect("digits")
}

/// Panics unless `digits` is a timestamp taken between `before` and `after`.
pub fn assert_timestamp(digits: &str, before: u64, after: u64) {
    assert_eq!(digits.len(), 14, "{digits:?} is not YYYYMMDDhhmmss");
    let v: u64 = digits.parse().expect("timestamp digits");
    assert!(
        (before..=after).contains(&v),
        "timestamp {v} is not between {before} and {after}"
    );
}

pub const TWO_TABLES: [(&str, &str); 2] = [
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
pub const REVERSIBLE: [(&str, &str); 4] = [
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

pub use driftless_tests::git;

/// Runs the binary in a scratch crate, its cargo sharing the scratch
/// crates' target directory and their offline lock file: exit code,
/// stdout, stderr.
pub fn in_scratch(s: &driftless_tests::Scratch, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_driftless"))
        .args(args)
        .current_dir(s.path())
        .env("NO_COLOR", "1")
        .env(
            "CARGO_TARGET_DIR",
            driftless_tests::workspace().join("target").join("e2e"),
        )
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("DRIFTLESS_MIGRATIONS_DIR")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("run the driftless binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

//! The databases `#[driftless::test]` starts its tests from.
//!
//! The build script saves the replayed database beside the snapshot
//! ([`Snapshot::database_path`](crate::Snapshot::database_path)), stamped as
//! the migrator leaves a database it migrated: its history table holds a row
//! per migration. A test without fixtures embeds that file as it is. A test
//! with fixtures, or with the schema after an earlier migration (`at`), gets
//! a database built here at compile time:
//!
//! 1. the build's replay of the migrations up to that one (restored from the
//!    prefix cache), with the history rows of exactly those migrations;
//! 2. each fixture, statement by statement, with foreign keys on as in the
//!    test: one that no longer fits the schema fails the build, naming its
//!    file and line.
//!
//! It is saved under a hash of everything it is built from, so an unchanged
//! test reuses it (rust-analyzer expands a test on every keystroke) and two
//! compilers building the same one at once write the same bytes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::HISTORY_TABLE;
use crate::cache::{PrefixCache, replay_cached};
use crate::discover::{MigrationSet, hex};
use crate::error::{Error, Result};
use crate::replay::{Transaction, run_script, sandbox, save};

/// What a saved test database depends on besides its inputs: bump it when
/// the same inputs could give another database.
const FORMAT: &str = "driftless test database 1";

/// A fixture: SQL run after the migrations, before the test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixture {
    /// Its file, as shown in messages.
    pub path: PathBuf,
    /// Its text.
    pub sql: String,
}

/// The schema a test starts from when it is not the newest: the migrations
/// up to and including an earlier one, and the cache their replay restores
/// from.
#[derive(Clone, Debug)]
pub struct Earlier<'a> {
    /// The migrations up to and including the one asked for.
    pub set: &'a MigrationSet,
    /// The build's prefix cache of that directory.
    pub cache: &'a PrefixCache,
}

/// The database a test starts from, in `dir` (created if missing): the
/// build's database `head`, or the one after `earlier`'s migrations, with
/// `fixtures` applied in order. Returns the file's path; builds and saves it
/// unless a previous compilation already did.
///
/// `schema` says which schema this is in messages, e.g. `schema from 4
/// migrations in migrations/ (latest: 0004_scores.sql)`.
///
/// ```
/// use driftless_migrations::test_image::{Fixture, prepare};
/// let dir = tempfile::tempdir().unwrap();
/// let head = dir.path().join("head.db");
/// let conn = rusqlite::Connection::open(&head).unwrap();
/// conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);").unwrap();
/// drop(conn);
/// let fixture = Fixture { path: "tests/fixtures/games.sql".into(), sql: "INSERT INTO games (name) VALUES ('quiz');".into() };
/// let saved = prepare(&dir.path().join("tests"), &head, None, &[fixture.clone()], "schema").unwrap();
/// let n: i64 = rusqlite::Connection::open(&saved).unwrap().query_row("SELECT count(*) FROM games", [], |r| r.get(0)).unwrap();
/// assert_eq!(n, 1);
///
/// let drifted = Fixture { sql: "INSERT INTO games (colour) VALUES ('red');".into(), ..fixture };
/// let err = prepare(&dir.path().join("tests"), &head, None, &[drifted], "schema").unwrap_err();
/// assert!(err.to_string().starts_with("fixture `tests/fixtures/games.sql` does not fit the schema: line 1, column 1: table games has no column named colour"), "{err}");
/// ```
///
/// # Errors
/// A fixture that fails, as [`Error::Fixture`]; a migration that fails in
/// the replay up to `earlier`, as the replay reports it; a file that cannot
/// be read or written.
pub fn prepare(
    dir: &Path,
    head: &Path,
    earlier: Option<Earlier<'_>>,
    fixtures: &[Fixture],
    schema: &str,
) -> Result<PathBuf> {
    let path = dir.join(format!("{}.db", key(head, earlier.as_ref(), fixtures)));
    if path.exists() {
        return Ok(path);
    }
    let conn = match &earlier {
        None => restore(head)?,
        Some(earlier) => {
            let (conn, _) = replay_cached(earlier.set, earlier.cache)?;
            copy_history(head, &conn, earlier.set)?;
            conn
        }
    };
    // as in the test: a fixture row whose parent is missing fails here
    conn.pragma_update(None, "foreign_keys", true)?;
    for fixture in fixtures {
        // Transaction::None: a fixture may hold its own BEGIN and COMMIT
        run_script(&conn, &fixture.path, &fixture.sql, Transaction::None)
            .map_err(|e| as_fixture_error(e, schema))?;
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    // a name of this process's own, renamed into place: two compilers
    // building the same database never write one file
    static SAVED: AtomicUsize = AtomicUsize::new(0);
    let temp = dir.join(format!(
        ".{}.{}.{}",
        std::process::id(),
        SAVED.fetch_add(1, Ordering::Relaxed),
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ));
    save(&conn, &temp)?;
    std::fs::rename(&temp, &path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// The hash a saved test database is named by: this format, the build's
/// database (its name holds its content's hash), the migrations replayed
/// for an earlier schema, and each fixture's path and text.
fn key(head: &Path, earlier: Option<&Earlier<'_>>, fixtures: &[Fixture]) -> String {
    let mut hash = Sha256::new();
    let mut part = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    part(FORMAT.as_bytes());
    part(env!("CARGO_PKG_VERSION").as_bytes());
    part(head.as_os_str().as_encoded_bytes());
    if let Some(earlier) = earlier {
        part(b"earlier");
        for m in &earlier.set.migrations {
            part(&m.checksum);
        }
    }
    for fixture in fixtures {
        part(fixture.path.as_os_str().as_encoded_bytes());
        part(fixture.sql.as_bytes());
    }
    hex(&hash.finalize()[..16])
}

/// The build's database, copied into a sandbox.
fn restore(head: &Path) -> Result<Connection> {
    let cannot = |e: rusqlite::Error| Error::Snapshot {
        path: head.to_path_buf(),
        message: format!(
            "cannot read the replayed database: {e}\nhelp: the build script writes it; run `cargo build` again"
        ),
    };
    let source =
        Connection::open_with_flags(head, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(cannot)?;
    let mut conn = sandbox()?;
    rusqlite::backup::Backup::new(&source, &mut conn)
        .and_then(|b| b.step(-1).map(|_| ()))
        .map_err(cannot)?;
    Ok(conn)
}

/// The history table of the build's database, with the rows of the
/// migrations in `set` only: what the migrator leaves after running them.
fn copy_history(head: &Path, conn: &Connection, set: &MigrationSet) -> Result<()> {
    let source = Connection::open_with_flags(head, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let create: Option<String> = source
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [HISTORY_TABLE],
            |r| r.get(0),
        )
        .optional()?;
    let Some(create) = create else {
        return Ok(());
    };
    conn.execute_batch(&create)?;
    let versions: std::collections::HashSet<u64> =
        set.migrations.iter().map(|m| m.version).collect();
    let mut select = source.prepare(&format!("SELECT * FROM {HISTORY_TABLE}"))?;
    let width = select.column_count();
    let placeholders = vec!["?"; width].join(", ");
    let mut insert = conn.prepare(&format!(
        "INSERT INTO {HISTORY_TABLE} VALUES ({placeholders})"
    ))?;
    let mut rows = select.query([])?;
    while let Some(row) = rows.next()? {
        let version: i64 = row.get("version")?;
        if u64::try_from(version).is_ok_and(|v| versions.contains(&v)) {
            let values = (0..width)
                .map(|i| row.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            insert.execute(rusqlite::params_from_iter(values))?;
        }
    }
    Ok(())
}

/// A failing fixture statement, told as a fixture's failure.
fn as_fixture_error(e: Error, schema: &str) -> Error {
    match e {
        Error::Statement {
            path,
            at,
            token,
            statement,
            message,
        } => Error::Fixture {
            path,
            at: token.unwrap_or(at),
            statement,
            message: message.replace("the migration", "the fixture"),
            schema: schema.to_string(),
        },
        Error::Forbidden {
            path,
            at,
            statement,
            what,
        } => Error::Fixture {
            path,
            at,
            statement,
            message: format!(
                "{what} is not allowed in a fixture, which runs in the build's sandbox"
            ),
            schema: schema.to_string(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head_with_history(dir: &Path) -> PathBuf {
        let head = dir.join("head.db");
        let conn = Connection::open(&head).expect("open");
        conn.execute_batch(&format!(
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER);
             CREATE TABLE {HISTORY_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL);
             INSERT INTO {HISTORY_TABLE} VALUES (1, 'games'), (2, 'score');"
        ))
        .expect("head");
        head
    }

    #[test]
    fn an_earlier_schema_keeps_the_history_of_its_migrations_only() {
        let dir = tempfile::tempdir().expect("dir");
        let migrations = dir.path().join("migrations");
        std::fs::create_dir(&migrations).expect("mkdir");
        std::fs::write(
            migrations.join("0001_games.sql"),
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        )
        .expect("write");
        let set = crate::discover(&migrations).expect("discover");
        let head = head_with_history(dir.path());
        let cache = PrefixCache::new(dir.path().join("cache"));
        let fixture = Fixture {
            path: "f.sql".into(),
            sql: "INSERT INTO games (name) VALUES ('a');".into(),
        };
        let earlier = Earlier {
            set: &set,
            cache: &cache,
        };
        let saved = prepare(
            &dir.path().join("out"),
            &head,
            Some(earlier.clone()),
            std::slice::from_ref(&fixture),
            "s",
        )
        .expect("prepare");
        let conn = Connection::open(&saved).expect("open");
        let history: Vec<i64> = conn
            .prepare(&format!("SELECT version FROM {HISTORY_TABLE}"))
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("history");
        assert_eq!(history, [1]);
        // the column a later migration adds is not there
        assert!(conn.prepare("SELECT score FROM games").is_err());
        let n: i64 = conn
            .query_row("SELECT count(*) FROM games", [], |r| r.get(0))
            .expect("rows");
        assert_eq!(n, 1);
        // the same inputs give the same file; the head's own another
        let again = prepare(
            &dir.path().join("out"),
            &head,
            Some(earlier),
            std::slice::from_ref(&fixture),
            "s",
        )
        .expect("again");
        assert_eq!(again, saved);
        let at_head = prepare(&dir.path().join("out"), &head, None, &[fixture], "s").expect("head");
        assert_ne!(at_head, saved);
    }

    #[test]
    fn a_fixture_error_names_the_line_and_the_schema_and_saves_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let head = head_with_history(dir.path());
        let out = dir.path().join("out");
        let fixtures = [
            Fixture {
                path: "tests/fixtures/games.sql".into(),
                sql: "INSERT INTO games (name) VALUES ('a');".into(),
            },
            Fixture {
                path: "tests/fixtures/more.sql".into(),
                sql: "-- more\nINSERT INTO games (name) VALUES ('b');\nINSERT INTO games (name, colour)\n  VALUES ('c', 'red');".into(),
            },
        ];
        let err = prepare(
            &out,
            &head,
            None,
            &fixtures,
            "schema from 2 migrations in migrations/",
        )
        .expect_err("drifted");
        assert!(matches!(err, Error::Fixture { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with("fixture `tests/fixtures/more.sql` does not fit the schema: line 3, column 1: table games has no column named colour"),
            "{text}"
        );
        assert!(
            text.contains("schema from 2 migrations in migrations/"),
            "{text}"
        );
        assert!(!out.exists() || std::fs::read_dir(&out).expect("read").next().is_none());
    }

    #[test]
    fn a_fixture_breaking_a_foreign_key_fails() {
        let dir = tempfile::tempdir().expect("dir");
        let head = dir.path().join("head.db");
        Connection::open(&head)
            .and_then(|c| {
                c.execute_batch(
                    "CREATE TABLE games (id INTEGER PRIMARY KEY);
                     CREATE TABLE rounds (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games(id));",
                )
            })
            .expect("head");
        let fixture = Fixture {
            path: "rounds.sql".into(),
            sql: "INSERT INTO rounds (game_id) VALUES (7);".into(),
        };
        let err = prepare(&dir.path().join("out"), &head, None, &[fixture], "s").expect_err("fk");
        assert!(
            err.to_string().contains("FOREIGN KEY constraint failed"),
            "{err}"
        );
    }
}

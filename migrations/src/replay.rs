//! Replaying migrations into an in-memory SQLite that cannot touch the disk.

use std::path::Path;

use rusqlite::Connection;

use crate::discover::{Migration, MigrationSet};
use crate::error::{Error, Position, Result};
use crate::schema::Schema;
use crate::snapshot::{Snapshot, Source};
use crate::split::{Statement, position, split};

/// Opens the in-memory database migrations are replayed into: no ATTACH,
/// no extension loading, so a migration can create no file; and SQLite's
/// defensive mode, so no migration can corrupt the schema (`PRAGMA
/// writable_schema` and writes to `sqlite_schema` are refused).
///
/// # Errors
/// Only when SQLite cannot open an in-memory database.
///
/// ```
/// let conn = driftless_migrations::replay::sandbox().unwrap();
/// assert!(conn.execute_batch("ATTACH 'x.db' AS x").is_err());
/// ```
pub fn sandbox() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    crate::compat::forbid_files(&mut conn)?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    Ok(conn)
}

/// Replays every migration of `set` into a fresh sandbox and returns the
/// snapshot of the schema they produce.
///
/// # Errors
/// The first failing statement, as [`Error::Statement`] naming the file and
/// line; a statement the sandbox forbids, as [`Error::Forbidden`].
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("0001_t.sql"), "CREATE TABLE t (id INTEGER PRIMARY KEY);").unwrap();
/// std::fs::write(dir.path().join("0002_u.sql"), "ALTER TABLE t ADD COLUMN u TEXT;").unwrap();
/// let set = driftless_migrations::discover(dir.path()).unwrap();
/// let snapshot = driftless_migrations::replay(&set).unwrap();
/// assert_eq!(snapshot.schema.tables[0].columns.len(), 2);
/// assert_eq!(snapshot.source.migrations.len(), 2);
/// ```
pub fn replay(set: &MigrationSet) -> Result<Snapshot> {
    replay_database(set).map(|(_, snapshot)| snapshot)
}

/// [`replay`], keeping the in-memory database the migrations built: what
/// the build script saves with [`save`] for tools that read a real SQLite
/// file (sqlx's query macros).
///
/// # Errors
/// As [`replay`].
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("0001_t.sql"), "CREATE TABLE t (id INTEGER PRIMARY KEY);").unwrap();
/// let set = driftless_migrations::discover(dir.path()).unwrap();
/// let (conn, snapshot) = driftless_migrations::replay::replay_database(&set).unwrap();
/// assert_eq!(snapshot.schema.tables[0].name, "t");
/// conn.execute("INSERT INTO t DEFAULT VALUES", []).unwrap();
/// ```
pub fn replay_database(set: &MigrationSet) -> Result<(Connection, Snapshot)> {
    replay_inner(set, None)
}

/// One migration replayed by [`replay_steps`]: the database right after it,
/// and the schema before and after it.
pub struct Step<'a> {
    /// Its index in the set.
    pub index: usize,
    /// The migration.
    pub migration: &'a Migration,
    /// The sandbox, as the migration left it.
    pub conn: &'a Connection,
    /// The schema before it ran.
    pub before: &'a Schema,
    /// The schema after it ran.
    pub after: &'a Schema,
}

/// What [`replay_steps`] does after a hook returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Go on with the next migration on the database as it is.
    Continue,
    /// The hook changed the database (a down migration that did not undo
    /// its up): replay every migration so far into a fresh sandbox first.
    Replay,
}

/// [`replay_database`] with a hook after each migration, given the schema
/// before and after it: the one replay under `driftless check`'s lints and
/// down-migration checks. A view that a later migration breaks, a failing
/// statement and a hook's error all end the replay with the error, which
/// names the file.
///
/// # Errors
/// As [`replay`], or the hook's error.
///
/// ```
/// use driftless_migrations::replay::{replay_steps, Next};
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("0001_t.sql"), "CREATE TABLE t (id INTEGER PRIMARY KEY);").unwrap();
/// std::fs::write(dir.path().join("0002_u.sql"), "CREATE TABLE u (id INTEGER PRIMARY KEY);").unwrap();
/// let set = driftless_migrations::discover(dir.path()).unwrap();
/// let mut grew = Vec::new();
/// replay_steps(&set, |step| {
///     grew.push(step.after.tables.len() - step.before.tables.len());
///     Ok(Next::Continue)
/// }).unwrap();
/// assert_eq!(grew, [1, 1]);
/// ```
pub fn replay_steps(
    set: &MigrationSet,
    mut each: impl FnMut(Step<'_>) -> Result<Next>,
) -> Result<(Connection, Snapshot)> {
    replay_inner(set, Some(&mut each))
}

type Hook<'h> = &'h mut dyn FnMut(Step<'_>) -> Result<Next>;

fn replay_inner(set: &MigrationSet, mut hook: Option<Hook<'_>>) -> Result<(Connection, Snapshot)> {
    let started = std::time::Instant::now();
    let mut conn = sandbox()?;
    let mut before = Schema::default();
    for (index, m) in set.migrations.iter().enumerate() {
        run_migration(&conn, m)?;
        let Some(hook) = hook.as_mut() else { continue };
        let after = read_schema(&conn, set, &before)?;
        let step = Step {
            index,
            migration: m,
            conn: &conn,
            before: &before,
            after: &after,
        };
        if hook(step)? == Next::Replay {
            conn = sandbox()?;
            for earlier in &set.migrations[..=index] {
                run_migration(&conn, earlier)?;
            }
        }
        before = after;
    }
    finish(conn, set, started)
}

/// The snapshot of a finished replay (of `set`, begun at `started`).
pub(crate) fn finish(
    conn: Connection,
    set: &MigrationSet,
    started: std::time::Instant,
) -> Result<(Connection, Snapshot)> {
    let schema = read_schema(&conn, set, &Schema::default())?;
    let snapshot = Snapshot {
        format: Snapshot::FORMAT,
        source: Source::of(set),
        schema,
    };
    trace(&format!(
        "replay {} migrations from {} in {} us",
        set.migrations.len(),
        set.dir.display(),
        started.elapsed().as_micros()
    ));
    Ok((conn, snapshot))
}

/// The schema of a replay in progress (`previous`: as it was before the
/// last migration); a broken view names the migration that created it.
fn read_schema(conn: &Connection, set: &MigrationSet, previous: &Schema) -> Result<Schema> {
    Schema::read_after(conn, previous).map_err(|e| match e {
        Error::BrokenView { view, message, .. } => Error::BrokenView {
            created_in: creator_of(set, &view),
            view,
            message,
        },
        other => other,
    })
}

/// Writes a replayed database to the SQLite file `path` with SQLite's backup
/// API, through a temporary file renamed into place so that a reader never
/// opens half a database.
///
/// # Errors
/// When the file cannot be written, as [`Error::Snapshot`].
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("CREATE TABLE t (x TEXT NOT NULL)").unwrap();
/// let path = dir.path().join("schema.sqlite");
/// driftless_migrations::replay::save(&conn, &path).unwrap();
/// let copy = rusqlite::Connection::open(&path).unwrap();
/// copy.prepare("SELECT x FROM t").unwrap();
/// ```
pub fn save(conn: &Connection, path: &Path) -> Result<()> {
    let error = |e: &dyn std::fmt::Display| Error::Snapshot {
        path: path.to_path_buf(),
        message: format!("cannot write the database: {e}"),
    };
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = std::path::PathBuf::from(temp);
    // a leftover from a build that was killed would be appended to
    match std::fs::remove_file(&temp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(error(&e)),
        _ => {}
    }
    {
        let mut copy = Connection::open(&temp).map_err(|e| error(&e))?;
        let backup = rusqlite::backup::Backup::new(conn, &mut copy).map_err(|e| error(&e))?;
        backup
            .run_to_completion(i32::MAX, std::time::Duration::ZERO, None)
            .map_err(|e| error(&e))?;
    }
    std::fs::rename(&temp, path).map_err(|e| error(&e))
}

/// How a script's statements relate to transactions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transaction {
    /// [`run_script`] wraps the script in BEGIN/COMMIT, and rolls back on error.
    Own,
    /// The caller has begun a transaction (to add its own bookkeeping to it).
    Caller,
    /// The migration opted out: statements run as they are, BEGIN/COMMIT included.
    None,
}

/// The up script of the last migration that creates view `view`.
fn creator_of(set: &MigrationSet, view: &str) -> Option<std::path::PathBuf> {
    set.migrations
        .iter()
        .rev()
        .find(|m| {
            split(&m.up.sql()).iter().any(|s| {
                (s.starts_with(&["CREATE", "VIEW"]) || s.starts_with(&["CREATE", "TEMP", "VIEW"]))
                    && s.keywords
                        .iter()
                        .any(|k| k.trim_matches('"').eq_ignore_ascii_case(view))
            })
        })
        .map(|m| m.up.location().to_path_buf())
}

/// Runs one migration's up script: in a transaction unless it opted out.
///
/// # Errors
/// As [`replay`]; on error the transaction is rolled back.
pub fn run_migration(conn: &Connection, m: &Migration) -> Result<()> {
    let mode = if m.no_transaction {
        Transaction::None
    } else {
        Transaction::Own
    };
    run_in_sandbox(conn, m.up.location(), &m.up.sql(), mode)
}

/// [`run_script`] in a sandbox: a virtual table of a module the sandbox
/// lacks is created as its [stand-in](crate::stand_in), a plain table of
/// the columns it names. Never on a real database, where the module is the
/// app's to register.
///
/// # Errors
/// As [`run_script`].
pub(crate) fn run_in_sandbox(
    conn: &Connection,
    path: &Path,
    sql: &str,
    mode: Transaction,
) -> Result<()> {
    execute(conn, path, sql, mode, true)
}

/// Runs a script statement by statement, so that a failure names its line.
///
/// # Errors
/// As [`replay`]. A script that issues BEGIN/COMMIT itself inside a
/// transaction is refused before anything runs ([`Error::OwnTransaction`]).
///
/// ```
/// use driftless_migrations::replay::{run_script, Transaction};
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// let err = run_script(&conn, "0001_x.sql".as_ref(), "CREATE TABLE a (x);\nSELECT nope;", Transaction::Own).unwrap_err();
/// assert!(err.to_string().contains("line 2"));
/// // the transaction was rolled back: table `a` does not exist
/// assert!(conn.prepare("SELECT x FROM a").is_err());
/// ```
pub fn run_script(conn: &Connection, path: &Path, sql: &str, mode: Transaction) -> Result<()> {
    execute(conn, path, sql, mode, false)
}

fn execute(
    conn: &Connection,
    path: &Path,
    sql: &str,
    mode: Transaction,
    sandbox: bool,
) -> Result<()> {
    let statements = split(sql);
    for stmt in &statements {
        refuse_forbidden(path, stmt, mode != Transaction::None)?;
    }
    let own = mode == Transaction::Own;
    if own {
        conn.execute_batch("BEGIN")?;
    }
    // a failed script never leaves a transaction of its own (or ours) open
    let abandon = || {
        if mode != Transaction::Caller && !conn.is_autocommit() {
            // the script's own error is what the user needs; a failed rollback adds nothing
            let _ = conn.execute_batch("ROLLBACK");
        }
    };
    for stmt in &statements {
        if let Err(e) = conn.execute_batch(stmt.sql) {
            let missing_module = sandbox && e.to_string().starts_with("no such module");
            let stood_in = missing_module
                && crate::stand_in::stand_in(stmt.sql).is_some_and(|(standin, module)| {
                    trace(&format!(
                        "stand-in for module {module} in {}",
                        path.display()
                    ));
                    conn.execute_batch(&standin).is_ok()
                });
            if stood_in {
                continue;
            }
            abandon();
            return Err(statement_error(path, sql, stmt, e));
        }
    }
    let last = statements.last();
    let at_end = |message: String| Error::Statement {
        path: path.to_path_buf(),
        at: last.map_or(Position { line: 1, column: 1 }, |s| s.at),
        token: None,
        statement: last.map_or(String::new(), |s| s.first_line().to_string()),
        message,
    };
    if own && let Err(e) = conn.execute_batch("COMMIT") {
        // deferred constraints are checked here, after the last statement
        abandon();
        return Err(at_end(format!(
            "the migration could not commit: {}",
            sqlite_message(e)
        )));
    }
    if mode == Transaction::None && !conn.is_autocommit() {
        abandon();
        return Err(at_end(
            "the migration began a transaction and never committed it".into(),
        ));
    }
    Ok(())
}

/// SQLite's own message, without rusqlite's wrapping.
pub fn sqlite_message(e: rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg,
        other => other.to_string(),
    }
}

fn refuse_forbidden(path: &Path, stmt: &Statement<'_>, transactional: bool) -> Result<()> {
    let what = if stmt.starts_with(&["ATTACH"]) {
        Some("ATTACH of a database file")
    } else if stmt.starts_with(&["VACUUM"]) && stmt.has_into {
        Some("VACUUM INTO a file")
    } else if stmt.sql.to_ascii_lowercase().contains("load_extension") {
        Some("loading an extension")
    } else {
        None
    };
    if let Some(what) = what {
        return Err(Error::Forbidden {
            path: path.to_path_buf(),
            at: stmt.at,
            statement: stmt.first_line().to_string(),
            what,
        });
    }
    let manages_transaction = ["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"]
        .iter()
        .any(|k| stmt.starts_with(&[k]));
    if transactional && manages_transaction {
        return Err(Error::OwnTransaction {
            path: path.to_path_buf(),
            at: stmt.at,
            statement: stmt.first_line().to_string(),
        });
    }
    Ok(())
}

fn statement_error(path: &Path, script: &str, stmt: &Statement<'_>, e: rusqlite::Error) -> Error {
    let (message, token) = match crate::compat::input_error(&e, stmt.sql) {
        // SQLite points at the failing token of a syntax error
        Some((message, offset)) => (message, Some(position(script, stmt.offset + offset))),
        None => (sqlite_message(e), None),
    };
    Error::Statement {
        path: path.to_path_buf(),
        at: stmt.at,
        token,
        statement: stmt.first_line().to_string(),
        message,
    }
}

/// Appends a line to the file named by `DRIFTLESS_TRACE`, when it is set.
/// This is how tests (and curious users) see how often migrations are
/// replayed and snapshots loaded during a build.
pub fn trace(line: &str) {
    if let Some(path) = std::env::var_os("DRIFTLESS_TRACE") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            // one write of the whole line: build scripts running at once
            // append to the same file. Tracing is best-effort: a failed
            // write must never fail a build
            let _ = f.write_all(format!("{line}\n").as_bytes());
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::discover::discover;

    /// A migration set of `files` (name, SQL) in a new temporary directory.
    pub(crate) fn set_of(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
        let dir = tempfile::tempdir().expect("dir");
        for (name, sql) in files {
            std::fs::write(dir.path().join(name), sql).expect("write");
        }
        let set = discover(dir.path()).expect("discover");
        (dir, set)
    }

    #[test]
    fn replays_in_order() {
        let (_d, set) = set_of(&[
            ("0001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);"),
            (
                "0002_b.sql",
                "ALTER TABLE a ADD COLUMN b TEXT NOT NULL DEFAULT '';",
            ),
        ]);
        let snap = replay(&set).expect("replay");
        assert_eq!(snap.schema.tables[0].columns.len(), 2);
        assert_eq!(
            snap.source.describe(),
            format!(
                "schema from 2 migrations in {}/ (latest: 0002_b.sql)",
                set.dir.display()
            )
        );
    }

    #[test]
    fn syntax_error_names_file_line_and_statement() {
        let (_d, set) = set_of(&[(
            "0001_a.sql",
            "CREATE TABLE a (id INTEGER);\n\nCREATE TABLE b (\n  id INTEGER,\n  oops oops oops oops,\n);\n",
        )]);
        let err = replay(&set).expect_err("syntax");
        let Error::Statement {
            at,
            token,
            statement,
            message,
            ..
        } = &err
        else {
            panic!("wrong error: {err}");
        };
        assert_eq!(statement, "CREATE TABLE b (");
        assert!(message.contains("syntax error"), "{message}");
        assert_eq!(at.line, 3, "the statement starts at line 3: {err}");
        // rusqlite reports the token's offset only with its modern_sqlite
        // feature, which `bundled` turns on; a system SQLite build has none
        if cfg!(feature = "bundled") {
            assert_eq!(
                token.map(|t| t.line),
                Some(6),
                "SQLite points at the token `)`: {err}"
            );
            assert!(
                err.to_string().contains(
                    "statement at line 3, column 1: near \")\": syntax error (at line 6, column 1)"
                ),
                "{err}"
            );
        } else {
            assert_eq!(*token, None);
            assert!(
                err.to_string()
                    .contains("statement at line 3, column 1: near \")\": syntax error\n"),
                "{err}"
            );
        }
        assert!(err.to_string().contains("0001_a.sql"), "{err}");
    }

    #[test]
    fn runtime_error_points_at_statement_start() {
        let (_d, set) = set_of(&[("0001_a.sql", "SELECT 1;\n  ALTER TABLE nope ADD COLUMN x;")]);
        let err = replay(&set).expect_err("no table");
        let Error::Statement { at, message, .. } = &err else {
            panic!("wrong error: {err}");
        };
        assert_eq!((at.line, at.column), (2, 3));
        assert!(message.contains("no such table"), "{message}");
    }

    #[test]
    fn a_migration_cannot_corrupt_the_schema() {
        // writable_schema + a write to sqlite_schema replayed "successfully"
        // into a schema SQLite could no longer read
        let (_d, set) = set_of(&[
            ("0001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);"),
            (
                "0002_hack.sql",
                "PRAGMA writable_schema = ON;\n\
                 UPDATE sqlite_schema SET sql = 'CREATE TABLE a (id INTEGER PRIMARY KEY, broken' WHERE name = 'a';",
            ),
        ]);
        let err = replay(&set).expect_err("refused");
        let text = err.to_string();
        assert!(text.contains("0002_hack.sql"), "{text}");
        assert!(text.contains("line 2"), "{text}");
        assert!(text.contains("may not be modified"), "{text}");
    }

    #[test]
    fn attach_vacuum_into_and_extensions_are_refused_and_write_nothing() {
        let target = tempfile::tempdir().expect("dir");
        let file = target.path().join("escape.db");
        let f = file.display();
        for sql in [
            format!("ATTACH '{f}' AS x; CREATE TABLE x.t (a);"),
            format!("CREATE TABLE t (a);\nVACUUM INTO '{f}';"),
            "SELECT load_extension('mod');".to_string(),
        ] {
            let (_d, set) = set_of(&[("0001_a.sql", &sql)]);
            let err = replay(&set).expect_err(&sql);
            assert!(matches!(err, Error::Forbidden { .. }), "{sql}: {err}");
            assert!(!file.exists(), "{sql} created a file");
        }
    }

    #[test]
    fn sandbox_denies_attach_even_without_the_tokenizer() {
        let target = tempfile::tempdir().expect("dir");
        let file = target.path().join("escape.db");
        let conn = sandbox().expect("sandbox");
        let sql = format!("ATTACH '{}' AS x", file.display());
        assert!(conn.execute_batch(&sql).is_err());
        let vacuum = format!("VACUUM INTO '{}'", file.display());
        assert!(conn.execute_batch(&vacuum).is_err());
        assert!(!file.exists());
    }

    #[test]
    fn a_view_broken_by_a_later_migration_names_the_view_and_its_migration() {
        let (_d, set) = set_of(&[
            (
                "0001_a.sql",
                "CREATE TABLE later (x); CREATE VIEW v AS SELECT x FROM later;",
            ),
            ("0002_b.sql", "DROP TABLE later;"),
        ]);
        let err = replay(&set).expect_err("broken view");
        let text = err.to_string();
        assert!(matches!(err, Error::BrokenView { .. }), "{text}");
        assert!(
            text.contains("view `v` (created in") && text.contains("0001_a.sql"),
            "{text}"
        );
        assert!(text.contains("no such table"), "{text}");
    }

    #[test]
    fn own_begin_commit_is_explained() {
        let (_d, set) = set_of(&[("0001_a.sql", "BEGIN;\nCREATE TABLE a (x);\nCOMMIT;")]);
        let err = replay(&set).expect_err("begin");
        assert!(matches!(err, Error::OwnTransaction { .. }), "{err}");
        let (_d, set) = set_of(&[(
            "0001_a.sql",
            "-- driftless:no-transaction\nBEGIN;\nCREATE TABLE a (x);\nCOMMIT;",
        )]);
        replay(&set).expect("no-transaction migration may manage its own");
    }

    #[test]
    fn a_deferred_constraint_failing_at_commit_is_rolled_back_and_named() {
        let conn = sandbox().expect("sandbox");
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; CREATE TABLE p (id INTEGER PRIMARY KEY);\
             CREATE TABLE c (pid INTEGER REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);",
        )
        .expect("schema");
        let err = run_script(
            &conn,
            Path::new("0002_c.sql"),
            "INSERT INTO c VALUES (42);",
            Transaction::Own,
        )
        .expect_err("deferred FK");
        assert!(
            err.to_string().contains("0002_c.sql") && err.to_string().contains("could not commit"),
            "{err}"
        );
        assert!(conn.is_autocommit(), "the transaction was rolled back");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM c", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 0);
        let err = run_script(
            &conn,
            Path::new("0003_x.sql"),
            "BEGIN; CREATE TABLE x (a);",
            Transaction::None,
        )
        .expect_err("left open");
        assert!(err.to_string().contains("never committed"), "{err}");
        assert!(conn.is_autocommit());
    }

    /// sqlite-vec's `vec0` is the app's to register: the sandbox replays a
    /// plain table of its columns, a real database still needs the module.
    #[test]
    fn a_virtual_table_of_a_missing_module_gets_a_stand_in_in_the_sandbox_only() {
        let (_d, set) = set_of(&[
            ("0001_a.sql", "CREATE TABLE memories (id TEXT PRIMARY KEY);"),
            (
                "0002_vec.sql",
                "CREATE VIRTUAL TABLE memories_vec USING vec0(embedding float[3], +memory_id text);
                 INSERT INTO memories_vec (memory_id) SELECT id FROM memories;",
            ),
        ]);
        let snap = replay(&set).expect("replays");
        let t = snap.schema.table("memories_vec").expect("stand-in");
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["embedding", "memory_id"]);
        assert_eq!(crate::stand_in::module_of(&t.sql), Some("vec0"));
        let real = Connection::open_in_memory().expect("memory");
        let err = run_script(
            &real,
            Path::new("0002_vec.sql"),
            &set.migrations[1].up.sql(),
            Transaction::Own,
        )
        .expect_err("no module on a real database");
        assert!(err.to_string().contains("no such module: vec0"), "{err}");
    }

    #[test]
    fn failing_migration_rolls_back_its_own_statements() {
        let conn = sandbox().expect("sandbox");
        let path = Path::new("0001_a.sql");
        let err = run_script(
            &conn,
            path,
            "CREATE TABLE a (x);\nINSERT INTO nope VALUES (1);",
            Transaction::Own,
        );
        assert!(err.is_err());
        let schema = Schema::read(&conn).expect("read");
        assert!(schema.tables.is_empty(), "{schema:?}");
    }
}

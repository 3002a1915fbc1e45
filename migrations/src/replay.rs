//! Replaying migrations into an in-memory SQLite that cannot touch the disk.

use std::path::Path;

use rusqlite::Connection;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;

use crate::discover::{Migration, MigrationSet};
use crate::error::{Error, Result};
use crate::schema::{Schema, Snapshot, Source};
use crate::split::{Statement, position, split};

/// Opens the in-memory database migrations are replayed into: no ATTACH,
/// no extension loading, so a migration can create no file.
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
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    conn.authorizer(Some(|ctx: AuthContext<'_>| match ctx.action {
        AuthAction::Attach { .. } => Authorization::Deny,
        AuthAction::Function { function_name }
            if function_name.eq_ignore_ascii_case("load_extension") =>
        {
            Authorization::Deny
        }
        _ => Authorization::Allow,
    }))?;
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
    let started = std::time::Instant::now();
    let conn = sandbox()?;
    for m in &set.migrations {
        run_migration(&conn, m)?;
    }
    let snapshot = Snapshot {
        format: Snapshot::FORMAT,
        source: Source::of(set),
        schema: Schema::read(&conn)?,
    };
    trace(&format!(
        "replay {} migrations from {} in {} us",
        set.migrations.len(),
        set.dir.display(),
        started.elapsed().as_micros()
    ));
    Ok(snapshot)
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
    run_script(conn, &m.up.path, &m.up.sql, mode)
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
    let statements = split(sql);
    for stmt in &statements {
        refuse_forbidden(path, stmt, mode != Transaction::None)?;
    }
    let own = mode == Transaction::Own;
    if own {
        conn.execute_batch("BEGIN")?;
    }
    for stmt in &statements {
        if let Err(e) = conn.execute_batch(stmt.sql) {
            if own {
                // the statement's own error is what the user needs; a failed rollback adds nothing
                let _ = conn.execute_batch("ROLLBACK");
            }
            return Err(statement_error(path, sql, stmt, e));
        }
    }
    if own {
        conn.execute_batch("COMMIT")?;
    }
    Ok(())
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
    let (message, token) = match e {
        // SQLite points at the failing token of a syntax error
        rusqlite::Error::SqlInputError { msg, offset, .. } => {
            let token = usize::try_from(offset)
                .ok()
                .map(|o| position(script, stmt.offset + o));
            (msg, token)
        }
        rusqlite::Error::SqliteFailure(_, Some(msg)) => (msg, None),
        other => (other.to_string(), None),
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
            // tracing is best-effort: a failed write must never fail a build
            let _ = writeln!(f, "{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::discover;

    fn set_of(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
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

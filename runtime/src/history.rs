//! The history table, and every statement that reads or writes it: its
//! definition, recording, forgetting and finishing rows, and the conversion
//! of the versions SQLite stores (signed) to driftless's (unsigned), here
//! and in the history tables of the tools `adopt` takes over.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::executor::{Column, Kind};

use crate::error::{Error, Recorded, Result};
use driftless_migrations::Migration;

/// The history table: one row a migration applied.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
/// let migrations = driftless::Migrations::from_dir(dir.path())?;
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// migrations.upgrade(&mut conn)?;
/// let status = migrations.status(&conn)?;
/// let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {}", driftless::HISTORY_TABLE), [], |r| r.get(0))?;
/// assert_eq!(n, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const HISTORY_TABLE: &str = driftless_migrations::HISTORY_TABLE;

/// Its definition. `duration_ms` is -1 while a no-transaction migration runs.
pub(crate) const CREATE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS _driftless_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum BLOB NOT NULL,
    applied_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    no_transaction INTEGER NOT NULL DEFAULT 0
)";

/// A row of the history table.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
/// let migrations = driftless::Migrations::from_dir(dir.path())?;
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// migrations.upgrade(&mut conn)?;
/// let status = migrations.status(&conn)?;
/// let applied = &status.applied[0];
/// assert_eq!((applied.version, applied.name.as_str(), applied.no_transaction), (1, "games", false));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The version.
    pub version: u64,
    /// The name recorded.
    pub name: String,
    /// SHA-256 of the up script when it ran.
    pub checksum: Vec<u8>,
    /// When it was applied (UTC, ISO 8601).
    pub applied_at: String,
    /// How long it took; -1 for a no-transaction migration that never finished.
    pub duration_ms: i64,
    /// Whether it ran outside a transaction.
    pub no_transaction: bool,
}

impl Applied {
    pub(crate) fn recorded(&self) -> Recorded {
        Recorded {
            version: self.version,
            name: self.name.clone(),
            applied_at: self.applied_at.clone(),
        }
    }
}

/// Creates the history table if the database has none.
pub(crate) fn ensure(conn: &Connection) -> Result<()> {
    conn.execute_batch(CREATE_HISTORY)?;
    Ok(())
}

/// Whether the main database has this table.
pub(crate) fn table_exists(conn: &Connection, name: &str) -> Result<bool> {
    let found: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.is_some())
}

/// The history, oldest first; empty when the table does not exist.
///
/// # Errors
/// A negative version in it, as [`Error::BadVersion`].
pub(crate) fn read(conn: &Connection) -> Result<Vec<Applied>> {
    if !table_exists(conn, HISTORY_TABLE)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(SELECT)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Applied {
                version: 0,
                name: r.get(1)?,
                checksum: r.get(2)?,
                applied_at: r.get(3)?,
                duration_ms: r.get(4)?,
                no_transaction: r.get(5)?,
            },
        ))
    })?;
    let mut applied = Vec::new();
    for row in rows {
        let (version, mut a) = row?;
        a.version = version_from(HISTORY_TABLE, version)?;
        applied.push(a);
    }
    Ok(applied)
}

/// Records `m` as applied (`duration_ms` -1: a no-transaction migration
/// that is running); a repeatable migration run again replaces its row.
pub(crate) fn record(conn: &Connection, m: &Migration, duration_ms: i64) -> Result<()> {
    if m.repeatable {
        forget(conn, m.version)?;
    }
    // cached: an upgrade records one row per migration
    conn.prepare_cached(INSERT)?
        .execute(rusqlite::params_from_iter(row(m, duration_ms)))?;
    Ok(())
}

/// The statement that records a migration, its parameters from [`row`].
pub(crate) const INSERT: &str = "INSERT INTO _driftless_migrations \
    (version, name, checksum, applied_at, duration_ms, no_transaction) \
    VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?4, ?5)";

/// The parameters of [`INSERT`] for `m`.
pub(crate) fn row(m: &Migration, duration_ms: i64) -> Vec<Value> {
    vec![
        Value::Integer(version_param(m.version)),
        Value::Text(m.name.to_string()),
        Value::Blob(m.checksum.to_vec()),
        Value::Integer(duration_ms),
        Value::Integer(i64::from(m.no_transaction)),
    ]
}

/// [`INSERT`] with the time as its sixth parameter, for databases that
/// refuse SQLite's clock in writes (a replicated one: each node's clock
/// would differ).
pub(crate) const INSERT_AT: &str = "INSERT INTO _driftless_migrations \
    (version, name, checksum, applied_at, duration_ms, no_transaction) \
    VALUES (?1, ?2, ?3, ?6, ?4, ?5)";

/// The parameters of [`INSERT_AT`] for `m`, applied now by this machine's clock.
pub(crate) fn row_now(m: &Migration, duration_ms: i64) -> Result<Vec<Value>> {
    // formatted by SQLite, as a file's rows are
    let now: String = Connection::open_in_memory()?.query_row(
        "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        [],
        |r| r.get(0),
    )?;
    let mut row = row(m, duration_ms);
    row.push(Value::Text(now));
    Ok(row)
}

/// The query [`read`] runs, for executors: the columns [`from_values`] takes.
pub(crate) const SELECT: &str = "SELECT version, name, checksum, applied_at, duration_ms, no_transaction \
     FROM _driftless_migrations ORDER BY version";

/// The columns of [`SELECT`].
pub(crate) const COLUMNS: [Column; 6] = [
    Column {
        name: "version",
        kind: Kind::Integer,
    },
    Column {
        name: "name",
        kind: Kind::Text,
    },
    Column {
        name: "checksum",
        kind: Kind::Blob,
    },
    Column {
        name: "applied_at",
        kind: Kind::Text,
    },
    Column {
        name: "duration_ms",
        kind: Kind::Integer,
    },
    Column {
        name: "no_transaction",
        kind: Kind::Integer,
    },
];

/// A row of [`SELECT`] as an executor returned it.
///
/// # Errors
/// A negative version, or a value of another type than the table's
/// (the table was changed by hand), as [`Error::BadHistory`].
pub(crate) fn from_values(values: Vec<Value>) -> Result<Applied> {
    let bad = |what: &str| Error::BadHistory {
        reason: format!("its {what} is not what driftless writes"),
    };
    let mut it = values.into_iter();
    let mut next = || it.next().unwrap_or(Value::Null);
    let (Value::Integer(version), Value::Text(name)) = (next(), next()) else {
        return Err(bad("version or name"));
    };
    let checksum = match next() {
        Value::Blob(b) => b,
        _ => return Err(bad("checksum")),
    };
    let (Value::Text(applied_at), Value::Integer(duration_ms), Value::Integer(no_transaction)) =
        (next(), next(), next())
    else {
        return Err(bad("applied_at, duration_ms or no_transaction"));
    };
    Ok(Applied {
        version: version_from(HISTORY_TABLE, version)?,
        name,
        checksum,
        applied_at,
        duration_ms,
        no_transaction: no_transaction != 0,
    })
}

/// Forgets that `version` was applied; how many rows went (0 or 1).
pub(crate) fn forget(conn: &Connection, version: u64) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM _driftless_migrations WHERE version = ?1",
        [version_param(version)],
    )?)
}

/// Records how long a no-transaction migration took, which also marks it finished.
pub(crate) fn finish(conn: &Connection, version: u64, duration_ms: i64) -> Result<()> {
    conn.execute(
        "UPDATE _driftless_migrations SET duration_ms = ?2 WHERE version = ?1",
        (version_param(version), duration_ms),
    )?;
    Ok(())
}

/// Marks every unfinished no-transaction migration up to `version` as
/// finished (by hand: `stamp` says so).
pub(crate) fn finish_up_to(conn: &Connection, version: u64) -> Result<()> {
    conn.execute(
        "UPDATE _driftless_migrations SET duration_ms = 0 WHERE duration_ms < 0 AND version <= ?1",
        [version_param(version)],
    )?;
    Ok(())
}

/// Sets when `version` was applied (a time another tool recorded).
pub(crate) fn set_applied_at(conn: &Connection, version: u64, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE _driftless_migrations SET applied_at = ?2 WHERE version = ?1",
        (version_param(version), at),
    )?;
    Ok(())
}

/// SQLite integers are signed; versions beyond i64 (none in practice) saturate.
pub(crate) fn version_param(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

/// A version as a history table stores it, as driftless counts versions.
///
/// # Errors
/// A negative version, as [`Error::BadVersion`] naming the table.
pub(crate) fn version_from(table: &'static str, stored: i64) -> Result<u64> {
    u64::try_from(stored).map_err(|_| Error::BadVersion {
        table,
        version: stored,
    })
}

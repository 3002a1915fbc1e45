//! The history table, and every statement that reads or writes it: its
//! definition, recording, forgetting and finishing rows, and the conversion
//! of the versions SQLite stores (signed) to driftless's (unsigned), here
//! and in the history tables of the tools `adopt` takes over.

use rusqlite::{Connection, OptionalExtension};

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
pub const HISTORY_TABLE: &str = "_driftless_migrations";

/// Its definition. `duration_ms` is -1 while a no-transaction migration runs.
pub(crate) const CREATE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS _driftless_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum BLOB NOT NULL,
    applied_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    no_transaction INTEGER NOT NULL DEFAULT 0
)";

/// SQLite's clock, in the format the history records.
pub(crate) const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

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
    let mut stmt = conn.prepare(
        "SELECT version, name, checksum, applied_at, duration_ms, no_transaction \
         FROM _driftless_migrations ORDER BY version",
    )?;
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
    conn.prepare_cached(&format!(
        "INSERT INTO _driftless_migrations (version, name, checksum, applied_at, duration_ms, no_transaction) \
         VALUES (?1, ?2, ?3, {NOW}, ?4, ?5)"
    ))?
    .execute(rusqlite::params![
            version_param(m.version),
            m.name.as_ref(),
            &m.checksum[..],
            duration_ms,
            m.no_transaction
        ])?;
    Ok(())
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

//! The history table and what it says against the migration files: the
//! current version, what is pending, and every disagreement.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Recorded, Result};
use crate::set::{Migration, Migrations};
use driftless_migrations::discover::hex;

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

/// Where a database stands against a migration set; see [`Migrations::status`].
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
/// let migrations = driftless::Migrations::from_dir(dir.path())?;
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// migrations.upgrade(&mut conn)?;
/// let status = migrations.status(&conn)?;
/// assert_eq!((status.current, status.pending.len(), status.unknown.len()), (Some(1), 0, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// The newest applied version (`None`: nothing applied).
    pub current: Option<u64>,
    /// The history, oldest first.
    pub applied: Vec<Applied>,
    /// Migrations not applied yet, in order: (version, file).
    pub pending: Vec<(u64, String)>,
    /// Applied migrations this build does not have ("Can't locate revision").
    pub unknown: Vec<Applied>,
    /// Applied migrations whose file changed since: (version, file, checksum recorded, checksum now).
    pub modified: Vec<(u64, String, String, String)>,
    /// Pending migrations older than the newest applied one: (version, file).
    pub out_of_order: Vec<(u64, String)>,
    /// No-transaction migrations that started and never finished.
    pub unfinished: Vec<Applied>,
}

impl Status {
    /// Whether the database is exactly at the newest migration with nothing amiss.
    ///
    /// ```
    /// assert!(driftless::Status::default().is_up_to_date());
    /// ```
    pub fn is_up_to_date(&self) -> bool {
        self.pending.is_empty() && self.problem().is_none()
    }

    /// The first disagreement that stops an upgrade, as an error to show.
    ///
    /// ```
    /// assert!(driftless::Status::default().problem().is_none());
    /// ```
    pub fn problem(&self) -> Option<Error> {
        if let Some(u) = self.unfinished.first() {
            return Some(Error::Unfinished {
                migration: u.recorded(),
            });
        }
        if !self.unknown.is_empty() {
            return Some(Error::UnknownApplied {
                unknown: self.unknown.iter().map(Applied::recorded).collect(),
            });
        }
        if !self.modified.is_empty() {
            return Some(Error::Modified {
                modified: self.modified.clone(),
            });
        }
        None
    }
}

impl Migrations {
    /// Where `conn` stands: current version, pending, unknown, modified,
    /// out-of-order and unfinished migrations. Reads only; a database with
    /// no history has everything pending.
    ///
    /// # Errors
    /// Only when SQLite fails to read the history.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);")?;
    /// std::fs::write(dir.path().join("0002_b.sql"), "CREATE TABLE b (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// migrations.upgrade_to(&mut conn, 1)?;
    /// let status = migrations.status(&conn)?;
    /// assert_eq!(status.current, Some(1));
    /// assert_eq!(status.pending.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status(&self, conn: &Connection) -> Result<Status> {
        let applied = read_history(conn)?;
        let mut status = Status {
            current: applied.iter().map(|a| a.version).max(),
            ..Status::default()
        };
        for a in &applied {
            match self.get(a.version) {
                None => status.unknown.push(a.clone()),
                Some(m) if a.checksum != m.checksum => status.modified.push((
                    m.version,
                    m.file.to_string(),
                    hex(&a.checksum),
                    m.checksum_hex(),
                )),
                Some(_) => {}
            }
            if a.duration_ms < 0 {
                status.unfinished.push(a.clone());
            }
        }
        for m in self.iter() {
            if !applied.iter().any(|a| a.version == m.version) {
                let entry = (m.version, m.file.to_string());
                if status.current.is_some_and(|c| m.version < c) {
                    status.out_of_order.push(entry.clone());
                }
                status.pending.push(entry);
            }
        }
        status.applied = applied;
        Ok(status)
    }
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
pub(crate) fn read_history(conn: &Connection) -> Result<Vec<Applied>> {
    if !table_exists(conn, HISTORY_TABLE)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT version, name, checksum, applied_at, duration_ms, no_transaction \
         FROM _driftless_migrations ORDER BY version",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Applied {
            version: r.get::<_, i64>(0)?.try_into().unwrap_or(0),
            name: r.get(1)?,
            checksum: r.get(2)?,
            applied_at: r.get(3)?,
            duration_ms: r.get(4)?,
            no_transaction: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records `m` as applied.
pub(crate) fn record(conn: &Connection, m: &Migration, duration_ms: i64) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO _driftless_migrations (version, name, checksum, applied_at, duration_ms, no_transaction) \
             VALUES (?1, ?2, ?3, {NOW}, ?4, ?5)"
        ),
        rusqlite::params![
            version_param(m.version),
            m.name.as_ref(),
            &m.checksum[..],
            duration_ms,
            m.no_transaction
        ],
    )?;
    Ok(())
}

/// SQLite integers are signed; versions beyond i64 (none in practice) saturate.
pub(crate) fn version_param(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

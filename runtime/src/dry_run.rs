//! A rehearsal on the real database: the pending migrations applied to a
//! copy of it, with its real rows, by the migrator's own code, and each
//! one's outcome reported; then the copy is thrown away. The database
//! itself is only read (SQLite's backup API copies a consistent snapshot).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use driftless_migrations::Schema;
use driftless_migrations::diff::{Difference, Sides, diff_sides};
use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use crate::error::{Error, Result};
use crate::migrate::{Options, apply, check};
use crate::set::Migrations;

/// Databases up to this size are copied into memory; larger ones into a
/// temporary file, removed afterwards.
pub const IN_MEMORY_LIMIT: u64 = 256 * 1024 * 1024;

/// What [`Migrations::rehearse`] found.
#[derive(Debug)]
pub struct DryRun {
    /// Where the copy was made.
    pub copy: Copied,
    /// The database's size when copied, in bytes.
    pub bytes: u64,
    /// Each pending migration, in the order an upgrade would run them.
    pub steps: Vec<Rehearsed>,
}

/// Where a dry run's copy lived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Copied {
    /// In memory.
    Memory,
    /// In this temporary file (removed when the dry run ended).
    File(PathBuf),
}

/// One pending migration in a dry run.
#[derive(Debug)]
pub struct Rehearsed {
    /// Its version.
    pub version: u64,
    /// Its up file.
    pub file: String,
    /// What happened.
    pub outcome: StepOutcome,
}

/// How a migration fared in a dry run.
#[derive(Debug)]
pub enum StepOutcome {
    /// It ran and committed.
    Applied {
        /// How long its script ran.
        took: Duration,
        /// The rows its statements inserted, updated or deleted.
        rows_changed: i64,
        /// How it changed the schema.
        changes: Vec<Difference>,
    },
    /// It failed (and was rolled back): SQLite's error at its statement.
    Failed(Error),
    /// Not run: an earlier migration failed.
    NotRun,
}

impl DryRun {
    /// The migration that would fail, if one would.
    pub fn failed(&self) -> Option<&Rehearsed> {
        self.steps
            .iter()
            .find(|s| matches!(s.outcome, StepOutcome::Failed(_)))
    }
}

/// How a schema change is said in a dry run.
const SIDES: Sides<'static> = Sides {
    expected: "the old schema",
    live: "the new schema",
    created: "was in the old one",
    not_created: "not in the old one",
};

impl Migrations {
    /// Applies the pending migrations to a copy of the database behind
    /// `conn`, as [`upgrade`](Self::upgrade) would apply them to the
    /// database itself, and reports each: applied (time, rows changed,
    /// schema changes) or failed (SQLite's error at its statement). The
    /// database is only read.
    ///
    /// # Errors
    /// What [`upgrade`](Self::upgrade) would refuse before running
    /// anything (migrations this build lacks, changed files, out of order),
    /// a database locked by another writer for longer than the busy
    /// timeout ([`Error::Locked`]), or a copy that cannot be made.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// std::fs::write(dir.path().join("0002_score.sql"), "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL;")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open(dir.path().join("app.db"))?;
    /// migrations.upgrade_to(&mut conn, 1)?;
    /// conn.execute("INSERT INTO games DEFAULT VALUES", [])?;
    /// let dry = migrations.rehearse(&conn)?;
    /// let failed = dry.failed().expect("a NOT NULL column without a default cannot be added to rows");
    /// assert_eq!(failed.version, 2);
    /// assert_eq!(migrations.status(&conn)?.current, Some(1)); // the database is as it was
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rehearse(&self, conn: &Connection) -> Result<DryRun> {
        self.rehearse_with(conn, None, &Options::default())
    }

    /// [`rehearse`](Self::rehearse) up to version `to` (all pending when
    /// `None`), with `options` as an upgrade would take them (the busy
    /// timeout bounds the wait for the copy; no backup is taken).
    ///
    /// # Errors
    /// As [`rehearse`](Self::rehearse); an unknown `to` too.
    pub fn rehearse_with(
        &self,
        conn: &Connection,
        to: Option<u64>,
        options: &Options,
    ) -> Result<DryRun> {
        if let Some(v) = to
            && self.get(v).is_none()
        {
            return Err(Error::UnknownVersion { version: v });
        }
        self.rehearse_within(conn, to, options, IN_MEMORY_LIMIT)
    }

    /// [`rehearse_with`](Self::rehearse_with), copying into memory up to
    /// `limit` bytes.
    fn rehearse_within(
        &self,
        conn: &Connection,
        to: Option<u64>,
        options: &Options,
        limit: u64,
    ) -> Result<DryRun> {
        // the wait for a writer's lock is bounded by the busy timeout, as in an upgrade
        let started = Instant::now();
        driftless_migrations::busy_timeout(conn, options.busy_timeout)?;
        let bytes = size(conn).map_err(|e| locked(e, started))?;
        let (mut copy, place) = open_copy(bytes, limit)?;
        let _removed = place.as_ref().map(|p| Remove(p.clone()));
        copy_from(conn, &mut copy, started, options.busy_timeout)?;
        copy.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
        // the connection's own setting is what an upgrade would run under
        let foreign_keys: bool = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
        copy.pragma_update(None, "foreign_keys", foreign_keys)?;
        let steps = self.rehearse_on(&copy, to, options)?;
        Ok(DryRun {
            copy: place.map_or(Copied::Memory, Copied::File),
            bytes,
            steps,
        })
    }

    fn rehearse_on(
        &self,
        copy: &Connection,
        to: Option<u64>,
        options: &Options,
    ) -> Result<Vec<Rehearsed>> {
        let status = self.status(copy)?;
        check(&status, options)?;
        let wanted = |v: u64| to.is_none_or(|t| self.cmp_versions(v, t).is_le());
        let mut steps = Vec::new();
        let mut failed = false;
        for pending in status.pending.iter().filter(|p| wanted(p.version)) {
            let Some(m) = self.get(pending.version) else {
                continue;
            };
            let outcome = if failed {
                StepOutcome::NotRun
            } else {
                let before = Schema::read(copy)?;
                let started = Instant::now();
                match apply(self, copy, m, options, None) {
                    Ok(Some(effect)) => StepOutcome::Applied {
                        took: effect.took,
                        rows_changed: effect.rows,
                        changes: diff_sides(&before, &Schema::read(copy)?, &SIDES),
                    },
                    // nothing else writes the copy
                    Ok(None) => StepOutcome::Applied {
                        took: started.elapsed(),
                        rows_changed: 0,
                        changes: Vec::new(),
                    },
                    Err(e) => {
                        failed = true;
                        StepOutcome::Failed(e)
                    }
                }
            };
            steps.push(Rehearsed {
                version: m.version,
                file: m.up.file.to_string(),
                outcome,
            });
        }
        Ok(steps)
    }
}

/// What a dry run waits for a lock to do.
const COPY: &str = "copy it for the dry run";

/// A busy database as [`Error::Locked`]; any other error as it is.
fn locked(e: rusqlite::Error, started: Instant) -> Error {
    Error::locked_or(e, started.elapsed(), COPY)
}

/// The main database's size in bytes.
fn size(conn: &Connection) -> rusqlite::Result<u64> {
    let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
    let page_size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
    Ok(u64::try_from(pages.saturating_mul(page_size)).unwrap_or(0))
}

/// An empty database to copy into: in memory when `bytes` is at most `limit`, else a new
/// temporary file (returned, to be removed).
fn open_copy(bytes: u64, limit: u64) -> Result<(Connection, Option<PathBuf>)> {
    if bytes <= limit {
        return Ok((Connection::open_in_memory()?, None));
    }
    let dir = std::env::temp_dir();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for n in 0..100 {
        let path = dir.join(format!(
            "driftless-dry-run-{}-{nanos}-{n}.db",
            std::process::id()
        ));
        // created exclusively: never another process's file
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => return Ok((Connection::open(&path)?, Some(path))),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(Error::Backup {
                    path,
                    source: rusqlite::Error::ToSqlConversionFailure(Box::new(e)),
                });
            }
        }
    }
    Err(Error::Backup {
        path: dir,
        source: rusqlite::Error::InvalidPath(PathBuf::from("driftless-dry-run-*.db")),
    })
}

/// Removes the temporary copy (and its journal) when the dry run ends.
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        let mut journal = self.0.clone().into_os_string();
        journal.push("-journal");
        let _ = std::fs::remove_file(Path::new(&journal));
    }
}

/// Copies `source` into `copy` in one step (one consistent snapshot),
/// waiting until `timeout` after `started` while another connection holds
/// a lock that keeps readers out.
fn copy_from(
    source: &Connection,
    copy: &mut Connection,
    started: Instant,
    timeout: Duration,
) -> Result<()> {
    let backup = Backup::new(source, copy)?;
    loop {
        match backup.step(-1).map_err(|e| locked(e, started))? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // a writer holds the database: wait for it, as an upgrade would
            StepResult::Busy | StepResult::Locked => {
                if started.elapsed() >= timeout {
                    return Err(Error::Locked {
                        waited: started.elapsed(),
                        to: COPY,
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            // rusqlite's StepResult is non_exhaustive
            #[allow(unreachable_patterns)]
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_database_is_copied_to_a_temporary_file_that_is_removed() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);").expect("write");
        std::fs::write(dir.path().join("0002_b.sql"), "ALTER TABLE a ADD COLUMN y;")
            .expect("write");
        let migrations = Migrations::from_dir(dir.path()).expect("set");
        let mut conn = Connection::open(dir.path().join("app.db")).expect("open");
        migrations.upgrade_to(&mut conn, 1).expect("upgrade");
        let dry = migrations
            .rehearse_within(&conn, None, &Options::default(), 0)
            .expect("dry run");
        let Copied::File(path) = &dry.copy else {
            panic!("copied to {:?}", dry.copy);
        };
        assert!(path.starts_with(std::env::temp_dir()), "{path:?}");
        assert!(!path.exists(), "the copy is removed");
        assert!(dry.failed().is_none());
        assert_eq!(dry.steps.len(), 1);
    }
}

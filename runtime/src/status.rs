//! The history table and what it says against the migration files: the
//! current version, what is pending, and every disagreement.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::history::Applied;
use crate::set::Migrations;
use driftless_migrations::discover::hex;

/// A migration not applied yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Its version.
    pub version: u64,
    /// Its up file.
    pub file: String,
}

/// An applied migration whose file changed since it ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// Its version.
    pub version: u64,
    /// Its up file.
    pub file: String,
    /// SHA-256 of the script when it ran, hex.
    pub checksum_applied: String,
    /// SHA-256 of the file now, hex.
    pub checksum_now: String,
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
    /// Migrations not applied yet, in order.
    pub pending: Vec<Pending>,
    /// Applied migrations this build does not have ("Can't locate revision").
    pub unknown: Vec<Applied>,
    /// Applied migrations whose file changed since.
    pub modified: Vec<Changed>,
    /// Pending migrations older than the newest applied one.
    pub out_of_order: Vec<Pending>,
    /// No-transaction migrations that started and never finished.
    pub unfinished: Vec<Applied>,
    /// The version before the first unfinished migration (0: none): what to
    /// `stamp` after undoing it by hand.
    pub before_unfinished: u64,
    /// A database part-way through the migrations a baseline replaces
    /// (`driftless squash`), which this build cannot bring to the baseline.
    pub below_baseline: Option<PartWay>,
}

/// A database part-way through the migrations a baseline replaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartWay {
    /// The newest version it records, as its file writes it.
    pub current: String,
    /// The baseline's file.
    pub baseline: String,
    /// The baseline's version (the last one it replaces), as its file writes it.
    pub version: String,
    /// The replaced migrations it lacks (file names), oldest first.
    pub missing: Vec<String>,
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
                previous: self.before_unfinished,
            });
        }
        if let Some(p) = &self.below_baseline {
            return Some(Error::BelowBaseline {
                part_way: p.clone(),
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
        Ok(self.status_from(crate::history::read(conn)?))
    }

    /// The status a history (oldest first) gives against these migrations.
    pub(crate) fn status_from(&self, applied: Vec<Applied>) -> Status {
        let mut status = Status {
            current: self.newest(applied.iter().map(|a| a.version)),
            ..Status::default()
        };
        // a baseline (`driftless squash`) vouches for the history it replaced
        for a in &applied {
            match (
                self.get(a.version),
                self.replaced_entry(a.version, &a.checksum),
            ) {
                // as the replaced migration ran
                (_, Some(r)) if a.checksum == r.checksum => {}
                (None, Some(r)) => status.modified.push(Changed {
                    version: a.version,
                    file: r.file.clone(),
                    checksum_applied: hex(&a.checksum),
                    checksum_now: hex(&r.checksum),
                }),
                (None, None) => status.unknown.push(a.clone()),
                // a repeatable migration whose file changed is due again, below
                (Some(m), _) if a.checksum != m.checksum && !m.repeatable => {
                    status.modified.push(Changed {
                        version: m.version,
                        file: m.up.file.to_string(),
                        checksum_applied: hex(&a.checksum),
                        checksum_now: m.checksum_hex(),
                    })
                }
                (Some(_), _) => {}
            }
            if a.duration_ms < 0 {
                status.unfinished.push(a.clone());
            }
        }
        let by_version: HashMap<u64, &Applied> = applied.iter().map(|a| (a.version, a)).collect();
        for m in self.iter() {
            let done = by_version
                .get(&m.version)
                .is_some_and(|a| !m.repeatable || a.checksum == m.checksum);
            if !done {
                let entry = Pending {
                    version: m.version,
                    file: m.up.file.to_string(),
                };
                if !m.repeatable
                    && status
                        .current
                        .is_some_and(|c| self.cmp_versions(m.version, c).is_lt())
                {
                    status.out_of_order.push(entry.clone());
                }
                status.pending.push(entry);
            }
        }
        status.below_baseline = self.part_way(&applied);
        status.before_unfinished = status
            .unfinished
            .first()
            .map_or(0, |u| self.before(u.version));
        status.applied = applied;
        status
    }
}

impl Migrations {
    /// Where a database with this history stands against the set's
    /// baseline, when it started before it and has not recorded every
    /// migration the baseline replaces (after the last replaced baseline
    /// it recorded): `None` for a new database, one made from the
    /// baseline, or one past it.
    fn part_way(&self, applied: &[Applied]) -> Option<PartWay> {
        let listed = self.replaced();
        let b = self.iter().next()?;
        if listed.is_empty() || applied.is_empty() {
            return None;
        }
        if applied
            .iter()
            .any(|a| a.version == b.version && a.checksum == b.checksum)
        {
            return None;
        }
        let versions: std::collections::HashSet<u64> = applied.iter().map(|a| a.version).collect();
        // a replaced baseline counts by its checksum (its version is also
        // the original migration's); any other by its version: a changed
        // checksum is `modified`, reported on its own
        let recorded = |r: &driftless_migrations::squash::Replaced| {
            if r.baseline {
                applied
                    .iter()
                    .any(|a| a.version == r.version && a.checksum == r.checksum)
            } else {
                versions.contains(&r.version)
            }
        };
        let missing = driftless_migrations::squash::missing(listed, recorded);
        if missing.is_empty() {
            return None;
        }
        let current = self.newest(applied.iter().map(|a| a.version)).unwrap_or(0);
        Some(PartWay {
            current: self.label(current),
            baseline: b.up.file.to_string(),
            version: self.label(b.version),
            missing: missing.iter().map(|r| r.file.clone()).collect(),
        })
    }
}

/// Whether `m` needs no run: recorded, and for a repeatable migration,
/// recorded with the checksum it has now.
pub(crate) fn is_applied(applied: &[Applied], m: &driftless_migrations::Migration) -> bool {
    applied
        .iter()
        .any(|a| a.version == m.version && (!m.repeatable || a.checksum == m.checksum))
}

//! The runtime's one error type: every variant carries what a user needs to
//! act (version, file, line, SQLite's message) and its `Display` says what to do.

use std::fmt;
use std::path::PathBuf;

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A migration the database records, as shown in errors.
///
/// ```
/// let r = driftless::Recorded { version: 6, name: "add_hosts".into(), applied_at: "2026-11-20T09:14:02Z".into() };
/// assert_eq!(r.version, 6);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// Its version.
    pub version: u64,
    /// Its name as recorded.
    pub name: String,
    /// When it was applied (UTC, ISO 8601).
    pub applied_at: String,
}

/// Everything that can go wrong while migrating a database.
///
/// ```
/// use driftless::{Error, Migrations};
/// static NONE: Migrations = Migrations::from_static(&[]);
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// let err = NONE.upgrade_to(&mut conn, 7).unwrap_err();
/// assert!(matches!(err, Error::UnknownVersion { version: 7 }));
/// # Ok::<(), rusqlite::Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A migration's statement failed (file, line, statement, SQLite's
    /// message), or a migration directory could not be read. The migration
    /// was rolled back.
    Migration(driftless_migrations::Error),
    /// The database records migrations this build does not have: the
    /// runbook's "Can't locate revision".
    UnknownApplied {
        /// The migrations the database records and this build lacks.
        unknown: Vec<Recorded>,
    },
    /// Applied migrations whose files changed since.
    Modified {
        /// Each: version, file, checksum recorded, checksum of the file now.
        modified: Vec<(u64, String, String, String)>,
    },
    /// Pending migrations older than the newest applied one (a branch merged late).
    OutOfOrder {
        /// The pending migrations (version, file).
        pending: Vec<(u64, String)>,
        /// The newest applied version.
        newest_applied: u64,
    },
    /// A migration that runs outside a transaction was started and never finished.
    Unfinished {
        /// The migration.
        migration: Recorded,
    },
    /// A migration ran but could not commit (a deferred constraint failed); it was rolled back.
    CommitFailed {
        /// Its version.
        version: u64,
        /// Its file.
        file: String,
        /// SQLite's message.
        message: String,
    },
    /// A migration that runs outside a transaction failed after some of its
    /// statements took effect; it is recorded as unfinished.
    PartlyApplied {
        /// Its version.
        version: u64,
        /// Its file.
        file: String,
        /// The failing statement.
        source: Box<driftless_migrations::Error>,
    },
    /// A downgrade would need a down migration that does not exist.
    MissingDown {
        /// Its version.
        version: u64,
        /// Its up file.
        file: String,
    },
    /// A version that none of the migrations has.
    UnknownVersion {
        /// The version asked for.
        version: u64,
    },
    /// A migration left rows that violate a foreign key; it was rolled back.
    ForeignKeyViolation {
        /// The migration's version.
        version: u64,
        /// Its file.
        file: String,
        /// Each violation: table, rowid, referenced table.
        violations: Vec<(String, Option<i64>, String)>,
    },
    /// Another tool's history does not match the migration files.
    AdoptMismatch {
        /// sqlx, diesel or refinery.
        tool: &'static str,
        /// The version in question.
        version: u64,
        /// What does not match.
        reason: String,
    },
    /// The database already has a driftless history, or has none of the others.
    NothingToAdopt {
        /// Why.
        reason: String,
    },
    /// A history table records a negative version, which no migration file can have.
    BadVersion {
        /// The history table.
        table: &'static str,
        /// The version stored.
        version: i64,
    },
    /// The backup path is taken: a backup never overwrites a file.
    BackupExists {
        /// The path given.
        path: PathBuf,
    },
    /// The backup could not be written.
    Backup {
        /// Where it was going.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// SQLite failed outside any migration (opening, locking, reading the history).
    Sqlite(rusqlite::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Migration(e) => {
                write!(f, "{e}")?;
                if matches!(
                    e,
                    driftless_migrations::Error::Statement { .. }
                        | driftless_migrations::Error::Forbidden { .. }
                        | driftless_migrations::Error::OwnTransaction { .. }
                ) {
                    write!(
                        f,
                        "\nnothing of it was kept: the database is as the previous migration left it"
                    )?;
                }
                Ok(())
            }
            Error::UnknownApplied { unknown } => {
                writeln!(
                    f,
                    "the database records migrations this build does not have:"
                )?;
                for r in unknown {
                    writeln!(f, "  {} {} (applied {})", r.version, r.name, r.applied_at)?;
                }
                write!(
                    f,
                    "help: deploy the build whose migrations/ has them (was a migration applied but never committed?),\n\
                     help: or, after checking `verify` shows what they changed, `stamp` the newest version this build has"
                )
            }
            Error::Modified { modified } => {
                writeln!(f, "applied migrations were changed after they ran:")?;
                for (version, file, recorded, now) in modified {
                    writeln!(
                        f,
                        "  {version} {file}: checksum {} when applied, {} now",
                        short(recorded),
                        short(now)
                    )?;
                }
                write!(
                    f,
                    "help: restore the files as they were and put the change in a new migration"
                )
            }
            Error::OutOfOrder {
                pending,
                newest_applied,
            } => {
                writeln!(
                    f,
                    "pending migrations are older than the newest applied one ({newest_applied}):"
                )?;
                for (version, file) in pending {
                    writeln!(f, "  {version} {file}")?;
                }
                write!(
                    f,
                    "help: give them versions after {newest_applied}, or, if they are independent of the newer ones, \
                     allow out-of-order upgrades (`Options {{ allow_out_of_order: true, .. }}`, `driftless upgrade --allow-out-of-order`)"
                )
            }
            Error::Unfinished { migration } => write!(
                f,
                "migration {v} {} runs outside a transaction; it was started at {} and has not finished: \
                 another process may still be running it (driftless waited for the busy timeout), or that process died part-way\n\
                 help: if nothing runs it any more, see what it did with `verify` (driftless diff), then either finish it by hand \
                 and `stamp {v}`, or undo it and `stamp {}` to run it again",
                migration.name,
                migration.applied_at,
                migration.version.saturating_sub(1),
                v = migration.version,
            ),
            Error::CommitFailed {
                version,
                file,
                message,
            } => write!(
                f,
                "migration {version} ({file}) could not commit: {message}\n\
                 it was rolled back: the database is as the previous migration left it\n\
                 help: a deferred constraint (e.g. a DEFERRABLE foreign key) is violated by the rows the migration leaves"
            ),
            Error::PartlyApplied {
                version,
                file,
                source,
            } => write!(
                f,
                "{source}\nmigration {version} ({file}) runs outside a transaction, so its statements before the failing one took effect; \
                 it is recorded as unfinished\n\
                 help: see what it did with `verify` (driftless diff); finish it by hand and `stamp {version}`, \
                 or undo it, fix the file and `stamp {}` to run it again",
                version.saturating_sub(1)
            ),
            Error::MissingDown { version, file } => write!(
                f,
                "migration {version} ({file}) has no down migration, so nothing was downgraded\n\
                 help: add its down file, or downgrade to a version after {version}"
            ),
            Error::UnknownVersion { version } => write!(
                f,
                "no migration has version {version}\nhelp: `status` lists the versions this build has"
            ),
            Error::ForeignKeyViolation {
                version,
                file,
                violations,
            } => {
                writeln!(
                    f,
                    "migration {version} ({file}) left rows that violate foreign keys, so it was rolled back:"
                )?;
                for (table, rowid, parent) in violations.iter().take(10) {
                    let row = rowid.map_or("a row".to_string(), |r| format!("rowid {r}"));
                    writeln!(f, "  {table} {row} references a missing {parent}")?;
                }
                write!(
                    f,
                    "help: fix or delete those rows in the migration before it rebuilds the table"
                )
            }
            Error::AdoptMismatch {
                tool,
                version,
                reason,
            } => write!(
                f,
                "the {tool} history does not match the migration files at version {version}: {reason}\n\
                 help: nothing was adopted; make the files match what ran, or `stamp` by hand"
            ),
            Error::NothingToAdopt { reason } => write!(f, "nothing to adopt: {reason}"),
            Error::BadVersion { table, version } => write!(
                f,
                "history table `{table}` records version {version}, but versions are 0 or more: \
                 no migration file can match it\nhelp: the row was written by hand or by another tool; \
                 correct or delete it, then run again"
            ),
            Error::BackupExists { path } => write!(
                f,
                "will not back up the database to `{}`: the file exists\nhelp: nothing was migrated; choose a new backup path",
                path.display()
            ),
            Error::Backup { path, source } => write!(
                f,
                "could not back up the database to `{}`: {source}\nhelp: nothing was migrated; choose another backup path",
                path.display()
            ),
            Error::Sqlite(e) => write!(f, "SQLite error: {e}"),
        }
    }
}

fn short(hex: &str) -> &str {
    &hex[..hex.len().min(12)]
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Migration(e) => Some(e),
            Error::PartlyApplied { source, .. } => Some(source.as_ref()),
            Error::Backup { source, .. } | Error::Sqlite(source) => Some(source),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

impl From<driftless_migrations::Error> for Error {
    fn from(e: driftless_migrations::Error) -> Self {
        Error::Migration(e)
    }
}

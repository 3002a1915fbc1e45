//! The runtime's one error type: every variant carries what a user needs to
//! act (version, file, line, SQLite's message) and its `Display` says what to do.

use std::fmt;
use std::path::PathBuf;

use crate::migrate::Report;
use crate::status::{Changed, PartWay, Pending};
use driftless_migrations::Layout;

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

/// A row a migration left that violates a foreign key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The table of the row.
    pub table: String,
    /// Its rowid (`None` for a WITHOUT ROWID table).
    pub rowid: Option<i64>,
    /// The table it references, where no row matches.
    pub parent: String,
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
    /// The database is part-way through the history a baseline replaces
    /// (`driftless squash`): this build can start a new database from the
    /// baseline or go on from one past it, not finish the replaced ones.
    BelowBaseline {
        /// Where it stands, and what it lacks.
        part_way: PartWay,
    },
    /// Applied migrations whose files changed since.
    Modified {
        /// Each changed migration.
        modified: Vec<Changed>,
    },
    /// Pending migrations older than the newest applied one (a branch merged late).
    OutOfOrder {
        /// The pending migrations.
        pending: Vec<Pending>,
        /// The newest applied version.
        newest_applied: u64,
    },
    /// A migration that runs outside a transaction was started and never finished.
    Unfinished {
        /// The migration.
        migration: Recorded,
        /// The applied version before it (0: none), to `stamp` after undoing it.
        previous: u64,
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
        /// The version before it (0: none), to `stamp` after undoing it.
        previous: u64,
    },
    /// A downgrade would need a down migration that does not exist.
    MissingDown {
        /// Its version.
        version: u64,
        /// Its up file.
        file: String,
        /// Its layout, which says where a down migration goes.
        layout: Layout,
    },
    /// A downgrade would run a down migration that has no statement.
    EmptyDown {
        /// The migration's version.
        version: u64,
        /// The down file.
        file: String,
        /// Its layout, which says where the down migration is.
        layout: Layout,
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
        /// Each violation.
        violations: Vec<Violation>,
    },
    /// Another tool's history does not match the migration files.
    AdoptMismatch {
        /// The tool whose history it is.
        tool: crate::adopt::Tool,
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
    /// Another connection kept the database locked for longer than the
    /// busy timeout while an upgrade waited to migrate it or a dry run
    /// waited to copy it.
    Locked {
        /// How long it waited.
        waited: std::time::Duration,
        /// What it waited to do: "migrate it", "copy it for the dry run".
        to: &'static str,
    },
    /// A database of a fleet does not exist (see [`crate::fleet::Fleet::create_missing`]).
    NoDatabase {
        /// The file named.
        path: PathBuf,
    },
    /// SQLite failed outside any migration (opening, locking, reading the history).
    Sqlite(rusqlite::Error),
    /// A migration failed on a database reached through an
    /// [`Executor`](crate::executor::Executor) that does not say which
    /// statement failed; nothing of it was kept.
    Rejected {
        /// Its version.
        version: u64,
        /// Its file.
        file: String,
        /// The database's message.
        message: String,
    },
    /// An [`Executor`](crate::executor::Executor) failed outside any
    /// migration (reading the history or the schema, recording).
    Executor {
        /// What the migrator was doing: "read the history".
        doing: &'static str,
        /// Its message.
        message: String,
    },
    /// A migration marked to run outside a transaction, which an
    /// [`Executor`](crate::executor::Executor) cannot do: every change is one transaction.
    NeedsTransaction {
        /// Its version.
        version: u64,
        /// Its file.
        file: String,
    },
    /// The history table holds a row driftless did not write.
    BadHistory {
        /// What is wrong with it.
        reason: String,
    },
    /// An upgrade or downgrade failed after it had done something: the
    /// migrations it ran before the failure stay applied (or undone), and
    /// the backup it took is where `report` says. [`Error::root`] is the
    /// failure itself.
    Stopped {
        /// What it did before the failure.
        report: Report,
        /// The failure.
        error: Box<Error>,
    },
}

impl Error {
    /// SQLite's "database is locked" as [`Error::Locked`] (after waiting
    /// `waited` to do `to`); any other error as [`Error::Sqlite`].
    pub(crate) fn locked_or(
        e: rusqlite::Error,
        waited: std::time::Duration,
        to: &'static str,
    ) -> Error {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Error::Locked { waited, to }
            }
            _ => Error::Sqlite(e),
        }
    }

    /// The failure itself: the error inside [`Error::Stopped`], else this one.
    ///
    /// ```
    /// let e = driftless::Error::UnknownVersion { version: 7 };
    /// assert!(matches!(e.root(), driftless::Error::UnknownVersion { version: 7 }));
    /// ```
    pub fn root(&self) -> &Error {
        match self {
            Error::Stopped { error, .. } => error.root(),
            other => other,
        }
    }

    /// What the upgrade or downgrade did before it failed, if anything.
    ///
    /// ```
    /// let e = driftless::Error::UnknownVersion { version: 7 };
    /// assert!(e.report().is_none());
    /// ```
    pub fn report(&self) -> Option<&Report> {
        match self {
            Error::Stopped { report, .. } => Some(report),
            _ => None,
        }
    }
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
            Error::BelowBaseline { part_way: p } => {
                let lacks = match p.missing.as_slice() {
                    [] => String::new(),
                    [one] => format!("; it lacks `{one}`"),
                    [first, rest @ ..] => format!("; it lacks `{first}` and {} more", rest.len()),
                };
                write!(
                    f,
                    "the database is at version {}, part-way through the migrations `{}` replaces (up to version {}{lacks}): this build starts new databases from it and goes on from databases past it, but cannot finish the ones it replaced\n\
                     help: upgrade this database to version {} with a build from before the squash (the commit before the one that added `{}`), then deploy this one",
                    p.current, p.baseline, p.version, p.version, p.baseline
                )
            }
            Error::Modified { modified } => {
                writeln!(f, "applied migrations were changed after they ran:")?;
                for c in modified {
                    writeln!(
                        f,
                        "  {} {}: checksum {} when applied, {} now",
                        c.version,
                        c.file,
                        short(&c.checksum_applied),
                        short(&c.checksum_now)
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
                for p in pending {
                    writeln!(f, "  {} {}", p.version, p.file)?;
                }
                write!(
                    f,
                    "help: give them versions after {newest_applied}, or, if they are independent of the newer ones, \
                     allow out-of-order upgrades (`Options {{ allow_out_of_order: true, .. }}`)"
                )
            }
            Error::Unfinished {
                migration,
                previous,
            } => write!(
                f,
                "migration {v} {} runs outside a transaction; it was started at {} and has not finished: \
                 another process may still be running it (driftless waited for the busy timeout), or that process died part-way\n\
                 help: if nothing runs it any more, see what it did with `verify`, then either finish it by hand \
                 and `stamp {v}`, or undo it and `stamp {previous}` to run it again",
                migration.name,
                migration.applied_at,
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
                previous,
            } => write!(
                f,
                "{source}\nmigration {version} ({file}) runs outside a transaction, so its statements before the failing one took effect; \
                 it is recorded as unfinished\n\
                 help: see what it did with `verify`; finish it by hand and `stamp {version}`, \
                 or undo it, fix the file and `stamp {previous}` to run it again"
            ),
            Error::MissingDown {
                version,
                file,
                layout,
            } => {
                let add = match layout {
                    Layout::Goose => "add a `-- +goose Down` section to it",
                    Layout::Dbmate => "add a `-- migrate:down` section to it",
                    Layout::Diesel => "add its `down.sql`",
                    Layout::Refinery | Layout::Flyway => {
                        "add its Flyway undo file `U<version>__<name>.sql`"
                    }
                    Layout::Prisma => {
                        "Prisma migrations have no down: undo it with a new migration"
                    }
                    Layout::RusqliteMigration => {
                        "make it a folder `<id>-<name>/` holding its `up.sql` and a `down.sql`"
                    }
                    _ => "add its down file (`<version>_<name>.down.sql`, beside `.up.sql`)",
                };
                write!(
                    f,
                    "migration {version} ({file}) has no down migration, so nothing was downgraded\n\
                     help: {add}, or downgrade to a version after {version}"
                )
            }
            Error::EmptyDown {
                version,
                file,
                layout,
            } => {
                let remove = match layout {
                    Layout::Goose | Layout::Dbmate => "remove its down section",
                    _ => "delete the down file",
                };
                write!(
                    f,
                    "the down migration of {version} ({file}) has no statement: running it would record \
                     {version} as undone without undoing anything, so nothing was downgraded\n\
                     help: write the SQL that undoes it; if there is truly nothing to undo, say so with a statement \
                     that does nothing (`SELECT 1;`); or {remove} to make {version} irreversible"
                )
            }
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
                for v in violations.iter().take(10) {
                    let row = v
                        .rowid
                        .map_or("a row".to_string(), |r| format!("rowid {r}"));
                    writeln!(f, "  {} {row} references a missing {}", v.table, v.parent)?;
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
            Error::Locked { waited, to } => write!(
                f,
                "the database is locked by another connection: waited {:.1} s to {to}\n\
                 help: it was left as it was; run it again when the other writer is done",
                waited.as_secs_f64()
            ),
            Error::NoDatabase { path } => write!(
                f,
                "database `{}` does not exist\nhelp: nothing was created; fix the path, or leave it out of the list",
                path.display()
            ),
            Error::Sqlite(e) => write!(f, "SQLite error: {e}"),
            Error::Rejected {
                version,
                file,
                message,
            } => write!(
                f,
                "migration {version} ({file}) failed: {message}\n\
                 nothing of it was kept: the database is as the previous migration left it"
            ),
            Error::Executor { doing, message } => write!(
                f,
                "could not {doing}: {message}\n\
                 help: nothing was changed by it; check that the database (the cluster) is reachable and run it again"
            ),
            Error::NeedsTransaction { version, file } => write!(
                f,
                "migration {version} ({file}) is marked to run outside a transaction, which this database cannot do: \
                 each change reaches it as one transaction\n\
                 help: nothing was migrated; remove the `no-transaction` mark if the migration can run in a transaction"
            ),
            Error::BadHistory { reason } => write!(
                f,
                "the history table `_driftless_migrations` holds a row driftless did not write: {reason}\n\
                 help: nothing was changed; correct the row by hand, or `stamp` the version the database is at"
            ),
            Error::Stopped { report, error } => {
                write!(f, "{error}")?;
                if !report.ran.is_empty() {
                    let files: Vec<&str> = report.ran.iter().map(|r| r.file.as_str()).collect();
                    write!(
                        f,
                        "\nbefore it, {} ran and stay{} done: {}",
                        plural(files.len(), "migration"),
                        if files.len() == 1 { "s" } else { "" },
                        files.join(", ")
                    )?;
                }
                if let Some(backup) = &report.backup {
                    write!(
                        f,
                        "\nthe backup taken before it is at `{}`",
                        backup.display()
                    )?;
                }
                Ok(())
            }
        }
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn short(hex: &str) -> &str {
    &hex[..hex.len().min(12)]
}

/// Every message is whole: it includes SQLite's or the engine's message
/// where there is one, so `source()` is `None` and a report that walks the
/// chain (anyhow's `{:#}`) does not print it twice. The underlying error is
/// in the variant's fields.
impl std::error::Error for Error {}

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The message of every variant, whole: what users read is the contract.
    #[test]
    fn every_message() {
        let recorded = |version| Recorded {
            version,
            name: "add_hosts".into(),
            applied_at: "2026-11-20T09:14:02Z".into(),
        };
        let statement = || driftless_migrations::Error::Statement {
            path: Path::new("migrations/0002_b.sql").to_path_buf(),
            at: driftless_migrations::Position { line: 1, column: 1 },
            token: None,
            statement: "CREATE TABLEE b (x);".into(),
            message: "near \"TABLEE\": syntax error".into(),
        };
        let failed = "migration `migrations/0002_b.sql` failed in the statement at line 1, column 1: near \"TABLEE\": syntax error\n  statement: CREATE TABLEE b (x);";
        let cases: Vec<(Error, String)> = vec![
            (
                Error::Migration(statement()),
                format!("{failed}\nnothing of it was kept: the database is as the previous migration left it"),
            ),
            (
                Error::UnknownApplied { unknown: vec![recorded(6)] },
                "the database records migrations this build does not have:\n  6 add_hosts (applied 2026-11-20T09:14:02Z)\n\
                 help: deploy the build whose migrations/ has them (was a migration applied but never committed?),\n\
                 help: or, after checking `verify` shows what they changed, `stamp` the newest version this build has".into(),
            ),
            (
                Error::BelowBaseline {
                    part_way: PartWay {
                        current: "57".into(),
                        baseline: "migrations/0100_squashed.sql".into(),
                        version: "100".into(),
                        missing: vec!["0058_a.sql".into(), "0059_b.sql".into()],
                    },
                },
                "the database is at version 57, part-way through the migrations `migrations/0100_squashed.sql` replaces (up to version 100; it lacks `0058_a.sql` and 1 more): this build starts new databases from it and goes on from databases past it, but cannot finish the ones it replaced\n\
                 help: upgrade this database to version 100 with a build from before the squash (the commit before the one that added `migrations/0100_squashed.sql`), then deploy this one".into(),
            ),
            (
                Error::Modified {
                    modified: vec![Changed {
                        version: 2,
                        file: "migrations/0002_b.sql".into(),
                        checksum_applied: "0123456789abcdef0123".into(),
                        checksum_now: "fedcba9876543210fedc".into(),
                    }],
                },
                "applied migrations were changed after they ran:\n  2 migrations/0002_b.sql: checksum 0123456789ab when applied, fedcba987654 now\n\
                 help: restore the files as they were and put the change in a new migration".into(),
            ),
            (
                Error::OutOfOrder {
                    pending: vec![Pending { version: 2, file: "migrations/0002_b.sql".into() }],
                    newest_applied: 3,
                },
                "pending migrations are older than the newest applied one (3):\n  2 migrations/0002_b.sql\n\
                 help: give them versions after 3, or, if they are independent of the newer ones, allow out-of-order upgrades \
                 (`Options { allow_out_of_order: true, .. }`)".into(),
            ),
            (
                Error::Unfinished { migration: recorded(6), previous: 4 },
                "migration 6 add_hosts runs outside a transaction; it was started at 2026-11-20T09:14:02Z and has not finished: \
                 another process may still be running it (driftless waited for the busy timeout), or that process died part-way\n\
                 help: if nothing runs it any more, see what it did with `verify`, then either finish it by hand \
                 and `stamp 6`, or undo it and `stamp 4` to run it again".into(),
            ),
            (
                Error::CommitFailed {
                    version: 2,
                    file: "migrations/0002_b.sql".into(),
                    message: "FOREIGN KEY constraint failed".into(),
                },
                "migration 2 (migrations/0002_b.sql) could not commit: FOREIGN KEY constraint failed\n\
                 it was rolled back: the database is as the previous migration left it\n\
                 help: a deferred constraint (e.g. a DEFERRABLE foreign key) is violated by the rows the migration leaves".into(),
            ),
            (
                Error::PartlyApplied {
                    version: 2,
                    file: "migrations/0002_b.sql".into(),
                    source: Box::new(statement()),
                    previous: 1,
                },
                format!(
                    "{failed}\nmigration 2 (migrations/0002_b.sql) runs outside a transaction, so its statements before the failing one took effect; \
                     it is recorded as unfinished\n\
                     help: see what it did with `verify`; finish it by hand and `stamp 2`, \
                     or undo it, fix the file and `stamp 1` to run it again"
                ),
            ),
            (
                Error::MissingDown { version: 2, file: "migrations/0002_b.sql".into(), layout: Layout::Simple },
                "migration 2 (migrations/0002_b.sql) has no down migration, so nothing was downgraded\n\
                 help: add its down file (`<version>_<name>.down.sql`, beside `.up.sql`), or downgrade to a version after 2".into(),
            ),
            (
                Error::MissingDown { version: 2, file: "migrations/0002_b.sql".into(), layout: Layout::Goose },
                "migration 2 (migrations/0002_b.sql) has no down migration, so nothing was downgraded\n\
                 help: add a `-- +goose Down` section to it, or downgrade to a version after 2".into(),
            ),
            (
                Error::EmptyDown { version: 2, file: "migrations/0002_b.down.sql".into(), layout: Layout::Reversible },
                "the down migration of 2 (migrations/0002_b.down.sql) has no statement: running it would record \
                 2 as undone without undoing anything, so nothing was downgraded\n\
                 help: write the SQL that undoes it; if there is truly nothing to undo, say so with a statement \
                 that does nothing (`SELECT 1;`); or delete the down file to make 2 irreversible".into(),
            ),
            (
                Error::EmptyDown { version: 2, file: "migrations/0002_b.sql".into(), layout: Layout::Dbmate },
                "the down migration of 2 (migrations/0002_b.sql) has no statement: running it would record \
                 2 as undone without undoing anything, so nothing was downgraded\n\
                 help: write the SQL that undoes it; if there is truly nothing to undo, say so with a statement \
                 that does nothing (`SELECT 1;`); or remove its down section to make 2 irreversible".into(),
            ),
            (
                Error::UnknownVersion { version: 7 },
                "no migration has version 7\nhelp: `status` lists the versions this build has".into(),
            ),
            (
                Error::ForeignKeyViolation {
                    version: 4,
                    file: "migrations/0004_d.sql".into(),
                    violations: vec![Violation { table: "players".into(), rowid: Some(1), parent: "games".into() }],
                },
                "migration 4 (migrations/0004_d.sql) left rows that violate foreign keys, so it was rolled back:\n\
                 \x20 players rowid 1 references a missing games\n\
                 help: fix or delete those rows in the migration before it rebuilds the table".into(),
            ),
            (
                Error::AdoptMismatch { tool: crate::adopt::Tool::Sqlx, version: 2, reason: "no file has this version".into() },
                "the sqlx history does not match the migration files at version 2: no file has this version\n\
                 help: nothing was adopted; make the files match what ran, or `stamp` by hand".into(),
            ),
            (
                Error::NothingToAdopt { reason: "no history".into() },
                "nothing to adopt: no history".into(),
            ),
            (
                Error::BadVersion { table: "_driftless_migrations", version: -3 },
                "history table `_driftless_migrations` records version -3, but versions are 0 or more: \
                 no migration file can match it\nhelp: the row was written by hand or by another tool; \
                 correct or delete it, then run again".into(),
            ),
            (
                Error::BackupExists { path: "app.db.bak".into() },
                "will not back up the database to `app.db.bak`: the file exists\nhelp: nothing was migrated; choose a new backup path".into(),
            ),
            (
                Error::Backup { path: "app.db.bak".into(), source: rusqlite::Error::InvalidQuery },
                "could not back up the database to `app.db.bak`: Query is not read-only\n\
                 help: nothing was migrated; choose another backup path".into(),
            ),
            (
                Error::Locked { waited: std::time::Duration::from_millis(1500), to: "copy it for the dry run" },
                "the database is locked by another connection: waited 1.5 s to copy it for the dry run\n\
                 help: it was left as it was; run it again when the other writer is done".into(),
            ),
            (
                Error::NoDatabase { path: "tenants/t7.db".into() },
                "database `tenants/t7.db` does not exist\n\
                 help: nothing was created; fix the path, or leave it out of the list".into(),
            ),
            (
                Error::Sqlite(rusqlite::Error::InvalidQuery),
                "SQLite error: Query is not read-only".into(),
            ),
            (
                Error::Rejected { version: 2, file: "migrations/0002_b.sql".into(), message: "no such table: gmes".into() },
                "migration 2 (migrations/0002_b.sql) failed: no such table: gmes\n\
                 nothing of it was kept: the database is as the previous migration left it".into(),
            ),
            (
                Error::Executor { doing: "read the history", message: "Connect: connection refused".into() },
                "could not read the history: Connect: connection refused\n\
                 help: nothing was changed by it; check that the database (the cluster) is reachable and run it again".into(),
            ),
            (
                Error::NeedsTransaction { version: 3, file: "migrations/0003_c.sql".into() },
                "migration 3 (migrations/0003_c.sql) is marked to run outside a transaction, which this database cannot do: \
                 each change reaches it as one transaction\n\
                 help: nothing was migrated; remove the `no-transaction` mark if the migration can run in a transaction".into(),
            ),
            (
                Error::BadHistory { reason: "its checksum is not what driftless writes".into() },
                "the history table `_driftless_migrations` holds a row driftless did not write: its checksum is not what driftless writes\n\
                 help: nothing was changed; correct the row by hand, or `stamp` the version the database is at".into(),
            ),
            (
                Error::Stopped {
                    report: Report {
                        ran: vec![crate::Ran {
                            version: 1,
                            file: "migrations/0001_a.sql".into(),
                            took: std::time::Duration::ZERO,
                        }],
                        backup: Some("app.db.bak".into()),
                    },
                    error: Box::new(Error::Migration(statement())),
                },
                format!(
                    "{failed}\nnothing of it was kept: the database is as the previous migration left it\n\
                     before it, 1 migration ran and stays done: migrations/0001_a.sql\n\
                     the backup taken before it is at `app.db.bak`"
                ),
            ),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected);
            assert!(std::error::Error::source(&error).is_none(), "{error}");
            seen.insert(variant(&error));
        }
        assert_eq!(seen.len(), 25, "a case for every variant");
    }

    /// Which variant: a new variant fails to compile here until it has a case above.
    fn variant(e: &Error) -> usize {
        match e {
            Error::Migration(_) => 0,
            Error::UnknownApplied { .. } => 1,
            Error::Modified { .. } => 2,
            Error::OutOfOrder { .. } => 3,
            Error::Unfinished { .. } => 4,
            Error::CommitFailed { .. } => 5,
            Error::PartlyApplied { .. } => 6,
            Error::MissingDown { .. } => 7,
            Error::UnknownVersion { .. } => 8,
            Error::ForeignKeyViolation { .. } => 9,
            Error::AdoptMismatch { .. } => 10,
            Error::NothingToAdopt { .. } => 11,
            Error::BadVersion { .. } => 12,
            Error::BackupExists { .. } => 13,
            Error::Backup { .. } => 14,
            Error::Sqlite(_) => 15,
            Error::Stopped { .. } => 16,
            Error::EmptyDown { .. } => 17,
            Error::Locked { .. } => 18,
            Error::NoDatabase { .. } => 19,
            Error::Rejected { .. } => 20,
            Error::Executor { .. } => 21,
            Error::NeedsTransaction { .. } => 22,
            Error::BadHistory { .. } => 23,
            Error::BelowBaseline { .. } => 24,
        }
    }
}

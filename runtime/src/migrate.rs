//! Applying migrations to a real database: upgrade, downgrade, stamp, backup.
//!
//! Each migration runs in its own `BEGIN IMMEDIATE` transaction together
//! with its history row, so a migration is either applied and recorded or
//! neither, and two migrators never apply the same migration: the second
//! waits for the write lock, re-reads the history inside it, and finds the
//! migration done.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use driftless_migrations::replay::{Transaction, run_script};
use driftless_migrations::split::split;
use rusqlite::{Connection, MAIN_DB};

use crate::error::{Error, Result, Violation};
use crate::history::{self, Applied};
use crate::set::Migrations;
use driftless_migrations::Migration;

/// Where to put a backup taken before migrating; see [`Options`].
///
/// ```
/// use driftless::{Backup, Options};
/// let options = Options { backup: Backup::To("before-upgrade.db".into()), ..Options::default() };
/// assert_eq!(Options::default().backup, Backup::None);
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Backup {
    /// No backup (the default).
    #[default]
    None,
    /// Beside the database file: `trivia.db` → `trivia.db.20261124-161500.bak`.
    Beside,
    /// At this path.
    To(PathBuf),
}

/// How [`Migrations::upgrade_with`] and [`Migrations::downgrade_with`] behave.
///
/// ```
/// let options = driftless::Options { allow_out_of_order: true, ..Default::default() };
/// assert_eq!(options.busy_timeout, std::time::Duration::from_secs(60));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Copy the database first (only when there is something to do).
    pub backup: Backup,
    /// Apply pending migrations older than the newest applied one.
    pub allow_out_of_order: bool,
    /// How long to wait for another writer (another migrator, the app).
    pub busy_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            backup: Backup::None,
            allow_out_of_order: false,
            busy_timeout: Duration::from_secs(60),
        }
    }
}

/// What an upgrade or downgrade did.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
/// let migrations = driftless::Migrations::from_dir(dir.path())?;
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// let report = migrations.upgrade(&mut conn)?;
/// let ran = &report.ran[0];
/// assert_eq!(ran.version, 1);
/// assert!(ran.file.ends_with("0001_games.sql"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The migrations run, in the order run.
    pub ran: Vec<Ran>,
    /// Where the backup went, if one was taken.
    pub backup: Option<PathBuf>,
}

/// What [`Migrations::upgrade_each`] reports as it goes.
#[derive(Debug)]
pub enum Event<'a> {
    /// The database was backed up here, before anything ran.
    BackedUp(&'a Path),
    /// This migration starts.
    Starting(&'a Migration),
    /// A migration is applied and committed.
    Done(&'a Ran),
}

/// One migration an upgrade or downgrade ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ran {
    /// Its version.
    pub version: u64,
    /// The file run (the down file for a downgrade).
    pub file: String,
    /// How long it took.
    pub took: Duration,
}

impl Migrations {
    /// Applies every pending migration, oldest first.
    ///
    /// # Errors
    /// A failing migration ([`Error::Migration`], rolled back: the database
    /// is as the previous migration left it), an applied migration this
    /// build lacks or whose file changed, pending migrations older than the
    /// newest applied one, a foreign-key violation after a table rebuild.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let report = migrations.upgrade(&mut conn)?;
    /// assert_eq!(report.ran.len(), 1);
    /// assert!(migrations.upgrade(&mut conn)?.ran.is_empty()); // up to date: a no-op
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn upgrade(&self, conn: &mut Connection) -> Result<Report> {
        self.upgrade_with(conn, None, &Options::default())
    }

    /// Applies pending migrations up to and including `version`.
    ///
    /// # Errors
    /// As [`upgrade`](Self::upgrade), and [`Error::UnknownVersion`].
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);")?;
    /// std::fs::write(dir.path().join("0002_b.sql"), "CREATE TABLE b (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// migrations.upgrade_to(&mut conn, 1)?;
    /// assert_eq!(migrations.status(&conn)?.current, Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn upgrade_to(&self, conn: &mut Connection, version: u64) -> Result<Report> {
        self.upgrade_with(conn, Some(version), &Options::default())
    }

    /// [`upgrade`](Self::upgrade) with a target version and [`Options`].
    ///
    /// # Errors
    /// As [`upgrade_to`](Self::upgrade_to), and [`Error::Backup`].
    ///
    /// ```
    /// use driftless::{Backup, Options};
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open(dir.path().join("app.db"))?;
    /// let options = Options { backup: Backup::To(dir.path().join("before.db")), ..Options::default() };
    /// let report = migrations.upgrade_with(&mut conn, None, &options)?;
    /// assert!(report.backup.unwrap().exists());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn upgrade_with(
        &self,
        conn: &mut Connection,
        to: Option<u64>,
        options: &Options,
    ) -> Result<Report> {
        self.upgrade_each(conn, to, options, |_| {})
    }

    /// [`upgrade_with`](Self::upgrade_with), telling `each` what happens as
    /// it happens: the backup, each migration as it starts, and each one
    /// done (committed). For a progress display, one upgrade at a time.
    ///
    /// # Errors
    /// As [`upgrade_with`](Self::upgrade_with).
    ///
    /// ```
    /// use driftless::{Event, Options};
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);")?;
    /// std::fs::write(dir.path().join("0002_b.sql"), "CREATE TABLE b (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// let mut seen = Vec::new();
    /// migrations.upgrade_each(&mut conn, None, &Options::default(), |event| match event {
    ///     Event::Starting(m) => seen.push(format!("start {}", m.version)),
    ///     Event::Done(ran) => seen.push(format!("done {}", ran.version)),
    ///     Event::BackedUp(_) => {}
    /// })?;
    /// assert_eq!(seen, ["start 1", "done 1", "start 2", "done 2"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn upgrade_each(
        &self,
        conn: &mut Connection,
        to: Option<u64>,
        options: &Options,
        each: impl FnMut(Event<'_>),
    ) -> Result<Report> {
        defensive(conn, |conn| self.upgrade_defended(conn, to, options, each))
    }

    fn upgrade_defended(
        &self,
        conn: &mut Connection,
        to: Option<u64>,
        options: &Options,
        mut each: impl FnMut(Event<'_>),
    ) -> Result<Report> {
        if let Some(v) = to
            && self.get(v).is_none()
        {
            return Err(Error::UnknownVersion { version: v });
        }
        driftless_migrations::busy_timeout(conn, options.busy_timeout)?;
        let wanted = |v: u64| to.is_none_or(|t| self.cmp_versions(v, t).is_le());
        let mut report = Report::default();
        // read first, without a lock: an up-to-date database is not written to
        let status = self.settled_status(conn, options)?;
        check(&status, options)?;
        if !status.pending.iter().any(|p| wanted(p.version)) {
            return Ok(report);
        }
        report.backup = take_backup(conn, &options.backup)?;
        if let Some(path) = &report.backup {
            each(Event::BackedUp(path));
        }
        let mut skipped = None;
        // the status and the `PRAGMA data_version` it was read at: while no
        // other connection commits, it is updated as migrations are applied
        // instead of read again (reading the whole history per migration
        // made a long upgrade quadratic)
        let mut known: Option<(i64, crate::status::Status)> = None;
        loop {
            let (seen, status) = match known.take() {
                Some((seen, status)) if data_version(conn).is_ok_and(|now| now == seen) => {
                    (seen, status)
                }
                _ => {
                    // read before the status: a commit in between shows as a change
                    let seen = match data_version(conn) {
                        Ok(seen) => seen,
                        Err(e) => return Err(stopped(report, e)),
                    };
                    // peek outside the lock (foreign keys can only be switched
                    // between transactions), then confirm inside it
                    let status = match self.settled_status(conn, options) {
                        Ok(status) => status,
                        Err(e) => return Err(stopped(report, e)),
                    };
                    if let Err(e) = check(&status, options) {
                        return Err(stopped(report, e));
                    }
                    (seen, status)
                }
            };
            let Some(next) = status.pending.iter().find(|p| wanted(p.version)) else {
                break;
            };
            let Some(m) = self.get(next.version) else {
                break;
            };
            // another migrator was first with it, yet it still shows as
            // pending: never spin on a disagreement between the two reads
            if skipped == Some(m.version) {
                break;
            }
            each(Event::Starting(m));
            // the status holds under the lock only while nobody else
            // committed, and the fast path needs the history table
            let unchanged_since =
                (!status.applied.is_empty() || !report.ran.is_empty()).then_some(seen);
            let applied = match apply(self, conn, m, options, unchanged_since) {
                Ok(applied) => applied,
                Err(e) => return Err(stopped(report, e)),
            };
            skipped = applied.is_none().then_some(m.version);
            if let Some(Effect { took, .. }) = applied {
                let mut status = status;
                status.pending.retain(|p| p.version != m.version);
                known = Some((seen, status));
                report.ran.push(Ran {
                    version: m.version,
                    file: m.up.file.to_string(),
                    took,
                });
                if let Some(ran) = report.ran.last() {
                    each(Event::Done(ran));
                }
            }
        }
        Ok(report)
    }

    /// Runs down migrations, newest first, until `version` is the newest
    /// applied one (`0`: all of them).
    ///
    /// # Errors
    /// [`Error::MissingDown`] before anything runs when one of them has no
    /// down script; [`Error::UnknownApplied`] when the database has
    /// migrations this build lacks; a failing down script (rolled back).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.up.sql"), "CREATE TABLE a (x);")?;
    /// std::fs::write(dir.path().join("0001_a.down.sql"), "DROP TABLE a;")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// migrations.upgrade(&mut conn)?;
    /// migrations.downgrade_to(&mut conn, 0)?;
    /// assert_eq!(migrations.status(&conn)?.current, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn downgrade_to(&self, conn: &mut Connection, version: u64) -> Result<Report> {
        self.downgrade_with(conn, version, &Options::default())
    }

    /// [`downgrade_to`](Self::downgrade_to) with [`Options`] (a backup, the busy timeout).
    ///
    /// # Errors
    /// As [`downgrade_to`](Self::downgrade_to), and [`Error::Backup`].
    ///
    /// ```
    /// use driftless::{Backup, Options};
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.up.sql"), "CREATE TABLE a (x);")?;
    /// std::fs::write(dir.path().join("0001_a.down.sql"), "DROP TABLE a;")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open(dir.path().join("app.db"))?;
    /// migrations.upgrade(&mut conn)?;
    /// let report = migrations.downgrade_with(&mut conn, 0, &Options { backup: Backup::Beside, ..Options::default() })?;
    /// assert!(report.backup.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn downgrade_with(
        &self,
        conn: &mut Connection,
        version: u64,
        options: &Options,
    ) -> Result<Report> {
        defensive(conn, |conn| self.downgrade_defended(conn, version, options))
    }

    fn downgrade_defended(
        &self,
        conn: &mut Connection,
        version: u64,
        options: &Options,
    ) -> Result<Report> {
        if version != 0 && self.get(version).is_none() {
            return Err(Error::UnknownVersion { version });
        }
        driftless_migrations::busy_timeout(conn, options.busy_timeout)?;
        let status = self.settled_status(conn, options)?;
        let to_undo = self.to_undo(&status, version)?;
        let mut report = Report::default();
        if to_undo.is_empty() {
            return Ok(report);
        }
        report.backup = take_backup(conn, &options.backup)?;
        for m in to_undo {
            let undone = match undo(conn, m) {
                Ok(undone) => undone,
                Err(e) => return Err(stopped(report, e)),
            };
            if let Some(took) = undone {
                // a downgrade checked that every down script exists
                let file = m.down.as_ref().map_or(&m.up.file, |d| &d.file);
                report.ran.push(Ran {
                    version: m.version,
                    file: file.to_string(),
                    took,
                });
            }
        }
        Ok(report)
    }

    /// Records the migrations up to `version` as applied, without running
    /// them, and forgets every recorded migration after it or unknown to this
    /// build (`0`: forget all). Migrations already recorded keep their row
    /// (time, duration, checksum), and so do Flyway's repeatable migrations,
    /// which are never stamped: they run at the next upgrade. This adopts a database whose schema is
    /// already there, and is the reviewed way out of "the database records a
    /// migration this build lacks": check [`verify`](Self::verify) first.
    ///
    /// # Errors
    /// [`Error::UnknownVersion`], or SQLite's.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_a.sql"), "CREATE TABLE a (x);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE a (x);")?; // made before driftless
    /// migrations.stamp(&mut conn, 1)?;
    /// assert!(migrations.status(&conn)?.is_up_to_date());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stamp(&self, conn: &mut Connection, version: u64) -> Result<()> {
        if version != 0 && self.get(version).is_none() {
            return Err(Error::UnknownVersion { version });
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        history::ensure(&tx)?;
        let (forget, record) = self.stamped(&history::read(&tx)?, version);
        for v in forget {
            history::forget(&tx, v)?;
        }
        for m in record {
            history::record(&tx, m, 0)?;
        }
        // stamping past an unfinished no-transaction migration says it was finished by hand
        history::finish_up_to(&tx, version)?;
        tx.commit()?;
        Ok(())
    }
}

impl Migrations {
    /// The migrations a downgrade to `version` undoes, newest first, once
    /// it is sure every one of them can be: none unknown or unfinished,
    /// each with a down script that has a statement.
    pub(crate) fn to_undo(
        &self,
        status: &crate::status::Status,
        version: u64,
    ) -> Result<Vec<&Migration>> {
        if !status.unknown.is_empty() || !status.unfinished.is_empty() {
            return Err(status
                .problem()
                .unwrap_or(Error::UnknownVersion { version }));
        }
        let to_undo: Vec<&Migration> = status
            .applied
            .iter()
            .rev()
            // 0 is "none", even where a migration is numbered 0
            .filter(|a| version == 0 || self.cmp_versions(a.version, version).is_gt())
            .filter_map(|a| self.get(a.version))
            // Flyway's undo leaves repeatable migrations alone
            .filter(|m| !m.repeatable)
            .collect();
        if let Some(m) = to_undo.iter().find(|m| m.down.is_none()) {
            return Err(Error::MissingDown {
                version: m.version,
                file: m.up.file.to_string(),
                layout: m.layout,
            });
        }
        // a down script with no statement would record the migration undone
        // without undoing anything, and the next upgrade would fail on it
        // (unless its up has no statement either: then it undoes exactly that)
        for m in &to_undo {
            if let Some(down) = &m.down
                && split(&down.sql()).is_empty()
                && !split(&m.up.sql()).is_empty()
            {
                return Err(Error::EmptyDown {
                    version: m.version,
                    file: down.file.to_string(),
                    layout: m.layout,
                });
            }
        }
        Ok(to_undo)
    }

    /// What stamping `version` over `recorded` changes: the versions to
    /// forget (unknown, or after it) and the migrations to record (up to it).
    pub(crate) fn stamped(
        &self,
        recorded: &[Applied],
        version: u64,
    ) -> (Vec<u64>, Vec<&Migration>) {
        let forget = recorded
            .iter()
            .filter(|a| match self.get(a.version) {
                // a row a baseline vouches for stays, unless stamped below it
                None if self.replaced_entry(a.version, &a.checksum).is_some() => {
                    version == 0 || self.cmp_versions(a.version, version).is_gt()
                }
                None => true,
                // a repeatable migration's row stays: it says which text last ran
                Some(m) => {
                    !m.repeatable && (version == 0 || self.cmp_versions(a.version, version).is_gt())
                }
            })
            .map(|a| a.version)
            .collect();
        let record = self
            .iter()
            .filter(|m| version != 0 && self.cmp_versions(m.version, version).is_le())
            .filter(|m| !recorded.iter().any(|a| a.version == m.version))
            .collect();
        (forget, record)
    }

    /// The status, after waiting (up to the busy timeout) for no-transaction
    /// migrations another migrator is running to finish: they hold no lock
    /// to wait on, so their unfinished history row is polled instead.
    pub(crate) fn settled_status(
        &self,
        conn: &Connection,
        options: &Options,
    ) -> Result<crate::status::Status> {
        let started = Instant::now();
        loop {
            let status = self.status(conn)?;
            if status.unfinished.is_empty() || started.elapsed() >= options.busy_timeout {
                return Ok(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub(crate) fn check(status: &crate::status::Status, options: &Options) -> Result<()> {
    if let Some(problem) = status.problem() {
        return Err(problem);
    }
    if !options.allow_out_of_order && !status.out_of_order.is_empty() {
        return Err(Error::OutOfOrder {
            pending: status.out_of_order.clone(),
            newest_applied: status.current.unwrap_or(0),
        });
    }
    Ok(())
}

/// Whether a script drops or renames tables (a rebuild, say): then foreign
/// keys must be off while it runs and checked before it commits. The
/// engine's statement reading decides, as it does for the lints.
fn rebuilds_tables(sql: &str) -> bool {
    split(sql).iter().any(|s| s.drops_or_renames_table())
}

/// Runs `body` in a `BEGIN IMMEDIATE` transaction (foreign keys switched
/// off around it when `fk_off`): commits when it returns `Some`, rolls back
/// when it returns `None` (nothing to do after all) or fails.
fn under_write_lock<T>(
    conn: &Connection,
    m: &Migration,
    fk_off: bool,
    body: impl FnOnce() -> Result<Option<T>>,
) -> Result<Option<T>> {
    if fk_off {
        conn.pragma_update(None, "foreign_keys", false)?;
    }
    let result = (|| {
        let waiting = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| Error::locked_or(e, waiting.elapsed(), "migrate it"))?;
        match body() {
            Ok(Some(value)) => {
                // deferred constraints are checked here, after the migration's last statement
                if let Err(e) = conn.execute_batch("COMMIT") {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(Error::CommitFailed {
                        version: m.version,
                        file: m.up.file.to_string(),
                        message: driftless_migrations::replay::sqlite_message(e),
                    });
                }
                Ok(Some(value))
            }
            Ok(None) => {
                conn.execute_batch("ROLLBACK")?;
                Ok(None)
            }
            Err(e) => {
                // the migration's own error is what matters; the rollback restores the file
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    })();
    if fk_off {
        conn.pragma_update(None, "foreign_keys", true)?;
    }
    result
}

/// Whether `m` is still to be applied, judged under the write lock: another
/// migrator may have applied it (or a newer one, making it out of order,
/// which the caller's next status check reports) while this one waited.
/// When the history table exists and no other connection has committed
/// since the caller's status was read at `seen` (SQLite's `data_version`),
/// that status still holds.
fn still_pending(
    set: &Migrations,
    conn: &Connection,
    m: &Migration,
    options: &Options,
    seen: Option<i64>,
) -> Result<bool> {
    if let Some(seen) = seen
        && data_version(conn)? == seen
    {
        return Ok(true);
    }
    history::ensure(conn)?;
    let applied = history::read(conn)?;
    if m.repeatable {
        return Ok(!crate::status::is_applied(&applied, m));
    }
    let newest = set.newest(applied.iter().map(|a| a.version));
    Ok(!applied.iter().any(|a| a.version == m.version)
        && (options.allow_out_of_order
            || newest.is_none_or(|n| set.cmp_versions(n, m.version).is_lt())))
}

/// SQLite's count of commits by other connections to the database, as this
/// connection has seen them: unchanged means nobody else wrote.
fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
}

/// What applying one migration did.
pub(crate) struct Effect {
    /// How long its script ran.
    pub took: Duration,
    /// The rows its statements inserted, updated or deleted (SQLite's
    /// `total_changes()`, the history's own row left out).
    pub rows: i64,
}

/// Applies `m` if it is still pending under the write lock; returns what
/// it did, or `None` when another migrator was first.
pub(crate) fn apply(
    set: &Migrations,
    conn: &Connection,
    m: &Migration,
    options: &Options,
    seen: Option<i64>,
) -> Result<Option<Effect>> {
    let sql = m.up.sql();
    let path = m.up.location();
    if m.no_transaction {
        return apply_outside_transaction(set, conn, m, options, seen, path, &sql);
    }
    let fk_off = rebuilds_tables(&sql) && foreign_keys(conn)?;
    under_write_lock(conn, m, fk_off, || {
        if !still_pending(set, conn, m, options, seen)? {
            return Ok(None);
        }
        let changes = total_changes(conn)?;
        let started = Instant::now();
        run_script(conn, path, &sql, Transaction::Caller)?;
        if fk_off {
            foreign_key_check(conn, m)?;
        }
        let took = started.elapsed();
        let rows = total_changes(conn)? - changes;
        history::record(conn, m, millis(took))?;
        Ok(Some(Effect { took, rows }))
    })
}

fn total_changes(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT total_changes()", [], |r| r.get(0))?)
}

/// A no-transaction migration is recorded as started (duration -1) under the
/// lock first, so that a crash in the middle leaves a trace `status` reports.
fn apply_outside_transaction(
    set: &Migrations,
    conn: &Connection,
    m: &Migration,
    options: &Options,
    seen: Option<i64>,
    path: &Path,
    sql: &str,
) -> Result<Option<Effect>> {
    let claimed = under_write_lock(conn, m, false, || {
        if !still_pending(set, conn, m, options, seen)? {
            return Ok(None);
        }
        history::record(conn, m, -1)?;
        Ok(Some(()))
    })?;
    if claimed.is_none() {
        return Ok(None);
    }
    let changes = total_changes(conn)?;
    let started = Instant::now();
    if let Err(e) = run_script(conn, path, sql, Transaction::None) {
        if !took_effect(&e, sql) {
            // nothing ran: forget it was started, so that it can be retried after a fix
            history::forget(conn, m.version)?;
            return Err(e.into());
        }
        // its first statements took effect and cannot be undone: leave the row unfinished
        return Err(Error::PartlyApplied {
            version: m.version,
            file: m.up.file.to_string(),
            source: Box::new(e),
            previous: set.before(m.version),
        });
    }
    let took = started.elapsed();
    let rows = total_changes(conn)? - changes;
    history::finish(conn, m.version, millis(took))?;
    Ok(Some(Effect { took, rows }))
}

/// Whether a failed no-transaction script ran any statement before failing.
fn took_effect(e: &driftless_migrations::Error, sql: &str) -> bool {
    let first = split(sql).first().map(|s| s.at);
    match e {
        driftless_migrations::Error::Statement { at, .. } => Some(*at) != first,
        // refused before anything ran
        _ => false,
    }
}

/// Runs `m`'s down script and forgets it, in one transaction; `None` when
/// another migrator undid it first.
fn undo(conn: &Connection, m: &Migration) -> Result<Option<Duration>> {
    let Some(down) = &m.down else {
        return Err(Error::MissingDown {
            version: m.version,
            file: m.up.file.to_string(),
            layout: m.layout,
        });
    };
    let sql = down.sql();
    let fk_off = rebuilds_tables(&sql) && foreign_keys(conn)?;
    under_write_lock(conn, m, fk_off, || {
        let started = Instant::now();
        let recorded = history::forget(conn, m.version)?;
        if recorded == 0 {
            return Ok(None);
        }
        run_script(conn, down.location(), &sql, Transaction::Caller)?;
        if fk_off {
            foreign_key_check(conn, m)?;
        }
        Ok(Some(started.elapsed()))
    })
}

/// Runs `work` with SQLite's defensive mode on, so that no migration can
/// corrupt the schema (`PRAGMA writable_schema` and writes to
/// `sqlite_schema` fail, naming the file); the connection's own setting is
/// restored after.
fn defensive<T>(
    conn: &mut Connection,
    work: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    use rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE;
    let was = conn.db_config(SQLITE_DBCONFIG_DEFENSIVE)?;
    conn.set_db_config(SQLITE_DBCONFIG_DEFENSIVE, true)?;
    let result = work(conn);
    let restored = conn.set_db_config(SQLITE_DBCONFIG_DEFENSIVE, was);
    let out = result?;
    restored?;
    Ok(out)
}

/// `error`, with what the upgrade or downgrade did before it when it did
/// anything (migrations that stay applied, a backup taken).
pub(crate) fn stopped(report: Report, error: Error) -> Error {
    if report.ran.is_empty() && report.backup.is_none() {
        error
    } else {
        Error::Stopped {
            report,
            error: Box::new(error),
        }
    }
}

pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn foreign_keys(conn: &Connection) -> Result<bool> {
    Ok(conn.pragma_query_value(None, "foreign_keys", |r| r.get(0))?)
}

fn foreign_key_check(conn: &Connection, m: &Migration) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let violations: Vec<Violation> = stmt
        .query_map([], |r| {
            Ok(Violation {
                table: r.get(0)?,
                rowid: r.get(1)?,
                parent: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if violations.is_empty() {
        return Ok(());
    }
    Err(Error::ForeignKeyViolation {
        version: m.version,
        file: m.up.file.to_string(),
        violations,
    })
}

/// Copies the database with SQLite's online backup API; returns where to.
fn take_backup(conn: &Connection, backup: &Backup) -> Result<Option<PathBuf>> {
    let path = match backup {
        Backup::None => return Ok(None),
        Backup::To(path) if path.exists() => {
            return Err(Error::BackupExists { path: path.clone() });
        }
        Backup::To(path) => path.clone(),
        Backup::Beside => beside(conn)?,
    };
    backup_to(conn, &path)?;
    Ok(Some(path))
}

/// Copies the database behind `conn` to `path` with SQLite's online backup
/// API, which copies a consistent snapshot while other connections keep working.
///
/// # Errors
/// [`Error::Backup`] when the file cannot be written.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE a (x); INSERT INTO a VALUES (1);")?;
/// driftless::backup_to(&conn, &dir.path().join("copy.db"))?;
/// let copy = rusqlite::Connection::open(dir.path().join("copy.db"))?;
/// assert_eq!(copy.query_row("SELECT x FROM a", [], |r| r.get::<_, i64>(0))?, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn backup_to(conn: &Connection, path: &Path) -> Result<()> {
    conn.backup(MAIN_DB, path, None::<fn(rusqlite::backup::Progress)>)
        .map_err(|source| Error::Backup {
            path: path.to_path_buf(),
            source,
        })
}

/// `<database>.<UTC timestamp>.bak` beside the database file.
fn beside(conn: &Connection) -> Result<PathBuf> {
    let db = conn
        .path()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::Backup {
            path: PathBuf::from(":memory:"),
            source: rusqlite::Error::InvalidPath(PathBuf::from(":memory:")),
        })?;
    let stamp: String =
        conn.query_row("SELECT strftime('%Y%m%d-%H%M%S', 'now')", [], |r| r.get(0))?;
    let mut path = PathBuf::from(format!("{db}.{stamp}.bak"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = PathBuf::from(format!("{db}.{stamp}-{n}.bak"));
    }
    Ok(path)
}

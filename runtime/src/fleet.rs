//! Many databases, one migration set: a database per tenant (per user, per
//! customer, per device), migrated, read or rehearsed in parallel.
//!
//! Each database is migrated exactly as [`Migrations::upgrade_with`]
//! migrates one (its own lock, a transaction per migration, a backup if
//! asked), so a crash or a failure leaves every database at its old version
//! or its new one. Nothing is kept per database: each outcome goes to the
//! caller's closure as it happens, so memory stays flat in the number of
//! databases.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use driftless_migrations::Schema;
use driftless_migrations::diff::{Difference, diff};
use rusqlite::{Connection, OpenFlags};

use crate::dry_run::DryRun;
use crate::error::{Error, Result};
use crate::migrate::{Options, Report};
use crate::set::Migrations;
use crate::status::Status;

/// Migrates, reads or rehearses many databases with one migration set; made
/// by [`Migrations::fleet`].
///
/// ```
/// use driftless::fleet::Outcome;
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
/// let migrations = driftless::Migrations::from_dir(dir.path())?;
/// let tenants: Vec<_> = (1..=3).map(|i| dir.path().join(format!("tenant{i}.db"))).collect();
/// for t in &tenants {
///     rusqlite::Connection::open(t)?; // the tenants' databases exist
/// }
/// let tally = migrations.fleet().jobs(2).upgrade(tenants, |tenant| {
///     if let Outcome::Done(upgraded) = &tenant.outcome {
///         assert_eq!(upgraded.after, Some(1));
///     }
/// });
/// assert_eq!((tally.done, tally.failed), (3, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Fleet<'a> {
    set: &'a Migrations,
    jobs: usize,
    canary: usize,
    keep_going: bool,
    create: bool,
    to: Option<u64>,
    options: Options,
}

/// One database's outcome, as [`Fleet`] reports it.
#[derive(Debug)]
pub struct Tenant<T> {
    /// The database file.
    pub path: PathBuf,
    /// What happened to it.
    pub outcome: Outcome<T>,
    /// How long its work took (zero when skipped).
    pub took: Duration,
}

/// What happened to one database of a fleet.
#[derive(Debug)]
pub enum Outcome<T> {
    /// Its work was done.
    Done(T),
    /// It failed: for an upgrade, the migrations before the failing one
    /// stay applied (the error is [`Error::Stopped`] then) and the failing
    /// one was rolled back.
    Failed(Error),
    /// Not started: a failure stopped new work first (see [`Fleet::keep_going`]).
    Skipped,
}

/// What an upgrade did to one database.
#[derive(Debug)]
pub struct Upgraded {
    /// Its version before (`None`: nothing applied).
    pub before: Option<u64>,
    /// Its version after.
    pub after: Option<u64>,
    /// The migrations run and the backup taken.
    pub report: Report,
}

/// Where one database stands, and how its schema differs from the one its
/// applied migrations produce.
#[derive(Debug)]
pub struct Standing {
    /// Its status.
    pub status: Status,
    /// Its drift: what [`Migrations::verify`] reports (empty: none).
    pub drift: Vec<Difference>,
}

impl Standing {
    /// Whether it needs attention: unknown, modified or unfinished
    /// migrations, out-of-order pending ones, or drift.
    ///
    /// ```
    /// let ok = driftless::fleet::Standing { status: Default::default(), drift: vec![] };
    /// assert!(!ok.needs_attention());
    /// ```
    pub fn needs_attention(&self) -> bool {
        self.status.problem().is_some()
            || !self.status.out_of_order.is_empty()
            || !self.drift.is_empty()
    }
}

/// How a fleet's work went, counted; the details went to the closure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Databases done.
    pub done: usize,
    /// Databases that failed.
    pub failed: usize,
    /// Databases not started because a failure stopped new work.
    pub skipped: usize,
    /// Whether the canaries failed, so the rest were not started.
    pub canary_failed: bool,
}

impl Migrations {
    /// A [`Fleet`] of databases to migrate with this set: by default as
    /// many jobs as cores, no canary, the first failure stops new work.
    ///
    /// ```
    /// static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// let fleet = NONE.fleet().jobs(8).canary(10).keep_going(true);
    /// # let _ = fleet;
    /// ```
    pub fn fleet(&self) -> Fleet<'_> {
        Fleet {
            set: self,
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
            canary: 0,
            keep_going: false,
            create: false,
            to: None,
            options: Options::default(),
        }
    }
}

impl<'a> Fleet<'a> {
    /// How many databases to work on at once (at least 1).
    ///
    /// ```
    /// # static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// let fleet = NONE.fleet().jobs(4);
    /// # let _ = fleet;
    /// ```
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs.max(1);
        self
    }

    /// Upgrade (or rehearse) the first `k` databases first, and stop before
    /// the rest if any of them fails, even with [`keep_going`](Self::keep_going).
    ///
    /// ```
    /// # static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// let fleet = NONE.fleet().canary(5);
    /// # let _ = fleet;
    /// ```
    pub fn canary(mut self, k: usize) -> Self {
        self.canary = k;
        self
    }

    /// Whether an upgrade (or rehearsal) goes on after a database fails.
    /// By default the first failure stops new work: databases already
    /// started finish, the rest are [`Outcome::Skipped`].
    ///
    /// ```
    /// # static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// let fleet = NONE.fleet().keep_going(true);
    /// # let _ = fleet;
    /// ```
    pub fn keep_going(mut self, keep_going: bool) -> Self {
        self.keep_going = keep_going;
        self
    }

    /// Whether an upgrade creates a database that does not exist (a new
    /// tenant); by default a missing file is a failure, [`Error::NoDatabase`].
    ///
    /// ```
    /// # static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// let fleet = NONE.fleet().create_missing(true);
    /// # let _ = fleet;
    /// ```
    pub fn create_missing(mut self, create: bool) -> Self {
        self.create = create;
        self
    }

    /// Upgrade (or rehearse) only up to this version.
    ///
    /// ```
    /// # static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// let fleet = NONE.fleet().to(Some(3));
    /// # let _ = fleet;
    /// ```
    pub fn to(mut self, version: Option<u64>) -> Self {
        self.to = version;
        self
    }

    /// How each database is migrated: backup (beside each database, or
    /// none), out-of-order migrations, the busy timeout.
    ///
    /// ```
    /// use driftless::{Backup, Options};
    /// # static NONE: driftless::Migrations = driftless::Migrations::from_static(&[]);
    /// let fleet = NONE.fleet().options(Options { backup: Backup::Beside, ..Options::default() });
    /// # let _ = fleet;
    /// ```
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Upgrades every database, `jobs` at a time, telling `each` how each
    /// one went as it finishes (on the worker's thread), skipped ones last.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let missing = dir.path().join("gone.db");
    /// let tally = migrations.fleet().upgrade([missing], |tenant| {
    ///     assert!(matches!(tenant.outcome, driftless::fleet::Outcome::Failed(driftless::Error::NoDatabase { .. })));
    /// });
    /// assert_eq!(tally.failed, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn upgrade<I>(&self, databases: I, each: impl Fn(&Tenant<Upgraded>) + Sync) -> Tally
    where
        I: IntoIterator<Item = PathBuf>,
        I::IntoIter: Send,
    {
        let set = self.set;
        let upgrade = |path: &Path| {
            let mut conn = self.open(path, Access::Write)?;
            driftless_migrations::busy_timeout(&conn, self.options.busy_timeout)?;
            let before = set.status(&conn)?.current;
            let after = |report: &Report| {
                set.newest(
                    before
                        .into_iter()
                        .chain(report.ran.iter().map(|r| r.version)),
                )
            };
            match set.upgrade_with(&mut conn, self.to, &self.options) {
                Ok(report) => Ok(Upgraded {
                    before,
                    after: after(&report),
                    report,
                }),
                Err(e) => Err(e),
            }
        };
        self.run(databases, true, upgrade, each)
    }

    /// Reads where every database stands, and its drift; never stops early
    /// and never writes.
    ///
    /// The schema each database's applied migrations produce is replayed
    /// once per distinct history, not once per database.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let db = dir.path().join("tenant.db");
    /// rusqlite::Connection::open(&db)?.execute_batch("CREATE TABLE stray (x)")?;
    /// migrations.fleet().status([db], |tenant| {
    ///     let driftless::fleet::Outcome::Done(standing) = &tenant.outcome else { panic!() };
    ///     assert_eq!(standing.status.pending.len(), 1);
    ///     assert_eq!(standing.drift.len(), 1); // table stray
    /// });
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn status<I>(&self, databases: I, each: impl Fn(&Tenant<Standing>) + Sync) -> Tally
    where
        I: IntoIterator<Item = PathBuf>,
        I::IntoIter: Send,
    {
        let expected = Expected::default();
        let read = |path: &Path| {
            let conn = self.open(path, Access::Read)?;
            let status = self.set.status(&conn)?;
            let schema = expected.get(self.set, &status)?;
            let live = self.set.live_schema(&conn)?;
            Ok(Standing {
                drift: diff(&schema, &live),
                status,
            })
        };
        self.run(databases, false, read, each)
    }

    /// Rehearses the pending migrations on a copy of every database, as
    /// [`Migrations::rehearse_with`] does for one; the databases are only
    /// read. A database where a migration would fail counts as failed
    /// (and stops new work unless [`keep_going`](Self::keep_going)).
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let db = dir.path().join("tenant.db");
    /// rusqlite::Connection::open(&db)?;
    /// let tally = migrations.fleet().rehearse([db.clone()], |tenant| {
    ///     let driftless::fleet::Outcome::Done(dry) = &tenant.outcome else { panic!() };
    ///     assert_eq!(dry.steps.len(), 1);
    /// });
    /// assert_eq!(tally.done, 1);
    /// assert_eq!(migrations.status(&rusqlite::Connection::open(&db)?)?.current, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rehearse<I>(&self, databases: I, each: impl Fn(&Tenant<DryRun>) + Sync) -> Tally
    where
        I: IntoIterator<Item = PathBuf>,
        I::IntoIter: Send,
    {
        let rehearse = |path: &Path| {
            let conn = self.open(path, Access::Read)?;
            self.set.rehearse_with(&conn, self.to, &self.options)
        };
        let judged = |tenant: &Tenant<DryRun>| matches!(&tenant.outcome, Outcome::Done(dry) if dry.failed().is_some());
        self.run_judged(databases, true, rehearse, judged, each)
    }

    fn open(&self, path: &Path, access: Access) -> Result<Connection> {
        let exists = path.is_file();
        let may_create = self.create && access == Access::Write;
        if !exists && !may_create {
            return Err(Error::NoDatabase {
                path: path.to_path_buf(),
            });
        }
        let flags = match access {
            Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
            Access::Write if exists => OpenFlags::SQLITE_OPEN_READ_WRITE,
            Access::Write => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        };
        let conn = Connection::open_with_flags(
            path,
            flags | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )?;
        // a file that is not a database opens; its first read fails
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        Ok(conn)
    }

    fn run<T: Send>(
        &self,
        databases: impl IntoIterator<Item = PathBuf, IntoIter: Send>,
        stops: bool,
        work: impl Fn(&Path) -> Result<T> + Sync,
        each: impl Fn(&Tenant<T>) + Sync,
    ) -> Tally {
        self.run_judged(databases, stops, work, |_| false, each)
    }

    /// The worker pool: canaries first, then the rest, `jobs` at a time;
    /// `failed` judges a database whose work returned as failed all the same
    /// (a rehearsal where a migration would fail). When `stops`, a failure
    /// stops new work unless `keep_going`.
    fn run_judged<T: Send>(
        &self,
        databases: impl IntoIterator<Item = PathBuf, IntoIter: Send>,
        stops: bool,
        work: impl Fn(&Path) -> Result<T> + Sync,
        failed: impl Fn(&Tenant<T>) -> bool + Sync,
        each: impl Fn(&Tenant<T>) + Sync,
    ) -> Tally {
        let mut queue = databases.into_iter();
        let stop = AtomicBool::new(false);
        let counts = Counts::default();
        let pool = Pool {
            jobs: self.jobs,
            stop: &stop,
            stop_on_failure: stops && !self.keep_going,
            counts: &counts,
        };
        let mut canary_failed = false;
        if stops && self.canary > 0 {
            let canaries: Vec<PathBuf> = queue.by_ref().take(self.canary).collect();
            pool.drain(canaries.into_iter(), &work, &failed, &each);
            canary_failed = counts.failed.load(Ordering::Relaxed) > 0;
            if canary_failed {
                stop.store(true, Ordering::Relaxed);
            }
        }
        pool.drain(queue, &work, &failed, &each);
        Tally {
            done: counts.done.load(Ordering::Relaxed),
            failed: counts.failed.load(Ordering::Relaxed),
            skipped: counts.skipped.load(Ordering::Relaxed),
            canary_failed,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

#[derive(Default)]
struct Counts {
    done: AtomicUsize,
    failed: AtomicUsize,
    skipped: AtomicUsize,
}

struct Pool<'s> {
    jobs: usize,
    stop: &'s AtomicBool,
    stop_on_failure: bool,
    counts: &'s Counts,
}

impl Pool<'_> {
    /// Works through `queue` with `jobs` threads; once `stop` is set, what
    /// is left is reported skipped.
    fn drain<T: Send>(
        &self,
        queue: impl Iterator<Item = PathBuf> + Send,
        work: &(impl Fn(&Path) -> Result<T> + Sync),
        failed: &(impl Fn(&Tenant<T>) -> bool + Sync),
        each: &(impl Fn(&Tenant<T>) + Sync),
    ) {
        let queue = Mutex::new(queue);
        let next = || queue.lock().ok().and_then(|mut q| q.next());
        std::thread::scope(|scope| {
            for _ in 0..self.jobs {
                scope.spawn(|| {
                    while !self.stop.load(Ordering::Relaxed) {
                        let Some(path) = next() else { return };
                        let started = Instant::now();
                        let outcome = match work(&path) {
                            Ok(value) => Outcome::Done(value),
                            Err(e) => Outcome::Failed(e),
                        };
                        let tenant = Tenant {
                            path,
                            outcome,
                            took: started.elapsed(),
                        };
                        let bad = matches!(tenant.outcome, Outcome::Failed(_)) || failed(&tenant);
                        let count = if bad {
                            &self.counts.failed
                        } else {
                            &self.counts.done
                        };
                        count.fetch_add(1, Ordering::Relaxed);
                        if bad && self.stop_on_failure {
                            self.stop.store(true, Ordering::Relaxed);
                        }
                        each(&tenant);
                    }
                });
            }
        });
        while let Some(path) = next() {
            self.counts.skipped.fetch_add(1, Ordering::Relaxed);
            each(&Tenant {
                path,
                outcome: Outcome::Skipped,
                took: Duration::ZERO,
            });
        }
    }
}

/// The schemas histories produce, replayed once per distinct history.
#[derive(Default)]
struct Expected {
    schemas: Mutex<HashMap<Vec<u64>, Arc<Schema>>>,
}

impl Expected {
    fn get(&self, set: &Migrations, status: &Status) -> Result<Arc<Schema>> {
        let key: Vec<u64> = status.applied.iter().map(|a| a.version).collect();
        if let Some(schema) = self.schemas.lock().ok().and_then(|s| s.get(&key).cloned()) {
            return Ok(schema);
        }
        // replayed outside the lock: two workers may replay the same history once each
        let schema = Arc::new(set.schema_after(key.iter().copied())?);
        if let Ok(mut schemas) = self.schemas.lock() {
            schemas.insert(key, Arc::clone(&schema));
        }
        Ok(schema)
    }
}

//! Migrators racing each other, killed halfway, and waiting for a busy
//! database: against real SQLite files, from threads and from child
//! processes.
//!
//! Child processes are this test binary run again with `--exact
//! child_upgrade --ignored`: [`child_upgrade`] does nothing unless the
//! parent passed it a database and a migration directory in the environment.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::{Arc, Barrier, Mutex, MutexGuard, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use driftless::Migrations;
use driftless::rusqlite::{self, Connection, OptionalExtension};

/// The database a child process upgrades.
const CHILD_DB: &str = "DRIFTLESS_CHILD_DB";
/// The migration directory a child process reads.
const CHILD_DIR: &str = "DRIFTLESS_CHILD_DIR";
/// When set, a child opens the database, says [`READY_MARKER`] and waits
/// for a line on stdin before it upgrades: so that children and threads start
/// at the same moment, not a process start-up apart.
const CHILD_WAIT: &str = "DRIFTLESS_CHILD_WAIT";
/// What a waiting child prints once it is ready to start.
const READY_MARKER: &str = "DRIFTLESS_CHILD_READY";
/// What a child prints before the versions it ran.
const RAN_MARKER: &str = "DRIFTLESS_CHILD_RAN=";
/// When set to N, [`CHILD_DB`] is a directory and the child upgrades its N
/// tenant databases as a fleet, two at a time.
const CHILD_FLEET: &str = "DRIFTLESS_CHILD_FLEET";

/// The two heavy tests measure time and load both cores: run them one at a
/// time so that neither skews the other's timing.
static HEAVY: Mutex<()> = Mutex::new(());

fn heavy() -> MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Not a test of its own: the child process the other tests start.
#[test]
#[ignore = "run as a child process by the other tests in this file"]
fn child_upgrade() {
    let (Some(db), Some(dir)) = (std::env::var_os(CHILD_DB), std::env::var_os(CHILD_DIR)) else {
        return;
    };
    let migrations = Migrations::from_dir(&dir).expect("child: read the migration directory");
    if let Some(n) = std::env::var(CHILD_FLEET).ok().and_then(|n| n.parse().ok()) {
        let tally = migrations
            .fleet()
            .jobs(2)
            .create_missing(true)
            .upgrade(tenants(Path::new(&db), n), |_| {});
        assert_eq!(tally.failed, 0, "child: a tenant failed");
        println!("\n{RAN_MARKER}{}", tally.done);
        return;
    }
    let mut conn = Connection::open(&db).expect("child: open the database");
    if std::env::var_os(CHILD_WAIT).is_some() {
        // on a line of its own: libtest may have printed `test child_upgrade ... ` already
        println!("\n{READY_MARKER}");
        let mut go = String::new();
        std::io::stdin()
            .read_line(&mut go)
            .expect("child: wait for the parent's go");
    }
    let report = migrations
        .upgrade(&mut conn)
        .unwrap_or_else(|e| panic!("child: upgrade failed: {e}"));
    let ran: Vec<String> = report.ran.iter().map(|r| r.version.to_string()).collect();
    // on a line of its own: libtest may have printed `test child_upgrade ... ` already
    println!("\n{RAN_MARKER}{}", ran.join(","));
}

/// This test binary as a child that upgrades `db` with `dir`.
fn child_command(db: &Path, dir: &Path) -> Command {
    let exe = std::env::current_exe().expect("path of the test binary");
    let mut command = Command::new(exe);
    command
        .args(["--exact", "child_upgrade", "--ignored", "--nocapture"])
        .env(CHILD_DB, db)
        .env(CHILD_DIR, dir)
        .stderr(Stdio::piped());
    command
}

/// Starts a child that upgrades `db` with `dir` at once.
fn spawn_child(db: &Path, dir: &Path, stdout: Stdio) -> Child {
    child_command(db, dir)
        .stdout(stdout)
        .spawn()
        .expect("start a child process")
}

/// A child that has opened the database and waits for [`WaitingChild::go`].
struct WaitingChild {
    child: Child,
    stdout: BufReader<ChildStdout>,
    /// What it printed up to [`READY_MARKER`].
    printed: String,
}

impl WaitingChild {
    fn spawn(db: &Path, dir: &Path) -> WaitingChild {
        let mut child = child_command(db, dir)
            .env(CHILD_WAIT, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start a child process");
        let mut stdout = BufReader::new(child.stdout.take().expect("the child's stdout"));
        let mut printed = String::new();
        while !printed.contains(READY_MARKER) {
            let read = stdout
                .read_line(&mut printed)
                .expect("read the child's stdout");
            assert!(read > 0, "the child exited before it was ready:\n{printed}");
        }
        WaitingChild {
            child,
            stdout,
            printed,
        }
    }

    fn go(&mut self) {
        let stdin = self.child.stdin.as_mut().expect("the child's stdin");
        stdin.write_all(b"go\n").expect("tell the child to go");
        stdin.flush().expect("tell the child to go");
    }

    fn wait(mut self) -> Output {
        self.stdout
            .read_to_string(&mut self.printed)
            .expect("read the child's stdout");
        let mut output = self.child.wait_with_output().expect("wait for a child");
        output.stdout = self.printed.into_bytes();
        output
    }
}

/// Checks that a child succeeded and really ran `child_upgrade`; returns
/// the versions it applied.
fn child_ran(name: &str, output: &Output) -> Vec<u64> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert!(
        stdout.contains("1 passed"),
        "{name} did not run child_upgrade:\n{stdout}"
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once(RAN_MARKER).map(|(_, rest)| rest))
        .unwrap_or_else(|| panic!("{name} did not report what it ran:\n{stdout}"));
    line.split(',')
        .filter(|v| !v.is_empty())
        .map(|v| v.trim().parse().expect("a version the child printed"))
        .collect()
}

/// Writes `files` into `<root>/migrations` and returns that directory.
fn write_migrations(root: &Path, files: &[(&str, String)]) -> PathBuf {
    let dir = root.join("migrations");
    std::fs::create_dir_all(&dir).expect("create the migration directory");
    for (name, sql) in files {
        std::fs::write(dir.join(name), sql).expect("write a migration file");
    }
    dir
}

/// The versions the history records, oldest first (none without a history table).
fn history(conn: &Connection) -> Vec<u64> {
    if !table_exists(conn, driftless::HISTORY_TABLE) {
        return Vec::new();
    }
    let mut stmt = conn
        .prepare("SELECT version FROM _driftless_migrations ORDER BY version")
        .expect("prepare the history query");
    stmt.query_map([], |r| r.get::<_, i64>(0))
        .expect("read the history")
        .map(|v| u64::try_from(v.expect("a history row")).expect("a non-negative version"))
        .collect()
}

fn table_exists(conn: &Connection, name: &str) -> bool {
    conn.query_row(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, String>(0),
    )
    .optional()
    .expect("query sqlite_schema")
    .is_some()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count rows")
}

/// Rows the slow migration of the race test inserts.
const RACE_ROWS: i64 = 200_000;

/// Six migrations that each log themselves; the third is slow.
fn race_migrations() -> Vec<(&'static str, String)> {
    let log = |v: &str| format!("INSERT INTO log (migration) VALUES ('{v}');\n");
    vec![
        (
            "0001_create_log.sql",
            format!(
                "CREATE TABLE log (id INTEGER PRIMARY KEY, migration TEXT NOT NULL);\n{}",
                log("0001")
            ),
        ),
        (
            "0002_create_games.sql",
            format!(
                "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n{}",
                log("0002")
            ),
        ),
        (
            "0003_fill_scratch.sql",
            format!(
                "CREATE TABLE scratch (n INTEGER PRIMARY KEY, s TEXT NOT NULL);\n\
                 WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {RACE_ROWS})\n\
                 INSERT INTO scratch (n, s) SELECT n, hex(randomblob(16)) FROM c;\n\
                 CREATE INDEX scratch_s ON scratch (s);\n{}",
                log("0003")
            ),
        ),
        (
            "0004_add_score.sql",
            format!(
                "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n{}",
                log("0004")
            ),
        ),
        (
            "0005_index_games.sql",
            format!("CREATE INDEX games_name ON games (name);\n{}", log("0005")),
        ),
        (
            "0006_create_players.sql",
            format!(
                "CREATE TABLE players (id INTEGER PRIMARY KEY, game_id INTEGER NOT NULL REFERENCES games (id));\n{}",
                log("0006")
            ),
        ),
    ]
}

#[test]
fn eight_threads_and_four_processes_apply_each_migration_once() {
    const THREADS: usize = 8;
    const PROCESSES: usize = 4;
    let _heavy = heavy();
    let started = Instant::now();
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = write_migrations(tmp.path(), &race_migrations());
    let db = tmp.path().join("app.db");
    let migrations = Migrations::from_dir(&dir).expect("read migrations");
    assert_eq!(migrations.len(), 6);

    let barrier = Arc::new(Barrier::new(THREADS + 1));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            let migrations = migrations.clone();
            let db = db.clone();
            thread::spawn(move || {
                let mut conn = Connection::open(&db).expect("thread: open the database");
                barrier.wait();
                migrations
                    .upgrade(&mut conn)
                    .map(|report| report.ran.iter().map(|r| r.version).collect::<Vec<_>>())
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    let mut children: Vec<WaitingChild> = (0..PROCESSES)
        .map(|_| WaitingChild::spawn(&db, &dir))
        .collect();
    for child in &mut children {
        child.go();
    }
    barrier.wait();

    let mut ran_by: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (i, handle) in threads.into_iter().enumerate() {
        let result = handle.join().expect("a migrator thread panicked");
        let ran = result.unwrap_or_else(|e| panic!("thread {i}: upgrade failed: {e}"));
        ran_by.insert(format!("thread {i}"), ran);
    }
    for (i, child) in children.into_iter().enumerate() {
        let name = format!("process {i}");
        let ran = child_ran(&name, &child.wait());
        ran_by.insert(name, ran);
    }
    eprintln!("who ran what: {ran_by:?} ({:?})", started.elapsed());

    // each migration ran in exactly one migrator
    let mut all: Vec<u64> = ran_by.values().flatten().copied().collect();
    all.sort_unstable();
    assert_eq!(
        all,
        [1, 2, 3, 4, 5, 6],
        "migrations run, over all migrators"
    );

    let conn = Connection::open(&db).expect("open the database");
    assert_eq!(history(&conn), [1, 2, 3, 4, 5, 6]);
    let mut stmt = conn
        .prepare("SELECT migration, count(*) FROM log GROUP BY migration ORDER BY migration")
        .expect("prepare the log query");
    let log: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("read the log")
        .collect::<rusqlite::Result<_>>()
        .expect("a log row");
    let expected: Vec<(String, i64)> = (1..=6).map(|v| (format!("{v:04}"), 1)).collect();
    assert_eq!(log, expected, "each migration's own insert ran once");
    assert_eq!(count(&conn, "log"), 6);
    assert_eq!(count(&conn, "scratch"), RACE_ROWS);
    let status = migrations.status(&conn).expect("status");
    assert!(status.is_up_to_date(), "{status:?}");
    assert_eq!(status.current, Some(6));
}

/// Rows the long migration of the kill test inserts.
const BIG_ROWS: i64 = 400_000;

fn kill_migrations() -> Vec<(&'static str, String)> {
    vec![
        (
            "0001_create_a.sql",
            "CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a DEFAULT VALUES;\n".into(),
        ),
        (
            "0002_create_b.sql",
            "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id));\n".into(),
        ),
        (
            "0003_fill_big.sql",
            format!(
                "CREATE TABLE big (n INTEGER PRIMARY KEY, s TEXT NOT NULL);\n\
                 WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {BIG_ROWS})\n\
                 INSERT INTO big (n, s) SELECT n, hex(randomblob(8)) FROM c;\n\
                 CREATE TABLE after_big (id INTEGER PRIMARY KEY);\n"
            ),
        ),
        (
            "0004_create_d.sql",
            "CREATE TABLE d (id INTEGER PRIMARY KEY);\n".into(),
        ),
    ]
}

/// Checks a database a child was killed on; returns its history.
fn check_consistent(conn: &Connection, run: usize) -> Vec<u64> {
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(integrity, "ok", "run {run}: integrity_check");
    let applied = history(conn);
    let k = u64::try_from(applied.len()).expect("a small history");
    assert_eq!(
        applied,
        (1..=k).collect::<Vec<_>>(),
        "run {run}: the history is not a prefix of the versions"
    );
    let recorded = |v: u64| applied.contains(&v);
    for (table, version) in [("a", 1), ("b", 2), ("big", 3), ("after_big", 3), ("d", 4)] {
        assert_eq!(
            table_exists(conn, table),
            recorded(version),
            "run {run}: table `{table}` exists iff migration {version} is recorded (history {applied:?})"
        );
    }
    if recorded(1) {
        assert_eq!(count(conn, "a"), 1, "run {run}: rows of a");
    }
    if recorded(3) {
        assert_eq!(count(conn, "big"), BIG_ROWS, "run {run}: rows of big");
    }
    applied
}

#[test]
fn killed_in_the_middle_of_a_long_migration_leaves_a_consistent_database() {
    const RUNS: u32 = 20;
    let _heavy = heavy();
    let started = Instant::now();
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = write_migrations(tmp.path(), &kill_migrations());
    let migrations = Migrations::from_dir(&dir).expect("read migrations");

    // an uninterrupted run, to know how long a child takes
    let db = tmp.path().join("measure.db");
    let t = Instant::now();
    let output = spawn_child(&db, &dir, Stdio::piped())
        .wait_with_output()
        .expect("wait for the measuring child");
    let full = t.elapsed();
    assert_eq!(child_ran("measuring child", &output), [1, 2, 3, 4]);
    let conn = Connection::open(&db).expect("open the measured database");
    assert_eq!(check_consistent(&conn, 0), [1, 2, 3, 4]);
    drop(conn);
    eprintln!("an uninterrupted child takes {full:?}");

    let mut by_history: BTreeMap<usize, u32> = BTreeMap::new();
    let mut in_the_middle = 0;
    for i in 0..RUNS {
        let db = tmp.path().join(format!("killed-{i}.db"));
        let journal = tmp.path().join(format!("killed-{i}.db-journal"));
        let mut child = spawn_child(&db, &dir, Stdio::null());
        thread::sleep(full.mul_f64((f64::from(i) + 0.5) / f64::from(RUNS)));
        child.kill().expect("kill the child");
        let status = child.wait().expect("wait for the killed child");
        let journal_left = journal.exists();

        let mut conn = Connection::open(&db).expect("open the killed database");
        let applied = check_consistent(&conn, usize::try_from(i).expect("small"));
        *by_history.entry(applied.len()).or_default() += 1;
        if applied == [1, 2] && journal_left {
            in_the_middle += 1;
        }
        eprintln!("run {i}: {status}, history {applied:?}, hot journal: {journal_left}");

        let report = migrations
            .upgrade(&mut conn)
            .unwrap_or_else(|e| panic!("run {i}: upgrade after the kill failed: {e}"));
        let ran: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
        let rest: Vec<u64> = (1..=4).filter(|v| !applied.contains(v)).collect();
        assert_eq!(ran, rest, "run {i}: the upgrade after the kill");
        assert_eq!(
            check_consistent(&conn, usize::try_from(i).expect("small")),
            [1, 2, 3, 4]
        );
        assert!(migrations.status(&conn).expect("status").is_up_to_date());
    }
    eprintln!(
        "killed {RUNS} times: {in_the_middle} inside migration 3; \
         histories by length {by_history:?}; took {:?}",
        started.elapsed()
    );
    assert!(
        in_the_middle >= 5,
        "only {in_the_middle} of {RUNS} kills landed inside migration 3 (a child takes {full:?})"
    );
}

/// The tenant databases of a fleet in `dir`.
fn tenants(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n).map(|i| dir.join(format!("tenant-{i}.db"))).collect()
}

#[test]
fn killed_during_a_fleet_upgrade_every_database_is_at_a_recorded_version() {
    const RUNS: u32 = 6;
    const TENANTS: usize = 6;
    let _heavy = heavy();
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = write_migrations(tmp.path(), &kill_migrations());
    let migrations = Migrations::from_dir(&dir).expect("read migrations");
    let fleet_child = |at: &Path, stdout: Stdio| {
        std::fs::create_dir(at).expect("create the fleet's directory");
        child_command(at, &dir)
            .env(CHILD_FLEET, TENANTS.to_string())
            .stdout(stdout)
            .spawn()
            .expect("start a child process")
    };

    // an uninterrupted fleet, to know how long a child takes
    let t = Instant::now();
    let output = fleet_child(&tmp.path().join("measure"), Stdio::piped())
        .wait_with_output()
        .expect("wait for the measuring child");
    let full = t.elapsed();
    assert_eq!(child_ran("measuring child", &output), [6]);

    // how many tenants were caught between their first and their last migration
    let mut partway = 0;
    let mut histories: BTreeMap<usize, u32> = BTreeMap::new();
    for i in 0..RUNS {
        let at = tmp.path().join(format!("killed-{i}"));
        let mut child = fleet_child(&at, Stdio::null());
        thread::sleep(full.mul_f64((f64::from(i) + 0.5) / f64::from(RUNS)));
        child.kill().expect("kill the child");
        child.wait().expect("wait for the killed child");
        let run = usize::try_from(i).expect("small");
        for db in tenants(&at, TENANTS).iter().filter(|db| db.exists()) {
            let conn = Connection::open(db).expect("open a killed tenant");
            let applied = check_consistent(&conn, run);
            *histories.entry(applied.len()).or_default() += 1;
            if (1..4).contains(&applied.len()) {
                partway += 1;
            }
        }
        // the next fleet upgrade brings every tenant to the newest version
        let tally =
            migrations
                .fleet()
                .create_missing(true)
                .upgrade(tenants(&at, TENANTS), |tenant| {
                    assert!(
                        matches!(tenant.outcome, driftless::fleet::Outcome::Done(_)),
                        "run {i}: {tenant:?}"
                    );
                });
        assert_eq!(tally.done, TENANTS);
        for db in tenants(&at, TENANTS) {
            let conn = Connection::open(&db).expect("open a tenant");
            assert_eq!(check_consistent(&conn, run), [1, 2, 3, 4]);
        }
    }
    eprintln!("killed a fleet {RUNS} times: tenants by history length {histories:?}");
    assert!(
        partway >= 2,
        "only {partway} tenants were caught partway (a fleet takes {full:?}): {histories:?}"
    );
}

#[test]
fn busy_database_is_waited_for() {
    const HOLD: Duration = Duration::from_millis(1000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = write_migrations(
        tmp.path(),
        &[
            (
                "0001_create_games.sql",
                "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n".into(),
            ),
            (
                "0002_add_score.sql",
                "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n".into(),
            ),
        ],
    );
    let db = tmp.path().join("app.db");
    let migrations = Migrations::from_dir(&dir).expect("read migrations");
    let setup = Connection::open(&db).expect("open the database");
    setup
        .execute_batch("CREATE TABLE app (note TEXT NOT NULL)")
        .expect("create the app's table");
    drop(setup);

    let (locked_tx, locked_rx) = mpsc::channel();
    let holder = {
        let db = db.clone();
        thread::spawn(move || -> rusqlite::Result<()> {
            let conn = Connection::open(&db)?;
            conn.busy_timeout(Duration::from_secs(30))?;
            conn.execute_batch("BEGIN IMMEDIATE; INSERT INTO app (note) VALUES ('held');")?;
            locked_tx
                .send(Instant::now())
                .expect("tell the test the lock is held");
            thread::sleep(HOLD);
            conn.execute_batch("COMMIT")
        })
    };
    let locked_at = locked_rx.recv().expect("the holder took the lock");

    let mut conn = Connection::open(&db).expect("open a second connection");
    let report = migrations
        .upgrade(&mut conn)
        .unwrap_or_else(|e| panic!("upgrade on a busy database failed: {e}"));
    let waited = locked_at.elapsed();
    holder
        .join()
        .expect("the holder thread panicked")
        .expect("the holder's transaction");

    let ran: Vec<u64> = report.ran.iter().map(|r| r.version).collect();
    assert_eq!(ran, [1, 2]);
    assert!(
        waited >= HOLD.mul_f64(0.9),
        "the upgrade finished after {waited:?}, before the lock was released"
    );
    assert_eq!(history(&conn), [1, 2]);
    let note: String = conn
        .query_row("SELECT note FROM app", [], |r| r.get(0))
        .expect("the holder's row");
    assert_eq!(note, "held");
    assert!(migrations.status(&conn).expect("status").is_up_to_date());
    eprintln!("upgrade waited {waited:?} for a {HOLD:?} write lock");
}

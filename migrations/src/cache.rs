//! The prefix cache: replayed databases kept between builds, so that adding
//! or editing a migration replays only what follows the last unchanged one.
//!
//! A checkpoint is the sandbox as it stood after the first `i` migrations,
//! saved with SQLite's backup API under the *chain* of their contents: a
//! hash over SQLite's version, this format, and every up script (and
//! whether it runs in a transaction) from the first through the `i`-th.
//! Editing, inserting, deleting or reordering a migration changes the
//! chain from that point on, so no later checkpoint matches; a different
//! SQLite changes every key. Renaming a file changes nothing a replay
//! depends on, and keeps its checkpoints.
//!
//! A checkpoint is written to a temporary file and renamed into place, and
//! its name is its content's key: builds running at once (two crates of one
//! workspace reading the same migrations) write the same bytes under the
//! same name, and a reader only ever opens a whole file. Anything that goes
//! wrong with the cache (a missing, unreadable or deleted file, a full disk)
//! falls back to replaying, never to a different result.
//!
//! Connection state that a backup does not carry is kept with the
//! checkpoint or rules it out: the pragmas in [`TRACKED`] are saved in its
//! name and set again on restore; a migration with any other pragma that
//! changes the connection (rather than the file) ends checkpointing for the
//! rest of the history, and no checkpoint is taken while a TEMP object
//! exists.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use crate::discover::{MigrationSet, hex};
use crate::error::Result;
use crate::replay::{finish, run_migration, sandbox, trace};
use crate::snapshot::Snapshot;
use crate::split::split;

/// What the keys depend on besides the scripts: bump it when a replay of
/// the same scripts could give a different database.
const FORMAT: &str = "driftless prefix cache 1";

/// Connection settings that change what later migrations do, saved with
/// each checkpoint (as one digit each, in this order) and restored with it.
pub const TRACKED: [&str; 7] = [
    "foreign_keys",
    "recursive_triggers",
    "legacy_alter_table",
    "ignore_check_constraints",
    "reverse_unordered_selects",
    "trusted_schema",
    "query_only",
];

/// Pragmas that leave nothing behind in the connection that a restored
/// checkpoint would lack: they read, tune performance, or write to the
/// database file itself (which the backup copies).
const HARMLESS: [&str; 37] = [
    "analysis_limit",
    "application_id",
    "auto_vacuum",
    "automatic_index",
    "busy_timeout",
    "cache_size",
    "cache_spill",
    "collation_list",
    "compile_options",
    "data_version",
    "database_list",
    "defer_foreign_keys",
    "foreign_key_check",
    "foreign_key_list",
    "freelist_count",
    "function_list",
    "incremental_vacuum",
    "index_info",
    "index_list",
    "index_xinfo",
    "integrity_check",
    "journal_mode",
    "mmap_size",
    "module_list",
    "optimize",
    "page_count",
    "pragma_list",
    "quick_check",
    "secure_delete",
    "shrink_memory",
    "synchronous",
    "table_info",
    "table_list",
    "table_xinfo",
    "temp_store",
    "threads",
    "user_version",
];

/// Where checkpoints of one migration directory are kept, and how often
/// one is taken.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let cache = driftless_migrations::cache::PrefixCache::new(dir.path().join("cache"));
/// assert_eq!(cache.every(), 100);
/// ```
#[derive(Clone, Debug)]
pub struct PrefixCache {
    dir: PathBuf,
    every: usize,
}

impl PrefixCache {
    /// A cache in `dir` (created when first written), taking a checkpoint
    /// after every 100th migration and after the last two.
    pub fn new(dir: impl Into<PathBuf>) -> PrefixCache {
        PrefixCache {
            dir: dir.into(),
            every: 100,
        }
    }

    /// Takes a checkpoint after every `n`th migration instead (at least 1).
    ///
    /// ```
    /// let cache = driftless_migrations::cache::PrefixCache::new("cache").every_nth(10);
    /// assert_eq!(cache.every(), 10);
    /// ```
    pub fn every_nth(mut self, n: usize) -> PrefixCache {
        self.every = n.max(1);
        self
    }

    /// How often a checkpoint is taken.
    pub fn every(&self) -> usize {
        self.every
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many leading migrations of `set` a replay would restore from
    /// the cache instead of running (0: none).
    ///
    /// ```
    /// use driftless_migrations::cache::{PrefixCache, replay_cached};
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("0001_t.sql"), "CREATE TABLE t (x);").unwrap();
    /// let set = driftless_migrations::discover(dir.path()).unwrap();
    /// let cache = PrefixCache::new(dir.path().join("cache"));
    /// assert_eq!(cache.held_prefix(&set), 0);
    /// replay_cached(&set, &cache).unwrap();
    /// assert_eq!(cache.held_prefix(&set), 1);
    /// ```
    pub fn held_prefix(&self, set: &MigrationSet) -> usize {
        let (keys, usable) = chain(set, rusqlite::version());
        let held = held(&self.dir);
        (1..=usable)
            .rev()
            .find(|&i| held.contains_key(&keys[i - 1]))
            .unwrap_or(0)
    }

    /// Whether a checkpoint is kept after the first `i` of `n` migrations:
    /// the last two (appending a migration, or editing the newest one, then
    /// replays one) and every `every`th (an edit further back replays at
    /// most that many before it).
    fn keeps(&self, i: usize, n: usize) -> bool {
        i > 0 && (i + 1 >= n || i.is_multiple_of(self.every))
    }
}

/// [`replay_database`](crate::replay::replay_database), starting from the
/// longest prefix of the history that `cache` holds, and leaving
/// checkpoints for the next replay. The result is the same as without the
/// cache, whatever the cache holds.
///
/// # Errors
/// As [`replay_database`](crate::replay::replay_database); the cache itself
/// never fails a replay.
///
/// ```
/// use driftless_migrations::cache::{PrefixCache, replay_cached};
/// let dir = tempfile::tempdir().unwrap();
/// let migrations = dir.path().join("migrations");
/// std::fs::create_dir(&migrations).unwrap();
/// std::fs::write(migrations.join("0001_t.sql"), "CREATE TABLE t (id INTEGER PRIMARY KEY);").unwrap();
/// let cache = PrefixCache::new(dir.path().join("cache"));
/// let set = driftless_migrations::discover(&migrations).unwrap();
/// let (_, first) = replay_cached(&set, &cache).unwrap();
/// // a new migration: the replay starts from the checkpoint after 0001
/// std::fs::write(migrations.join("0002_u.sql"), "ALTER TABLE t ADD COLUMN u TEXT;").unwrap();
/// let set = driftless_migrations::discover(&migrations).unwrap();
/// let (_, second) = replay_cached(&set, &cache).unwrap();
/// assert_eq!(second.schema, driftless_migrations::replay(&set).unwrap().schema);
/// assert_eq!(first.schema.tables[0].columns.len() + 1, second.schema.tables[0].columns.len());
/// ```
pub fn replay_cached(set: &MigrationSet, cache: &PrefixCache) -> Result<(Connection, Snapshot)> {
    let started = Instant::now();
    let n = set.migrations.len();
    let (keys, usable) = chain(set, rusqlite::version());
    let held = held(&cache.dir);
    let mut conn = None;
    let mut from = 0;
    for i in (1..=usable).rev() {
        let Some(file) = held.get(&keys[i - 1]) else {
            continue;
        };
        match restore(&cache.dir.join(file)) {
            Ok(restored) => {
                conn = Some(restored);
                from = i;
                break;
            }
            Err(e) => trace(&format!("cache: cannot restore {file}: {e}")),
        }
    }
    let conn = match conn {
        Some(conn) => conn,
        None => sandbox()?,
    };
    for i in from + 1..=n {
        run_migration(&conn, &set.migrations[i - 1])?;
        if i <= usable
            && cache.keeps(i, n)
            && !held.contains_key(&keys[i - 1])
            && let Err(e) = store(&conn, &cache.dir, &keys[i - 1])
        {
            trace(&format!("cache: cannot store a checkpoint: {e}"));
        }
    }
    let kept: Vec<&str> = (1..=usable)
        .filter(|&i| cache.keeps(i, n))
        .map(|i| keys[i - 1].as_str())
        .collect();
    evict(&cache.dir, &kept);
    trace(&format!(
        "cache: replayed {} of {n} migrations in {} us",
        n - from,
        started.elapsed().as_micros()
    ));
    finish(conn, set, started)
}

/// The lines that make the build script's replays as fast as SQLite gets:
/// in the dev profile cargo compiles build scripts and their dependencies
/// (the bundled SQLite among them) without optimisation, which makes a
/// replay about twice as slow as an optimised SQLite. Only the workspace's
/// own `Cargo.toml` can change that; a dependency cannot.
pub const OPTIMIZE_SQLITE: &str = "[profile.dev.package.libsqlite3-sys]\nopt-level = 3\n[profile.dev.package.driftless-migrations]\nopt-level = 3";

/// What to tell a user whose replay of `migrations` took `took`, when that
/// is slow enough to matter (a second or more) and no `Cargo.toml` from
/// `project` up sets a dev-profile `opt-level` for libsqlite3-sys or build
/// scripts: the lines to add to the workspace's `Cargo.toml`.
///
/// ```
/// use std::time::Duration;
/// use driftless_migrations::cache::slow_replay_hint;
/// let project = tempfile::tempdir().unwrap();
/// assert!(slow_replay_hint(1000, Duration::from_millis(300), project.path()).is_none());
/// let hint = slow_replay_hint(1000, Duration::from_millis(1500), project.path()).unwrap();
/// assert!(hint.contains("opt-level = 3"));
/// std::fs::write(project.path().join("Cargo.toml"), "[profile.dev.package.libsqlite3-sys]\nopt-level = 2\n").unwrap();
/// assert!(slow_replay_hint(1000, Duration::from_millis(1500), project.path()).is_none());
/// ```
pub fn slow_replay_hint(migrations: usize, took: Duration, project: &Path) -> Option<String> {
    if took < Duration::from_secs(1) || optimizes_sqlite(project) {
        return None;
    }
    Some(format!(
        "replaying {migrations} migrations took {:.1} s: in the dev profile cargo builds the build script's SQLite without optimisation, \
         which makes it about twice as slow. Add these lines to the workspace's Cargo.toml:\n{OPTIMIZE_SQLITE}\n\
         (with the prefix cache, only a first build, `cargo clean` or an edit to an early migration replays everything)",
        took.as_secs_f64()
    ))
}

/// Whether a `Cargo.toml` in `dir` or above has a dev-profile section for
/// libsqlite3-sys, every package, or build scripts.
fn optimizes_sqlite(dir: &Path) -> bool {
    dir.ancestors().any(|d| {
        std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|manifest| {
            manifest.lines().any(|l| {
                let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
                l.starts_with("[profile.dev.")
                    && (l.contains("libsqlite3-sys")
                        || l.contains("build-override")
                        || l.contains("\"*\""))
            })
        })
    })
}

/// The key of each prefix (`keys[i]` covers migrations `0..=i`), and how
/// many leading migrations may be checkpointed: those before the first that
/// leaves connection state a backup does not carry.
fn chain(set: &MigrationSet, sqlite_version: &str) -> (Vec<String>, usize) {
    let mut hasher = Sha256::new();
    hasher.update(FORMAT.as_bytes());
    hasher.update([0]);
    hasher.update(sqlite_version.as_bytes());
    let mut keys = Vec::with_capacity(set.migrations.len());
    for m in &set.migrations {
        hasher.update([0, u8::from(m.no_transaction)]);
        hasher.update(m.checksum);
        keys.push(hex(&hasher.clone().finalize()));
    }
    let usable = set
        .migrations
        .iter()
        .position(|m| leaves_connection_state(&m.up.sql()))
        .unwrap_or(keys.len());
    (keys, usable)
}

/// Whether a script has a pragma that changes the connection in a way
/// neither the database file nor [`TRACKED`] captures.
fn leaves_connection_state(sql: &str) -> bool {
    split(sql).iter().any(|s| {
        if !s.starts_with(&["PRAGMA"]) {
            return false;
        }
        // `PRAGMA [schema.]name [= value | (value)]`
        let rest = s.sql.get("PRAGMA".len()..).unwrap_or("").trim_start();
        let target = rest
            .split(|c: char| c == '=' || c == '(' || c == ';' || c.is_whitespace())
            .next()
            .unwrap_or("");
        let name = target
            .rsplit('.')
            .next()
            .unwrap_or("")
            .trim_matches(['"', '`', '[', ']'])
            .to_ascii_lowercase();
        !(TRACKED.contains(&name.as_str()) || HARMLESS.contains(&name.as_str()))
    })
}

/// The checkpoints in the directory, by key.
fn held(dir: &Path) -> HashMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return HashMap::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let (key, _) = parse_name(&name)?;
            Some((key.to_string(), name))
        })
        .collect()
}

/// `<key>.<one digit per tracked pragma>.sqlite`.
fn parse_name(name: &str) -> Option<(&str, &str)> {
    let (key, state) = name.strip_suffix(".sqlite")?.split_once('.')?;
    let valid = key.len() == 64
        && key.bytes().all(|b| b.is_ascii_hexdigit())
        && state.len() == TRACKED.len()
        && state.bytes().all(|b| b.is_ascii_digit());
    valid.then_some((key, state))
}

/// A sandbox holding the checkpoint in `path`, its pragmas set again.
fn restore(path: &Path) -> std::result::Result<Connection, String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (_, state) = parse_name(name).ok_or("not a checkpoint")?;
    let source = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    let mut conn = sandbox().map_err(|e| e.to_string())?;
    {
        let backup =
            rusqlite::backup::Backup::new(&source, &mut conn).map_err(|e| e.to_string())?;
        backup
            .run_to_completion(i32::MAX, Duration::ZERO, None)
            .map_err(|e| e.to_string())?;
    }
    for (pragma, value) in TRACKED.iter().zip(state.bytes()) {
        conn.pragma_update(None, pragma, i64::from(value - b'0'))
            .map_err(|e| e.to_string())?;
    }
    Ok(conn)
}

/// Saves the sandbox as the checkpoint `key`, unless a TEMP object exists
/// (the backup would not carry it).
fn store(conn: &Connection, dir: &Path, key: &str) -> std::result::Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let temp_objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_temp_schema", [], |r| r.get(0))
        .map_err(|e| err(&e))?;
    if temp_objects > 0 {
        return Ok(());
    }
    let mut state = String::new();
    for pragma in TRACKED {
        let value: i64 = conn
            .pragma_query_value(None, pragma, |r| r.get(0))
            .map_err(|e| err(&e))?;
        state.push(if value == 0 { '0' } else { '1' });
    }
    std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    // unique among processes (the pid) and threads (the counter)
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let temp = dir.join(format!(
        "{key}.{}-{}.tmp",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut copy = Connection::open(&temp).map_err(|e| err(&e))?;
        // a cache: losing it to a crash costs a replay, so no fsync
        copy.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            .map_err(|e| err(&e))?;
        {
            let backup = rusqlite::backup::Backup::new(conn, &mut copy).map_err(|e| err(&e))?;
            backup
                .run_to_completion(i32::MAX, Duration::ZERO, None)
                .map_err(|e| err(&e))?;
        }
        drop(copy);
        std::fs::rename(&temp, dir.join(format!("{key}.{state}.sqlite"))).map_err(|e| err(&e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Removes checkpoints no longer on the history's chain, and temporary
/// files a killed build left an hour or more ago.
fn evict(dir: &Path, kept: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = match parse_name(&name) {
            Some((key, _)) => !kept.contains(&key),
            None => {
                name.ends_with(".tmp")
                    && entry
                        .metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t < hour_ago)
            }
        };
        if stale {
            // another build may have removed it first: nothing lost either way
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(files: &[(&str, &str)]) -> (tempfile::TempDir, MigrationSet) {
        let dir = tempfile::tempdir().expect("dir");
        for (name, sql) in files {
            std::fs::write(dir.path().join(name), sql).expect("write");
        }
        let set = crate::discover(dir.path()).expect("discover");
        (dir, set)
    }

    #[test]
    fn keys_change_with_sqlite_and_from_an_edit_on_and_not_with_a_name() {
        let (_a, set) = set_of(&[
            ("1_a.sql", "CREATE TABLE a (x);"),
            ("2_b.sql", "CREATE TABLE b (x);"),
        ]);
        let (keys, usable) = chain(&set, "3.46.0");
        assert_eq!(usable, 2);
        let (other_sqlite, _) = chain(&set, "3.47.0");
        assert!(keys.iter().zip(&other_sqlite).all(|(a, b)| a != b));
        let (_b, renamed) = set_of(&[
            ("1_first.sql", "CREATE TABLE a (x);"),
            ("7_b.sql", "CREATE TABLE b (x);"),
        ]);
        assert_eq!(chain(&renamed, "3.46.0").0, keys);
        let (_c, edited) = set_of(&[
            ("1_a.sql", "CREATE TABLE a (y);"),
            ("2_b.sql", "CREATE TABLE b (x);"),
        ]);
        let (edited, _) = chain(&edited, "3.46.0");
        assert!(edited[0] != keys[0] && edited[1] != keys[1]);
    }

    #[test]
    fn a_dev_profile_section_for_sqlite_or_build_scripts_silences_the_hint() {
        let root = tempfile::tempdir().expect("dir");
        let crate_dir = root.path().join("app");
        std::fs::create_dir(&crate_dir).expect("mkdir");
        std::fs::write(crate_dir.join("Cargo.toml"), "[package]\nname = \"app\"\n").expect("write");
        for (workspace, optimizes) in [
            ("[workspace]\n", false),
            (
                "[profile.release.package.libsqlite3-sys]\nopt-level = 3\n",
                false,
            ),
            (
                "[profile.dev.package.libsqlite3-sys]\nopt-level = 3\n",
                true,
            ),
            ("[ profile.dev.build-override ]\nopt-level = 3\n", true),
            ("[profile.dev.package.\"*\"]\nopt-level = 1\n", true),
        ] {
            std::fs::write(root.path().join("Cargo.toml"), workspace).expect("write");
            assert_eq!(
                optimizes_sqlite(&crate_dir.join("migrations")),
                optimizes,
                "{workspace}"
            );
        }
    }

    #[test]
    fn pragmas_that_stay_with_the_connection_end_checkpointing() {
        for (sql, ends) in [
            ("PRAGMA foreign_keys = ON;", false),
            ("PRAGMA main.user_version=3;", false),
            ("pragma \"legacy_alter_table\" = 1;", false),
            ("PRAGMA case_sensitive_like = ON;", true),
            ("PRAGMA main.max_page_count(10);", true),
            ("CREATE TABLE pragma_like (x);", false),
        ] {
            assert_eq!(leaves_connection_state(sql), ends, "{sql}");
        }
        let (_d, set) = set_of(&[
            ("1_a.sql", "CREATE TABLE a (x);"),
            ("2_b.sql", "PRAGMA case_sensitive_like = ON;"),
            ("3_c.sql", "CREATE TABLE c (x);"),
        ]);
        assert_eq!(chain(&set, "3.46.0").1, 1);
    }
}

//! The prefix cache: replayed databases kept between builds, so that adding
//! or editing a migration replays only what follows the last unchanged one.
//!
//! A checkpoint is the sandbox as it stood after the first `i` migrations,
//! saved with SQLite's backup API under the *chain* of their contents: a
//! hash over this crate's version, the SQLite build (its source id and
//! compile options), and every up script (and whether it runs in a
//! transaction) from the first through the `i`-th. Editing, inserting,
//! deleting or reordering a migration changes the chain from that point on,
//! so no later checkpoint matches; another SQLite or another driftless
//! changes every key. Renaming a file changes nothing a replay depends on,
//! and keeps its checkpoints.
//!
//! A checkpoint is written to a file of its own (created exclusively) and
//! renamed into place under its key, so builds running at once (two crates
//! of one workspace reading the same migrations) never read half a file;
//! its name also holds its length, so a file a crash left short is never
//! restored. Anything that goes wrong with the cache (a missing, short,
//! unreadable or deleted file, a full disk) falls back to replaying, never
//! to a different result.
//!
//! Connection state that a backup does not carry is kept with the
//! checkpoint or rules it out: the pragmas in [`TRACKED`] are saved in its
//! name and set again on restore; a migration with any other pragma that
//! changes the connection (rather than the file) ends checkpointing for the
//! rest of the history; no checkpoint is taken while a TEMP object exists;
//! and a migration that reads the connection's counters
//! (`last_insert_rowid()`, `changes()`, `total_changes()`) or its schema and
//! data versions is never replayed on a restored database.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use crate::discover::{MigrationSet, hex};
use crate::error::{Error, Result};
use crate::replay::{finish, run_migration, sandbox, trace};
use crate::scan::{Kind, Token, significant};
use crate::snapshot::Snapshot;
use crate::split::split;

/// What the keys depend on besides the scripts and SQLite: bump it when a
/// replay of the same scripts could give a different database.
const FORMAT: &str = "driftless prefix cache 2";

/// Connection settings that change what later migrations do, saved with
/// each checkpoint (as one digit each, in this order) and restored with it.
pub const TRACKED: [&str; 8] = [
    "foreign_keys",
    "recursive_triggers",
    "legacy_alter_table",
    "ignore_check_constraints",
    "reverse_unordered_selects",
    "automatic_index",
    "trusted_schema",
    "query_only",
];

/// Pragmas that leave nothing behind in the connection that a restored
/// checkpoint would lack: they read, tune performance without changing
/// results, or write to the database file itself (which the backup copies).
const HARMLESS: [&str; 35] = [
    "application_id",
    "auto_vacuum",
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

/// Functions whose value a restored connection does not have: its counters.
const COUNTERS: [&str; 3] = ["last_insert_rowid", "changes", "total_changes"];

/// Table-valued pragmas a backup does not carry (a backup sets its own
/// schema version).
const VERSIONS: [&str; 2] = ["pragma_schema_version", "pragma_data_version"];

/// Off-chain checkpoints kept besides the current history's (the newest
/// first): switching back to a branch, or undoing an edit, restores them.
const OFF_CHAIN: usize = 16;

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
    /// after every 100th migration, the last two, and the last before a
    /// Flyway repeatable migration.
    pub fn new(dir: impl Into<PathBuf>) -> PrefixCache {
        PrefixCache {
            dir: dir.into(),
            every: 100,
        }
    }

    /// The cache a build script keeps for the migrations in `dir`: beside
    /// the build scripts' output directories of this profile
    /// (`target/<profile>/build/driftless-cache/<dir's hash>`, from the
    /// script's `out_dir`), so that every crate of the workspace reading the
    /// same directory, `cargo check` and `cargo build`, and the test
    /// databases of `#[driftless::test]` share it; `cargo clean` removes it.
    ///
    /// ```
    /// use driftless_migrations::cache::PrefixCache;
    /// let out = std::path::Path::new("/w/target/debug/build/app-0123abcd/out");
    /// let cache = PrefixCache::of_build(out, "/nonexistent/migrations".as_ref());
    /// assert!(cache.dir().starts_with("/w/target/debug/build/driftless-cache"));
    /// ```
    pub fn of_build(out_dir: &Path, dir: &Path) -> PrefixCache {
        // OUT_DIR is `<target>/<profile>/build/<package>-<hash>/out`
        let build = out_dir
            .parent()
            .and_then(Path::parent)
            .filter(|build| build.file_name().is_some_and(|n| n == "build"))
            .unwrap_or(out_dir);
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let id = hex(&crate::discover::checksum(&dir.to_string_lossy())[..8]);
        PrefixCache::new(build.join("driftless-cache").join(id))
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
    /// assert_eq!(cache.held_prefix(&set).unwrap(), 0);
    /// replay_cached(&set, &cache).unwrap();
    /// assert_eq!(cache.held_prefix(&set).unwrap(), 1);
    /// ```
    ///
    /// # Errors
    /// Only when SQLite cannot open an in-memory database.
    pub fn held_prefix(&self, set: &MigrationSet) -> Result<usize> {
        let plan = Plan::of(set, &fingerprint(&sandbox()?)?);
        let held = held(&self.dir);
        Ok(plan
            .restorable()
            .rev()
            .find(|&i| held.contains_key(&plan.keys[i - 1]))
            .unwrap_or(0))
    }
}

/// What a replay of one history may take from the cache and leave in it.
struct Plan {
    /// The key of each prefix: `keys[i]` covers migrations `0..=i`.
    keys: Vec<String>,
    /// How many leading migrations may be checkpointed: those before the
    /// first that leaves connection state a backup does not carry.
    usable: usize,
    /// The fewest leading migrations a restored checkpoint must cover: all
    /// that read the connection's counters or versions.
    needed: usize,
    /// Checkpoints kept, by prefix length.
    kept: Vec<usize>,
}

impl Plan {
    fn of(set: &MigrationSet, fingerprint: &str) -> Plan {
        let n = set.migrations.len();
        let mut hasher = Sha256::new();
        hasher.update(fingerprint.as_bytes());
        let mut keys = Vec::with_capacity(n);
        let mut usable = n;
        let mut needed = 0;
        for (i, m) in set.migrations.iter().enumerate() {
            hasher.update([0, u8::from(m.no_transaction)]);
            hasher.update(m.checksum);
            keys.push(hex(&hasher.clone().finalize()));
            let seen = Seen::of(&m.up.sql());
            if seen.connection_state && usable == n {
                usable = i;
            }
            if seen.counters {
                needed = i + 1;
            }
        }
        Plan {
            keys,
            usable,
            needed,
            kept: Vec::new(),
        }
    }

    /// Prefix lengths a checkpoint may be restored at, shortest first.
    fn restorable(&self) -> std::ops::RangeInclusive<usize> {
        self.needed.max(1)..=self.usable
    }

    /// Chooses the checkpoints to keep: the last two (appending a
    /// migration, or editing the newest one, then replays one), the last
    /// before the first Flyway repeatable migration (which always come
    /// last), and every `every`th (an edit further back replays at most
    /// that many before it).
    fn keep(mut self, set: &MigrationSet, every: usize) -> Plan {
        let n = set.migrations.len();
        let versioned = set.migrations.iter().take_while(|m| !m.repeatable).count();
        self.kept = (1..=self.usable)
            .filter(|&i| i + 1 >= n || i == versioned || i.is_multiple_of(every))
            .collect();
        self
    }
}

/// What one script does that matters to the cache.
#[derive(Default)]
struct Seen {
    /// A pragma that changes the connection in a way neither the database
    /// file nor [`TRACKED`] captures.
    connection_state: bool,
    /// A read of the connection's counters or versions.
    counters: bool,
}

impl Seen {
    fn of(sql: &str) -> Seen {
        let mut seen = Seen::default();
        // most scripts have none of the words: skip reading their tokens
        let lower = sql.to_ascii_lowercase();
        if !["pragma", "changes", "last_insert_rowid"]
            .iter()
            .any(|word| lower.contains(word))
        {
            return seen;
        }
        for statement in split(sql) {
            let tokens: Vec<Token<'_>> = significant(statement.sql).collect();
            if let Some(name) = pragma_name(&tokens)
                && !(TRACKED.contains(&name.as_str()) || HARMLESS.contains(&name.as_str()))
            {
                seen.connection_state = true;
            }
            let named = |t: &Token<'_>, names: &[&str]| {
                t.name()
                    .is_some_and(|n| names.iter().any(|c| n.eq_ignore_ascii_case(c)))
            };
            // a call, not a table of that name (`CREATE TABLE changes (...)`)
            let table_before = |k: usize| {
                k.checked_sub(1)
                    .and_then(|p| tokens.get(p))
                    .is_some_and(|t| {
                        t.is_punct('.')
                            || ["TABLE", "EXISTS", "INTO", "REFERENCES", "VIEW", "ON"]
                                .iter()
                                .any(|w| t.is(w))
                    })
            };
            seen.counters |= tokens.iter().enumerate().any(|(k, t)| {
                named(t, &VERSIONS)
                    || (named(t, &COUNTERS)
                        && t.kind != Kind::String
                        && !table_before(k)
                        && tokens.get(k + 1).is_some_and(|next| next.is_punct('(')))
            });
        }
        seen
    }
}

/// The pragma a statement sets or reads, lowercased: `[EXPLAIN [QUERY
/// PLAN]] PRAGMA [schema.]name ...` (SQLite applies a pragma it explains).
fn pragma_name(tokens: &[Token<'_>]) -> Option<String> {
    let mut rest = tokens;
    if rest.first().is_some_and(|t| t.is("EXPLAIN")) {
        rest = &rest[1..];
        if rest.first().is_some_and(|t| t.is("QUERY")) && rest.get(1).is_some_and(|t| t.is("PLAN"))
        {
            rest = &rest[2..];
        }
    }
    if !rest.first().is_some_and(|t| t.is("PRAGMA")) {
        return None;
    }
    let name = if rest.get(2).is_some_and(|t| t.is_punct('.')) {
        rest.get(3)
    } else {
        rest.get(1)
    };
    // a pragma without a readable name changes who knows what
    Some(
        name.and_then(Token::name)
            .unwrap_or_default()
            .to_ascii_lowercase(),
    )
}

/// What the keys depend on besides the scripts: this format and crate, and
/// the SQLite build.
fn fingerprint(conn: &Connection) -> Result<String> {
    let source: String = conn.query_row("SELECT sqlite_source_id()", [], |r| r.get(0))?;
    let mut options = conn.prepare("PRAGMA compile_options")?;
    let options = options
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(format!(
        "{FORMAT}\0{}\0{source}\0{}",
        env!("CARGO_PKG_VERSION"),
        options.join(",")
    ))
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
    let fresh = sandbox()?;
    let plan = Plan::of(set, &fingerprint(&fresh)?).keep(set, cache.every);
    let held = held(&cache.dir);
    let mut restored = None;
    for i in plan.restorable().rev() {
        let Some(file) = held.get(&plan.keys[i - 1]) else {
            continue;
        };
        match restore(&cache.dir.join(file)) {
            Ok(conn) => {
                restored = Some((conn, i, file));
                break;
            }
            Err(e) => trace(&format!("cache: cannot restore {file}: {e}")),
        }
    }
    let outcome = match restored {
        Some((conn, from, file)) => match replay_from(set, cache, &plan, &held, conn, from) {
            // a damaged checkpoint SQLite noticed: never the cache's fault
            Err(e) if damaged(&e) => {
                trace(&format!("cache: {file} is damaged: {e}"));
                let _ = std::fs::remove_file(cache.dir.join(file));
                replay_from(set, cache, &plan, &held, fresh, 0)
            }
            other => other,
        },
        None => replay_from(set, cache, &plan, &held, fresh, 0),
    };
    evict(&cache.dir, &plan);
    let (conn, from) = outcome?;
    trace(&format!(
        "cache: replayed {} of {} migrations in {} us",
        set.migrations.len() - from,
        set.migrations.len(),
        started.elapsed().as_micros()
    ));
    finish(conn, set, started)
}

/// Runs the migrations after the first `from` on `conn`, storing the
/// checkpoints the plan keeps.
fn replay_from(
    set: &MigrationSet,
    cache: &PrefixCache,
    plan: &Plan,
    held: &HashMap<String, String>,
    conn: Connection,
    from: usize,
) -> Result<(Connection, usize)> {
    for i in from + 1..=set.migrations.len() {
        run_migration(&conn, &set.migrations[i - 1])?;
        let key = &plan.keys[i - 1];
        if plan.kept.contains(&i)
            && !held.contains_key(key)
            && let Err(e) = store(&conn, &cache.dir, key)
        {
            trace(&format!("cache: cannot store a checkpoint: {e}"));
        }
    }
    Ok((conn, from))
}

/// Whether SQLite found the database it ran on damaged.
fn damaged(e: &Error) -> bool {
    let text = e.to_string();
    text.contains("malformed") || text.contains("not a database")
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
            let checkpoint = Checkpoint::parse(&name)?;
            Some((checkpoint.key.to_string(), name))
        })
        .collect()
}

/// A checkpoint's file name: `<key>.<one digit per tracked pragma>.<length>.sqlite`.
struct Checkpoint<'a> {
    key: &'a str,
    state: &'a str,
    length: u64,
}

impl<'a> Checkpoint<'a> {
    fn parse(name: &'a str) -> Option<Checkpoint<'a>> {
        let mut parts = name.strip_suffix(".sqlite")?.split('.');
        let (key, state, length) = (parts.next()?, parts.next()?, parts.next()?);
        let valid = parts.next().is_none()
            && key.len() == 64
            && key.bytes().all(|b| b.is_ascii_hexdigit())
            && state.len() == TRACKED.len()
            && state.bytes().all(|b| b == b'0' || b == b'1');
        Some(Checkpoint {
            key,
            state,
            length: length.parse().ok()?,
        })
        .filter(|_| valid)
    }
}

/// A sandbox holding the checkpoint in `path`, its pragmas set again.
fn restore(path: &Path) -> std::result::Result<Connection, String> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let checkpoint = Checkpoint::parse(name).ok_or("not a checkpoint")?;
    let length = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if length != checkpoint.length {
        return Err(format!(
            "{length} bytes long, written {}",
            checkpoint.length
        ));
    }
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
    for (pragma, value) in TRACKED.iter().zip(checkpoint.state.bytes()) {
        conn.pragma_update(None, pragma, i64::from(value == b'1'))
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
    let temp = exclusive_temp(dir, key).map_err(|e| err(&e))?;
    let written = (|| {
        let mut copy = Connection::open(&temp).map_err(|e| err(&e))?;
        // a cache: losing it to a crash costs a replay (a short file is
        // never restored), so no fsync
        copy.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            .map_err(|e| err(&e))?;
        {
            let backup = rusqlite::backup::Backup::new(conn, &mut copy).map_err(|e| err(&e))?;
            backup
                .run_to_completion(i32::MAX, Duration::ZERO, None)
                .map_err(|e| err(&e))?;
        }
        drop(copy);
        let length = std::fs::metadata(&temp).map_err(|e| err(&e))?.len();
        let name = format!("{key}.{state}.{length}.sqlite");
        std::fs::rename(&temp, dir.join(name)).map_err(|e| err(&e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// A new empty file for a checkpoint being written, created exclusively:
/// no other build (another process, thread, or container sharing the
/// target directory) writes to it.
fn exclusive_temp(dir: &Path, key: &str) -> std::io::Result<PathBuf> {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    loop {
        let path = dir.join(format!(
            "{key}.{}-{nanos}-{}.tmp",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Removes checkpoints the plan does not keep, but for the newest
/// [`OFF_CHAIN`] others, and temporary files a killed build left an hour or
/// more ago.
fn evict(dir: &Path, plan: &Plan) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let kept: Vec<&str> = plan
        .kept
        .iter()
        .map(|&i| plan.keys[i - 1].as_str())
        .collect();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let mut others = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let modified = entry
            .metadata()
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        match Checkpoint::parse(&name) {
            Some(c) if kept.contains(&c.key) => {}
            Some(_) => others.push((modified, entry.path())),
            // another build may have removed it first: nothing lost either way
            None if name.ends_with(".tmp") && modified < hour_ago => {
                let _ = std::fs::remove_file(entry.path());
            }
            None => {}
        }
    }
    others.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    for (_, path) in others.into_iter().skip(OFF_CHAIN) {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_is_shared_by_the_build_scripts_of_a_profile() {
        let out = Path::new("/w/target/debug/build/app-0123abcd/out");
        let cache = PrefixCache::of_build(out, Path::new("/nonexistent/migrations"));
        assert!(
            cache
                .dir()
                .starts_with("/w/target/debug/build/driftless-cache"),
            "{:?}",
            cache.dir()
        );
        let other = PrefixCache::of_build(out, Path::new("/nonexistent/other"));
        assert_ne!(cache.dir(), other.dir());
        // an unusual OUT_DIR keeps the cache inside it
        let odd = PrefixCache::of_build(Path::new("/x/out"), Path::new("/nonexistent/migrations"));
        assert!(
            odd.dir().starts_with("/x/out/driftless-cache"),
            "{:?}",
            odd.dir()
        );
    }
    use crate::replay::tests::set_of;

    #[test]
    fn keys_change_with_sqlite_and_from_an_edit_on_and_not_with_a_name() {
        let (_a, set) = set_of(&[
            ("1_a.sql", "CREATE TABLE a (x);"),
            ("2_b.sql", "CREATE TABLE b (x);"),
        ]);
        let keys = Plan::of(&set, "sqlite 1").keys;
        let other_sqlite = Plan::of(&set, "sqlite 2").keys;
        assert!(keys.iter().zip(&other_sqlite).all(|(a, b)| a != b));
        let (_b, renamed) = set_of(&[
            ("1_first.sql", "CREATE TABLE a (x);"),
            ("7_b.sql", "CREATE TABLE b (x);"),
        ]);
        assert_eq!(Plan::of(&renamed, "sqlite 1").keys, keys);
        let (_c, edited) = set_of(&[
            ("1_a.sql", "CREATE TABLE a (y);"),
            ("2_b.sql", "CREATE TABLE b (x);"),
        ]);
        let edited = Plan::of(&edited, "sqlite 1").keys;
        assert!(edited[0] != keys[0] && edited[1] != keys[1]);
    }

    #[test]
    fn the_fingerprint_names_the_sqlite_build_and_this_crate() {
        let fingerprint = fingerprint(&sandbox().expect("sandbox")).expect("fingerprint");
        assert!(
            fingerprint.contains(env!("CARGO_PKG_VERSION")),
            "{fingerprint}"
        );
        // the source id starts with the release date; compile options follow
        assert!(fingerprint.contains("THREADSAFE="), "{fingerprint}");
    }

    #[test]
    fn pragmas_that_stay_with_the_connection_end_checkpointing() {
        for (sql, ends) in [
            ("PRAGMA foreign_keys = ON;", false),
            ("PRAGMA main.user_version=3;", false),
            ("pragma \"legacy_alter_table\" = 1;", false),
            ("PRAGMA case_sensitive_like = ON;", true),
            ("PRAGMA main.max_page_count(10);", true),
            ("PRAGMA analysis_limit = 10;", true),
            ("EXPLAIN PRAGMA case_sensitive_like = 1;", true),
            ("EXPLAIN QUERY PLAN PRAGMA case_sensitive_like = 1;", true),
            ("PRAGMA --.user_version\ncase_sensitive_like = 1;", true),
            ("PRAGMA /* user_version */ case_sensitive_like = 1;", true),
            ("PRAGMA;", true),
            ("CREATE TABLE pragma_like (x);", false),
            ("SELECT 'PRAGMA case_sensitive_like = 1';", false),
        ] {
            assert_eq!(Seen::of(sql).connection_state, ends, "{sql}");
        }
        let (_d, set) = set_of(&[
            ("1_a.sql", "CREATE TABLE a (x);"),
            ("2_b.sql", "PRAGMA case_sensitive_like = ON;"),
            ("3_c.sql", "CREATE TABLE c (x);"),
        ]);
        assert_eq!(Plan::of(&set, "").usable, 1);
    }

    #[test]
    fn reading_the_counters_needs_the_replay_to_have_run_it() {
        for (sql, reads) in [
            ("INSERT INTO c (p) VALUES (last_insert_rowid());", true),
            ("CREATE TABLE n AS SELECT total_changes() AS t;", true),
            ("SELECT CHANGES ( );", true),
            ("INSERT INTO v SELECT * FROM pragma_schema_version;", true),
            ("CREATE TABLE changes (changes INTEGER);", false),
            ("INSERT INTO changes (x) SELECT changes();", true),
            ("CREATE INDEX i ON changes (x);", false),
            ("INSERT INTO log VALUES ('changes()');", false),
        ] {
            assert_eq!(Seen::of(sql).counters, reads, "{sql}");
        }
        let (_e, set) = set_of(&[
            ("1_a.sql", "CREATE TABLE a (x);"),
            ("2_b.sql", "INSERT INTO a VALUES (last_insert_rowid());"),
            ("3_c.sql", "CREATE TABLE c (x);"),
        ]);
        let plan = Plan::of(&set, "");
        assert_eq!(plan.restorable(), 2..=3);
    }

    #[test]
    fn checkpoints_are_kept_at_the_end_every_nth_and_before_repeatables() {
        let (_f, set) = set_of(&[
            ("V1__a.sql", "CREATE TABLE a (x);"),
            ("V2__b.sql", "CREATE TABLE b (x);"),
            ("V3__c.sql", "CREATE TABLE c (x);"),
            ("V4__d.sql", "CREATE TABLE d (x);"),
            ("V5__e.sql", "CREATE TABLE e (x);"),
            ("R__v.sql", "CREATE VIEW IF NOT EXISTS v AS SELECT 1;"),
            ("R__w.sql", "CREATE VIEW IF NOT EXISTS w AS SELECT 1;"),
        ]);
        let plan = Plan::of(&set, "").keep(&set, 2);
        assert_eq!(plan.kept, [2, 4, 5, 6, 7]);
    }

    #[test]
    fn checkpoint_names_carry_state_and_length() {
        let key = "ab".repeat(32);
        let name = format!("{key}.10000001.4096.sqlite");
        let c = Checkpoint::parse(&name).expect("valid");
        assert_eq!((c.key, c.state, c.length), (key.as_str(), "10000001", 4096));
        for bad in [
            format!("{key}.1000000.4096.sqlite"),
            format!("{key}.10000002.4096.sqlite"),
            format!("{key}.10000001.sqlite"),
            format!("{key}.10000001.x.sqlite"),
            format!("{key}.10000001.4096.1.sqlite"),
            format!("{key}.10000001.4096.tmp"),
        ] {
            assert!(Checkpoint::parse(&bad).is_none(), "{bad}");
        }
    }
}

//! Where the derive gets the schema: the build script's snapshot, or, with no
//! build script, a replay of `migrations/` of its own.
//!
//! Either is loaded once per compiler process and kept in a cache keyed by
//! path, so a crate with a hundred models reads or replays once. The cache is
//! checked on every use (a snapshot by its size and time, its name carrying
//! its content's hash; a replay by the migrations' checksums), because
//! rust-analyzer keeps the process alive for hours while the user edits
//! migrations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use driftless_migrations::replay::trace;
use driftless_migrations::{Error, Snapshot, discover, replay};

/// The variable that points a build-script-less crate at its migrations.
pub const DIR_VAR: &str = "DRIFTLESS_MIGRATIONS_DIR";

/// A schema and how the derive's output must track where it came from.
pub struct Loaded {
    pub snapshot: Arc<Snapshot>,
    /// Migration files to `include_bytes!`, and whether to track
    /// `DRIFTLESS_MIGRATIONS_DIR`: only without a build script (with one,
    /// cargo reruns it and rebuilds the crate).
    pub fallback: Option<Vec<PathBuf>>,
    /// The build script's snapshot file (with a build script only).
    pub path: Option<PathBuf>,
}

enum Entry {
    /// A snapshot file, valid while its size and modification time are the same.
    Snapshot {
        stamp: (u64, Option<std::time::SystemTime>),
        snapshot: Arc<Snapshot>,
    },
    /// A replayed directory, valid while its migrations have the same checksums.
    Replayed {
        fingerprint: Vec<(u64, [u8; 32])>,
        snapshot: Arc<Snapshot>,
    },
}

/// The cache; a panic elsewhere in this process that poisoned it starts it afresh.
fn cache() -> MutexGuard<'static, HashMap<PathBuf, Entry>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Entry>>> = OnceLock::new();
    match CACHE.get_or_init(Default::default).lock() {
        Ok(cache) => cache,
        Err(poisoned) => {
            let mut cache = poisoned.into_inner();
            cache.clear();
            cache
        }
    }
}

/// Loads the schema of migration set `db` (`None`: the default set).
pub fn load(db: Option<&str>) -> Result<Loaded, String> {
    let var = Snapshot::env_var(db);
    if let Some(path) = std::env::var_os(&var) {
        return load_snapshot(Path::new(&path)).map(|snapshot| Loaded {
            snapshot,
            fallback: None,
            path: Some(PathBuf::from(path)),
        });
    }
    if let Some(db) = db {
        return Err(format!(
            "no migration set `{db}`: this crate's build script does not register it\n\
             help: add `driftless::build::migrations(\"<dir>\").db(\"{db}\").run();` to build.rs"
        ));
    }
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let from_var = std::env::var_os(DIR_VAR).map(PathBuf::from);
    // a relative DRIFTLESS_MIGRATIONS_DIR is taken from the crate's directory
    let dir = root.join(from_var.as_deref().unwrap_or(Path::new("migrations")));
    load_replayed(&dir).map_err(|e| match (e, &from_var) {
        (Error::MissingDirectory { .. }, Some(given)) => format!(
            "{DIR_VAR} is `{}`, but `{}` is not a directory\n\
             help: point it at the migrations directory (an absolute path, or one relative to the crate's Cargo.toml)",
            given.display(),
            dir.display()
        ),
        (Error::MissingDirectory { .. }, None) => format!(
            "no migrations: no build script registers them, so #[derive(Model)] looked in `{}`, which does not exist\n\
             help: add a build.rs with `driftless::build::migrations(\"<dir>\").run();` (and driftless in [build-dependencies]),\n\
             help: or create `migrations/` with a first migration, e.g. `migrations/0001_init.sql`",
            dir.display()
        ),
        (e, _) => e.to_string(),
    })
}

fn load_snapshot(path: &Path) -> Result<Arc<Snapshot>, String> {
    let cannot_read = |e: std::io::Error| {
        format!(
            "cannot read the schema snapshot `{}`: {e}\nhelp: the build script writes it; run `cargo build` again",
            path.display()
        )
    };
    // the build script names a snapshot by its content's hash, so its path
    // and its size and time tell a changed one apart without reading it:
    // every derive and query of a crate asks, and reading and hashing it
    // each time cost more than the check itself
    let meta = std::fs::metadata(path).map_err(cannot_read)?;
    let stamp = (meta.len(), meta.modified().ok());
    let mut cache = cache();
    if let Some(Entry::Snapshot { stamp: s, snapshot }) = cache.get(path)
        && *s == stamp
    {
        return Ok(snapshot.clone());
    }
    let snapshot = Arc::new(Snapshot::read(path).map_err(|e| e.to_string())?);
    trace(&format!("load snapshot {}", path.display()));
    cache.insert(
        path.to_path_buf(),
        Entry::Snapshot {
            stamp,
            snapshot: snapshot.clone(),
        },
    );
    Ok(snapshot)
}

fn load_replayed(dir: &Path) -> Result<Loaded, Error> {
    let set = discover(dir)?;
    let fingerprint: Vec<_> = set
        .migrations
        .iter()
        .map(|m| (m.version, m.checksum))
        .collect();
    let tracked = set.files().map(Path::to_path_buf).collect();
    let mut cache = cache();
    if let Some(Entry::Replayed {
        fingerprint: f,
        snapshot,
    }) = cache.get(dir)
        && *f == fingerprint
    {
        return Ok(Loaded {
            snapshot: snapshot.clone(),
            fallback: Some(tracked),
            path: None,
        });
    }
    let snapshot = Arc::new(replay(&set)?);
    cache.insert(
        dir.to_path_buf(),
        Entry::Replayed {
            fingerprint,
            snapshot: snapshot.clone(),
        },
    );
    Ok(Loaded {
        snapshot,
        fallback: Some(tracked),
        path: None,
    })
}

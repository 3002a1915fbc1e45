//! Where the derive gets the schema: the build script's snapshot, or, with no
//! build script, a replay of `migrations/` of its own.
//!
//! Either is loaded once per compiler process and kept in a cache keyed by
//! path, so a crate with a hundred models reads or replays once. The cache is
//! checked against the files on every use, because rust-analyzer keeps the
//! process alive for hours while the user edits migrations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use driftless_migrations::replay::trace;
use driftless_migrations::{Snapshot, discover, replay};

/// A schema and the files a derive must track so that editing them rebuilds.
pub struct Loaded {
    pub snapshot: Arc<Snapshot>,
    /// Migration files (only without a build script; with one, cargo reruns it).
    pub tracked: Vec<PathBuf>,
}

enum Entry {
    /// A snapshot file, valid while its modification time and length are the same.
    Snapshot {
        stamp: (Option<SystemTime>, u64),
        snapshot: Arc<Snapshot>,
    },
    /// A replayed directory, valid while its migrations have the same checksums.
    Replayed {
        fingerprint: Vec<(u64, [u8; 32])>,
        snapshot: Arc<Snapshot>,
    },
}

fn cache() -> &'static Mutex<HashMap<PathBuf, Entry>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Entry>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Loads the schema of migration set `db` (`None`: the default set).
pub fn load(db: Option<&str>) -> Result<Loaded, String> {
    let var = Snapshot::env_var(db);
    if let Some(path) = std::env::var_os(&var) {
        return load_snapshot(Path::new(&path)).map(|snapshot| Loaded {
            snapshot,
            tracked: Vec::new(),
        });
    }
    if let Some(db) = db {
        return Err(format!(
            "no migration set `{db}`: this crate's build script does not register it\n\
             help: add `driftless::build::migrations(\"<dir>\").db(\"{db}\").run();` to build.rs"
        ));
    }
    let dir = match std::env::var_os("DRIFTLESS_MIGRATIONS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let root = std::env::var_os("CARGO_MANIFEST_DIR").ok_or(
                "CARGO_MANIFEST_DIR is not set: build with cargo, or set DRIFTLESS_MIGRATIONS_DIR",
            )?;
            Path::new(&root).join("migrations")
        }
    };
    load_replayed(&dir)
}

fn load_snapshot(path: &Path) -> Result<Arc<Snapshot>, String> {
    let meta = std::fs::metadata(path).map_err(|e| {
        format!(
            "cannot read the schema snapshot `{}`: {e}\nhelp: the build script writes it; run `cargo build` again",
            path.display()
        )
    })?;
    let stamp = (meta.modified().ok(), meta.len());
    let mut cache = cache()
        .lock()
        .map_err(|_| "driftless: schema cache poisoned")?;
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

fn load_replayed(dir: &Path) -> Result<Loaded, String> {
    let set = discover(dir).map_err(|e| e.to_string())?;
    let fingerprint: Vec<_> = set
        .migrations
        .iter()
        .map(|m| (m.version, m.checksum))
        .collect();
    let tracked = set.files().map(Path::to_path_buf).collect();
    let mut cache = cache()
        .lock()
        .map_err(|_| "driftless: schema cache poisoned")?;
    if let Some(Entry::Replayed {
        fingerprint: f,
        snapshot,
    }) = cache.get(dir)
        && *f == fingerprint
    {
        return Ok(Loaded {
            snapshot: snapshot.clone(),
            tracked,
        });
    }
    let snapshot = Arc::new(replay(&set).map_err(|e| e.to_string())?);
    cache.insert(
        dir.to_path_buf(),
        Entry::Replayed {
            fingerprint,
            snapshot: snapshot.clone(),
        },
    );
    Ok(Loaded { snapshot, tracked })
}

//! The build-script side: replay a crate's migrations once per change and
//! hand the schema to `#[derive(Model)]`.
//!
//! ```no_run
//! // in build.rs's `fn main`:
//! driftless::build::migrations("migrations").run();
//! // a second set, for `#[model(db = "records")]`
//! driftless::build::migrations("record-migrations").db("records").run();
//! ```
//!
//! `run` prints `cargo:rerun-if-changed` for the directory and every file in
//! it, so cargo reruns the script (and recompiles the crate) exactly when a
//! migration is added, edited or deleted, and never otherwise.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use driftless_migrations::discover::{checksum, hex};
use driftless_migrations::{Error, Snapshot, discover, replay};

/// Starts configuring the replay of the migrations in `dir` (relative to the
/// crate's `Cargo.toml`).
///
/// ```no_run
/// driftless::build::migrations("migrations").run();
/// ```
pub fn migrations(dir: impl Into<PathBuf>) -> Migrations {
    Migrations {
        dir: dir.into(),
        db: None,
    }
}

/// A migration set to replay in a build script; see [`migrations`].
#[derive(Clone, Debug)]
#[must_use = "call `.run()` to replay the migrations"]
pub struct Migrations {
    dir: PathBuf,
    db: Option<String>,
}

impl Migrations {
    /// Names the set, for crates with several databases: models choose it
    /// with `#[model(db = "...")]`.
    ///
    /// ```no_run
    /// driftless::build::migrations("record-migrations").db("records").run();
    /// ```
    pub fn db(mut self, name: impl Into<String>) -> Migrations {
        self.db = Some(name.into());
        self
    }

    /// Replays the migrations and tells cargo where the schema is. On a bad
    /// migration, prints what is wrong (file, line, SQLite's message) and
    /// fails the build.
    ///
    /// ```no_run
    /// driftless::build::migrations("migrations").run();
    /// ```
    pub fn run(self) {
        if let Err(e) = self.try_run() {
            for line in e.to_string().lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    }

    /// [`run`](Self::run), returning the error instead of failing the build.
    /// Needs the environment cargo gives build scripts (`OUT_DIR`, `CARGO_MANIFEST_DIR`).
    ///
    /// # Errors
    /// A bad migration directory or file, or a failing statement, as
    /// [`Error`]; a missing `OUT_DIR` as [`Error::Snapshot`].
    ///
    /// ```no_run
    /// if let Err(e) = driftless::build::migrations("migrations").try_run() {
    ///     panic!("{e}");
    /// }
    /// ```
    pub fn try_run(&self) -> Result<PathBuf, Error> {
        let var = Snapshot::env_var(self.db.as_deref());
        register_once(&var, self.db.as_deref())?;
        let root = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        let dir = root.join(&self.dir);
        // the directory itself: cargo then also notices files added or deleted
        println!("cargo:rerun-if-changed={}", dir.display());
        let set = discover(&dir)?;
        for file in set.files() {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let snapshot = replay(&set)?;
        let out_dir = std::env::var_os("OUT_DIR")
            .map(PathBuf::from)
            .ok_or_else(|| Error::Snapshot {
                path: PathBuf::from("OUT_DIR"),
                message: "OUT_DIR is not set: `driftless::build` runs from a build script".into(),
            })?;
        // the content's hash is in the name, so the path the compiler sees
        // changes whenever the schema does (long-lived processes such as
        // rust-analyzer key their caches on it)
        let hash = hex(&checksum(&snapshot.to_json())[..8]);
        let name = format!("{var}.{hash}.json");
        remove_stale(&out_dir, &var, &name);
        let path = out_dir.join(name);
        snapshot.write(&path)?;
        println!("cargo:rustc-env={var}={}", path.display());
        Ok(path)
    }
}

/// Two registrations of one set would make the second silently win.
fn register_once(var: &str, db: Option<&str>) -> Result<(), Error> {
    static REGISTERED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    if registered.iter().any(|v| v == var) {
        return Err(Error::DuplicateSet {
            db: db.map(str::to_string),
        });
    }
    registered.push(var.to_string());
    Ok(())
}

/// Snapshots of this set from earlier builds.
fn remove_stale(out_dir: &Path, var: &str, keep: &str) {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = name
            .strip_prefix(var)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".json"))
            .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
        if stale && name != keep {
            // a leftover file is harmless: nothing reads it any more
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_registered_twice_is_an_error() {
        let var = Snapshot::env_var(Some("twice-in-this-test"));
        register_once(&var, Some("twice-in-this-test")).expect("first");
        let err = register_once(&var, Some("twice-in-this-test")).expect_err("second");
        assert!(err.to_string().contains("registered twice"), "{err}");
    }

    #[test]
    fn stale_snapshots_of_the_set_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let var = Snapshot::env_var(Some("a"));
        for name in [
            format!("{var}.0123456789abcdef.json"),
            format!("{var}.fedcba9876543210.json"),
            format!("{var}_2Db.0123456789abcdef.json"),
            "unrelated.json".to_string(),
        ] {
            std::fs::write(dir.path().join(name), "{}").expect("write");
        }
        remove_stale(dir.path(), &var, &format!("{var}.fedcba9876543210.json"));
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                format!("{var}.fedcba9876543210.json"),
                format!("{var}_2Db.0123456789abcdef.json"),
                "unrelated.json".to_string()
            ]
        );
    }
}

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

use std::path::PathBuf;

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
        let path = out_dir.join(snapshot_file(self.db.as_deref()));
        snapshot.write(&path)?;
        println!(
            "cargo::rustc-env={}={}",
            Snapshot::env_var(self.db.as_deref()),
            path.display()
        );
        Ok(path)
    }
}

/// `driftless-schema.json`, or `driftless-schema-<db>.json` for a named set.
fn snapshot_file(db: Option<&str>) -> String {
    match db {
        None => "driftless-schema.json".to_string(),
        Some(db) => {
            let safe: String = db
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            format!("driftless-schema-{safe}.json")
        }
    }
}

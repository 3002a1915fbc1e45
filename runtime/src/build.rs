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
//!
//! For sqlx apps, [`Replay::sqlx`] also saves the replayed database as a
//! SQLite file and points sqlx's `query!` macros at it: they check every
//! query against exactly the schema the migrations produce, with no
//! `DATABASE_URL`, no `sqlx migrate run` and no `.sqlx` directory.
//!
//! ```no_run
//! driftless::build::migrations("migrations").sqlx().run();
//! ```
//!
//! For diesel apps (feature `diesel`), [`Replay::diesel_schema`] checks
//! the crate's `schema.rs` against the migrations and fails the build on
//! every table, column, key, nullability or type that differs.
//!
//! ```no_run
//! # #[cfg(feature = "diesel")]
//! driftless::build::migrations("migrations").diesel_schema("src/schema.rs").run();
//! ```

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use driftless_migrations::cache::{PrefixCache, replay_cached};
use driftless_migrations::discover::{checksum, hex};
use driftless_migrations::profile::slow_replay_hint;
use driftless_migrations::rehearse::rehearse;
use driftless_migrations::replay::save;
use driftless_migrations::{Error, Snapshot, discover};

/// Starts configuring the replay of the migrations in `dir` (relative to the
/// crate's `Cargo.toml`).
///
/// ```no_run
/// driftless::build::migrations("migrations").run();
/// ```
pub fn migrations(dir: impl Into<PathBuf>) -> Replay {
    Replay {
        dir: dir.into(),
        db: None,
        sqlx: false,
        rehearse: false,
        #[cfg(feature = "diesel")]
        diesel_schema: None,
    }
}

/// A migration set to replay in a build script, configured by chained calls; see [`migrations`].
#[derive(Clone, Debug)]
#[must_use = "call `.run()` to replay the migrations"]
pub struct Replay {
    dir: PathBuf,
    db: Option<String>,
    sqlx: bool,
    rehearse: bool,
    #[cfg(feature = "diesel")]
    diesel_schema: Option<PathBuf>,
}

impl Replay {
    /// Names the set, for crates with several databases: models choose it
    /// with `#[model(db = "...")]`.
    ///
    /// ```no_run
    /// driftless::build::migrations("record-migrations").db("records").run();
    /// ```
    pub fn db(mut self, name: impl Into<String>) -> Replay {
        self.db = Some(name.into());
        self
    }

    /// Also feeds sqlx's query macros (`query!`, `query_as!`,
    /// `query_scalar!` and their `_unchecked`-less variants) in this crate:
    /// the replayed database is saved as `OUT_DIR/DRIFTLESS_SNAPSHOT<...>.db` and
    /// the crate is compiled with `DATABASE_URL=sqlite://<that file>?mode=ro`
    /// and `SQLX_OFFLINE=false`, so every query is checked against exactly the
    /// schema the migrations produce, and a new migration re-checks them all.
    ///
    /// Both variables are set for this crate's compilation only: a
    /// `DATABASE_URL` in the environment or in `.env`, `SQLX_OFFLINE=true` and
    /// the `.sqlx` directory are not used by this crate's macros (the
    /// migrations are the truth; a live or cached schema is what drifts). At
    /// run time nothing changes: the app reads its own `DATABASE_URL`.
    /// Only one migration set per crate can feed sqlx.
    ///
    /// ```no_run
    /// // build.rs
    /// driftless::build::migrations("migrations").sqlx().run();
    /// ```
    pub fn sqlx(mut self) -> Replay {
        self.sqlx = true;
        self
    }

    /// Also rehearses the migrations on tables that hold rows, as
    /// `driftless check` does: a migration that works on the empty tables
    /// of the replay but fails once they hold rows (`ADD COLUMN ... NOT
    /// NULL` without a default, a rebuild copying NULLs into a NOT NULL
    /// column, ...) fails the build when git's base branch lacks it, and is
    /// a warning when the base has it (it may have run: the file stays as
    /// it is) or when the crate is not in a git checkout (a packaged crate
    /// is built as published). It costs a second replay, from the first
    /// migration, whenever one changes.
    ///
    /// ```no_run
    /// // build.rs
    /// driftless::build::migrations("migrations").rehearse().run();
    /// ```
    pub fn rehearse(mut self) -> Replay {
        self.rehearse = true;
        self
    }

    /// Also checks diesel's `schema.rs` (relative to the crate's
    /// `Cargo.toml`) against the migrations: the build fails on every
    /// `table!` entry, column, primary key, nullability or type that differs
    /// from what `diesel print-schema` would print for the migrated
    /// database, and on every table the file lacks, naming the line, the
    /// migration, and the command that writes the file again
    /// (`driftless schema --diesel > src/schema.rs`). Integer widths
    /// (`Integer`/`BigInt`), `Float`/`Double`, custom SQL types, and
    /// `Integer` for a rowid alias are accepted; column order is not compared.
    ///
    /// ```no_run
    /// // build.rs
    /// driftless::build::migrations("migrations").diesel_schema("src/schema.rs").run();
    /// ```
    #[cfg(feature = "diesel")]
    pub fn diesel_schema(mut self, path: impl Into<PathBuf>) -> Replay {
        self.diesel_schema = Some(path.into());
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
            fail_build(&e);
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
        let var = register(self.db.as_deref(), self.sqlx)?;
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
        let out_dir = out_dir()?;
        let cache = PrefixCache::of_build(&out_dir, &dir);
        let started = std::time::Instant::now();
        let (conn, snapshot) = replay_cached(&set, &cache)?;
        // a slow replay in the dev profile is SQLite built without optimisation
        if std::env::var("PROFILE").is_ok_and(|p| p == "debug")
            && let Some(hint) = slow_replay_hint(set.migrations.len(), started.elapsed(), &root)
        {
            for line in hint.lines() {
                println!("cargo:warning={line}");
            }
        }
        if self.rehearse {
            rehearse_rows(&set)?;
        }
        #[cfg(feature = "diesel")]
        if let Some(file) = &self.diesel_schema {
            let path = root.join(file);
            println!("cargo:rerun-if-changed={}", path.display());
            let mut command = "driftless schema".to_string();
            if self.dir != Path::new("migrations") {
                command.push_str(&format!(" --dir {}", self.dir.display()));
            }
            command.push_str(&format!(" --diesel > {}", file.display()));
            driftless_migrations::diesel::check_schema_file(&conn, &set, &path, &command)?;
        }
        publish(&out_dir, &var, &snapshot, self.sqlx, |db| {
            record_history(conn, &set)
                .map_err(|e| Error::Snapshot {
                    path: db.to_path_buf(),
                    message: format!("cannot record the migrations' history: {e}"),
                })
                .and_then(|conn| save(&conn, db))
        })
    }
}

/// Starts configuring a schema that the app's own code builds, for
/// migrations written in Rust (sea-orm-migration's `Migrator`, refinery's
/// or diesel's embedded Rust migrations, a hand-written runner): the build
/// script runs `build` on the path of a fresh SQLite file ([`sqlite_url`]
/// makes sqlx's and SeaORM's URL of it), and the schema it leaves is the one
/// models and queries are checked against. Migration tools' history tables
/// in it are left out.
///
/// `build` can only call code the build script can depend on: migrations
/// in a crate of their own (sea-orm-cli's `migration` crate), listed under
/// `[build-dependencies]`. Cargo reruns the build script whenever that crate
/// changes, so a new Rust migration re-checks every model.
///
/// ```no_run
/// // build.rs: migrations in Rust, run by the app's own function
/// mod migrations {
///     pub fn run(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
///         conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
///     }
/// }
/// driftless::build::built_by("migrations::run", |path| {
///     migrations::run(&rusqlite::Connection::open(path)?)?;
///     Ok(())
/// })
/// .run();
/// ```
///
/// For SeaORM, with the `migration` crate, `sea-orm-migration` and `tokio`
/// as build-dependencies, the closure is
/// `tokio::runtime::Runtime::new()?.block_on(async { let db =
/// sea_orm::Database::connect(driftless::build::sqlite_url(path)).await?;
/// migration::Migrator::up(&db, None).await })?; Ok(())` (the README has it whole).
pub fn built_by<F>(code: impl Into<String>, build: F) -> Built
where
    F: FnOnce(&Path) -> Result<(), Box<dyn std::error::Error>> + 'static,
{
    Built {
        code: code.into(),
        db: None,
        sqlx: false,
        build: Box::new(build),
    }
}

/// A schema the app's code builds in a build script, configured by chained
/// calls; see [`built_by`].
#[must_use = "call `.run()` to build the schema"]
pub struct Built {
    code: String,
    db: Option<String>,
    sqlx: bool,
    build: Box<BuildFn>,
}

/// The code [`built_by`] runs: the path of the empty database it builds on.
type BuildFn = dyn FnOnce(&Path) -> Result<(), Box<dyn std::error::Error>>;

impl std::fmt::Debug for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Built")
            .field("code", &self.code)
            .field("db", &self.db)
            .field("sqlx", &self.sqlx)
            .finish_non_exhaustive()
    }
}

impl Built {
    /// Names the schema, as [`Replay::db`] does: models choose it with
    /// `#[model(db = "...")]`.
    ///
    /// ```no_run
    /// driftless::build::built_by("records::migrate", |_url| Ok(())).db("records").run();
    /// ```
    pub fn db(mut self, name: impl Into<String>) -> Built {
        self.db = Some(name.into());
        self
    }

    /// Also feeds sqlx's query macros with the built database, as
    /// [`Replay::sqlx`] does.
    ///
    /// ```no_run
    /// driftless::build::built_by("migration::Migrator", |_url| Ok(())).sqlx().run();
    /// ```
    pub fn sqlx(mut self) -> Built {
        self.sqlx = true;
        self
    }

    /// Builds the schema and tells cargo where it is; when the code fails,
    /// prints its error and fails the build.
    ///
    /// ```no_run
    /// driftless::build::built_by("migration::Migrator", |_url| Ok(())).run();
    /// ```
    pub fn run(self) {
        if let Err(e) = self.try_run() {
            fail_build(&e);
        }
    }

    /// [`run`](Self::run), returning the error instead of failing the build.
    ///
    /// # Errors
    /// The code's own error, or no database left to read, as
    /// [`Error::BuiltBy`]; a missing `OUT_DIR` as [`Error::Snapshot`].
    ///
    /// ```no_run
    /// if let Err(e) = driftless::build::built_by("migration::Migrator", |_url| Ok(())).try_run() {
    ///     panic!("{e}");
    /// }
    /// ```
    pub fn try_run(self) -> Result<PathBuf, Error> {
        let var = register(self.db.as_deref(), self.sqlx)?;
        // the code is in build-dependencies: cargo reruns the script when
        // they change; without a line of its own it would rerun on every edit
        println!("cargo:rerun-if-changed=build.rs");
        let out_dir = out_dir()?;
        let file = out_dir.join(format!("{var}.built.db"));
        let failed = |message: String| Error::BuiltBy {
            code: self.code.clone(),
            message,
        };
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = file.clone().into_os_string();
            path.push(suffix);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(failed(format!(
                        "cannot remove the last build's database `{}`: {e}",
                        file.display()
                    )));
                }
                _ => {}
            }
        }
        let build = self.build;
        build(&file).map_err(|e| failed(e.to_string()))?;
        let conn = rusqlite::Connection::open_with_flags(
            &file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE,
        )
        .map_err(|e| failed(format!("it left no database at `{}`: {e}", file.display())))?;
        let schema = crate::verify::without_history_tables(driftless_migrations::Schema::read(&conn)?);
        let snapshot = Snapshot {
            format: Snapshot::FORMAT,
            source: driftless_migrations::Source {
                dir: self.code.clone(),
                migrations: Vec::new(),
                built_by: Some(self.code.clone()),
            },
            schema,
        };
        publish(&out_dir, &var, &snapshot, self.sqlx, |db| save(&conn, db))
    }
}

/// The `sqlite://` URL sqlx and SeaORM open `path` by, creating it when
/// missing (`?mode=rwc`), for [`built_by`]'s code.
///
/// ```
/// let url = driftless::build::sqlite_url(std::path::Path::new("/tmp/a b/x.db"));
/// assert_eq!(url, "sqlite:///tmp/a%20b/x.db?mode=rwc");
/// ```
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", url_path(path))
}

/// The build script's `OUT_DIR`.
fn out_dir() -> Result<PathBuf, Error> {
    std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| Error::Snapshot {
            path: PathBuf::from("OUT_DIR"),
            message: "OUT_DIR is not set: `driftless::build` runs from a build script".into(),
        })
}

/// Writes the snapshot and the database beside it (made by `database` when
/// this schema has none yet), and points the crate's compilation at them.
fn publish(
    out_dir: &Path,
    var: &str,
    snapshot: &Snapshot,
    sqlx: bool,
    database: impl FnOnce(&Path) -> Result<(), Error>,
) -> Result<PathBuf, Error> {
    // the content's hash is in the name, so the path the compiler sees
    // changes whenever the schema does (long-lived processes such as
    // rust-analyzer key their caches on it)
    let hash = hex(&checksum(&snapshot.to_json())[..8]);
    let name = format!("{var}.{hash}.json");
    remove_stale(out_dir, var, "json", &name);
    let path = out_dir.join(name);
    // the database beside it, as the migrator leaves one it migrated:
    // what sqlx's macros describe against and `#[driftless::test]`
    // starts tests from; a new name per schema, so a long-lived process
    // (rust-analyzer) holding the old file open never reads a new one
    let db = Snapshot::database_path(&path);
    let db_name = db
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    remove_stale(out_dir, var, "db", &db_name);
    // the `.sqlite` files of earlier versions held no history
    remove_stale(out_dir, var, "sqlite", "");
    if !db.exists() {
        database(&db)?;
    }
    snapshot.write(&path)?;
    println!("cargo:rustc-env={var}={}", path.display());
    if sqlx {
        println!(
            "cargo:rustc-env=DATABASE_URL=sqlite://{}?mode=ro",
            url_path(&db)
        );
        println!("cargo:rustc-env=SQLX_OFFLINE=false");
    }
    Ok(path)
}

/// The replayed database with the history rows an upgrade from empty
/// records: a row per migration, in order.
fn record_history(
    mut conn: rusqlite::Connection,
    set: &driftless_migrations::MigrationSet,
) -> crate::Result<rusqlite::Connection> {
    let tx = conn.transaction()?;
    crate::history::ensure(&tx)?;
    for m in &set.migrations {
        crate::history::record(&tx, m, 0)?;
    }
    tx.commit()?;
    Ok(conn)
}

/// [`Replay::rehearse`]: findings of migrations the git base lacks are the
/// error; the others, and the tables no synthetic row fits, are warnings.
fn rehearse_rows(set: &driftless_migrations::MigrationSet) -> Result<(), Error> {
    use driftless_migrations::git::{Found, Merged, base};
    let found = rehearse(set)?;
    // outside git (a crate from a registry) nothing is new
    let base = base(&set.dir, None).unwrap_or(Found::NotGit);
    let mut errors = Vec::new();
    for f in &found.failures {
        let m = &set.migrations[f.index];
        let on = f
            .table
            .as_ref()
            .map_or_else(String::new, |t| format!(" (table `{t}`)"));
        let text = format!(
            "migration `{}` fails at line {} once its tables hold rows{on}, though it runs on empty ones: {}\n  statement: {}\nhelp: {}",
            m.up.file,
            f.line,
            f.message,
            f.statement,
            f.help()
        );
        match base.merged(&set.dir, m) {
            Merged::No if !matches!(base, Found::NotGit) => errors.push(text),
            _ => {
                for line in text.lines() {
                    println!("cargo:warning={line}");
                }
            }
        }
    }
    for n in &found.not_rehearsed {
        println!(
            "cargo:warning=table `{}` was not rehearsed with rows (no synthetic row fits it after {}: {})",
            n.table,
            driftless_migrations::error::display_path(&n.after),
            n.reason
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::FailsOnRows { findings: errors })
    }
}

/// `path` for a `sqlite://` URL: sqlx percent-decodes the part before `?`,
/// so a space, `%`, `?` or `#` in the target directory's path survives.
fn url_path(path: &Path) -> String {
    let mut out = String::new();
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~:".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Prints the error for cargo and fails the build.
fn fail_build(e: &Error) -> ! {
    for line in e.to_string().lines() {
        println!("cargo::error={line}");
    }
    std::process::exit(1);
}

/// Registers schema `db` (and the sqlx feed), once per build script; its
/// environment variable.
fn register(db: Option<&str>, sqlx: bool) -> Result<String, Error> {
    let var = Snapshot::env_var(db);
    register_once(
        &var,
        Error::DuplicateSet {
            db: db.map(str::to_string),
        },
    )?;
    if sqlx {
        register_once(SQLX_VAR, Error::DuplicateSqlxSet)?;
    }
    Ok(var)
}

/// Registration key of the set that feeds sqlx's macros (there is one `DATABASE_URL`).
const SQLX_VAR: &str = "DATABASE_URL";

/// Two registrations of one key would make the second silently win.
fn register_once(key: &str, duplicate: Error) -> Result<(), Error> {
    static REGISTERED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut registered = REGISTERED.lock().unwrap_or_else(|e| e.into_inner());
    if registered.iter().any(|v| v == key) {
        return Err(duplicate);
    }
    registered.push(key.to_string());
    Ok(())
}

/// Files of this set (`<var>.<hash>.<extension>`) from earlier builds.
fn remove_stale(out_dir: &Path, var: &str, extension: &str, keep: &str) {
    let Ok(entries) = std::fs::read_dir(out_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = name
            .strip_prefix(var)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(extension))
            .and_then(|rest| rest.strip_suffix('.'))
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
        let duplicate = || Error::DuplicateSet {
            db: Some("twice-in-this-test".into()),
        };
        register_once(&var, duplicate()).expect("first");
        let err = register_once(&var, duplicate()).expect_err("second");
        assert!(err.to_string().contains("registered twice"), "{err}");
    }

    #[test]
    fn url_paths_escape_what_sqlx_would_split_on() {
        assert_eq!(
            url_path(Path::new("/home/a b/t%1?#/x.sqlite")),
            "/home/a%20b/t%251%3F%23/x.sqlite"
        );
        assert_eq!(url_path(Path::new("/ü")), "/%C3%BC");
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
        remove_stale(
            dir.path(),
            &var,
            "json",
            &format!("{var}.fedcba9876543210.json"),
        );
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

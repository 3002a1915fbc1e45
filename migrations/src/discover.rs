//! Finding migrations on disk: the four layouts, version order, checksums.
//!
//! One resolver serves the build script, the derive, `embed_migrations!` and
//! the command line, so they can never disagree about what the migrations are.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result, display_path};
use crate::flyway;

/// One SQL file of a migration: its text as written, and where it is.
///
/// `embed_migrations!` builds these as `static` data, so the fields are
/// public and borrow `'static` text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    /// The file as users know it: relative to the crate being built when it
    /// lies inside it, e.g. `migrations/0001_create_games.sql`.
    pub file: Cow<'static, str>,
    /// Where the file is, for a set read from a directory (`None` for one
    /// embedded in a binary).
    pub path: Option<PathBuf>,
    /// The text as written, byte for byte (what sqlx checksums); for a goose
    /// or dbmate file, the file with the other section blanked.
    pub raw: Cow<'static, str>,
}

impl Script {
    /// The text SQLite runs and driftless checksums: a leading UTF-8 BOM
    /// dropped and CRLF turned into LF, so a Windows checkout runs and
    /// checksums as a Unix one. Line numbers are the file's.
    ///
    /// ```
    /// use driftless_migrations::Script;
    /// let s = Script { file: "0001_a.sql".into(), path: None, raw: "\u{feff}SELECT 1;\r\n".into() };
    /// assert_eq!(s.sql(), "SELECT 1;\n");
    /// ```
    pub fn sql(&self) -> Cow<'_, str> {
        let text = self.raw.strip_prefix('\u{feff}').unwrap_or(&self.raw);
        if text.contains("\r\n") {
            Cow::Owned(text.replace("\r\n", "\n"))
        } else {
            Cow::Borrowed(text)
        }
    }

    /// The path errors name: the file on disk, else the file as shown.
    pub fn location(&self) -> &Path {
        self.path
            .as_deref()
            .unwrap_or_else(|| Path::new(self.file.as_ref()))
    }
}

/// The layout a migration was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `0001_name.sql` or `20240101120000_name.sql` (sqlx).
    Simple,
    /// `0001_name.up.sql` + `0001_name.down.sql` (sqlx reversible, golang-migrate).
    Reversible,
    /// `2024-01-01-120000_name/up.sql` + `down.sql` (diesel).
    Diesel,
    /// `V1__name.sql` (refinery, and Flyway with one-part versions).
    Refinery,
    /// `V1.1__name.sql`, `U1.1__name.sql` (undo), `R__name.sql` (repeatable): Flyway.
    Flyway,
    /// `20240101120000_name/migration.sql` (Prisma Migrate).
    Prisma,
    /// `20240101120000_name.sql` with `-- +goose Up` / `-- +goose Down` sections (goose).
    Goose,
    /// `20240101120000_name.sql` with `-- migrate:up` / `-- migrate:down` sections (dbmate).
    Dbmate,
    /// `0001-name.sql` (the files an app's `M::up(include_str!(..))` list
    /// names), or `01-name/up.sql` + `down.sql` (`Migrations::from_directory`):
    /// rusqlite_migration, whose history is `PRAGMA user_version`.
    RusqliteMigration,
}

impl Layout {
    /// The tool whose layout it is, as errors name it.
    ///
    /// ```
    /// assert_eq!(driftless_migrations::Layout::Diesel.tool(), "diesel");
    /// ```
    pub fn tool(self) -> &'static str {
        match self {
            Layout::Simple | Layout::Reversible => "sqlx",
            Layout::Diesel => "diesel",
            Layout::Refinery => "refinery",
            Layout::Flyway => "Flyway",
            Layout::Prisma => "Prisma",
            Layout::Goose => "goose",
            Layout::Dbmate => "dbmate",
            Layout::RusqliteMigration => "rusqlite_migration",
        }
    }

    /// Layouts one tool reads side by side: sqlx's simple and reversible
    /// files (golang-migrate's are reversible), and refinery's `V1__` files,
    /// which are Flyway's too. Every other mix is refused: the tool would
    /// never run the other files, and replaying them would check a schema
    /// production never gets.
    fn family(self) -> Layout {
        match self {
            Layout::Reversible => Layout::Simple,
            Layout::Flyway => Layout::Refinery,
            other => other,
        }
    }
}

/// One migration: its version, name, up script and optional down script.
/// The one migration type: discovery, `embed_migrations!` (as `static`
/// data), the build script, the runtime and the command line all use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// The version, compared numerically.
    pub version: u64,
    /// The description part of the file name, e.g. `create_games`.
    pub name: Cow<'static, str>,
    /// The layout it was found in.
    pub layout: Layout,
    /// The up script.
    pub up: Script,
    /// The down script, when the layout has one and the file exists.
    pub down: Option<Script>,
    /// Whether the first line asks to run outside a transaction.
    pub no_transaction: bool,
    /// A Flyway repeatable migration (`R__name.sql`): it runs after every
    /// versioned one, and again whenever its checksum changes.
    pub repeatable: bool,
    /// SHA-256 of the up script's [`Script::sql`].
    pub checksum: [u8; 32],
}

impl Migration {
    /// The file name users know this migration by (the diesel folder's name for diesel).
    pub fn file_name(&self) -> String {
        let path = self.up.location();
        let path = if self.in_folder() {
            path.parent().unwrap_or(path)
        } else {
            path
        };
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Whether the migration is a folder of scripts (diesel, Prisma,
    /// rusqlite_migration's `from_directory`) rather than a file.
    pub fn in_folder(&self) -> bool {
        match self.layout {
            Layout::Diesel | Layout::Prisma => true,
            Layout::RusqliteMigration => self.up.location().ends_with("up.sql"),
            _ => false,
        }
    }

    /// The version as its file writes it: `1.2` for Flyway's `V1_2__b.sql`,
    /// `R__views` for a repeatable migration, else the number.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// std::fs::write(dir.path().join("V1_2__b.sql"), "SELECT 1;").unwrap();
    /// let set = driftless_migrations::discover(dir.path()).unwrap();
    /// assert_eq!(set.migrations[0].label(), "1.2");
    /// ```
    pub fn label(&self) -> String {
        if self.repeatable {
            return format!("R__{}", self.name);
        }
        match self.layout {
            Layout::Flyway | Layout::Refinery => flyway::file_version(&self.file_name())
                .map_or_else(|| self.version.to_string(), |v| v.to_string()),
            _ => self.version.to_string(),
        }
    }

    /// The checksum as lowercase hex.
    pub fn checksum_hex(&self) -> String {
        hex(&self.checksum)
    }
}

/// The migrations of one directory, in version order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationSet {
    /// The directory they were read from.
    pub dir: PathBuf,
    /// The migrations, lowest version first.
    pub migrations: Vec<Migration>,
}

impl MigrationSet {
    /// Every file the set was read from (up and down scripts), for rebuild tracking.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.migrations.iter().flat_map(|m| {
            std::iter::once(m.up.location()).chain(m.down.as_ref().map(Script::location))
        })
    }
}

/// Reads a migrations directory in any of the four layouts.
///
/// # Errors
/// A missing directory, an unreadable or non-UTF-8 file, a file that matches
/// no layout, a down script without an up script, or two migrations with one
/// version: each is an [`Error`] naming the file.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("0002_add_score.sql"), "ALTER TABLE t ADD COLUMN score INTEGER;").unwrap();
/// std::fs::write(dir.path().join("0001_create_t.sql"), "CREATE TABLE t (id INTEGER PRIMARY KEY);").unwrap();
/// std::fs::write(dir.path().join("README.md"), "ignored").unwrap();
/// let set = driftless_migrations::discover(dir.path()).unwrap();
/// let names: Vec<_> = set.migrations.iter().map(|m| (m.version, m.name.as_ref())).collect();
/// assert_eq!(names, [(1, "create_t"), (2, "add_score")]);
/// ```
pub fn discover(dir: impl AsRef<Path>) -> Result<MigrationSet> {
    let dir = dir.as_ref();
    if !dir.is_dir() {
        return Err(Error::MissingDirectory {
            dir: dir.to_path_buf(),
        });
    }
    let mut ups: BTreeMap<u64, Migration> = BTreeMap::new();
    let mut downs: Vec<(u64, Script)> = Vec::new();
    let mut undos: Vec<(u64, Script)> = Vec::new();
    // every problem of the directory, reported together
    let mut problems = Vec::new();
    for entry in sorted_entries(dir)? {
        let file_name = entry.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(file_name) = file_name else { continue };
        if is_ignored(&file_name) || is_not_sql(&entry, &file_name) {
            continue;
        }
        let found = if entry.is_dir() {
            if entry.join("migration.sql").is_file() && !entry.join("up.sql").exists() {
                prisma_folder(&entry, &file_name).map(Some)
            } else if !is_diesel_folder(&file_name)
                && let Some((id, name)) = rusqlite_migration_name(&file_name)
            {
                rusqlite_migration_folder(&entry, id, name).map(Some)
            } else {
                diesel_folder(&entry, &file_name).map(Some)
            }
        } else {
            match parse_file_name(&file_name) {
                Some(FileName::Up {
                    version,
                    name,
                    layout,
                }) => read_script(&entry).and_then(|up| match sections(&up, layout)? {
                    None => Ok(Some(migration(version, name, layout, up, None))),
                    Some(s) => {
                        let mut m = migration(version, name, s.layout, s.up, s.down);
                        m.no_transaction |= s.no_transaction;
                        Ok(Some(m))
                    }
                }),
                Some(FileName::Down { version }) => read_script(&entry).map(|script| {
                    downs.push((version, script));
                    None
                }),
                Some(FileName::Undo { version }) => read_script(&entry).map(|script| {
                    undos.push((version, script));
                    None
                }),
                Some(FileName::Repeatable { name }) => read_script(&entry).map(|up| {
                    let mut m =
                        migration(flyway::repeatable_id(&name), name, Layout::Flyway, up, None);
                    m.repeatable = true;
                    Some(m)
                }),
                None => dbmate_file(&entry, &file_name),
            }
        };
        match found.and_then(|m| m.map_or(Ok(()), |m| insert(&mut ups, m))) {
            Ok(()) => {}
            Err(e) => problems.push(e),
        }
    }
    // paired by version alone, as golang-migrate and sqlx pair them: a real
    // `0002_flags..up.sql` has the down `0002_flags.down.sql`
    for (version, script) in downs {
        match ups.get_mut(&version) {
            Some(m) if m.layout == Layout::Reversible && m.down.is_none() => m.down = Some(script),
            _ => problems.push(Error::DownWithoutUp {
                path: script.location().to_path_buf(),
            }),
        }
    }
    // Flyway pairs an undo script with the versioned migration of the same
    // version. refinery's `U` (unversioned) migrations are not read: an undo
    // script run as a migration would destroy what it should build.
    for (version, script) in undos {
        match ups.get_mut(&version) {
            Some(m)
                if matches!(m.layout, Layout::Refinery | Layout::Flyway)
                    && !m.repeatable
                    && m.down.is_none() =>
            {
                m.down = Some(script)
            }
            _ => problems.push(Error::DownWithoutUp {
                path: script.location().to_path_buf(),
            }),
        }
    }
    if let Some(first) = ups.values().next() {
        let other = ups
            .values()
            .find(|m| m.layout.family() != first.layout.family());
        if let Some(second) = other {
            problems.push(Error::MixedLayouts {
                first: first.up.location().to_path_buf(),
                first_tool: first.layout.tool(),
                second: second.up.location().to_path_buf(),
                second_tool: second.layout.tool(),
            });
        }
    }
    match problems.len() {
        0 => {}
        1 => return Err(problems.remove(0)),
        _ => return Err(Error::Several(problems)),
    }
    let mut migrations: Vec<Migration> = ups.into_values().collect();
    sort(&mut migrations);
    Ok(MigrationSet {
        dir: dir.to_path_buf(),
        migrations,
    })
}

/// Puts migrations in the order their tool runs them: by version, except
/// where the tool compares text (diesel, Prisma, dbmate) or Flyway's
/// dotted versions. [`discover()`] returns a set in this order; sort a
/// merged list (a branch's migrations with its base's) with it too.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("V1_10__b.sql"), "SELECT 1;").unwrap();
/// std::fs::write(dir.path().join("V1_9__a.sql"), "SELECT 1;").unwrap();
/// let mut all = driftless_migrations::discover(dir.path()).unwrap().migrations;
/// all.reverse();
/// driftless_migrations::discover::sort(&mut all);
/// assert_eq!(all[0].name, "a");
/// ```
pub fn sort(migrations: &mut [Migration]) {
    migrations.sort_by_key(|m| m.version);
    // diesel orders its folders by version as text (diesel_migrations'
    // `MigrationVersion` derives `Ord` on the string: the folder name before
    // the first `_`, dashes removed), so `2024-03-13_170000_x` (version
    // `20240313`) runs after `2024-03-06-170000_y` (`20240306170000`)
    if migrations.iter().all(|m| m.layout == Layout::Diesel) {
        migrations.sort_by_cached_key(diesel_version_text);
    }
    // Prisma applies its folders in the order of their names
    // (prisma-engines' migration directory listing is sorted by name)
    if migrations.iter().all(|m| m.layout == Layout::Prisma) {
        migrations.sort_by_cached_key(Migration::file_name);
    }
    // dbmate sorts its files by name (`FindMigrations` in pkg/dbmate/db.go)
    if migrations.iter().all(|m| m.layout == Layout::Dbmate) {
        migrations.sort_by_cached_key(Migration::file_name);
    }
    // Flyway: versions part by part, then repeatable migrations by description
    if migrations.iter().any(|m| m.layout == Layout::Flyway) {
        migrations.sort_by_cached_key(flyway_order);
    }
}

/// A diesel migration's version as diesel compares it: the text of its
/// folder name before the first `_`, without dashes.
fn diesel_version_text(m: &Migration) -> String {
    let folder = m.file_name();
    let stamp = folder.split_once('_').map_or(folder.as_str(), |(s, _)| s);
    stamp.replace('-', "")
}

/// Where a `V`/`R` migration runs in Flyway's order.
fn flyway_order(m: &Migration) -> (bool, Option<flyway::Version>, String) {
    (
        m.repeatable,
        flyway::file_version(&m.file_name()),
        m.name.to_string(),
    )
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        entries.push(entry.map_err(io)?.path());
    }
    entries.sort();
    Ok(entries)
}

/// Dotfiles (`.gitkeep`), notes and READMEs live beside migrations in many
/// projects. Like sqlx and golang-migrate, only `.sql` files are taken for
/// migrations (and folders, for diesel and Prisma); a `.sql` file that
/// matches no layout is an error, so a misnamed migration is never skipped.
fn is_ignored(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower.starts_with('.') || lower.starts_with("readme") || lower == "migration_lock.toml"
}

/// A file (not a folder) that is not SQL: not a migration of any layout read.
fn is_not_sql(path: &Path, file_name: &str) -> bool {
    !path.is_dir() && !file_name.to_ascii_lowercase().ends_with(".sql")
}

fn insert(ups: &mut BTreeMap<u64, Migration>, m: Migration) -> Result<()> {
    if let Some(existing) = ups.get(&m.version) {
        return Err(Error::DuplicateVersion {
            version: m.version,
            first: existing.up.location().to_path_buf(),
            second: m.up.location().to_path_buf(),
        });
    }
    ups.insert(m.version, m);
    Ok(())
}

fn migration(
    version: u64,
    name: String,
    layout: Layout,
    up: Script,
    down: Option<Script>,
) -> Migration {
    let sql = up.sql();
    let first_line = sql.lines().next().unwrap_or("").trim();
    let no_transaction =
        first_line == "-- driftless:no-transaction" || first_line == "-- no-transaction";
    let checksum = checksum(&sql);
    Migration {
        version,
        name: Cow::Owned(name),
        layout,
        checksum,
        up,
        down,
        no_transaction,
        repeatable: false,
    }
}

/// goose and dbmate keep a migration's up and down in one file, between
/// markers. In a `<version>_<name>.sql` file they make it a goose or dbmate
/// migration: its up script is the file with the down section blanked (and
/// the other way round), so line numbers stay the file's. goose:
/// `-- +goose Up`, `-- +goose Down`, `-- +goose NO TRANSACTION`
/// (`StatementBegin`/`End` need nothing: the splitter knows SQL); dbmate:
/// `-- migrate:up [transaction:false]`, `-- migrate:down`. In a file of
/// another layout such markers are refused: run whole, its down would run
/// right after its up.
fn sections(script: &Script, layout: Layout) -> Result<Option<Sections>> {
    #[derive(PartialEq)]
    enum Part {
        Before,
        Up,
        Down,
    }
    let mut tool: Option<(Layout, &'static str)> = None;
    let mut no_transaction = false;
    let mut part = Part::Before;
    let mut up = String::new();
    let mut down = String::new();
    let mut saw_up = false;
    for line in script.raw.split_inclusive('\n') {
        let l = line.trim().to_ascii_lowercase();
        let marker = if let Some(rest) = l.strip_prefix("-- +goose") {
            Some((Layout::Goose, "goose", rest.trim().to_string()))
        } else {
            l.strip_prefix("-- migrate:")
                .map(|rest| (Layout::Dbmate, "dbmate", rest.trim().to_string()))
        };
        if let Some((marker_layout, name, rest)) = marker {
            if layout != Layout::Simple || tool.is_some_and(|(t, _)| t != marker_layout) {
                return Err(Error::ForeignMarkers {
                    path: script.location().to_path_buf(),
                    tool: name,
                    marker: line.trim().to_string(),
                });
            }
            tool = Some((marker_layout, name));
            let word = rest.split_whitespace().next().unwrap_or("");
            match word {
                "up" => {
                    part = Part::Up;
                    saw_up = true;
                    no_transaction |= rest.contains("transaction:false");
                }
                "down" => part = Part::Down,
                "no" if rest.starts_with("no transaction") => no_transaction = true,
                _ => {}
            }
        }
        let blank = if line.ends_with("\r\n") {
            "\r\n"
        } else if line.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        up.push_str(if part == Part::Up { line } else { blank });
        down.push_str(if part == Part::Down { line } else { blank });
    }
    let Some((layout, name)) = tool else {
        return Ok(None);
    };
    if !saw_up {
        return Err(Error::ForeignMarkers {
            path: script.location().to_path_buf(),
            tool: name,
            marker: "(no up section)".into(),
        });
    }
    let section = |raw: String| Script {
        file: script.file.clone(),
        path: script.path.clone(),
        raw: Cow::Owned(raw),
    };
    let has_down = down.trim().lines().any(|l| !l.trim().is_empty());
    Ok(Some(Sections {
        layout,
        up: section(up),
        down: has_down.then(|| section(down)),
        no_transaction,
    }))
}

/// dbmate takes any `.sql` file whose name starts with digits (its
/// `migrationFileRegexp`, `^(\d+).*\.sql$`): `20240101-add.sql` too. Such a
/// name is read as dbmate's when the file has dbmate's sections; without
/// them, `<id>-<name>.sql` is rusqlite_migration's, and anything else is not
/// a migration of any layout.
fn dbmate_file(path: &Path, file_name: &str) -> Result<Option<Migration>> {
    let unknown = || Error::UnknownFile {
        path: path.to_path_buf(),
    };
    let stem = file_name.strip_suffix(".sql").ok_or_else(unknown)?;
    let digits = stem.len() - stem.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let version = parse_version(&stem[..digits]).ok_or_else(unknown)?;
    let script = read_script(path)?;
    match sections(&script, Layout::Simple)? {
        Some(s) if s.layout == Layout::Dbmate => {
            let rest = stem[digits..].trim_start_matches(['_', '-', '.']);
            let name = if rest.is_empty() {
                &stem[..digits]
            } else {
                rest
            };
            let mut m = migration(version, name.to_string(), s.layout, s.up, s.down);
            m.no_transaction |= s.no_transaction;
            Ok(Some(m))
        }
        // no markers and a `-` after the number: a rusqlite_migration file
        None => match rusqlite_migration_name(stem) {
            Some((id, name)) => Ok(Some(migration(
                id,
                name.to_string(),
                Layout::RusqliteMigration,
                script,
                None,
            ))),
            None => Err(unknown()),
        },
        _ => Err(unknown()),
    }
}

/// A goose or dbmate file, cut into its sections.
struct Sections {
    layout: Layout,
    up: Script,
    down: Option<Script>,
    no_transaction: bool,
}

/// A Prisma Migrate folder: `<timestamp>_<name>/migration.sql`, no down.
fn prisma_folder(dir: &Path, folder: &str) -> Result<Migration> {
    let unknown = || Error::UnknownFile {
        path: dir.to_path_buf(),
    };
    let (stamp, name) = folder.split_once('_').ok_or_else(unknown)?;
    if name.is_empty() {
        return Err(unknown());
    }
    let version = parse_version(stamp).ok_or_else(unknown)?;
    let up = read_script(&dir.join("migration.sql"))?;
    Ok(migration(
        version,
        name.to_string(),
        Layout::Prisma,
        up,
        None,
    ))
}

/// A diesel folder name: a stamp of digits and dashes, `_`, a name.
fn is_diesel_folder(folder: &str) -> bool {
    folder.split_once('_').is_some_and(|(stamp, name)| {
        !name.is_empty()
            && stamp.bytes().any(|b| b.is_ascii_digit())
            && stamp.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    })
}

/// rusqlite_migration's `<id>-<name>` (its loader splits at the first `-`).
fn rusqlite_migration_name(stem: &str) -> Option<(u64, &str)> {
    let (id, name) = stem.split_once('-')?;
    Some((parse_version(id)?, name)).filter(|_| !name.is_empty())
}

/// A folder's `up.sql` (required) and `down.sql` (when there is one), as
/// diesel and rusqlite_migration keep them.
fn folder_scripts(dir: &Path) -> Result<(Script, Option<Script>)> {
    let up_path = dir.join("up.sql");
    if !up_path.is_file() {
        return Err(Error::MissingUp {
            dir: dir.to_path_buf(),
        });
    }
    let up = read_script(&up_path)?;
    let down_path = dir.join("down.sql");
    let down = if down_path.is_file() {
        Some(read_script(&down_path)?)
    } else {
        None
    };
    Ok((up, down))
}

/// rusqlite_migration's `from_directory` folder: `<id>-<name>/up.sql`, and
/// `down.sql` when it can be undone.
fn rusqlite_migration_folder(dir: &Path, id: u64, name: &str) -> Result<Migration> {
    let (up, down) = folder_scripts(dir)?;
    Ok(migration(
        id,
        name.to_string(),
        Layout::RusqliteMigration,
        up,
        down,
    ))
}

fn diesel_folder(dir: &Path, folder: &str) -> Result<Migration> {
    let unknown = || Error::UnknownFile {
        path: dir.to_path_buf(),
    };
    let (stamp, name) = folder.split_once('_').ok_or_else(unknown)?;
    let digits: String = stamp.chars().filter(|c| *c != '-').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || name.is_empty() {
        return Err(unknown());
    }
    let version = digits.parse().map_err(|_| unknown())?;
    let (up, down) = folder_scripts(dir)?;
    let mut m = migration(version, name.to_string(), Layout::Diesel, up, down);
    // diesel's own switch for migrations that must not run in a transaction
    if let Ok(meta) = fs::read_to_string(dir.join("metadata.toml")) {
        let compact: String = meta.split_whitespace().collect();
        if compact.contains("run_in_transaction=false") {
            m.no_transaction = true;
        }
    }
    Ok(m)
}

enum FileName {
    Up {
        version: u64,
        name: String,
        layout: Layout,
    },
    Down {
        version: u64,
    },
    /// Flyway's `U<version>__<name>.sql`.
    Undo {
        version: u64,
    },
    /// Flyway's `R__<name>.sql`.
    Repeatable {
        name: String,
    },
}

fn parse_file_name(file_name: &str) -> Option<FileName> {
    let stem = file_name.strip_suffix(".sql")?;
    if let Some(name) = stem.strip_prefix("R__") {
        return Some(FileName::Repeatable {
            name: nonempty(name)?,
        });
    }
    // refinery: `V<integer>__<name>`; Flyway: `V<version>__<name>` and
    // `U<version>__<name>`, a version being digits separated by `.` or `_`
    let flyway = stem
        .strip_prefix(['V', 'v'])
        .map(|rest| (false, rest))
        .or_else(|| stem.strip_prefix('U').map(|rest| (true, rest)));
    if let Some((undo, rest)) = flyway {
        let (version, name) = rest.split_once("__")?;
        let parsed = flyway::Version::parse(version)?;
        let name = nonempty(name)?;
        if undo {
            return Some(FileName::Undo {
                version: parsed.id(),
            });
        }
        let dotted = version.contains(['.', '_']);
        return Some(FileName::Up {
            version: parsed.id(),
            name,
            layout: if dotted {
                Layout::Flyway
            } else {
                Layout::Refinery
            },
        });
    }
    let (version, rest) = stem.split_once('_')?;
    let version = parse_version(version)?;
    if let Some(name) = rest.strip_suffix(".up") {
        return Some(FileName::Up {
            version,
            name: nonempty(name)?,
            layout: Layout::Reversible,
        });
    }
    if let Some(name) = rest.strip_suffix(".down") {
        nonempty(name)?;
        return Some(FileName::Down { version });
    }
    Some(FileName::Up {
        version,
        name: nonempty(rest)?,
        layout: Layout::Simple,
    })
}

fn parse_version(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn nonempty(name: &str) -> Option<String> {
    (!name.is_empty()).then(|| name.to_string())
}

fn read_script(path: &Path) -> Result<Script> {
    let bytes = fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Error::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    Ok(Script {
        file: Cow::Owned(display_path(path)),
        path: Some(path.to_path_buf()),
        raw: Cow::Owned(text),
    })
}

/// Drops a leading BOM and turns CRLF into LF, so a Windows checkout has the
/// same text, and so the same checksum, as a Unix one.
pub fn normalize(text: &str) -> String {
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n")
}

/// SHA-256 of a normalized script.
pub fn checksum(sql: &str) -> [u8; 32] {
    Sha256::digest(normalize(sql).as_bytes()).into()
}

/// Lowercase hex of bytes.
///
/// ```
/// assert_eq!(driftless_migrations::discover::hex(&[0x00, 0x1f, 0xa0, 0xff]), "001fa0ff");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, body) in files {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).expect("mkdir");
            }
            fs::write(path, body).expect("write");
        }
        dir
    }

    fn versions(set: &MigrationSet) -> Vec<(u64, String, Layout, bool)> {
        set.migrations
            .iter()
            .map(|m| (m.version, m.name.to_string(), m.layout, m.down.is_some()))
            .collect()
    }

    #[test]
    fn simple_layout_sorts_numerically() {
        let dir = dir_with(&[
            ("10_ten.sql", b"SELECT 1;"),
            ("9_nine.sql", b"SELECT 1;"),
            ("20240101120000_stamp.sql", b"SELECT 1;"),
            (".gitkeep", b""),
            ("README.md", b"notes"),
        ]);
        let set = discover(dir.path()).expect("discover");
        let got = versions(&set);
        assert_eq!(got[0].0, 9);
        assert_eq!(got[1].0, 10);
        assert_eq!(got[2].0, 20240101120000);
        assert!(got.iter().all(|m| m.2 == Layout::Simple && !m.3));
    }

    #[test]
    fn reversible_layout_pairs_up_and_down() {
        let dir = dir_with(&[
            ("0001_create.up.sql", b"CREATE TABLE t (x);"),
            ("0001_create.down.sql", b"DROP TABLE t;"),
            ("0002_more.up.sql", b"SELECT 1;"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            versions(&set),
            [
                (1, "create".into(), Layout::Reversible, true),
                (2, "more".into(), Layout::Reversible, false)
            ]
        );
        let down = set.migrations[0].down.as_ref().expect("down");
        assert_eq!(down.sql(), "DROP TABLE t;");
    }

    #[test]
    fn rusqlite_migration_files_and_folders() {
        // the files an `M::up(include_str!(..))` list names, in id order
        let dir = dir_with(&[
            ("10-add_rounds.sql", b"SELECT 1;"),
            ("0002-add_birthday.sql", b"SELECT 1;"),
            ("0001-friend_car.sql", b"CREATE TABLE t (x);"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            versions(&set),
            [
                (1, "friend_car".into(), Layout::RusqliteMigration, false),
                (2, "add_birthday".into(), Layout::RusqliteMigration, false),
                (10, "add_rounds".into(), Layout::RusqliteMigration, false),
            ]
        );
        assert_eq!(set.migrations[0].file_name(), "0001-friend_car.sql");
        assert!(!set.migrations[0].in_folder());
        // `from_directory`'s folders, as its example has them
        let dir = dir_with(&[
            ("01-friend_car/up.sql", b"CREATE TABLE t (x);"),
            ("02-add_birthday_column/up.sql", b"SELECT 1;"),
            ("03-add_animal_table/up.sql", b"CREATE TABLE a (x);"),
            ("03-add_animal_table/down.sql", b"DROP TABLE a;"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            versions(&set),
            [
                (1, "friend_car".into(), Layout::RusqliteMigration, false),
                (
                    2,
                    "add_birthday_column".into(),
                    Layout::RusqliteMigration,
                    false
                ),
                (
                    3,
                    "add_animal_table".into(),
                    Layout::RusqliteMigration,
                    true
                ),
            ]
        );
        assert_eq!(set.migrations[2].file_name(), "03-add_animal_table");
        assert!(set.migrations[2].in_folder());
        // a folder without its up.sql says so; diesel's folders stay diesel's
        let dir = dir_with(&[("04-lost/down.sql", b"SELECT 1;")]);
        let err = discover(dir.path()).expect_err("no up.sql");
        assert!(matches!(err, Error::MissingUp { .. }), "{err}");
        let dir = dir_with(&[("2024-01-01-120000_init/up.sql", b"SELECT 1;")]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(set.migrations[0].layout, Layout::Diesel);
        // its files beside sqlx's are two tools' migrations
        let dir = dir_with(&[("0001-a.sql", b"SELECT 1;"), ("0002_b.sql", b"SELECT 1;")]);
        let err = discover(dir.path()).expect_err("mixed");
        assert!(matches!(err, Error::MixedLayouts { .. }), "{err}");
    }

    #[test]
    fn prisma_folders_are_read_as_prisma_reads_them() {
        // `migration.sql` in a timestamped folder, a lock file beside them;
        // this was misreported as a diesel folder without up.sql
        let dir = dir_with(&[
            ("migration_lock.toml", b"provider = \"sqlite\""),
            (
                "20240102000000_add_score/migration.sql",
                b"ALTER TABLE games ADD COLUMN score INTEGER;",
            ),
            (
                "20240101000000_init/migration.sql",
                b"CREATE TABLE games (id INTEGER PRIMARY KEY);",
            ),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            versions(&set),
            [
                (20240101000000, "init".into(), Layout::Prisma, false),
                (20240102000000, "add_score".into(), Layout::Prisma, false),
            ]
        );
        assert_eq!(set.migrations[0].file_name(), "20240101000000_init");
        crate::replay::replay(&set).expect("replays");
    }

    #[test]
    fn goose_and_dbmate_files_are_read_by_their_sections() {
        // run whole, such a file's down ran right after its up
        for (body, layout) in [
            (
                "-- +goose NO TRANSACTION\n-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE games (id INTEGER);\n-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE games;\n",
                Layout::Goose,
            ),
            (
                "-- migrate:up transaction:false\ncreate table games (id integer);\n\n-- migrate:down\ndrop table games;\n",
                Layout::Dbmate,
            ),
        ] {
            let dir = dir_with(&[("20240101120000_games.sql", body.as_bytes())]);
            let set = discover(dir.path()).expect("discover");
            let m = &set.migrations[0];
            assert_eq!((m.layout, m.no_transaction), (layout, true));
            assert!(
                !m.up.sql().to_lowercase().contains("drop table"),
                "{}",
                m.up.sql()
            );
            let down = m.down.as_ref().expect("down section");
            assert!(down.sql().to_lowercase().contains("drop table"));
            assert!(!down.sql().to_lowercase().contains("create table"));
            // line numbers are the file's
            assert_eq!(m.up.sql().lines().count(), body.lines().count());
            let (conn, snapshot) =
                crate::replay::replay_database(&set).expect("replays the up only");
            assert_eq!(snapshot.schema.tables.len(), 1);
            drop(conn);
        }
        // markers in a file of another layout, or no up section: refused
        for (file, body) in [
            (
                "V1__games.sql",
                "-- +goose Up\nCREATE TABLE games (id INTEGER);\n",
            ),
            (
                "20240101120000_games.sql",
                "-- +goose Down\nDROP TABLE games;\n",
            ),
            (
                "20240101120000_games.sql",
                "-- +goose Up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n",
            ),
        ] {
            let dir = dir_with(&[(file, body.as_bytes())]);
            let err = discover(dir.path()).expect_err(file);
            assert!(matches!(err, Error::ForeignMarkers { .. }), "{err}");
        }
    }

    #[test]
    fn diesel_orders_versions_as_text_as_diesel_does() {
        // a real folder with `_` where the `-` belongs: version 20240313 to
        // diesel, which sorts after 20240306170000 as text
        let dir = dir_with(&[
            (
                "2024-03-06-170000_add_users/up.sql",
                b"CREATE TABLE users (id INTEGER);",
            ),
            (
                "2024-03-13_170000_cascade/up.sql",
                b"DROP TABLE users; CREATE TABLE users (id INTEGER, x TEXT);",
            ),
            ("2024-02-01-000000_first/up.sql", b"SELECT 1;"),
        ]);
        let set = discover(dir.path()).expect("discover");
        let names: Vec<&str> = set.migrations.iter().map(|m| m.name.as_ref()).collect();
        assert_eq!(names, ["first", "add_users", "170000_cascade"]);
        assert_eq!(set.migrations[2].version, 20240313);
        crate::replay::replay(&set).expect("replays in diesel's order");
    }

    /// The file names in the order driftless runs them.
    fn order(set: &MigrationSet) -> Vec<String> {
        set.migrations.iter().map(Migration::file_name).collect()
    }

    #[test]
    fn flyway_orders_versions_part_by_part_then_repeatables_by_description() {
        // Flyway: `.` or `_` between parts, parts compared as numbers,
        // repeatable migrations last, by description; an undo is the down of
        // the versioned migration with its version
        let dir = dir_with(&[
            ("V1.10__ten.sql", b"CREATE TABLE t10 (x);"),
            ("V1_2__two.sql", b"CREATE TABLE t2 (x);"),
            ("V1__init.sql", b"CREATE TABLE t1 (x);"),
            ("V1.2.1__patch.sql", b"CREATE TABLE t21 (x);"),
            ("U1.2.1__patch.sql", b"DROP TABLE t21;"),
            ("V2__next.sql", b"CREATE TABLE t3 (x);"),
            (
                "R__b_views.sql",
                b"CREATE VIEW IF NOT EXISTS v AS SELECT * FROM t1;",
            ),
            ("R__a_triggers.sql", b"SELECT 1;"),
            ("V1.9__nine.sql", b"CREATE TABLE t9 (x);"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            order(&set),
            [
                "V1__init.sql",
                "V1_2__two.sql",
                "V1.2.1__patch.sql",
                "V1.9__nine.sql",
                "V1.10__ten.sql",
                "V2__next.sql",
                "R__a_triggers.sql",
                "R__b_views.sql",
            ]
        );
        let patch = &set.migrations[2];
        assert_eq!(patch.layout, Layout::Flyway);
        assert_eq!(
            patch.down.as_ref().map(|d| d.sql().into_owned()).as_deref(),
            Some("DROP TABLE t21;")
        );
        assert_eq!(set.migrations[0].version, 1);
        assert_eq!(set.migrations[5].version, 2);
        assert!(set.migrations[6].repeatable && set.migrations[7].repeatable);
        assert!(set.migrations.iter().take(6).all(|m| !m.repeatable));
        crate::replay::replay(&set).expect("replays in Flyway's order");

        // `1.0` is `1` to Flyway; an undo without its versioned migration is refused
        let dir = dir_with(&[
            ("V1__a.sql", b"SELECT 1;"),
            ("V1.0__b.sql", b"SELECT 1;"),
            ("U3__gone.sql", b"DROP TABLE x;"),
        ]);
        let Err(Error::Several(all)) = discover(dir.path()) else {
            panic!("two problems expected");
        };
        assert!(
            matches!(all[0], Error::DuplicateVersion { version: 1, .. }),
            "{}",
            all[0]
        );
        assert!(
            matches!(&all[1], Error::DownWithoutUp { path } if path.ends_with("U3__gone.sql")),
            "{}",
            all[1]
        );
    }

    #[test]
    fn dbmate_orders_files_by_name() {
        // dbmate takes any `<digits>...sql` name and sorts by file name:
        // `20240101120000_b` sorts before `20240101_a` (`1` < `_`), though
        // its number is larger
        let file = |up: &str| format!("-- migrate:up\n{up}\n-- migrate:down\n");
        let dir = dir_with(&[
            ("20240101_a.sql", file("CREATE TABLE a (x);").as_bytes()),
            (
                "20240101120000_b.sql",
                file("CREATE TABLE b (x);").as_bytes(),
            ),
            ("20240102-c.sql", file("CREATE TABLE c (x);").as_bytes()),
            ("20240103.sql", file("CREATE TABLE d (x);").as_bytes()),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            order(&set),
            [
                "20240101120000_b.sql",
                "20240101_a.sql",
                "20240102-c.sql",
                "20240103.sql"
            ]
        );
        let names: Vec<&str> = set.migrations.iter().map(|m| m.name.as_ref()).collect();
        assert_eq!(names, ["b", "a", "c", "20240103"]);
        // a `<digits>-name.sql` without dbmate's sections is
        // rusqlite_migration's; `<digits>name.sql` is no migration at all
        let dir = dir_with(&[("20240102-c.sql", b"CREATE TABLE c (x);")]);
        let set = discover(dir.path()).expect("rusqlite_migration's");
        assert_eq!(set.migrations[0].layout, Layout::RusqliteMigration);
        let dir = dir_with(&[("20240102c.sql", b"CREATE TABLE c (x);")]);
        let err = discover(dir.path()).expect_err("no layout's");
        assert!(matches!(err, Error::UnknownFile { .. }), "{err}");
    }

    #[test]
    fn goose_orders_versions_as_numbers() {
        // goose parses the digits before the first `_` as a number and sorts by it
        let file = |up: &str| format!("-- +goose Up\n{up}\n-- +goose Down\nSELECT 1;\n");
        let dir = dir_with(&[
            ("10_c.sql", file("CREATE TABLE c (x);").as_bytes()),
            ("00002_b.sql", file("CREATE TABLE b (x);").as_bytes()),
            ("1_a.sql", file("CREATE TABLE a (x);").as_bytes()),
            (
                "20240101120000_d_with_more.sql",
                file("CREATE TABLE d (x);").as_bytes(),
            ),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            order(&set),
            [
                "1_a.sql",
                "00002_b.sql",
                "10_c.sql",
                "20240101120000_d_with_more.sql"
            ]
        );
        assert!(set.migrations.iter().all(|m| m.layout == Layout::Goose));
    }

    #[test]
    fn mixed_layouts_are_refused_unless_one_tool_reads_both() {
        // diesel never runs a sqlx file beside its folders
        let dir = dir_with(&[
            ("2024-01-01-120000_a/up.sql", b"CREATE TABLE a (x);"),
            ("0002_b.sql", b"CREATE TABLE b (x);"),
        ]);
        let err = discover(dir.path()).expect_err("mixed");
        assert!(
            matches!(
                err,
                Error::MixedLayouts {
                    first_tool: "sqlx",
                    second_tool: "diesel",
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().contains("0002_b.sql")
                && err.to_string().contains("2024-01-01-120000_a"),
            "{err}"
        );
        // sqlx reads simple and reversible files together; refinery's files are Flyway's
        for [a, b] in [
            ["0001_a.sql", "0002_b.up.sql"],
            ["V1__a.sql", "V1.1__b.sql"],
        ] {
            let dir = dir_with(&[(a, b"SELECT 1;"), (b, b"SELECT 2;")]);
            assert_eq!(discover(dir.path()).expect("one tool").migrations.len(), 2);
        }
    }

    #[test]
    fn diesel_layout_reads_folders() {
        let dir = dir_with(&[
            (
                "2024-01-01-120000_create_games/up.sql",
                b"CREATE TABLE games (id INTEGER);",
            ),
            (
                "2024-01-01-120000_create_games/down.sql",
                b"DROP TABLE games;",
            ),
            ("2024-02-01-000000_add_x/up.sql", b"SELECT 1;"),
            (
                "2024-02-01-000000_add_x/metadata.toml",
                b"run_in_transaction = false\n",
            ),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            versions(&set),
            [
                (20240101120000, "create_games".into(), Layout::Diesel, true),
                (20240201000000, "add_x".into(), Layout::Diesel, false)
            ]
        );
        assert_eq!(
            set.migrations[0].file_name(),
            "2024-01-01-120000_create_games"
        );
        assert!(set.migrations[1].no_transaction);
    }

    #[test]
    fn refinery_layout() {
        // refinery parses the version as a number: V10 after V9, V002 is 2
        let dir = dir_with(&[
            ("V10__tenth.sql", b"SELECT 10;"),
            ("V002__second.sql", b"SELECT 2;"),
            ("V9__ninth.sql", b"SELECT 9;"),
            ("V1__first.sql", b"SELECT 1;"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            versions(&set),
            [
                (1, "first".into(), Layout::Refinery, false),
                (2, "second".into(), Layout::Refinery, false),
                (9, "ninth".into(), Layout::Refinery, false),
                (10, "tenth".into(), Layout::Refinery, false)
            ]
        );
    }

    #[test]
    fn up_and_down_pair_by_version_as_golang_migrate_pairs_them() {
        // a real project's `..up.sql`, and a down named otherwise
        let dir = dir_with(&[
            ("0001_init.up.sql", b"CREATE TABLE t (id INTEGER);"),
            ("0001_start.down.sql", b"DROP TABLE t;"),
            ("0002_flags..up.sql", b"ALTER TABLE t ADD COLUMN x INTEGER;"),
            ("0002_flags.down.sql", b"ALTER TABLE t DROP COLUMN x;"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert!(
            set.migrations.iter().all(|m| m.down.is_some()),
            "{:?}",
            versions(&set)
        );
    }

    #[test]
    fn golang_migrate_orders_versions_as_numbers() {
        // golang-migrate parses `<version>_` as a number (uint), any width
        let dir = dir_with(&[
            ("010_c.up.sql", b"SELECT 10;"),
            ("010_c.down.sql", b"SELECT 10;"),
            ("2_b.up.sql", b"SELECT 2;"),
            ("1_a.up.sql", b"SELECT 1;"),
            ("1_a.down.sql", b"SELECT 1;"),
            ("1700000000_d.up.sql", b"SELECT 4;"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(
            order(&set),
            [
                "1_a.up.sql",
                "2_b.up.sql",
                "010_c.up.sql",
                "1700000000_d.up.sql"
            ]
        );
        let downs: Vec<bool> = set.migrations.iter().map(|m| m.down.is_some()).collect();
        assert_eq!(downs, [true, false, true, false]);
    }

    #[test]
    fn duplicate_version_names_both_files() {
        let dir = dir_with(&[("0001_a.sql", b"SELECT 1;"), ("1_b.sql", b"SELECT 1;")]);
        let err = discover(dir.path()).expect_err("duplicate");
        let text = err.to_string();
        assert!(
            matches!(err, Error::DuplicateVersion { version: 1, .. }),
            "{text}"
        );
        assert!(
            text.contains("0001_a.sql") && text.contains("1_b.sql"),
            "{text}"
        );
    }

    #[test]
    fn down_without_up_is_an_error() {
        let dir = dir_with(&[("0001_a.down.sql", b"DROP TABLE t;")]);
        let err = discover(dir.path()).expect_err("orphan down");
        assert!(err.to_string().contains("0001_a.down.sql"), "{err}");
        assert!(matches!(err, Error::DownWithoutUp { .. }));
    }

    #[test]
    fn unknown_file_is_an_error() {
        for name in [
            "schema.sql",
            "V1_single_underscore.sql",
            "0001_.sql",
            "0001-.sql",
        ] {
            let dir = dir_with(&[(name, b"SELECT 1;")]);
            let err = discover(dir.path()).expect_err(name);
            assert!(matches!(err, Error::UnknownFile { .. }), "{name}: {err}");
            assert!(err.to_string().contains(name), "{err}");
        }
    }

    #[test]
    fn every_problem_is_reported_in_one_run() {
        let dir = dir_with(&[
            ("0001_a.sql", b"SELECT 1;"),
            ("0001_b.sql", b"SELECT 1;"),
            ("schema.sql", b"SELECT 1;"),
            ("0003_c.down.sql", b"SELECT 1;"),
            ("0004_d.sql", b"\xff\xfe"),
        ]);
        let err = discover(dir.path()).expect_err("four problems");
        let Error::Several(all) = &err else {
            panic!("one problem reported: {err}");
        };
        assert_eq!(all.len(), 4, "{err}");
        let text = err.to_string();
        for name in ["0001_b.sql", "schema.sql", "0003_c.down.sql", "0004_d.sql"] {
            assert!(text.contains(name), "{name}: {text}");
        }
    }

    #[test]
    fn files_that_are_not_sql_are_not_migrations() {
        let dir = dir_with(&[
            ("0001_a.sql", b"CREATE TABLE a (x);"),
            ("NOTES.md", b"# why 0001 exists"),
            ("seed.csv", b"1,2"),
            ("0002_b.sql.bak", b"broken"),
        ]);
        let set = discover(dir.path()).expect("discover");
        assert_eq!(set.migrations.len(), 1);
    }

    #[test]
    fn diesel_folder_without_up_is_an_error() {
        let dir = dir_with(&[("2024-01-01-120000_x/down.sql", b"SELECT 1;")]);
        let err = discover(dir.path()).expect_err("no up");
        assert!(matches!(err, Error::MissingUp { .. }), "{err}");
    }

    #[test]
    fn non_utf8_is_an_error() {
        let dir = dir_with(&[("0001_a.sql", &[0xff, 0xfe, 0x00, 0x41])]);
        let err = discover(dir.path()).expect_err("latin1");
        assert!(matches!(err, Error::NotUtf8 { .. }), "{err}");
    }

    #[test]
    fn bom_and_crlf_give_the_unix_checksum() {
        let unix = dir_with(&[("0001_a.sql", b"-- no-transaction\nSELECT 1;\n")]);
        let windows = dir_with(&[(
            "0001_a.sql",
            b"\xef\xbb\xbf-- no-transaction\r\nSELECT 1;\r\n",
        )]);
        let a = discover(unix.path()).expect("unix");
        let b = discover(windows.path()).expect("windows");
        assert_eq!(a.migrations[0].checksum, b.migrations[0].checksum);
        assert_eq!(a.migrations[0].up.sql(), b.migrations[0].up.sql());
        assert!(b.migrations[0].no_transaction);
        // the text as written is kept: sqlx checksums it
        assert!(b.migrations[0].up.raw.starts_with('\u{feff}'));
        assert!(b.migrations[0].up.raw.ends_with("\r\n"));
    }

    #[test]
    fn missing_directory() {
        let err = discover("/definitely/not/here").expect_err("missing");
        assert!(matches!(err, Error::MissingDirectory { .. }));
    }
}

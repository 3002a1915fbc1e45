//! The one error type of the engine: every variant names the file (and line)
//! it is about and its `Display` says what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// `Result` with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in a migration file a statement starts (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub column: usize,
}

/// Everything that can go wrong while reading, replaying or loading migrations.
///
/// ```
/// use driftless_migrations::{discover, Error};
/// let err = discover("no/such/dir").unwrap_err();
/// assert!(matches!(err, Error::MissingDirectory { .. }));
/// assert!(err.to_string().contains("no/such/dir"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The migrations directory does not exist.
    MissingDirectory {
        /// The directory that was looked for.
        dir: PathBuf,
    },
    /// A file or directory could not be read.
    Io {
        /// The path being read.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A migration file is not UTF-8.
    NotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// A file in the migrations directory matches none of the layouts.
    UnknownFile {
        /// The file.
        path: PathBuf,
    },
    /// A diesel or rusqlite_migration folder has no `up.sql`.
    MissingUp {
        /// The folder.
        dir: PathBuf,
    },
    /// A file holds goose's or dbmate's up/down markers where they cannot be
    /// read: another layout's file, two tools' markers, or no up section.
    ForeignMarkers {
        /// The file.
        path: PathBuf,
        /// The tool whose markers they are.
        tool: &'static str,
        /// The first marker line.
        marker: String,
    },
    /// A `.down.sql` file has no matching `.up.sql`.
    DownWithoutUp {
        /// The down file.
        path: PathBuf,
    },
    /// Two migrations share one version.
    DuplicateVersion {
        /// The version both files claim.
        version: u64,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// Migrations of two tools that never read each other's files in one directory.
    MixedLayouts {
        /// A file of the first layout.
        first: PathBuf,
        /// Its tool.
        first_tool: &'static str,
        /// A file of the other layout.
        second: PathBuf,
        /// Its tool.
        second_tool: &'static str,
    },
    /// A statement of a migration failed while it was replayed or applied.
    Statement {
        /// The migration file.
        path: PathBuf,
        /// Where the failing statement starts.
        at: Position,
        /// Where in it SQLite found the error, when it says (syntax errors).
        token: Option<Position>,
        /// The statement's first line.
        statement: String,
        /// SQLite's message.
        message: String,
    },
    /// A fixture of `#[driftless::test]` fails on the schema it is applied to.
    Fixture {
        /// The fixture file.
        path: PathBuf,
        /// Where it fails: the failing token, else its statement's start.
        at: Position,
        /// The statement's first line.
        statement: String,
        /// SQLite's message.
        message: String,
        /// Which schema it was applied to, e.g. `schema from 4 migrations in migrations/ (latest: ...)`.
        schema: String,
    },
    /// A migration tried something the build-time sandbox forbids.
    Forbidden {
        /// The migration file.
        path: PathBuf,
        /// Where the statement starts.
        at: Position,
        /// The statement's first line.
        statement: String,
        /// What it tried, e.g. "ATTACH of a database file".
        what: &'static str,
    },
    /// A migration that runs in a transaction issues BEGIN/COMMIT itself.
    OwnTransaction {
        /// The migration file.
        path: PathBuf,
        /// Where the statement starts.
        at: Position,
        /// The statement's first line.
        statement: String,
    },
    /// A view refers to a table or column the migrations do not (or no longer) create.
    BrokenView {
        /// The view.
        view: String,
        /// The migration that creates it, when known.
        created_in: Option<PathBuf>,
        /// SQLite's message.
        message: String,
    },
    /// A build script registers one migration set twice.
    DuplicateSet {
        /// The set's name (`None`: the default set).
        db: Option<String>,
    },
    /// A build script asks for sqlx's macros to be fed from two migration sets.
    DuplicateSqlxSet,
    /// A schema snapshot could not be read or written.
    Snapshot {
        /// The snapshot file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The code a build script runs to build the schema
    /// (`driftless::build::built_by`) failed.
    BuiltBy {
        /// What the code is called, e.g. `migration::Migrator`.
        code: String,
        /// Its error, or what is wrong with the database it left.
        message: String,
    },
    /// diesel's `schema.rs` differs from the schema the migrations produce.
    SchemaRs {
        /// The `schema.rs` file.
        path: PathBuf,
        /// The migrations directory.
        dir: PathBuf,
        /// Each difference, starting with `file:line: `.
        problems: Vec<String>,
        /// The command that writes the file from the migrations.
        regenerate: String,
    },
    /// Migrations not yet merged that fail once their tables hold rows
    /// (`.rehearse()` in a build script), each already explained.
    FailsOnRows {
        /// Each finding: the file, line, table, SQLite's message and the fix.
        findings: Vec<String>,
    },
    /// A squash of a virtual table whose module driftless's SQLite lacks:
    /// the replay made a stand-in, so its statement cannot be written back.
    Unsquashable {
        /// The virtual table.
        table: String,
        /// Its module.
        module: String,
    },
    /// Several problems with the migration files, all found in one pass.
    Several(Vec<Error>),
    /// SQLite failed outside any one migration statement.
    Sqlite(rusqlite::Error),
}

/// Shows `path` relative to the crate being built when it lies inside it,
/// so messages read `migrations/0002_x.sql` rather than an absolute path.
pub fn display_path(path: &Path) -> String {
    if let Some(root) = std::env::var_os("CARGO_MANIFEST_DIR")
        && let Ok(rel) = path.strip_prefix(&root)
        && !rel.as_os_str().is_empty()
    {
        return rel.display().to_string();
    }
    path.display().to_string()
}

const LAYOUTS: &str = "expected `0001_name.sql`, `0001_name.up.sql`/`.down.sql`, \
                       `V1__name.sql`/`V1.1__name.sql`/`R__name.sql`, or a folder \
                       `2024-01-01-120000_name/up.sql` (diesel) or `20240101120000_name/migration.sql` (Prisma)";

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingDirectory { dir } => write!(
                f,
                "migrations directory `{}` does not exist\nhelp: create it and add a first migration, e.g. `{}/0001_init.sql`",
                display_path(dir),
                display_path(dir)
            ),
            Error::Io { path, source } => {
                write!(f, "cannot read `{}`: {source}", display_path(path))
            }
            Error::NotUtf8 { path } => write!(
                f,
                "migration `{}` is not UTF-8\nhelp: save the file as UTF-8",
                display_path(path)
            ),
            Error::UnknownFile { path } => write!(
                f,
                "`{}` is not a migration: {LAYOUTS}\nhelp: rename it, or move it out of the migrations directory",
                display_path(path)
            ),
            Error::MissingUp { dir } => write!(
                f,
                "migration folder `{}` has no `up.sql`",
                display_path(dir)
            ),
            Error::ForeignMarkers { path, tool, marker } => write!(
                f,
                "`{}` has {tool}'s up/down markers (`{marker}`), but is not a {tool} migration \
                 (`<version>_<name>.sql` with an up section, one tool's markers): run whole, its down would run right after its up\n\
                 help: name it `<version>_<name>.sql` with `-- +goose Up`/`-- migrate:up` first, or split it into `.up.sql` and `.down.sql`",
                display_path(path)
            ),
            Error::DownWithoutUp { path } => {
                let undo = path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('U'));
                if undo {
                    write!(
                        f,
                        "`{}` is a Flyway undo script without the `V` migration of its version\n\
                         help: add the `V<version>__` file it undoes, or delete it; \
                         a refinery unversioned (`U`) migration is not read: rename it `V<version>__<name>.sql`",
                        display_path(path)
                    )
                } else {
                    write!(
                        f,
                        "`{}` is a down migration without an up migration\nhelp: add the matching `.up.sql`, or delete the down file",
                        display_path(path)
                    )
                }
            }
            Error::DuplicateVersion {
                version,
                first,
                second,
            } => write!(
                f,
                "two migrations have version {version}: `{}` and `{}`\nhelp: give one of them the next free version",
                display_path(first),
                display_path(second)
            ),
            Error::MixedLayouts {
                first,
                first_tool,
                second,
                second_tool,
            } => write!(
                f,
                "`{}` is a {first_tool} migration, but `{}` is a {second_tool} one: a directory holds one tool's \
                 migrations, and neither tool runs the other's files\n\
                 help: write it in the directory's layout (`driftless new` does), or move it to a directory of its own",
                display_path(first),
                display_path(second)
            ),
            Error::Statement {
                path,
                at,
                token,
                statement,
                message,
            } => {
                write!(
                    f,
                    "migration `{}` failed in the statement at line {}, column {}: {message}",
                    display_path(path),
                    at.line,
                    at.column
                )?;
                if let Some(token) = token.filter(|t| t != at) {
                    write!(f, " (at line {}, column {})", token.line, token.column)?;
                }
                write!(f, "\n  statement: {statement}")?;
                if message.starts_with("unrecognized token: \"$") {
                    // Flyway's `${name}` placeholders, replaced before the SQL runs
                    write!(
                        f,
                        "\nhelp: `${{...}}` looks like a placeholder its tool replaces (Flyway's `${{name}}`); \
                         driftless runs the SQL as written: write the value in"
                    )?;
                }
                Ok(())
            }
            Error::Fixture {
                path,
                at,
                statement,
                message,
                schema,
            } => write!(
                f,
                "fixture `{}` does not fit the schema: line {}, column {}: {message}\n  statement: {statement}\n  applied to: {schema}\n\
                 help: change the fixture to fit the migrations (or write the migration it expects); fixtures run in the order given, after the migrations",
                display_path(path),
                at.line,
                at.column
            ),
            Error::Forbidden {
                path,
                at,
                statement,
                what,
            } => write!(
                f,
                "migration `{}` line {}: {what} is not allowed while migrations are replayed at build time\n  statement: {statement}\nhelp: migrations replay in an in-memory sandbox that writes no file; move this step out of the migration",
                display_path(path),
                at.line
            ),
            Error::OwnTransaction {
                path,
                at,
                statement,
            } => write!(
                f,
                "migration `{}` line {}: `{statement}` manages a transaction, but driftless already runs each migration in one\nhelp: remove BEGIN/COMMIT, or put `-- driftless:no-transaction` on the first line",
                display_path(path),
                at.line
            ),
            Error::BrokenView {
                view,
                created_in,
                message,
            } => {
                write!(f, "view `{view}` ")?;
                if let Some(file) = created_in {
                    write!(f, "(created in `{}`) ", display_path(file))?;
                }
                write!(
                    f,
                    "does not work on the schema the migrations produce: {message}\n\
                     help: a migration creates the view before what it selects from, or drops or renames it later; \
                     recreate the view in a new migration"
                )
            }
            Error::DuplicateSet { db } => {
                let set = db
                    .as_deref()
                    .map_or("the default migration set".to_string(), |d| {
                        format!("migration set `{d}`")
                    });
                write!(
                    f,
                    "{set} is registered twice in build.rs\nhelp: give each `driftless::build::migrations(..)` its own `.db(\"name\")`"
                )
            }
            Error::DuplicateSqlxSet => write!(
                f,
                "two migration sets call `.sqlx()` in build.rs, but sqlx's macros read one database\nhelp: keep `.sqlx()` on the set whose tables the crate's `sqlx::query!` calls use"
            ),
            Error::Snapshot { path, message } => write!(
                f,
                "schema snapshot `{}`: {message}\nhelp: run `cargo clean -p` for this crate and build again",
                display_path(path)
            ),
            Error::BuiltBy { code, message } => write!(
                f,
                "`{code}` failed to build the schema in build.rs: {message}\n\
                 help: build.rs runs it on an empty SQLite database, as a new install would; \
                 fix the migration it stops at"
            ),
            Error::Unsquashable { table, module } => write!(
                f,
                "virtual table `{table}` uses module `{module}`, which driftless's SQLite lacks, so a baseline cannot recreate it\n\
                 help: squash to a version before the migration that creates it"
            ),
            Error::FailsOnRows { findings } => {
                let all = findings.join("\n");
                write!(
                    f,
                    "{all}\nhelp: when no database can hold rows there yet, exempt the statement with `-- driftless:allow({})`",
                    crate::rehearse::ALLOW
                )
            }
            Error::SchemaRs {
                path,
                dir,
                problems,
                regenerate,
            } => {
                write!(
                    f,
                    "`{}` does not match the schema the migrations in `{}` produce:",
                    display_path(path),
                    display_path(dir).trim_end_matches('/')
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                write!(
                    f,
                    "\nhelp: write it from the migrations with `{regenerate}` \
                     (or add the migration the code expects)"
                )
            }
            Error::Sqlite(e) => write!(f, "SQLite error: {e}"),
            Error::Several(all) => {
                write!(f, "{} problems with the migration files:", all.len())?;
                for e in all {
                    for (i, line) in e.to_string().lines().enumerate() {
                        let bullet = if i == 0 { "- " } else { "  " };
                        write!(f, "\n{bullet}{line}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// Every message is whole (it includes the I/O or SQLite error's text), so
/// `source()` is `None`: a report that walks the chain does not print it
/// twice. The underlying error is in the variant's fields.
impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message of every variant, whole: what users read is the contract.
    #[test]
    fn every_message() {
        let p = |s: &str| PathBuf::from(s);
        let at = Position { line: 3, column: 1 };
        let cases: Vec<(Error, &str)> = vec![
            (
                Error::MissingDirectory { dir: p("migrations") },
                "migrations directory `migrations` does not exist\nhelp: create it and add a first migration, e.g. `migrations/0001_init.sql`",
            ),
            (
                Error::Io {
                    path: p("migrations/0001_a.sql"),
                    source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
                },
                "cannot read `migrations/0001_a.sql`: denied",
            ),
            (
                Error::NotUtf8 { path: p("m/0001_a.sql") },
                "migration `m/0001_a.sql` is not UTF-8\nhelp: save the file as UTF-8",
            ),
            (
                Error::UnknownFile { path: p("m/notes.txt") },
                "`m/notes.txt` is not a migration: expected `0001_name.sql`, `0001_name.up.sql`/`.down.sql`, `V1__name.sql`/`V1.1__name.sql`/`R__name.sql`, or a folder `2024-01-01-120000_name/up.sql` (diesel) or `20240101120000_name/migration.sql` (Prisma)\nhelp: rename it, or move it out of the migrations directory",
            ),
            (
                Error::MissingUp { dir: p("m/2024-01-01-000000_a") },
                "migration folder `m/2024-01-01-000000_a` has no `up.sql`",
            ),
            (
                Error::ForeignMarkers {
                    path: p("m/20240101_a.sql"),
                    tool: "goose",
                    marker: "-- +goose Up".into(),
                },
                "`m/20240101_a.sql` has goose's up/down markers (`-- +goose Up`), but is not a goose migration (`<version>_<name>.sql` with an up section, one tool's markers): run whole, its down would run right after its up\nhelp: name it `<version>_<name>.sql` with `-- +goose Up`/`-- migrate:up` first, or split it into `.up.sql` and `.down.sql`",
            ),
            (
                Error::DownWithoutUp { path: p("m/0002_b.down.sql") },
                "`m/0002_b.down.sql` is a down migration without an up migration\nhelp: add the matching `.up.sql`, or delete the down file",
            ),
            (
                Error::DownWithoutUp { path: p("m/U2__b.sql") },
                "`m/U2__b.sql` is a Flyway undo script without the `V` migration of its version\nhelp: add the `V<version>__` file it undoes, or delete it; a refinery unversioned (`U`) migration is not read: rename it `V<version>__<name>.sql`",
            ),
            (
                Error::DuplicateVersion {
                    version: 1,
                    first: p("m/0001_a.sql"),
                    second: p("m/0001_b.sql"),
                },
                "two migrations have version 1: `m/0001_a.sql` and `m/0001_b.sql`\nhelp: give one of them the next free version",
            ),
            (
                Error::Statement {
                    path: p("m/0002_b.sql"),
                    at,
                    token: Some(Position { line: 4, column: 9 }),
                    statement: "CREATE TABLE b (".into(),
                    message: "near \")\": syntax error".into(),
                },
                "migration `m/0002_b.sql` failed in the statement at line 3, column 1: near \")\": syntax error (at line 4, column 9)\n  statement: CREATE TABLE b (",
            ),
            (
                Error::Statement {
                    path: p("m/V2__b.sql"),
                    at,
                    token: None,
                    statement: "UPDATE b SET hashing = ${hashing};".into(),
                    message: "unrecognized token: \"$\"".into(),
                },
                "migration `m/V2__b.sql` failed in the statement at line 3, column 1: unrecognized token: \"$\"\n  statement: UPDATE b SET hashing = ${hashing};\n\
                 help: `${...}` looks like a placeholder its tool replaces (Flyway's `${name}`); driftless runs the SQL as written: write the value in",
            ),
            (
                Error::Forbidden {
                    path: p("m/0002_b.sql"),
                    at,
                    statement: "ATTACH 'x.db' AS x;".into(),
                    what: "ATTACH of a database file",
                },
                "migration `m/0002_b.sql` line 3: ATTACH of a database file is not allowed while migrations are replayed at build time\n  statement: ATTACH 'x.db' AS x;\nhelp: migrations replay in an in-memory sandbox that writes no file; move this step out of the migration",
            ),
            (
                Error::OwnTransaction {
                    path: p("m/0002_b.sql"),
                    at,
                    statement: "BEGIN;".into(),
                },
                "migration `m/0002_b.sql` line 3: `BEGIN;` manages a transaction, but driftless already runs each migration in one\nhelp: remove BEGIN/COMMIT, or put `-- driftless:no-transaction` on the first line",
            ),
            (
                Error::BrokenView {
                    view: "v".into(),
                    created_in: Some(p("m/0001_a.sql")),
                    message: "no such table: main.a".into(),
                },
                "view `v` (created in `m/0001_a.sql`) does not work on the schema the migrations produce: no such table: main.a\nhelp: a migration creates the view before what it selects from, or drops or renames it later; recreate the view in a new migration",
            ),
            (
                Error::DuplicateSet {
                    db: Some("records".into()),
                },
                "migration set `records` is registered twice in build.rs\nhelp: give each `driftless::build::migrations(..)` its own `.db(\"name\")`",
            ),
            (
                Error::DuplicateSqlxSet,
                "two migration sets call `.sqlx()` in build.rs, but sqlx's macros read one database\nhelp: keep `.sqlx()` on the set whose tables the crate's `sqlx::query!` calls use",
            ),
            (
                Error::Snapshot {
                    path: p("target/s.json"),
                    message: "cannot read: gone".into(),
                },
                "schema snapshot `target/s.json`: cannot read: gone\nhelp: run `cargo clean -p` for this crate and build again",
            ),
            (
                Error::SchemaRs {
                    path: p("src/schema.rs"),
                    dir: p("migrations"),
                    problems: vec!["src/schema.rs:4: `games.x` is not a column of table `games` in the migrations".into()],
                    regenerate: "driftless schema --diesel > src/schema.rs".into(),
                },
                "`src/schema.rs` does not match the schema the migrations in `migrations` produce:\n  src/schema.rs:4: `games.x` is not a column of table `games` in the migrations\nhelp: write it from the migrations with `driftless schema --diesel > src/schema.rs` (or add the migration the code expects)",
            ),
            (
                Error::MixedLayouts {
                    first: p("m/2024-01-01-000000_a"),
                    first_tool: "diesel",
                    second: p("m/0002_b.sql"),
                    second_tool: "sqlx",
                },
                "`m/2024-01-01-000000_a` is a diesel migration, but `m/0002_b.sql` is a sqlx one: a directory holds one tool's migrations, and neither tool runs the other's files\n\
                 help: write it in the directory's layout (`driftless new` does), or move it to a directory of its own",
            ),
            (
                Error::Unsquashable {
                    table: "docs".into(),
                    module: "vec0".into(),
                },
                "virtual table `docs` uses module `vec0`, which driftless's SQLite lacks, so a baseline cannot recreate it\n\
                 help: squash to a version before the migration that creates it",
            ),
            (
                Error::FailsOnRows {
                    findings: vec!["migration `m/0002_a.sql` fails at line 1 once its tables hold rows (table `t`), though it runs on empty ones: Cannot add a NOT NULL column with default value NULL".into()],
                },
                "migration `m/0002_a.sql` fails at line 1 once its tables hold rows (table `t`), though it runs on empty ones: Cannot add a NOT NULL column with default value NULL\n\
                 help: when no database can hold rows there yet, exempt the statement with `-- driftless:allow(fails-on-rows)`",
            ),
            (
                Error::Fixture {
                    path: p("tests/fixtures/games.sql"),
                    at: Position { line: 2, column: 1 },
                    statement: "INSERT INTO games (colour)".into(),
                    message: "table games has no column named colour".into(),
                    schema: "schema from 2 migrations in migrations/ (latest: 0002_b.sql)".into(),
                },
                "fixture `tests/fixtures/games.sql` does not fit the schema: line 2, column 1: table games has no column named colour\n\
                 \x20 statement: INSERT INTO games (colour)\n\
                 \x20 applied to: schema from 2 migrations in migrations/ (latest: 0002_b.sql)\n\
                 help: change the fixture to fit the migrations (or write the migration it expects); fixtures run in the order given, after the migrations",
            ),
            (
                Error::BuiltBy {
                    code: "migration::Migrator".into(),
                    message: "no such table: gamez".into(),
                },
                "`migration::Migrator` failed to build the schema in build.rs: no such table: gamez\n\
                 help: build.rs runs it on an empty SQLite database, as a new install would; \
                 fix the migration it stops at",
            ),
            (
                Error::Sqlite(rusqlite::Error::InvalidQuery),
                "SQLite error: Query is not read-only",
            ),
            (
                Error::Several(vec![
                    Error::MissingUp { dir: p("m/2024-01-01-000000_a") },
                    Error::NotUtf8 { path: p("m/0002_b.sql") },
                ]),
                "2 problems with the migration files:\n\
                 - migration folder `m/2024-01-01-000000_a` has no `up.sql`\n\
                 - migration `m/0002_b.sql` is not UTF-8\n\
                 \x20 help: save the file as UTF-8",
            ),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected);
            assert!(std::error::Error::source(&error).is_none(), "{error}");
            seen.insert(variant(&error));
        }
        assert_eq!(seen.len(), 23, "a case for every variant");
    }

    /// Which variant: a new variant fails to compile here until it has a case above.
    fn variant(e: &Error) -> usize {
        match e {
            Error::MissingDirectory { .. } => 0,
            Error::Io { .. } => 1,
            Error::NotUtf8 { .. } => 2,
            Error::UnknownFile { .. } => 3,
            Error::MissingUp { .. } => 4,
            Error::DownWithoutUp { .. } => 5,
            Error::DuplicateVersion { .. } => 6,
            Error::Statement { .. } => 7,
            Error::Forbidden { .. } => 8,
            Error::OwnTransaction { .. } => 9,
            Error::BrokenView { .. } => 10,
            Error::DuplicateSet { .. } => 11,
            Error::DuplicateSqlxSet => 12,
            Error::Snapshot { .. } => 13,
            Error::SchemaRs { .. } => 14,
            Error::Sqlite(_) => 15,
            Error::ForeignMarkers { .. } => 16,
            Error::Several(_) => 17,
            Error::MixedLayouts { .. } => 18,
            Error::FailsOnRows { .. } => 19,
            Error::Unsquashable { .. } => 20,
            Error::Fixture { .. } => 21,
            Error::BuiltBy { .. } => 22,
        }
    }
}

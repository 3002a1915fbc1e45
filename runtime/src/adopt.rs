//! Taking over the history of another migration tool, so a project can
//! switch to driftless without re-running anything.

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256, Sha384};

use crate::error::{Error, Result};
use crate::history::{self, table_exists, version_from};
use crate::set::Migrations;
use driftless_migrations::diff::diff;
use driftless_migrations::{Migration, flyway};

/// A migration tool whose history [`Migrations::adopt`] takes over.
///
/// ```
/// assert_eq!(driftless::Tool::Diesel.to_string(), "diesel");
/// assert_eq!(driftless::Tool::Sqlx.history_table(), "_sqlx_migrations");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// sqlx (`_sqlx_migrations`).
    Sqlx,
    /// diesel (`__diesel_schema_migrations`).
    Diesel,
    /// refinery (`refinery_schema_history`).
    Refinery,
    /// Prisma Migrate (`_prisma_migrations`).
    Prisma,
    /// golang-migrate (`schema_migrations`, one row: the version and `dirty`).
    GolangMigrate,
    /// goose (`goose_db_version`: a row per up or down, the latest one counts).
    Goose,
    /// dbmate (`schema_migrations`: a row per applied version, no `dirty`).
    Dbmate,
    /// Flyway (`flyway_schema_history`, with its CRC32 checksums).
    Flyway,
    /// hiqlite's `Client::migrate` (`_migrations`, with the SHA-256 of each file).
    Hiqlite,
    /// Cloudflare D1's `wrangler d1 migrations apply` (`d1_migrations`: a row
    /// per applied file, by its name).
    D1,
    /// `PRAGMA user_version`, as rusqlite_migration and hand-written
    /// runners keep it: no table, one number.
    UserVersion,
}

impl Tool {
    /// Every tool `adopt` knows.
    pub const ALL: [Tool; 11] = [
        Tool::Sqlx,
        Tool::Diesel,
        Tool::Refinery,
        Tool::Prisma,
        Tool::GolangMigrate,
        Tool::Goose,
        Tool::Dbmate,
        Tool::Flyway,
        Tool::Hiqlite,
        Tool::D1,
        Tool::UserVersion,
    ];

    /// The table the tool records its history in (for
    /// [`Tool::UserVersion`], the pragma).
    pub fn history_table(self) -> &'static str {
        match self {
            Tool::Sqlx => "_sqlx_migrations",
            Tool::Diesel => "__diesel_schema_migrations",
            Tool::Refinery => "refinery_schema_history",
            Tool::Prisma => "_prisma_migrations",
            Tool::GolangMigrate | Tool::Dbmate => "schema_migrations",
            Tool::Goose => "goose_db_version",
            Tool::Flyway => "flyway_schema_history",
            Tool::Hiqlite => "_migrations",
            Tool::D1 => "d1_migrations",
            Tool::UserVersion => "PRAGMA user_version",
        }
    }
}

impl std::fmt::Display for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Tool::Sqlx => "sqlx",
            Tool::Diesel => "diesel",
            Tool::Refinery => "refinery",
            Tool::Prisma => "Prisma",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Goose => "goose",
            Tool::Dbmate => "dbmate",
            Tool::Flyway => "Flyway",
            Tool::Hiqlite => "hiqlite",
            Tool::D1 => "Cloudflare D1",
            Tool::UserVersion => "user_version",
        })
    }
}

/// What [`Migrations::adopt`] took over; see its example.
///
/// ```
/// let adopted = driftless::Adopted { tool: driftless::Tool::Sqlx, versions: vec![1, 2] };
/// assert_eq!(adopted.versions.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adopted {
    /// The tool whose history it was.
    pub tool: Tool,
    /// The versions now recorded as applied.
    pub versions: Vec<u64>,
}

/// One applied migration as another tool recorded it.
pub(crate) struct Foreign {
    version: u64,
    name: Option<String>,
    checksum: Option<Vec<u8>>,
    applied_at: Option<String>,
}

impl Foreign {
    /// A version recorded with nothing else.
    fn version(version: u64) -> Foreign {
        Foreign {
            version,
            name: None,
            checksum: None,
            applied_at: None,
        }
    }
}

impl Migrations {
    /// Recognises a database migrated by another tool (see [`Tool`] for
    /// the history tables read), checks that every migration it records is
    /// one of these files (by version; by sqlx's, Prisma's or Flyway's
    /// checksum and by the recorded name where the tool keeps them), and
    /// records them as applied in driftless's history. Their table is left
    /// as it was. A migration the tool recorded as failed or dirty stops it.
    ///
    /// # Errors
    /// [`Error::NothingToAdopt`] when there is no such history or driftless
    /// already has one; [`Error::AdoptMismatch`] when a recorded migration
    /// has no file, or another file; nothing is written then.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("20240101000000_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY);
    ///     CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
    ///     INSERT INTO __diesel_schema_migrations (version) VALUES ('20240101000000');")?;
    /// let adopted = migrations.adopt(&mut conn)?;
    /// assert_eq!((adopted.tool, adopted.versions.as_slice()), (driftless::Tool::Diesel, &[20240101000000][..]));
    /// assert!(migrations.status(&conn)?.is_up_to_date());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn adopt(&self, conn: &mut Connection) -> Result<Adopted> {
        if !history::read(conn)?.is_empty() {
            return Err(Error::NothingToAdopt {
                reason: "the database already has a driftless history".into(),
            });
        }
        let (tool, foreign) = read_foreign(conn, self)?;
        let adopted = checked(self, tool, &foreign)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        history::ensure(&tx)?;
        for (m, f) in adopted.iter().zip(&foreign) {
            history::record(&tx, m, 0)?;
            if let Some(at) = &f.applied_at {
                history::set_applied_at(&tx, m.version, at)?;
            }
        }
        tx.commit()?;
        Ok(Adopted {
            tool,
            versions: adopted.iter().map(|m| m.version).collect(),
        })
    }
}

impl Migrations {
    /// Where another tool recorded this database's migrations (its history
    /// table, or `PRAGMA user_version`) when driftless has no history of its
    /// own yet: a database to [`adopt`](Migrations::adopt), not to upgrade
    /// from empty.
    ///
    /// # Errors
    /// The database cannot be read.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// # std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let conn = rusqlite::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY); PRAGMA user_version = 1;")?;
    /// assert_eq!(migrations.foreign_history(&conn)?, Some("PRAGMA user_version"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn foreign_history(&self, conn: &Connection) -> Result<Option<&'static str>> {
        if !history::read(conn)?.is_empty() {
            return Ok(None);
        }
        for tool in Tool::ALL {
            let found = if tool == Tool::UserVersion {
                conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? != 0
            } else {
                table_exists(conn, tool.history_table())?
            };
            if found {
                return Ok(Some(tool.history_table()));
            }
        }
        Ok(None)
    }
}

/// The migration file of each row another tool recorded, in its order,
/// once every row matches one.
pub(crate) fn checked<'a>(
    set: &'a Migrations,
    tool: Tool,
    foreign: &[Foreign],
) -> Result<Vec<&'a Migration>> {
    foreign
        .iter()
        .map(|f| {
            let m = set.get(f.version).ok_or_else(|| Error::AdoptMismatch {
                tool,
                version: f.version,
                reason: "no migration file has this version".into(),
            })?;
            matches(tool, f, m)?;
            Ok(m)
        })
        .collect()
}

/// The query of hiqlite's history, for [`hiqlite_row`].
pub(crate) const HIQLITE_SELECT: &str = "SELECT id, name, hash FROM _migrations ORDER BY id";

/// A row of hiqlite's history: its id is the version, its hash the hex SHA-256 of the file.
pub(crate) fn hiqlite_row(id: i64, name: &str, hash: &str) -> Result<Foreign> {
    Ok(Foreign {
        version: version_from("_migrations", id)?,
        name: Some(name.to_string()),
        checksum: Some(unhex(hash).ok_or_else(|| Error::AdoptMismatch {
            tool: Tool::Hiqlite,
            version: u64::try_from(id).unwrap_or(0),
            reason: format!("its hash `{hash}` is not hex"),
        })?),
        applied_at: None,
    })
}

/// The rows of a tool's history, from a query of `version, name, checksum,
/// applied_at`; a negative version is an error naming the table.
fn foreign_rows(conn: &Connection, tool: Tool, sql: &str) -> Result<Vec<Foreign>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Foreign {
                version: 0,
                name: r.get(1)?,
                checksum: r.get(2)?,
                applied_at: r.get(3)?,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (version, mut f) = row?;
        f.version = version_from(tool.history_table(), version)?;
        out.push(f);
    }
    Ok(out)
}

fn read_foreign(conn: &Connection, set: &Migrations) -> Result<(Tool, Vec<Foreign>)> {
    if table_exists(conn, "_sqlx_migrations")? {
        // sqlx records a failed migration with success = false: part of it may have run
        let dirty: Option<i64> = conn
            .query_row(
                "SELECT version FROM _sqlx_migrations WHERE NOT success ORDER BY version LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(version) = dirty {
            return Err(Error::AdoptMismatch {
                tool: Tool::Sqlx,
                version: version_from("_sqlx_migrations", version)?,
                reason: "sqlx recorded it as failed, so part of it may have run; \
                         finish or undo it and fix its row in _sqlx_migrations first"
                    .into(),
            });
        }
        let rows = foreign_rows(
            conn,
            Tool::Sqlx,
            "SELECT version, description, checksum, installed_on FROM _sqlx_migrations \
             WHERE success ORDER BY version",
        )?;
        return Ok((Tool::Sqlx, rows));
    }
    if table_exists(conn, "__diesel_schema_migrations")? {
        let mut stmt = conn
            .prepare("SELECT version, run_on FROM __diesel_schema_migrations ORDER BY version")?;
        let rows = stmt.query_map([], |r| {
            let version: String = r.get(0)?;
            Ok((version, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (version, applied_at) = row?;
            let digits: String = version.chars().filter(char::is_ascii_digit).collect();
            out.push(Foreign {
                version: digits.parse().map_err(|_| Error::AdoptMismatch {
                    tool: Tool::Diesel,
                    version: 0,
                    reason: format!("version `{version}` is not a number"),
                })?,
                name: None,
                checksum: None,
                applied_at,
            });
        }
        return Ok((Tool::Diesel, out));
    }
    if table_exists(conn, "refinery_schema_history")? {
        let rows = foreign_rows(
            conn,
            Tool::Refinery,
            "SELECT version, name, NULL, applied_on FROM refinery_schema_history ORDER BY version",
        )?;
        return Ok((Tool::Refinery, rows));
    }
    if table_exists(conn, "_prisma_migrations")? {
        // Prisma records a migration that failed part-way with no finish time
        // and no roll-back: part of it may have run
        let dirty: Option<String> = conn
            .query_row(
                "SELECT migration_name FROM _prisma_migrations \
                 WHERE finished_at IS NULL AND rolled_back_at IS NULL ORDER BY migration_name LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(name) = dirty {
            return Err(Error::AdoptMismatch {
                tool: Tool::Prisma,
                version: prisma_version(&name).unwrap_or(0),
                reason: format!(
                    "Prisma recorded `{name}` as started and never finished, so part of it may have run; \
                     resolve it first (`prisma migrate resolve`)"
                ),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT migration_name, checksum, finished_at FROM _prisma_migrations \
             WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, checksum, applied_at) = row?;
            let version = prisma_version(&name).ok_or_else(|| Error::AdoptMismatch {
                tool: Tool::Prisma,
                version: 0,
                reason: format!("migration `{name}` has no version before its `_`"),
            })?;
            out.push(Foreign {
                version,
                name: name.split_once('_').map(|(_, n)| n.to_string()),
                checksum: unhex(&checksum),
                applied_at,
            });
        }
        return Ok((Tool::Prisma, out));
    }
    if table_exists(conn, "goose_db_version")? {
        return Ok((Tool::Goose, goose_rows(conn)?));
    }
    if table_exists(conn, "flyway_schema_history")? {
        return Ok((Tool::Flyway, flyway_rows(conn, set)?));
    }
    if table_exists(conn, "_migrations")? {
        let mut stmt = conn.prepare(HIQLITE_SELECT)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, hash) = row?;
            out.push(hiqlite_row(id, &name, &hash)?);
        }
        return Ok((Tool::Hiqlite, out));
    }
    if table_exists(conn, "schema_migrations")? {
        let has_dirty = conn
            .prepare("SELECT 1 FROM pragma_table_info('schema_migrations') WHERE name = 'dirty'")?
            .exists([])?;
        return if has_dirty {
            Ok((Tool::GolangMigrate, golang_migrate_rows(conn, set)?))
        } else {
            Ok((Tool::Dbmate, dbmate_rows(conn)?))
        };
    }
    if table_exists(conn, "d1_migrations")? {
        return Ok((Tool::D1, d1_rows(conn)?));
    }
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if user_version != 0 {
        return Ok((Tool::UserVersion, user_version_rows(conn, set, user_version)?));
    }
    Err(Error::NothingToAdopt {
        reason: "no sqlx, diesel, refinery, Prisma, golang-migrate, goose, dbmate, Flyway, \
                 hiqlite or D1 history table in the database, and its user_version is 0"
            .into(),
    })
}

/// wrangler records each applied file by its name (`0001_init.sql`) in
/// `d1_migrations (id, name, applied_at)`, in the order it ran them; the
/// version is the number the name starts with.
fn d1_rows(conn: &Connection) -> Result<Vec<Foreign>> {
    let mut stmt =
        conn.prepare("SELECT name, CAST(applied_at AS TEXT) FROM d1_migrations ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (file, applied_at) = row?;
        let unnumbered = || Error::AdoptMismatch {
            tool: Tool::D1,
            version: 0,
            reason: format!("`{file}` does not start with a number and `_`"),
        };
        let (digits, rest) = file.split_once('_').ok_or_else(unnumbered)?;
        let version = digits.parse().map_err(|_| unnumbered())?;
        out.push(Foreign {
            version,
            name: Some(rest.strip_suffix(".sql").unwrap_or(rest).to_string()),
            checksum: None,
            applied_at,
        });
    }
    out.sort_by_key(|f| f.version);
    Ok(out)
}

/// `PRAGMA user_version`: how many migrations ran, as rusqlite_migration
/// counts them, or for a hand-written runner the version of the last one.
/// rusqlite_migration's own `0001-name.sql` files are counted; any other
/// names (`001_init.sql`, `V1__init.sql`, timestamps) may be either, so the
/// number is read both ways. With no names or checksums to check, the
/// database's schema decides: the reading whose migrations produce it is
/// taken, and none, or two that differ, is refused.
fn user_version_rows(conn: &Connection, set: &Migrations, stored: i64) -> Result<Vec<Foreign>> {
    let user_version = version_from(Tool::UserVersion.history_table(), stored)?;
    let mismatch = |reason: String| Error::AdoptMismatch {
        tool: Tool::UserVersion,
        version: user_version,
        reason,
    };
    let counted = set
        .iter()
        .all(|m| m.layout == driftless_migrations::Layout::RusqliteMigration);
    let count = usize::try_from(user_version).unwrap_or(usize::MAX);
    let by_count: Option<Vec<u64>> =
        (count <= set.len()).then(|| set.iter().take(count).map(|m| m.version).collect());
    let by_version: Option<Vec<u64>> = (!counted && set.get(user_version).is_some()).then(|| {
        set.iter()
            .filter(|m| set.cmp_versions(m.version, user_version).is_le())
            .map(|m| m.version)
            .collect()
    });
    let through = |applied: &[u64]| applied.last().map_or("none".to_string(), |v| set.label(*v));
    let readings: Vec<(&str, Vec<u64>)> = match (by_version, by_count) {
        (Some(v), Some(c)) if v == c => vec![("", v)],
        (v, c) => v
            .map(|v| ("the last version that ran", v))
            .into_iter()
            .chain(c.map(|c| ("how many ran", c)))
            .collect(),
    };
    if readings.is_empty() {
        let newest = set.iter().map(|m| m.version).max().unwrap_or(0);
        return Err(mismatch(if counted {
            format!(
                "user_version says {user_version} migrations ran, but there are {} files: \
                 the database was migrated by a build with migrations these files lack",
                set.len()
            )
        } else if user_version > newest {
            format!(
                "it is beyond the newest file ({newest}) and more than the {} files: the database \
                 was migrated by a build with migrations these files lack",
                set.len()
            )
        } else {
            format!(
                "no migration file has this version, and it is more than the {} files",
                set.len()
            )
        }));
    }
    let live = set.live_schema(conn)?;
    let mut results = Vec::new();
    for (reading, applied) in readings.iter() {
        let differences = diff(&set.schema_after(applied.iter().copied())?, &live);
        results.push((*reading, applied, differences));
    }
    let matching: Vec<&Vec<u64>> = results
        .iter()
        .filter(|(_, _, differences)| differences.is_empty())
        .map(|(_, applied, _)| *applied)
        .collect();
    match matching.as_slice() {
        [applied] => return Ok(applied.iter().copied().map(Foreign::version).collect()),
        [one, other] => {
            return Err(mismatch(format!(
                "read as the last version that ran it means the migrations through {}, read as \
                 how many ran the migrations through {}, and the database's schema is the one \
                 both produce; `stamp` the version that really ran",
                through(one),
                through(other)
            )));
        }
        _ => {}
    }
    let read_as = |reading: &str| {
        if results.len() > 1 {
            format!(" (reading it as {reading}; the other reading differs too)")
        } else {
            String::new()
        }
    };
    let Some((reading, applied, differences)) = results.first() else {
        return Err(mismatch("no migrations to compare with".into()));
    };
    Err(mismatch(format!(
        "the database's schema is not the one the migrations through {} produce{}: {}{}",
        through(applied),
        read_as(reading),
        differences.first().map_or("", |d| d.description.as_str()),
        match differences.len() {
            0 | 1 => String::new(),
            2 => " (and 1 more difference; `driftless diff` lists them)".to_string(),
            n => format!(" (and {} more differences; `driftless diff` lists them)", n - 1),
        }
    )))
}

/// golang-migrate keeps one row, the version it reached, and whether the
/// migration to it failed part-way (`dirty`); every version up to it ran.
fn golang_migrate_rows(conn: &Connection, set: &Migrations) -> Result<Vec<Foreign>> {
    let row: Option<(i64, bool)> = conn
        .query_row(
            "SELECT version, dirty FROM schema_migrations LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((stored, dirty)) = row else {
        return Ok(Vec::new());
    };
    let version = version_from(Tool::GolangMigrate.history_table(), stored)?;
    if dirty {
        return Err(Error::AdoptMismatch {
            tool: Tool::GolangMigrate,
            version,
            reason: "golang-migrate marked it dirty: it failed part-way; \
                     finish or undo it by hand and `migrate force` the version first"
                .into(),
        });
    }
    if set.get(version).is_none() {
        return Err(Error::AdoptMismatch {
            tool: Tool::GolangMigrate,
            version,
            reason: "no migration file has this version".into(),
        });
    }
    Ok(set
        .iter()
        .filter(|m| set.cmp_versions(m.version, version).is_le())
        .map(|m| Foreign::version(m.version))
        .collect())
}

/// goose writes a row for every up (`is_applied` 1) and down (0), plus a
/// row for version 0 when it creates the table; a version's latest row says
/// whether it is applied (goose's `dbVersion`/`ListMigrations`).
fn goose_rows(conn: &Connection) -> Result<Vec<Foreign>> {
    let mut stmt = conn.prepare(
        "SELECT version_id, is_applied, CAST(tstamp AS TEXT) FROM goose_db_version ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, bool>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut latest: Vec<(u64, bool, Option<String>)> = Vec::new();
    for row in rows {
        let (stored, is_applied, at) = row?;
        let version = version_from(Tool::Goose.history_table(), stored)?;
        latest.retain(|(v, _, _)| *v != version);
        latest.push((version, is_applied, at));
    }
    latest.sort_by_key(|(v, _, _)| *v);
    Ok(latest
        .into_iter()
        .filter(|(v, is_applied, _)| *v != 0 && *is_applied)
        .map(|(v, _, at)| Foreign {
            applied_at: at,
            ..Foreign::version(v)
        })
        .collect())
}

/// dbmate records each applied version as text, the digits its file name
/// starts with; nothing else.
fn dbmate_rows(conn: &Connection) -> Result<Vec<Foreign>> {
    let mut stmt = conn.prepare("SELECT CAST(version AS TEXT) FROM schema_migrations")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let text = row?;
        let version = text.trim().parse().map_err(|_| Error::AdoptMismatch {
            tool: Tool::Dbmate,
            version: 0,
            reason: format!("version `{text}` is not a number"),
        })?;
        out.push(Foreign::version(version));
    }
    out.sort_by_key(|f| f.version);
    Ok(out)
}

/// Flyway writes a row per event, in `installed_rank` order: a versioned or
/// repeatable migration run (`SQL`), an undo (`UNDO_SQL`), a baseline (every
/// version up to it counts as applied), a deleted migration (`DELETE`). A
/// repeatable migration's latest run counts; one whose file changed since is
/// left to run again, as Flyway would.
fn flyway_rows(conn: &Connection, set: &Migrations) -> Result<Vec<Foreign>> {
    let mut stmt = conn.prepare(
        "SELECT version, description, type, script, checksum, CAST(installed_on AS TEXT), success \
         FROM flyway_schema_history ORDER BY installed_rank",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(FlywayRow {
            version: r.get(0)?,
            description: r.get(1)?,
            kind: r.get(2)?,
            script: r.get(3)?,
            checksum: r.get(4)?,
            installed_on: r.get(5)?,
            success: r.get(6)?,
        })
    })?;
    let mismatch = |version: u64, reason: String| Error::AdoptMismatch {
        tool: Tool::Flyway,
        version,
        reason,
    };
    let mut applied: Vec<Foreign> = Vec::new();
    for row in rows {
        let row = row?;
        if row.kind == "SCHEMA" {
            continue;
        }
        if !row.success {
            return Err(mismatch(
                0,
                format!(
                    "Flyway recorded `{}` as failed, so part of it may have run; \
                     undo what it did and `flyway repair` first",
                    row.script
                ),
            ));
        }
        let Some(text) = &row.version else {
            // a repeatable migration, known by its description
            let found = set
                .iter()
                .find(|m| m.repeatable && simple(&m.name) == simple(&row.description));
            let Some(m) = found else {
                return Err(mismatch(
                    0,
                    format!("no `R__` file has the description `{}`", row.description),
                ));
            };
            applied.retain(|f| f.version != m.version);
            if row.checksum == Some(flyway_checksum(&m.up.sql())) {
                applied.push(Foreign {
                    applied_at: row.installed_on.clone(),
                    ..Foreign::version(m.version)
                });
            }
            continue;
        };
        let version = flyway::Version::parse(text)
            .ok_or_else(|| mismatch(0, format!("version `{text}` is not a Flyway version")))?;
        let id = version.id();
        match row.kind.as_str() {
            "BASELINE" | "SQL_BASELINE" => {
                for m in set.iter().filter(|m| !m.repeatable) {
                    let up_to = set
                        .get(id)
                        .map_or(m.version <= id, |_| set.cmp_versions(m.version, id).is_le());
                    if up_to && !applied.iter().any(|f| f.version == m.version) {
                        applied.push(Foreign::version(m.version));
                    }
                }
            }
            "UNDO_SQL" | "DELETE" => applied.retain(|f| f.version != id),
            "SQL" => {
                applied.retain(|f| f.version != id);
                applied.push(Foreign {
                    version: id,
                    name: Some(row.description.clone()),
                    checksum: row.checksum.map(|c| c.to_be_bytes().to_vec()),
                    applied_at: row.installed_on.clone(),
                })
            }
            other => {
                return Err(mismatch(
                    id,
                    format!(
                        "`{}` is a {other} migration, which driftless does not run; \
                         only SQL migrations can be adopted",
                        row.script
                    ),
                ));
            }
        }
    }
    Ok(applied)
}

/// A row of `flyway_schema_history`.
struct FlywayRow {
    version: Option<String>,
    description: String,
    kind: String,
    script: String,
    checksum: Option<i32>,
    installed_on: Option<String>,
    success: bool,
}

/// Flyway's checksum: CRC32 over the script's lines, without their line
/// breaks or a leading BOM, as a signed 32-bit integer
/// (`ChecksumCalculator`).
fn flyway_checksum(sql: &str) -> i32 {
    let mut crc = crc32fast::Hasher::new();
    let text = sql.strip_prefix('\u{feff}').unwrap_or(sql);
    for line in text.split(['\n', '\r']) {
        crc.update(line.as_bytes());
    }
    // Java's `(int) crc32.getValue()`: the same bits, signed
    i32::from_ne_bytes(crc.finalize().to_ne_bytes())
}

/// The version of a Prisma migration folder name, `20240101120000_init`.
fn prisma_version(name: &str) -> Option<u64> {
    let (stamp, _) = name.split_once('_')?;
    stamp.parse().ok()
}

/// Bytes from lowercase or uppercase hex; `None` when it is not hex.
fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

/// sqlx records a SHA-384 of the file and a description (the name with
/// spaces); refinery records the name. Either must match the file.
fn matches(tool: Tool, f: &Foreign, m: &Migration) -> Result<()> {
    let mismatch = |reason: String| Error::AdoptMismatch {
        tool,
        version: f.version,
        reason,
    };
    if let Some(recorded) = &f.checksum {
        // sqlx checksums the file as written (SHA-384), Prisma its script
        // (SHA-256) with either line ending; a checkout that changed its line
        // endings since still counts as the same migration
        let sql = m.up.sql();
        let texts = [
            m.up.raw.to_string(),
            sql.to_string(),
            sql.replace('\n', "\r\n"),
        ];
        let digest = |text: &str| -> Vec<u8> {
            match tool {
                Tool::Prisma | Tool::Hiqlite => Sha256::digest(text.as_bytes()).to_vec(),
                Tool::Flyway => flyway_checksum(text).to_be_bytes().to_vec(),
                _ => Sha384::digest(text.as_bytes()).to_vec(),
            }
        };
        if !texts.iter().any(|t| digest(t) == *recorded) {
            return Err(mismatch(format!(
                "{} changed since {tool} applied it (checksum differs)",
                m.up.file
            )));
        }
    }
    if let Some(name) = &f.name
        && simple(name) != simple(&m.name)
    {
        return Err(mismatch(format!(
            "{tool} recorded `{name}`, but the file is {}",
            m.up.file
        )));
    }
    Ok(())
}

/// A migration name as tools write it, for comparing: sqlx and Flyway write
/// `_` as a space.
fn simple(name: &str) -> String {
    name.replace(['_', ' '], "").to_ascii_lowercase()
}

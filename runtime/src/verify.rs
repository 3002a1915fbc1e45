//! Comparing a live database with the schema its applied migrations produce.

use std::path::PathBuf;

use driftless_migrations::MigrationSet;
use driftless_migrations::diff::{Difference, diff};
use driftless_migrations::replay::replay_database;
use driftless_migrations::schema::Schema;
use rusqlite::Connection;

use crate::adopt::Tool;
use crate::error::Result;
use crate::set::Migrations;

impl Migrations {
    /// Every difference between the live schema of `conn` and the schema
    /// its applied migrations produce (replayed in memory), each with the
    /// SQL that would fix it: the reviewed replacement for an `ALTER TABLE`
    /// typed into a production shell. Empty when they agree.
    ///
    /// Applied migrations this build lacks cannot be replayed, so what they
    /// did shows as differences: check those before a `stamp`.
    ///
    /// # Errors
    /// A migration that fails to replay.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// migrations.upgrade(&mut conn)?;
    /// conn.execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME")?; // patched by hand
    /// let diffs = migrations.verify(&conn)?;
    /// assert_eq!(diffs[0].fix, "ALTER TABLE games DROP COLUMN paused_at;");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self, conn: &Connection) -> Result<Vec<Difference>> {
        let (expected, live) = self.schemas(conn)?;
        Ok(diff(&expected, &live))
    }

    /// The two schemas [`verify`](Self::verify) compares: the one the applied
    /// migrations produce, and the live one (without migration tools' history
    /// tables). `diff(&live, &expected)` gives the SQL that turns the
    /// migrations' schema into the live one: the database's changes as a migration.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    ///
    /// ```
    /// use driftless::diff;
    /// let dir = tempfile::tempdir()?;
    /// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);")?;
    /// let migrations = driftless::Migrations::from_dir(dir.path())?;
    /// let mut conn = rusqlite::Connection::open_in_memory()?;
    /// migrations.upgrade(&mut conn)?;
    /// conn.execute_batch("ALTER TABLE games ADD COLUMN paused_at DATETIME")?;
    /// let (expected, live) = migrations.schemas(&conn)?;
    /// assert_eq!(diff(&live, &expected)[0].fix, "ALTER TABLE games ADD COLUMN paused_at DATETIME;");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn schemas(&self, conn: &Connection) -> Result<(Schema, Schema)> {
        // applied migrations this build lacks cannot be replayed: what they
        // did shows up as differences, which is how `verify` helps decide a `stamp`
        let status = self.status(conn)?;
        let expected = self.schema_after(status.applied.iter().map(|a| a.version))?;
        Ok((expected, self.live_schema(conn)?))
    }

    /// The live schema of `conn`, without migration tools' history tables.
    pub(crate) fn live_schema(&self, conn: &Connection) -> Result<Schema> {
        Ok(without_history_tables(Schema::read(conn)?))
    }

    /// The schema these versions produce, replayed by the engine exactly as
    /// the build script replays (a view that breaks names its migration).
    pub(crate) fn schema_after(&self, versions: impl Iterator<Item = u64>) -> Result<Schema> {
        let set = MigrationSet {
            dir: PathBuf::new(),
            migrations: versions.filter_map(|v| self.get(v)).cloned().collect(),
        };
        Ok(replay_database(&set)?.1.schema)
    }
}

/// A live schema without the history tables of the tools `adopt` knows,
/// nor Cloudflare D1's own tables (D1 reserves names starting `_cf_`, and
/// wrangler's local databases hold `_cf_METADATA`).
pub(crate) fn without_history_tables(mut live: Schema) -> Schema {
    live.tables.retain(|t| {
        !t.name.starts_with("_cf_")
            && !OTHER_HISTORY_TABLES.contains(&t.name.as_str())
            && !Tool::ALL.iter().any(|tool| tool.history_table() == t.name)
    });
    live
}

/// History tables of tools whose Rust migrations a build script can run
/// (`driftless::build::built_by`) but `adopt` does not read: sea-orm-migration's.
const OTHER_HISTORY_TABLES: [&str; 1] = ["seaql_migrations"];

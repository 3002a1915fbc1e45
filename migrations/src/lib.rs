//! The driftless engine: everything about migrations that does not need a
//! compiler or a live database.
//!
//! - [`discover()`] finds the migrations of a directory in any of the four
//!   layouts and checksums them;
//! - [`replay()`] runs them in a sandboxed in-memory SQLite and returns the
//!   [`Snapshot`] of the schema they produce;
//! - [`check_model`] compares a model struct with that schema and returns
//!   every [`Problem`] with the text a user should read;
//! - `diesel` (feature `diesel`) writes diesel's `schema.rs` for that
//!   schema and checks an existing one against it.
//!
//! The build script, `#[derive(Model)]`, the runtime and the command line all
//! go through these functions, so they agree on what the migrations are.
//!
//! ```
//! use driftless_migrations::{check_model, discover, replay, FieldDef, ModelDef, ReadBy};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL);").unwrap();
//! let snapshot = replay(&discover(dir.path()).unwrap()).unwrap();
//! let model = ModelDef {
//!     name: "Game".into(), table: "games".into(), table_explicit: false, partial: false,
//!     fields: vec![FieldDef::new("id", "i64"), FieldDef::new("name", "String")],
//!     read_by: ReadBy::Driftless,
//! };
//! assert!(check_model(&model, &snapshot.schema).problems.is_empty());
//! ```

pub mod branch;
pub mod cache;
pub mod check;
mod compat;
pub mod ddl;
#[cfg(feature = "diesel")]
pub mod diesel;
pub mod diff;
pub mod discover;
pub mod error;
pub mod flyway;
pub mod format;
pub mod git;
pub mod lint;
pub mod plan;
pub mod profile;
pub mod query;
pub mod rehearse;
pub mod replay;
pub mod rows;
pub mod rust_type;
pub mod scan;
pub mod schema;
pub mod snapshot;
pub mod split;
pub mod squash;
pub mod stand_in;
pub mod test_image;

pub use check::{Checked, FieldDef, ModelDef, Problem, ReadBy, Site, check_model};
pub use compat::busy_timeout;
pub use discover::{Layout, Migration, MigrationSet, Script, discover};
pub use error::{Error, Position, Result};
pub use replay::replay;
pub use rust_type::{FieldType, RustKind};
pub use schema::{Affinity, Column, Relation, Schema, Table, View};
pub use snapshot::{Snapshot, Source};

/// The migrator's history table: a row per migration applied. Its SQL
/// lives with the migrator (`driftless`'s history module); the engine names
/// it to copy its rows into test databases.
pub const HISTORY_TABLE: &str = "_driftless_migrations";

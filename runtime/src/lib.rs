//! driftless keeps Rust model structs and SQLite migrations in lockstep.
//!
//! At `cargo build`, [`build::migrations`] (in build.rs) replays every
//! migration into an in-memory SQLite, and `#[derive(Model)]` checks each
//! struct against the schema they produce: a struct that names a table or
//! column the migrations never create, or maps one with the wrong
//! nullability or type, does not compile.
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     driftless::build::migrations("migrations").run();
//! }
//!
//! // src/models.rs
//! use driftless::{Insert, Model};
//!
//! #[derive(Model, Debug)]
//! #[model(table = "games")]
//! pub struct Game {
//!     pub id: Option<i64>,
//!     pub name: String,
//!     pub completed_at: Option<String>,
//!     #[model(json)]
//!     pub winners: Option<Vec<String>>,
//! }
//!
//! let id = Game { id: None, name: "pub quiz".into(), completed_at: None, winners: None }.insert(&conn)?;
//! let game = conn.query_row(&format!("{} WHERE id = ?1", Game::SELECT), [id], Game::from_row)?;
//! ```
//!
//! If a migration is missing, the build fails at the field:
//!
//! ```text
//! error: table `games` has no column `winners`
//!        schema from 4 migrations in migrations/ (latest: 0004_add_completed_at.sql)
//!        help: add a migration, e.g. ALTER TABLE games ADD COLUMN winners JSON;
//! ```
//!
//! Apps on sqlx or diesel keep their library and get the same guarantee:
//! [`build::Replay::sqlx`] points sqlx's `query!` macros at the replayed
//! schema, [`build::Replay::diesel_schema`] (feature `diesel`) checks
//! diesel's `schema.rs` against it, and `#[derive(Check)]` checks a struct
//! another library reads (`sqlx::FromRow`, diesel's `Queryable`) without
//! generating code, so without rusqlite at run time.

pub use driftless_macros::{Check, test};

#[cfg(feature = "test")]
pub mod testing;

/// Items built on rusqlite, present with the `rusqlite` feature (on by default).
macro_rules! with_rusqlite {
    ($($item:item)*) => {$(
        #[cfg(feature = "rusqlite")]
        $item
    )*};
}

with_rusqlite! {
mod adopt;
pub mod build;
mod dry_run;
mod error;
pub mod executor;
pub mod fleet;
mod history;
mod migrate;
mod model;
pub mod query;
mod replicated;
mod set;
mod status;
mod verify;

pub use adopt::{Adopted, Tool};
pub use driftless_macros::{
    Model, embed_migrations, execute, query, query_as, query_file, query_file_as, query_scalar,
};
pub use driftless_migrations::Error as MigrationError;
pub use driftless_migrations::Schema;
pub use driftless_migrations::diff::{DiffKind, Difference, diff};
pub use dry_run::{Copied, DryRun, IN_MEMORY_LIMIT, Rehearsed, StepOutcome};
pub use error::{Error, Recorded, Result, Violation};
pub use migrate::{Backup, Event, Options, Ran, Report, backup_to};
pub use model::{Insert, Model};
/// The rusqlite driftless is built on: use it to open connections, so that
/// its types are the ones the generated code expects.
pub use rusqlite;
pub use driftless_migrations::{Layout, Migration, Script};
pub use set::Migrations;
pub use history::{Applied, HISTORY_TABLE};
pub use status::{Changed, PartWay, Pending, Status};

/// Support for the code `#[derive(Model)]` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::model::{
        TextColumn, UnsignedColumn, json_from_row, json_to_sql, text_from_row, unsigned_from_row,
    };
    pub use rusqlite;
    pub use std::borrow::Cow;
}
}

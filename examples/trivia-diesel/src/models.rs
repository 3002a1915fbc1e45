//! Rows as diesel reads them. `driftless::Check` checks each against the
//! migrated schema at build time (diesel checks them against `schema.rs`,
//! and build.rs checks `schema.rs` against the migrations).

use diesel::prelude::*;

use crate::schema::{games, players};

/// A game.
#[derive(Queryable, Selectable, driftless::Check, Debug)]
#[diesel(table_name = games, check_for_backend(diesel::sqlite::Sqlite))]
pub struct Game {
    /// The rowid key.
    pub id: i32,
    /// What the quiz is called.
    pub name: String,
    /// Set by SQLite when the game is created.
    pub created_at: String,
    /// When the last question was answered.
    pub completed_at: Option<String>,
    /// The names of the winners, as JSON text.
    pub winners: Option<String>,
    /// The runbook's model grew a field whose migration was never written;
    /// with `--features drifted` this one is it, and the build says so.
    #[cfg(feature = "drifted")]
    pub paused_at: Option<String>,
}

/// A new game: SQLite fills in the key and `created_at`.
#[derive(Insertable)]
#[diesel(table_name = games)]
pub struct NewGame<'a> {
    /// What the quiz is called.
    pub name: &'a str,
}

/// The leaderboard: two columns of `players`, one under another name.
#[derive(Queryable, Selectable, driftless::Check, Debug)]
#[diesel(table_name = players, check_for_backend(diesel::sqlite::Sqlite))]
pub struct Standing {
    /// Who.
    #[diesel(column_name = name)]
    pub player: String,
    /// Points so far.
    pub score: i32,
}

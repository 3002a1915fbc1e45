//! Rows as sqlx reads them. `driftless::Check` checks each against the
//! migrated schema at build time and generates nothing.

use sqlx::types::Json;

/// A game, read with `query_as!` (checked by sqlx against the replayed
/// database) or with `sqlx::query_as::<_, Game>` (through `FromRow`, checked
/// by driftless).
#[derive(sqlx::FromRow, driftless::Check, Debug)]
#[model(table = "games")]
pub struct Game {
    /// The rowid key.
    pub id: i64,
    /// What the quiz is called.
    pub name: String,
    /// Set by SQLite when the game is created.
    pub created_at: String,
    /// When the last question was answered.
    pub completed_at: Option<String>,
    /// The names of the winners, stored as JSON.
    pub winners: Option<Json<Vec<String>>>,
    /// The runbook's model grew a field whose migration was never written;
    /// with `--features drifted` this one is it, and the build says so.
    #[cfg(feature = "drifted")]
    pub paused_at: Option<String>,
}

/// The leaderboard: two columns of `players`, named as sqlx reads them.
#[derive(sqlx::FromRow, driftless::Check, Debug)]
#[model(table = "players")]
pub struct Standing {
    /// Who.
    #[sqlx(rename = "name")]
    pub player: String,
    /// Points so far.
    pub score: i64,
}

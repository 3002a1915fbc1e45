//! The trivia app's models. Each is checked against the schema that
//! migrations/ produces: a field without a column does not compile.

use driftless::Model;

/// A game as stored: read it with `Game::SELECT` and `Game::from_row`.
#[derive(Model, Debug)]
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
    #[model(json)]
    pub winners: Option<Vec<String>>,
    /// The runbook's model grew a field whose migration was never written;
    /// with `--features drifted` this one is it, and the build says so.
    #[cfg(feature = "drifted")]
    pub paused_at: Option<String>,
    /// Computed in memory, never stored.
    #[model(skip)]
    pub cached_score: u32,
}

/// The columns a new game is created with; `id` and `created_at` are filled in by SQLite.
#[derive(Model, Debug)]
#[model(table = "games")]
pub struct NewGame {
    /// What the quiz is called.
    pub name: String,
    /// Usually `None` for a new game.
    pub completed_at: Option<String>,
    /// Usually `None` for a new game.
    #[model(json)]
    pub winners: Option<Vec<String>>,
}

/// A player of one game (table `players`, the default name for `Player`).
#[derive(Model, Debug)]
pub struct Player {
    /// `None` when inserting: SQLite assigns it.
    pub id: Option<i64>,
    /// The game played.
    pub game_id: i64,
    /// Who.
    pub name: String,
    /// Points so far.
    pub score: i64,
}

/// A question of one game.
#[derive(Model, Debug)]
pub struct Question {
    /// `None` when inserting: SQLite assigns it.
    pub id: Option<i64>,
    /// The game it belongs to.
    pub game_id: i64,
    /// What is asked.
    pub prompt: String,
    /// The right answer.
    pub answer: String,
    /// What a right answer scores.
    pub points: i64,
}

/// The leaderboard: a read-only projection of `players`, filled by a
/// checked `query_as!` (its fields are the query's columns).
#[derive(Model, Debug)]
#[model(table = "players", partial)]
pub struct Standing {
    /// Who.
    pub name: String,
    /// Points so far.
    pub score: i64,
}

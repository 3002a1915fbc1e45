//! The runbook's trivia app on sqlx. Its build script replays the trivia
//! migrations into a SQLite file and points sqlx's `query!` macros at it, so
//! every query below is checked against exactly the schema the migrations
//! produce, with no database and no `.sqlx` directory; `driftless::Check`
//! checks the `FromRow` structs. At run time sqlx applies the same migrations.
//!
//! `cargo run -p trivia-sqlx [DB_FILE]` (default `trivia-sqlx.db`).

mod models;
#[cfg(test)]
mod tests;

use std::error::Error;
use std::process::ExitCode;

use models::{Game, Standing};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::types::Json;

/// The same migration files the build checked the queries against.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../trivia/migrations");

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "trivia-sqlx.db".to_string());
    match run(&path).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(path: &str) -> Result<(), Box<dyn Error>> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await?;
    MIGRATOR.run(&pool).await?;
    println!("{path}: migrated by sqlx");

    let game_id = sqlx::query!("INSERT INTO games (name) VALUES (?1)", "Friday pub quiz")
        .execute(&pool)
        .await?
        .last_insert_rowid();
    for (name, score) in [("Ada", 3), ("Grace", 2)] {
        sqlx::query!(
            "INSERT INTO players (game_id, name, score) VALUES (?1, ?2, ?3)",
            game_id,
            name,
            score
        )
        .execute(&pool)
        .await?;
    }
    let winners = Json(vec!["Ada".to_string()]);
    sqlx::query!(
        "UPDATE games SET completed_at = CURRENT_TIMESTAMP, winners = ?2 WHERE id = ?1",
        game_id,
        winners
    )
    .execute(&pool)
    .await?;

    // checked by sqlx against the replayed migrations
    let game = sqlx::query_as!(
        Game,
        r#"SELECT id, name, created_at AS "created_at: String", completed_at AS "completed_at: String",
                  winners AS "winners: Json<Vec<String>>"
           FROM games WHERE id = ?1"#,
        game_id
    )
    .fetch_one(&pool)
    .await?;
    let winners = game.winners.map(|Json(names)| names.join(", "));
    println!(
        "game {} {:?}: created {}, completed {}, won by {}",
        game.id,
        game.name,
        game.created_at,
        game.completed_at.as_deref().unwrap_or("-"),
        winners.as_deref().unwrap_or("-")
    );
    let players = sqlx::query_scalar!("SELECT count(*) FROM players WHERE game_id = ?1", game_id)
        .fetch_one(&pool)
        .await?;
    println!("{players} players");
    #[cfg(feature = "drifted")]
    let _paused = sqlx::query_scalar!("SELECT paused_at FROM games WHERE id = ?1", game_id)
        .fetch_one(&pool)
        .await?;

    // read through FromRow: the struct was checked by driftless::Check
    let standings: Vec<Standing> =
        sqlx::query_as("SELECT name, score FROM players WHERE game_id = ?1 ORDER BY score DESC")
            .bind(game_id)
            .fetch_all(&pool)
            .await?;
    for s in standings {
        println!("{:>8} {}", s.player, s.score);
    }
    Ok(())
}

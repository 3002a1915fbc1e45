//! The runbook's trivia app, done right: its models are checked against its
//! migrations at build time, and the migrations are applied at start-up by
//! the runtime migrator, which explains any disagreement instead of failing
//! on the first query.
//!
//! `cargo run -p trivia [DB_FILE]` (default `trivia.db`).

mod models;
#[cfg(test)]
mod tests;

use std::error::Error;
use std::process::ExitCode;

use driftless::rusqlite::Connection;
use driftless::{Insert, Migrations, Model, Status};
use models::{Game, NewGame, Player, Question, Standing};

/// The migrations, embedded in the binary: the same files the build checked the models against.
static MIGRATIONS: Migrations = driftless::embed_migrations!("migrations");

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "trivia.db".to_string());
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str) -> Result<(), Box<dyn Error>> {
    let mut conn = Connection::open(path)?;
    println!("{path} before: {}", describe(&MIGRATIONS.status(&conn)?));
    let report = MIGRATIONS.upgrade(&mut conn)?;
    for ran in &report.ran {
        println!("  applied {} ({} ms)", ran.file, ran.took.as_millis());
    }
    println!("{path} after:  {}", describe(&MIGRATIONS.status(&conn)?));
    let drift = MIGRATIONS.verify(&conn)?;
    if !drift.is_empty() {
        // someone patched the database by hand: say so, and what migration would fix it
        for d in &drift {
            println!(
                "  drift: {}
    fix: {}",
                d.description, d.fix
            );
        }
    }

    let game_id = NewGame {
        name: "Friday pub quiz".into(),
        completed_at: None,
        winners: None,
    }
    .insert(&conn)?;
    for (name, score) in [("Ada", 3), ("Grace", 2)] {
        let player = Player {
            id: None,
            game_id,
            name: name.into(),
            score,
        };
        player.insert(&conn)?;
    }
    Question {
        id: None,
        game_id,
        prompt: "Which table did the runbook's migration forget?".into(),
        answer: "games".into(),
        points: 3,
    }
    .insert(&conn)?;
    // checked queries: each is prepared against the migrated schema at
    // build time, its arguments and result fields checked by type
    driftless::execute!(
        "UPDATE games SET completed_at = CURRENT_TIMESTAMP, winners = ?2 WHERE id = ?1",
        game_id,
        r#"["Ada"]"#
    )
    .execute(&conn)?;

    let sql = format!("{} WHERE id = ?1", Game::SELECT);
    let mut game = conn.query_row(&sql, [game_id], Game::from_row)?;
    // total() is never NULL, and REAL: an f64
    let total = driftless::query_scalar!(
        "SELECT total(score) FROM players WHERE game_id = ?1",
        game_id
    )
    .fetch_one(&conn)?;
    game.cached_score = total as u32;
    println!("{game:#?}");
    let standings = driftless::query_as!(
        Standing,
        "SELECT name, score FROM players WHERE game_id = ?1 ORDER BY score DESC",
        game_id
    )
    .fetch_all(&conn)?;
    for standing in standings {
        println!("{:>8} {}", standing.name, standing.score);
    }
    // a game without players has no best score: `best` is an Option<i64>
    let games = driftless::query!(
        "SELECT g.name, max(p.score) AS best FROM games g LEFT JOIN players p ON p.game_id = g.id GROUP BY g.id"
    )
    .fetch_all(&conn)?;
    for g in games {
        println!(
            "{}: best {}",
            g.name,
            g.best.map_or("-".to_string(), |b| b.to_string())
        );
    }
    Ok(())
}

fn describe(status: &Status) -> String {
    let at = status
        .current
        .map_or("no migrations applied".to_string(), |v| {
            format!("at version {v}")
        });
    format!("{at}, {} pending", status.pending.len())
}

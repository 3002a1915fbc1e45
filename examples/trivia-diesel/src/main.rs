//! The runbook's trivia app on diesel. driftless applies the trivia
//! migrations at start-up (its migrator, on the same SQLite diesel links);
//! every query is diesel's, through `schema.rs`, which build.rs checks
//! against the migrations on every build.
//!
//! `cargo run -p trivia-diesel [DB_FILE]` (default `trivia-diesel.db`).

mod models;
mod schema;

use std::error::Error;
use std::process::ExitCode;

use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use driftless::Migrations;
use models::{Game, NewGame, Standing};
use schema::{games, players, questions};

/// The migrations, embedded in the binary: the same files the build checked `schema.rs` against.
static MIGRATIONS: Migrations = driftless::embed_migrations!("../trivia/migrations");

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "trivia-diesel.db".to_string());
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str) -> Result<(), Box<dyn Error>> {
    {
        let mut conn = driftless::rusqlite::Connection::open(path)?;
        let report = MIGRATIONS.upgrade(&mut conn)?;
        println!(
            "{path}: {} migrations applied by driftless",
            report.ran.len()
        );
    }
    let mut db = SqliteConnection::establish(path)?;

    diesel::insert_into(games::table)
        .values(&NewGame {
            name: "Friday pub quiz",
        })
        .execute(&mut db)?;
    let game_id: i32 = games::table
        .select(games::id)
        .order(games::id.desc())
        .first(&mut db)?;
    for (name, score) in [("Ada", 3), ("Grace", 2)] {
        diesel::insert_into(players::table)
            .values((
                players::game_id.eq(game_id),
                players::name.eq(name),
                players::score.eq(score),
            ))
            .execute(&mut db)?;
    }
    diesel::insert_into(questions::table)
        .values((
            questions::game_id.eq(game_id),
            questions::prompt.eq("Which table did the runbook's migration forget?"),
            questions::answer.eq("games"),
        ))
        .execute(&mut db)?;
    diesel::update(games::table.find(game_id))
        .set((
            games::completed_at.eq(diesel::dsl::sql("CURRENT_TIMESTAMP")),
            games::winners.eq(r#"["Ada"]"#),
        ))
        .execute(&mut db)?;

    let game: Game = games::table
        .find(game_id)
        .select(Game::as_select())
        .first(&mut db)?;
    println!(
        "game {} {:?}: created {}, completed {}, won by {}",
        game.id,
        game.name,
        game.created_at,
        game.completed_at.as_deref().unwrap_or("-"),
        game.winners.as_deref().unwrap_or("-")
    );
    // joinable!: players belong to games
    let players_of_game: i64 = players::table
        .inner_join(games::table)
        .filter(games::id.eq(game_id))
        .count()
        .get_result(&mut db)?;
    println!("{players_of_game} players");
    let standings: Vec<Standing> = players::table
        .filter(players::game_id.eq(game_id))
        .order(players::score.desc())
        .select(Standing::as_select())
        .load(&mut db)?;
    for s in standings {
        println!("{:>8} {}", s.player, s.score);
    }
    Ok(())
}

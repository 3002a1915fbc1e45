//! The app's tests, each on a fresh database of its own that starts as the
//! migrations leave one (`#[driftless::test]`), some with fixture rows.

use driftless::rusqlite::Connection;
use driftless::{Insert, Model};

use crate::MIGRATIONS;
use crate::models::{Game, NewGame, Player, Standing};

#[driftless::test]
fn starts_migrated_and_empty(conn: Connection) {
    // the history says every migration ran: upgrading runs nothing
    assert!(MIGRATIONS.status(&conn).expect("status").is_up_to_date());
    let games = driftless::query_scalar!("SELECT count(*) FROM games")
        .fetch_one(&conn)
        .expect("count");
    assert_eq!(games, 0);
}

#[driftless::test]
fn inserts_and_reads_a_game(conn: Connection) {
    let id = NewGame {
        name: "Pub quiz".into(),
        completed_at: None,
        winners: Some(vec!["Ada".into()]),
    }
    .insert(&conn)
    .expect("insert");
    let sql = format!("{} WHERE id = ?1", Game::SELECT);
    let game = conn.query_row(&sql, [id], Game::from_row).expect("read");
    assert_eq!(game.name, "Pub quiz");
    assert_eq!(game.winners.as_deref(), Some(&["Ada".to_string()][..]));
}

#[driftless::test(fixtures("games", "players"))]
fn standings_come_from_the_fixtures(conn: Connection) {
    let standings = driftless::query_as!(
        Standing,
        "SELECT name, score FROM players WHERE game_id = ?1 ORDER BY score DESC",
        1
    )
    .fetch_all(&conn)
    .expect("standings");
    let names: Vec<_> = standings
        .iter()
        .map(|s| (s.name.as_str(), s.score))
        .collect();
    assert_eq!(names, [("Ada", 3), ("Grace", 2)]);
}

#[driftless::test(fixtures("games"))]
fn foreign_keys_are_enforced(conn: Connection) {
    let orphan = Player {
        id: None,
        game_id: 99,
        name: "Nobody".into(),
        score: 0,
    };
    let err = orphan.insert(&conn).expect_err("no game 99");
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

/// `at`: a database as it stood before `0005_add_winners.sql`, holding
/// rows, upgraded by the migrator as production's was.
#[driftless::test(
    at = "0004",
    fixtures(path = "tests/fixtures/at-0004", scripts("games"))
)]
fn adding_winners_keeps_the_games(mut conn: Connection) {
    assert!(conn.prepare("SELECT winners FROM games").is_err());
    let report = MIGRATIONS.upgrade(&mut conn).expect("upgrade");
    let ran: Vec<_> = report.ran.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(ran, ["migrations/0005_add_winners.sql"]);
    let games: Vec<Game> = conn
        .prepare(&format!("{} ORDER BY id", Game::SELECT))
        .and_then(|mut s| s.query_map([], Game::from_row)?.collect())
        .expect("games");
    let names: Vec<_> = games.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Friday pub quiz", "Sunday league"]);
    assert!(games.iter().all(|g| g.winners.is_none()));
}

//! The app's tests on sqlx, each on a fresh in-memory database of its own
//! that starts as the migrations leave one (`#[driftless::test]` on an
//! `async fn`), some with the trivia app's fixture rows.

use sqlx::sqlite::{SqliteConnection, SqlitePool};

use crate::models::Standing;

#[driftless::test]
async fn starts_migrated_and_empty(pool: SqlitePool) {
    let games = sqlx::query_scalar!("SELECT count(*) FROM games")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(games, 0);
}

#[driftless::test(fixtures(path = "../trivia/tests/fixtures", scripts("games", "players")))]
async fn standings_come_from_the_fixtures(pool: SqlitePool) {
    let standings: Vec<Standing> =
        sqlx::query_as("SELECT name, score FROM players WHERE game_id = ?1 ORDER BY score DESC")
            .bind(1)
            .fetch_all(&pool)
            .await
            .expect("standings");
    let rows: Vec<_> = standings
        .iter()
        .map(|s| (s.player.as_str(), s.score))
        .collect();
    assert_eq!(rows, [("Ada", 3), ("Grace", 2)]);
}

#[driftless::test(fixtures(path = "../trivia/tests/fixtures", scripts("games")))]
async fn a_connection_sees_the_fixtures_and_foreign_keys(mut conn: SqliteConnection) {
    let open = sqlx::query_scalar!("SELECT name FROM games WHERE completed_at IS NULL")
        .fetch_all(&mut conn)
        .await
        .expect("open games");
    assert_eq!(open, ["Sunday league"]);
    let orphan = sqlx::query!("INSERT INTO players (game_id, name) VALUES (99, 'Nobody')")
        .execute(&mut conn)
        .await
        .expect_err("no game 99");
    assert!(orphan.to_string().contains("FOREIGN KEY"), "{orphan}");
}

#[driftless::test]
async fn the_pool_shares_one_database(pool: SqlitePool) {
    // two connections of the pool at once see each other's writes
    let mut first = pool.acquire().await.expect("first");
    let mut second = pool.acquire().await.expect("second");
    sqlx::query!("INSERT INTO games (name) VALUES ('quiz')")
        .execute(&mut *first)
        .await
        .expect("insert");
    let n = sqlx::query_scalar!("SELECT count(*) FROM games")
        .fetch_one(&mut *second)
        .await
        .expect("count");
    assert_eq!(n, 1);
}

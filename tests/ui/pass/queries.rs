// checked queries over the UI fixtures' schema, run against a real database
use driftless::rusqlite::Connection;
use driftless::{execute, query, query_as, query_scalar};

#[derive(Debug, PartialEq)]
pub struct Named {
    pub id: i64,
    pub name: String,
    pub nickname: Option<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let conn = Connection::open_in_memory()?;
    // the fixtures the checks ran against (ui.rs points the macros at them)
    let dir = std::env::var("DRIFTLESS_MIGRATIONS_DIR")?;
    for m in driftless::Migrations::from_dir(dir)?.iter() {
        conn.execute_batch(&m.up.sql())?;
    }
    execute!("INSERT INTO games (name) VALUES (?1)", "quiz").execute(&conn)?;
    let game_id = conn.last_insert_rowid();
    let name = "ada";
    execute!("INSERT INTO players (game_id, name) VALUES (:game_id, :name)").execute(&conn)?;

    // a LEFT JOIN's right side is nullable: `nickname` and `player` are Options
    let rows = query!(
        "SELECT g.name, p.name AS player, p.nickname FROM games g LEFT JOIN players p ON p.game_id = g.id WHERE g.score >= ?1",
        0
    )
    .fetch_all(&conn)?;
    assert_eq!(rows[0].name, "quiz");
    assert_eq!(rows[0].player.as_deref(), Some("ada"));
    assert_eq!(rows[0].nickname, None);

    let players: Vec<Named> = query_as!(Named, "SELECT id, name, nickname FROM players WHERE game_id = ?1", game_id).fetch_all(&conn)?;
    assert_eq!(players.len(), 1);

    let n: i64 = query_scalar!("SELECT count(*) FROM players").fetch_one(&conn)?;
    let top: Option<i64> = query_scalar!("SELECT max(score) FROM games").fetch_one(&conn)?;
    assert_eq!((n, top), (1, Some(0)));

    // sqlx's overrides
    let forced: String = query_scalar!(r#"SELECT p.name AS "name!" FROM games g LEFT JOIN players p ON p.game_id = g.id"#).fetch_one(&conn)?;
    assert_eq!(forced, "ada");

    let ids = query!("INSERT INTO games (name) VALUES (?1) RETURNING id, name, completed_at", "second").fetch_all(&conn)?;
    assert_eq!(ids[0].name, "second");
    assert_eq!(ids[0].completed_at, driftless::rusqlite::types::Value::Null);
    // a dynamic IN list, bound as one JSON array, each element checked as an id
    let ids = [game_id, 99];
    let names = query_scalar!("SELECT name FROM games WHERE id IN (SELECT value FROM json_each(?1))", driftless::query::list(&ids)).fetch_all(&conn)?;
    assert_eq!(names, ["quiz"]);

    // a second migration set (registered as "records"): checked against its schema
    let records = Connection::open_in_memory()?;
    records.execute_batch("CREATE TABLE records (id INTEGER PRIMARY KEY, title TEXT NOT NULL);")?;
    let titles: Vec<String> = query_scalar!(db = "records", "SELECT title FROM records WHERE id > ?1", 0).fetch_all(&records)?;
    assert!(titles.is_empty());
    Ok(())
}

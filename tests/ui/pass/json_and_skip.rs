use driftless::{Insert, Model};

#[derive(Model, Debug, PartialEq)]
pub struct Game {
    pub id: Option<i64>,
    pub name: String,
    #[model(column = "completed_at")]
    pub finished: Option<String>,
    #[model(json)]
    pub winners: Option<Vec<String>>,
    #[model(skip)]
    pub cached_rank: u32,
}

fn main() {
    let conn = driftless::rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(include_str!("../migrations/0001_create_games.sql")).unwrap();
    let game = Game {
        id: None,
        name: "quiz".into(),
        finished: None,
        winners: Some(vec!["ada".into()]),
        cached_rank: 7,
    };
    let id = game.insert(&conn).unwrap();
    let sql = format!("{} WHERE id = ?1", Game::SELECT);
    let back = conn.query_row(&sql, [id], Game::from_row).unwrap();
    assert_eq!(back.winners, game.winners);
    assert_eq!(back.cached_rank, 0);
    let stored: String = conn.query_row("SELECT winners FROM games", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, r#"["ada"]"#);
    let none = Game { id: None, winners: None, ..back };
    none.insert(&conn).unwrap();
    let nulls: i64 = conn.query_row("SELECT count(*) FROM games WHERE winners IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(nulls, 1);
}

use driftless::{Insert, Model};

// values SQLite changes on the way in come back as the fields were
#[derive(Model, Debug, PartialEq)]
pub struct Extra {
    pub id: Option<i64>,
    // None lets SQLite fill in the default
    pub made: Option<String>,
    // DECIMAL has NUMERIC affinity: "1.50" is stored as the number 1.5
    pub ratio: Option<String>,
    // JSON has NUMERIC affinity too: the JSON text 42 is stored as an integer
    #[model(json)]
    pub data: Option<f64>,
    // a serde_json::Value is JSON without being told
    pub meta: Option<serde_json::Value>,
}

#[derive(Model)]
#[model(table = "kv")]
pub struct Pair {
    pub k: String,
    pub v: Option<String>,
}

// u64 and usize go through i64: above i64::MAX is an error, not a wrapped number
#[derive(Model, Debug, PartialEq)]
pub struct Score {
    pub player_id: usize,
    pub points: u64,
    pub note: Option<String>,
}

fn main() {
    let conn = driftless::rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(include_str!("../migrations/0001_create_games.sql")).unwrap();
    conn.execute_batch(include_str!("../migrations/0002_players_and_scores.sql")).unwrap();
    conn.execute_batch(include_str!("../migrations/0003_extras.sql")).unwrap();
    let extra = Extra {
        id: None,
        made: None,
        ratio: Some("1.50".into()),
        data: Some(42.0),
        meta: Some(serde_json::json!(7)),
    };
    let id = extra.insert(&conn).unwrap();
    let sql = format!("{} WHERE id = ?1", Extra::SELECT);
    let back = conn.query_row(&sql, [id], Extra::from_row).unwrap();
    assert!(back.made.is_some(), "the default was applied");
    assert_eq!(back.ratio.as_deref(), Some("1.5"));
    assert_eq!(back.data, Some(42.0));
    assert_eq!(back.meta, Some(serde_json::json!(7)));
    // a WITHOUT ROWID table has no rowid to return
    let rowid = Pair { k: "a".into(), v: None }.insert(&conn).unwrap();
    assert_eq!(rowid, 0);
    let score = Score { player_id: 3, points: i64::MAX as u64, note: None };
    score.insert(&conn).unwrap();
    let back = conn.query_row(Score::SELECT, [], Score::from_row).unwrap();
    assert_eq!(back, score);
    let too_big = Score { player_id: 3, points: u64::MAX, note: None };
    assert!(too_big.insert(&conn).is_err());
    conn.execute("UPDATE scores SET points = -1", []).unwrap();
    assert!(conn.query_row(Score::SELECT, [], Score::from_row).is_err());
}

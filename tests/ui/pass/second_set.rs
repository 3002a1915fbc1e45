use driftless::{Insert, Model};

// `records` exists only in the second migration set
#[derive(Model)]
#[model(db = "records")]
pub struct Record {
    pub id: Option<i64>,
    pub title: String,
}

#[derive(Model)]
#[model(table = "players", partial)]
pub struct PlayerName {
    pub name: String,
}

fn main() {
    assert_eq!(Record::TABLE, "records");
    assert_eq!(<Record as Insert>::INSERT, "INSERT INTO records (id, title) VALUES (?1, ?2)");
    assert_eq!(PlayerName::COLUMNS, ["name"]);
}

use driftless::Model;

// a view's columns carry no NOT NULL information: any nullability is accepted
#[derive(Model)]
#[model(table = "finished_games")]
pub struct FinishedGame {
    pub id: i64,
    pub name: String,
    pub completed_at: String,
}

fn main() {
    assert_eq!(FinishedGame::SELECT, "SELECT id, name, completed_at FROM finished_games");
}

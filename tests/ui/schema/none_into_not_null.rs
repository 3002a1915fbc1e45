use driftless::Model;

// inserting None into a NOT NULL column without a default would fail
#[derive(Model)]
pub struct Player {
    pub id: Option<i64>,
    pub game_id: Option<i64>,
    pub name: String,
}

fn main() {}

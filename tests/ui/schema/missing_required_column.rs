use driftless::Model;

// inserting a Player would fail: game_id is NOT NULL without a default
#[derive(Model)]
pub struct Player {
    pub id: Option<i64>,
    pub name: String,
}

fn main() {}

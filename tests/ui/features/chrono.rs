use driftless::Model;

// driftless's `chrono` feature is off: rusqlite cannot convert the field
#[derive(Model)]
#[model(table = "games", partial)]
pub struct Game {
    pub name: String,
    pub completed_at: Option<chrono::NaiveDateTime>,
}

fn main() {}

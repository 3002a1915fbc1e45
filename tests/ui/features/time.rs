use driftless::Model;

// driftless's `time` feature is off: rusqlite cannot convert the field
#[derive(Model)]
#[model(table = "games", partial)]
pub struct Game {
    pub name: String,
    pub completed_at: Option<time::OffsetDateTime>,
}

fn main() {}

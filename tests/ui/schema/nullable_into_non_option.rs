use driftless::Model;

#[derive(Model)]
pub struct Game {
    pub id: i64,
    pub name: String,
    pub completed_at: String,
}

fn main() {}

use driftless::Model;

#[derive(Model)]
pub struct Game {
    pub id: i64,
    pub name: String,
    pub score: f64,
}

fn main() {}

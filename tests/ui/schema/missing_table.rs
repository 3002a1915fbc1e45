use driftless::Model;

#[derive(Model)]
#[model(table = "game")]
pub struct Game {
    pub id: i64,
}

fn main() {}

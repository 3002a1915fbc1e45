use driftless::Model;

#[derive(Model)]
pub struct Game {
    pub id: i64,
    pub name: String,
    #[model(column = "name")]
    pub title: String,
}

fn main() {}

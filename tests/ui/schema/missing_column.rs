use driftless::Model;

#[derive(Model)]
pub struct Game {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    #[model(json)]
    pub tags: Vec<String>,
}

fn main() {}

use driftless::Model;

// every attribute mistake is reported in one build
#[derive(Model)]
#[model(tabel = "games")]
pub struct Game {
    pub id: i64,
    #[model(colum = "name")]
    pub title: String,
}

fn main() {}

use driftless::Model;

// every attribute mistake of one struct is reported in one build
#[derive(Model)]
#[model(table = "games", table = "players", partial, partial)]
pub struct Game {
    pub id: i64,
    #[model(skip, skip)]
    pub cache: Option<String>,
    #[model(skip, column = "name")]
    pub title: String,
    #[model(column = "")]
    pub empty: String,
}

#[derive(Model)]
#[model(table = " ")]
pub struct Blank {
    pub id: i64,
}

fn main() {}

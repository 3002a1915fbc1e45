pub struct Game {
    pub id: i64,
    pub name: String,
    pub score: i64,
}

fn main() {
    let _ = driftless::query_as!(Game, "SELECT id, name FROM games");
}

pub struct Player {
    pub name: String,
    pub nickname: String,
}

fn main() {
    // nickname is nullable; and a LEFT JOIN's side can be missing
    let _ = driftless::query_as!(Player, "SELECT p.name, p.nickname FROM games g LEFT JOIN players p ON p.game_id = g.id");
}

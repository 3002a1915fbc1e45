// Check-only structs: read by another library, so driftless generates no
// code and needs nothing of them at run time.
#[derive(driftless::Check, Debug)]
#[model(table = "games")]
pub struct GameRow {
    pub id: i64,
    #[model(column = "name")]
    pub title: String,
    // not stored: not checked
    #[model(skip)]
    pub rank: u32,
    // a read needs only the columns it names (NOT NULL ones may be left out)
    pub completed_at: Option<String>,
}

// a view; a borrowed field is the reading library's business
#[derive(driftless::Check)]
#[model(table = "finished_games")]
pub struct Finished<'a> {
    pub id: i64,
    pub name: &'a str,
}

fn main() {
    let row = GameRow { id: 1, title: "quiz".into(), rank: 0, completed_at: None };
    let _ = Finished { id: row.id, name: &row.title };
}

// A struct another library reads: checked, nothing generated.
#[derive(driftless::Check)]
#[model(table = "games")]
pub struct Game {
    pub id: i64,
    pub name: String,
    pub paused_at: Option<String>,
}

fn main() {}

#[derive(driftless::Check)]
#[model(table = "scores")]
pub struct Score {
    pub player_id: i64,
    pub points: String,
}

fn main() {}

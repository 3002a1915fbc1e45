use driftless::Model;

#[derive(Model)]
pub struct Score {
    pub player_id: i64,
    pub points: i64,
    pub note: Option<Vec<u8>>,
}

fn main() {}

#[derive(driftless::Check)]
#[model(table = "players")]
pub struct Player {
    pub id: i64,
    pub nickname: String,
}

fn main() {}

// the table is named after the struct when no attribute names it
#[derive(driftless::Check)]
pub struct Round {
    pub id: i64,
}

fn main() {}

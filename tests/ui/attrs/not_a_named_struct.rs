use driftless::Model;

// a row has named columns: tuple structs and enums cannot map them
#[derive(Model)]
pub struct Pair(i64, String);

#[derive(driftless::Check)]
pub enum Mood {
    Happy,
}

fn main() {}

use driftless::Model;

// the schema would accept it, but rusqlite cannot read a char from a row
#[derive(Model)]
#[model(table = "players", partial)]
pub struct Initial {
    pub nickname: Option<char>,
}

fn main() {}

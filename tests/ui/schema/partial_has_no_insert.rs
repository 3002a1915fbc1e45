use driftless::{Insert, Model};

// a partial model reads some columns; it cannot insert a row
#[derive(Model)]
#[model(table = "players", partial)]
pub struct PlayerName {
    pub name: String,
}

fn save<T: Insert>(_: &T) {}

fn main() {
    save(&PlayerName { name: "ada".into() });
}

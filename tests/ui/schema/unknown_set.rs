use driftless::Model;

// a set the build script never registered
#[derive(Model)]
#[model(db = "audit")]
pub struct Entry {
    pub id: i64,
}

fn main() {}

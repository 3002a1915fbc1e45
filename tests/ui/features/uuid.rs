use driftless::Model;

// driftless's `uuid` feature is off: rusqlite cannot convert the field
#[derive(Model)]
#[model(table = "extras", partial)]
pub struct Extra {
    pub id: i64,
    pub data: Option<uuid::Uuid>,
}

fn main() {}

use driftless::rusqlite::Connection;

// the set has one migration, 0001
#[driftless::test(db = "records", at = "0009")]
fn before_the_backfill(conn: Connection) {
    let _ = conn;
}

fn main() {}

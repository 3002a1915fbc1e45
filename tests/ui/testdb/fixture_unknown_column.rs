use driftless::rusqlite::Connection;

// the fixture inserts a column no migration of the set creates
#[driftless::test(db = "records", fixtures("records"))]
fn lists_records(conn: Connection) {
    let _ = conn;
}

fn main() {}

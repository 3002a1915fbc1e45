//! Twenty tests on the same fixtures, run in parallel: each writes a row of
//! its own and sees only the fixture's rows, the row a migration inserted,
//! and its own, never another test's.

use driftless::rusqlite::Connection;

/// The accounts a test sees: the fixture's, the migrations', its own.
fn names(conn: &Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM accounts ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("names")
}

macro_rules! own_rows {
    ($($name:ident)*) => {$(
        #[driftless::test(fixtures("accounts", "orders"))]
        fn $name(conn: Connection) {
            let own = stringify!($name);
            conn.execute("INSERT INTO accounts (name) VALUES (?1)", [own])
                .expect("insert");
            conn.execute(
                "INSERT INTO orders (account_id, total_cents) VALUES (last_insert_rowid(), 1)",
                [],
            )
            .expect("order");
            // a little time for the other tests to write theirs
            std::thread::sleep(std::time::Duration::from_millis(5));
            assert_eq!(names(&conn), ["system", "Ada", "Grace", own]);
            let orders: i64 = conn
                .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
                .expect("orders");
            assert_eq!(orders, 4);
        }
    )*};
}

own_rows! {
    t01 t02 t03 t04 t05 t06 t07 t08 t09 t10
    t11 t12 t13 t14 t15 t16 t17 t18 t19 t20
}

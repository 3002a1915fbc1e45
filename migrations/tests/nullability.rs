//! Soundness of the query nullability reading against real SQLite: every
//! query of the corpus runs over generated data (empty tables, NULL in every
//! column that allows it, joins that match nothing, zeros to divide by), and
//! no column said to be non-null may ever hold NULL.
//!
//! `cargo test -p driftless-migrations --test nullability -- --nocapture`
//! prints the precision: of the columns said to be nullable, how many held
//! NULL in some generated data.

use driftless_migrations::Schema;
use driftless_migrations::query::nullability::result_columns;
use rusqlite::Connection;
use rusqlite::types::ValueRef;

const SCHEMA: &str = include_str!("nullability/schema.sql");
const QUERIES: &str = include_str!("nullability/queries.sql");

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// `Some(value)` or NULL, about half and half.
    fn maybe<T>(&mut self, value: impl FnOnce(&mut Rng) -> T) -> Option<T> {
        (self.below(2) == 0).then(|| value(self))
    }

    fn name(&mut self) -> &'static str {
        ["ann", "bob", "a@x", "zed", ""][self.below(5) as usize]
    }
}

/// One database: the schema, and data of one kind.
fn world(seed: u64) -> Connection {
    let conn = Connection::open_in_memory().expect("in-memory database");
    // dangling references are the point: joins that match nothing
    conn.execute_batch("PRAGMA foreign_keys = OFF;")
        .expect("foreign keys off");
    conn.execute_batch(SCHEMA).expect("the schema");
    if seed == 0 {
        return conn; // every table empty
    }
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let teams = rng.below(3);
    for t in 1..=teams {
        conn.execute(
            "INSERT INTO teams (id, title, motto) VALUES (?1, ?2, ?3)",
            (t, rng.name(), rng.maybe(|_| "go")),
        )
        .expect("a team");
    }
    let users = rng.below(5);
    for u in 1..=users {
        conn.execute(
            "INSERT INTO users (id, name, email, age, score, team_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                u,
                rng.name(),
                rng.maybe(Rng::name),
                rng.maybe(|r| r.below(6) as i64),
                rng.below(3) as f64,
                // a team, one that does not exist, or none
                rng.maybe(|r| r.below(teams + 2) as i64),
            ),
        )
        .expect("a user");
    }
    let posts = rng.below(5);
    for p in 1..=posts {
        conn.execute(
            "INSERT INTO posts (id, user_id, title, body, likes, ratio) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                p,
                rng.maybe(|r| r.below(users + 2) as i64),
                rng.name(),
                rng.maybe(|_| "text"),
                rng.below(6) as i64,
                rng.maybe(|r| r.below(3) as f64),
            ),
        )
        .expect("a post");
        if rng.below(2) == 0 {
            conn.execute(
                "INSERT OR IGNORE INTO tags (post_id, tag, weight) VALUES (?1, ?2, ?3)",
                (p, rng.name(), rng.maybe(|r| r.below(3) as i64)),
            )
            .expect("a tag");
        }
    }
    for c in 0..rng.below(3) {
        // a TEXT PRIMARY KEY of a rowid table can be NULL
        let code = if c == 0 { None } else { Some(format!("c{c}")) };
        conn.execute(
            "INSERT INTO codes (code, label, n) VALUES (?1, ?2, ?3)",
            (code, rng.maybe(Rng::name), c as i64),
        )
        .expect("a code");
    }
    for k in 0..rng.below(3) {
        // a STRICT table's key cannot: the NULL one is refused
        let key = if k == 0 { None } else { Some(format!("k{k}")) };
        let _ = conn.execute(
            "INSERT INTO strict_kv (k, v) VALUES (?1, ?2)",
            (key, rng.maybe(|_| k as i64)),
        );
    }
    for b in 0..rng.below(2) {
        conn.execute(
            "INSERT INTO bigid (id, note) VALUES (?1, 'n')",
            (if b == 0 { None } else { Some(b as i64) },),
        )
        .expect("a bigid row");
    }
    conn
}

/// Which result columns held NULL in some row of `sql` over `conn`; a
/// statement that writes runs in a savepoint that is rolled back.
fn nulls_seen(conn: &Connection, sql: &str, seen: &mut [bool]) {
    conn.execute_batch("SAVEPOINT q").expect("savepoint");
    {
        let mut stmt = conn.prepare(sql).expect("prepares");
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("runs");
        while let Some(row) = rows.next().expect("a row") {
            for (i, s) in seen.iter_mut().enumerate().take(n) {
                if matches!(row.get_ref(i).expect("a value"), ValueRef::Null) {
                    *s = true;
                }
            }
        }
    }
    conn.execute_batch("ROLLBACK TO q; RELEASE q")
        .expect("roll back");
}

#[test]
fn no_column_said_non_null_is_ever_null() {
    let queries: Vec<&str> = QUERIES.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        queries.len() >= 150,
        "the corpus has {} queries",
        queries.len()
    );
    let worlds: Vec<Connection> = (0..60).map(world).collect();
    let schema = Schema::read(&worlds[0]).expect("the schema");

    let mut unsound = Vec::new();
    let (mut columns, mut said_nullable, mut null_seen, mut unread) = (0, 0, 0, 0);
    for sql in &queries {
        let count = worlds[0].prepare(sql).expect(sql).column_count();
        let inferred = result_columns(&schema, sql);
        let nullable: Vec<bool> = match &inferred {
            Some(cols) => {
                assert_eq!(cols.len(), count, "{sql}: {cols:?}");
                cols.iter().map(|c| c.nullable).collect()
            }
            None => {
                println!("not read: {sql}");
                unread += 1;
                vec![true; count]
            }
        };
        let mut seen = vec![false; count];
        for w in &worlds {
            nulls_seen(w, sql, &mut seen);
        }
        for (i, (n, s)) in nullable.iter().zip(&seen).enumerate() {
            columns += 1;
            if !n && *s {
                unsound.push(format!(
                    "{sql}: column {i} said non-null, SQLite returned NULL"
                ));
            }
            if *n {
                said_nullable += 1;
                null_seen += usize::from(*s);
            }
        }
    }
    println!(
        "{} queries, {columns} result columns; {said_nullable} said nullable, {null_seen} of them held NULL \
         ({:.0}% precision); {unread} queries not read (all nullable)",
        queries.len(),
        100.0 * null_seen as f64 / said_nullable.max(1) as f64,
    );
    assert!(unsound.is_empty(), "unsound:\n{}", unsound.join("\n"));
}

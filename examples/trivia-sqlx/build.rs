//! Replays the trivia migrations at build time and points sqlx's query
//! macros at the result: no DATABASE_URL, no `sqlx migrate run`, no `.sqlx`.

fn main() {
    driftless::build::migrations("../trivia/migrations")
        .sqlx()
        .run();
}

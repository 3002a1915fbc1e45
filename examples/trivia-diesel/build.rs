//! Replays the trivia migrations at build time and checks `src/schema.rs`
//! against them: a `table!` column the migrations do not create, or create
//! with another type or nullability, fails the build.

fn main() {
    driftless::build::migrations("../trivia/migrations")
        .diesel_schema("src/schema.rs")
        .run();
}

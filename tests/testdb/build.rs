//! Registers the two migration sets the tests start from.

fn main() {
    driftless::build::migrations("migrations").run();
    driftless::build::migrations("archive-migrations")
        .db("archive")
        .run();
}

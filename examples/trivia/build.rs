//! Replays migrations/ at build time; `#[derive(Model)]` checks the models against the result.

fn main() {
    driftless::build::migrations("migrations").run();
}

// the directory is a string literal, relative to Cargo.toml, and must exist
static NUMBER: driftless::Migrations = driftless::embed_migrations!(42);
static MISSING: driftless::Migrations = driftless::embed_migrations!("no/such/dir");

fn main() {}

//! A small library whose tests are the point: see `tests/`. It embeds its
//! migrations, as an app does, so that a test can upgrade a database
//! that starts at an earlier migration.

/// The migrations, as the app would run them at start-up.
pub static MIGRATIONS: driftless::Migrations = driftless::embed_migrations!("migrations");

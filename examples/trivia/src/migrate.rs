//! A deliberately simple migrator: apply what is pending, in order, each
//! migration in one transaction with its history row. (driftless's runtime
//! migrator, with locking, status and verification, will replace it.)

use std::error::Error;

use driftless::migrations::discover;
use driftless::migrations::replay::{Transaction, run_script};
use driftless::rusqlite::{Connection, OptionalExtension};

/// Applies every migration not yet recorded in `trivia_migrations`; returns their names.
pub fn apply_pending(conn: &mut Connection) -> Result<Vec<String>, Box<dyn Error>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS trivia_migrations (
             version INTEGER PRIMARY KEY,
             name TEXT NOT NULL,
             applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
         )",
    )?;
    let set = discover(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))?;
    let mut applied = Vec::new();
    for m in &set.migrations {
        let version = i64::try_from(m.version)?;
        let done: Option<i64> = conn
            .query_row(
                "SELECT version FROM trivia_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            continue;
        }
        let tx = conn.transaction()?;
        run_script(&tx, &m.up.path, &m.up.sql, Transaction::Caller)?;
        tx.execute(
            "INSERT INTO trivia_migrations (version, name) VALUES (?1, ?2)",
            (version, &m.name),
        )?;
        tx.commit()?;
        applied.push(m.file_name());
    }
    Ok(applied)
}

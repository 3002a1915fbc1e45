//! Queries checked against the migrated schema: what they return, whether
//! each column can be NULL, and what their parameters are.

pub mod describe;
pub mod nullability;
pub mod params;
mod types;

use rusqlite::Connection;
use sqlparser::ast::{ObjectName, ObjectNamePart};

use crate::schema::Schema;

/// An empty in-memory database with `schema`: what queries are prepared
/// against at compile time (a snapshot keeps the schema, not the database).
///
/// # Errors
/// A statement of the schema SQLite refuses (an extension's virtual table
/// whose module this SQLite lacks, say).
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t (x INTEGER); CREATE VIEW v AS SELECT x FROM t; CREATE INDEX i ON t (x);")?;
/// let schema = driftless_migrations::Schema::read(&conn)?;
/// let copy = driftless_migrations::query::schema_database(&schema)?;
/// assert_eq!(driftless_migrations::Schema::read(&copy)?, schema);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn schema_database(schema: &Schema) -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    let statements = schema
        .tables
        .iter()
        .map(|t| t.sql.as_str())
        .chain(schema.views.iter().map(|v| v.sql.as_str()))
        .chain(schema.indexes.iter().filter_map(|i| i.sql.as_deref()))
        .chain(schema.triggers.iter().map(|t| t.sql.as_str()));
    for sql in statements {
        if let Err(e) = conn.execute_batch(sql) {
            // a virtual table made its shadow tables already
            if !e.to_string().contains("already exists") {
                return Err(e);
            }
        }
    }
    Ok(conn)
}

/// The last part of a (possibly schema-qualified) name, lowercase, as
/// SQLite matches names; `None` for a dialect's computed name part.
pub(crate) fn last_part(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(id) => Some(id.value.to_ascii_lowercase()),
        ObjectNamePart::Function(_) => None,
    }
}

//! The few rusqlite calls whose signatures changed between the versions
//! driftless supports (0.29 to 0.43), bridged in one place.
//!
//! Also left out on purpose: rusqlite's hooks (the authorizer, the busy
//! handler) and `Connection::busy_timeout`. From 0.43 they keep their state
//! with `sqlite3_set_clientdata`, which a system SQLite older than 3.44
//! lacks, and a proc macro or build script that references it fails to
//! load (`can't find crate for driftless_macros`) or to link.
//!
//! driftless depends on a range of rusqlite versions so that cargo can pick
//! the one whose `libsqlite3-sys` the app's other SQLite crates (sqlx, diesel,
//! an older rusqlite) already link: only one crate in a dependency graph may
//! link `sqlite3`.

use std::time::Duration;

use rusqlite::Connection;
use rusqlite::limits::Limit;

/// A call's outcome whichever rusqlite is built: `()`/`i32` before 0.33's
/// setters returned `Result`, `Result<T>` after.
pub(crate) trait Outcome {
    fn into_result(self) -> rusqlite::Result<()>;
}

impl Outcome for () {
    fn into_result(self) -> rusqlite::Result<()> {
        Ok(())
    }
}

impl Outcome for i32 {
    fn into_result(self) -> rusqlite::Result<()> {
        Ok(())
    }
}

impl<T> Outcome for rusqlite::Result<T> {
    fn into_result(self) -> rusqlite::Result<()> {
        self.map(|_| ())
    }
}

/// SQLite's message and the byte offset (in `sql`, the text that was run) of
/// the token it points at, for an error that carries one: rusqlite's
/// `SqlInputError`.
///
/// That variant exists only with rusqlite's `modern_sqlite` feature, which
/// `bundled` turns on and a system SQLite build does not, so it cannot be
/// matched by name here. Its `Debug` ends with `offset: N }` and its
/// `Display` is `{msg} in {sql} at offset {offset}` in every supported
/// version; without the variant this gives `None` and messages name the
/// statement's line only.
pub(crate) fn input_error(e: &rusqlite::Error, sql: &str) -> Option<(String, usize)> {
    let debug = format!("{e:?}");
    if !debug.starts_with("SqlInputError {") {
        return None;
    }
    let offset: usize = debug
        .strip_suffix(" }")?
        .rsplit_once("offset: ")?
        .1
        .parse()
        .ok()?;
    let display = e.to_string();
    let message = display.strip_suffix(&format!(" in {sql} at offset {offset}"))?;
    Some((message.to_string(), offset))
}

/// Forbids `ATTACH` (no second database, so no file). `load_extension` is
/// off already: SQLite refuses it until a connection turns it on, and
/// driftless never does (the replay also refuses a statement naming it,
/// with a message of its own).
// the call returns `()` on some rusqlite versions and `Result` on others
#[allow(clippy::unit_arg)]
pub(crate) fn forbid_files(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)
        .into_result()
}

/// How long a statement waits for another connection's lock, as `PRAGMA
/// busy_timeout` sets it: the same setting as `Connection::busy_timeout`,
/// without the SQLite 3.44 call rusqlite 0.43 makes there.
///
/// ```
/// # let conn = rusqlite::Connection::open_in_memory().unwrap();
/// driftless_migrations::busy_timeout(&conn, std::time::Duration::from_secs(5)).unwrap();
/// let ms: i64 = conn.query_row("PRAGMA busy_timeout", [], |r| r.get(0)).unwrap();
/// assert_eq!(ms, 5000);
/// ```
pub fn busy_timeout(conn: &Connection, timeout: Duration) -> rusqlite::Result<()> {
    // SQLite keeps it in an `int`
    let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    conn.pragma_update(None, "busy_timeout", ms)
}

/// Each result column's name and declared type. `Statement::columns`
/// returns a `Vec` before rusqlite 0.43 and an iterator from it on;
/// `into_iter` takes both.
pub(crate) fn columns(stmt: &rusqlite::Statement<'_>) -> Vec<(String, Option<String>)> {
    stmt.columns()
        .into_iter()
        .map(|c| (c.name().to_string(), c.decl_type().map(str::to_string)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_gives_message_and_offset_or_nothing() {
        let conn = Connection::open_in_memory().expect("db");
        let sql = "CREATE TABLE t (id INTEGER,)";
        let e = conn.execute_batch(sql).expect_err("syntax error");
        match input_error(&e, sql) {
            // with modern_sqlite (bundled): SQLite points at `)`
            Some((message, offset)) => {
                assert_eq!(message, "near \")\": syntax error");
                assert_eq!(offset, 27);
            }
            None => assert!(!format!("{e:?}").starts_with("SqlInputError")),
        }
        let other = conn.execute_batch("SELECT 1").map(|()| "ran");
        assert_eq!(other.ok(), Some("ran"));
        let refused = conn
            .execute_batch("DROP TABLE nope")
            .expect_err("no such table");
        if let Some((message, _)) = input_error(&refused, "DROP TABLE nope") {
            assert_eq!(message, "no such table: nope");
        }
    }
}

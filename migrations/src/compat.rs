//! The few rusqlite calls whose signatures changed between the versions
//! driftless supports (0.32 to 0.43), bridged in one place.
//!
//! driftless depends on a range of rusqlite versions so that cargo can pick
//! the one whose `libsqlite3-sys` the app's other SQLite crates (sqlx, diesel,
//! an older rusqlite) already link: only one crate in a dependency graph may
//! link `sqlite3`.

use rusqlite::Connection;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
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

/// Forbids `ATTACH` (no second database, so no file) and `load_extension`.
pub(crate) fn forbid_files(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)
        .into_result()?;
    conn.authorizer(Some(|ctx: AuthContext<'_>| match ctx.action {
        AuthAction::Attach { .. } => Authorization::Deny,
        AuthAction::Function { function_name }
            if function_name.eq_ignore_ascii_case("load_extension") =>
        {
            Authorization::Deny
        }
        _ => Authorization::Allow,
    }))
    .into_result()
}

//! The rehearsal: the history replayed a second time, on tables that hold
//! rows. SQLite refuses some statements only when their table holds rows
//! (`ALTER TABLE ... ADD COLUMN ... NOT NULL` without a default, a
//! non-constant default, a `REFERENCES` column with a default while foreign
//! keys are on, a `STORED` generated column), and a table rebuild fails on
//! the NULLs or values its new definition refuses: such a migration passes
//! the empty replay and fails on the first real database.
//!
//! Before each migration runs, every table an earlier migration created
//! holds the synthetic rows of [`crate::rows`]. Foreign keys are on, and a
//! script that drops or renames tables runs as the migrator runs it: with
//! them off and `PRAGMA foreign_key_check` before it commits. A migration
//! that fails is run again on the tables as the migrations alone leave
//! them; when it passes there, the rows made the difference, and it is a
//! [`FailsOnRows`].

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rusqlite::Connection;

use crate::discover::{Migration, MigrationSet};
use crate::error::{Error, Result};
use crate::replay::{Transaction, run_in_sandbox, run_migration, sandbox, trace};
use crate::rows::{fill, has_rows, tables};
use crate::scan::{Token, significant};
use crate::split::{Statement, split};

/// The name of the check in `-- driftless:allow(fails-on-rows)`: a
/// migration failing at the statement after the comment is not reported,
/// and runs as if its tables were empty (one whose table no database can
/// have filled yet, say, because the migration creating it ships with it).
pub const ALLOW: &str = "fails-on-rows";

/// What a rehearsal found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rehearsal {
    /// Migrations that fail on tables holding rows and pass on empty ones.
    pub failures: Vec<FailsOnRows>,
    /// Tables no synthetic row fits: what later migrations do to them was
    /// rehearsed on an empty table only.
    pub not_rehearsed: Vec<NotRehearsed>,
    /// How many tables got synthetic rows.
    pub filled: usize,
}

/// A migration that fails on tables holding rows and passes on empty ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailsOnRows {
    /// Its index in the set.
    pub index: usize,
    /// Its up script.
    pub path: PathBuf,
    /// The line where the failing statement starts (of the script's end
    /// when it failed at commit).
    pub line: usize,
    /// The failing statement's first line.
    pub statement: String,
    /// The table it fails on, when the statement or SQLite names one.
    pub table: Option<String>,
    /// SQLite's message.
    pub message: String,
}

impl FailsOnRows {
    /// What to do instead, for SQLite's message.
    ///
    /// ```
    /// let f = driftless_migrations::rehearse::FailsOnRows {
    ///     index: 1, path: "0002_x.sql".into(), line: 1, statement: String::new(),
    ///     table: Some("games".into()), message: "Cannot add a NOT NULL column with default value NULL".into(),
    /// };
    /// assert!(f.help().contains("constant default"));
    /// ```
    pub fn help(&self) -> String {
        let m = self.message.to_ascii_lowercase();
        let table = self.table.as_deref().unwrap_or("the table");
        if m.contains("not null column with default value null") {
            "give the column a constant default (`NOT NULL DEFAULT <value>`), or add it nullable, \
             fill it with UPDATE, then rebuild the table to make it NOT NULL"
                .into()
        } else if m.contains("non-constant default") {
            format!(
                "ADD COLUMN on a table with rows takes only a constant default: add the column with \
                 a constant default (or none), then `UPDATE {table} SET <column> = <expression>`"
            )
        } else if m.contains("references column with non-null default") {
            format!(
                "with foreign keys on (as sqlx and most apps run), a REFERENCES column is added to \
                 a table with rows only with DEFAULT NULL: add it without a default, then \
                 `UPDATE {table} SET <column> = ...`"
            )
        } else if m.contains("cannot add a stored column") {
            "ADD COLUMN makes only VIRTUAL generated columns on a table with rows: make it VIRTUAL, \
             or rebuild the table with the STORED column"
                .into()
        } else if m.contains("not null constraint failed") {
            "rows with NULL there exist: fill them first (`UPDATE ... SET <column> = <value> WHERE \
             <column> IS NULL`), or copy them with COALESCE(<column>, <value>)"
                .into()
        } else if m.contains("check constraint failed") {
            "existing rows need not satisfy the new CHECK: fix them with an UPDATE first, or copy \
             only the rows that do"
                .into()
        } else if m.contains("unique constraint failed") {
            "existing rows may repeat the value: remove or merge the duplicates first".into()
        } else if m.contains("foreign key") {
            "rows would point at rows that are gone: delete or repoint them in the same migration"
                .into()
        } else {
            "make the migration work on the rows its tables already hold".into()
        }
    }
}

/// A table no synthetic row fits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotRehearsed {
    /// The table.
    pub table: String,
    /// The migration after which it was to be filled.
    pub after: PathBuf,
    /// Why no row fits (SQLite's refusal of the last candidate).
    pub reason: String,
}

/// Replays `set` with synthetic rows in every table before each migration
/// and reports every migration that fails only because of them.
///
/// # Errors
/// A migration that also fails without the rows (the plain replay reports
/// those first), or SQLite failing to describe its own schema.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY);").unwrap();
/// std::fs::write(dir.path().join("0002_score.sql"), "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL;").unwrap();
/// let set = driftless_migrations::discover(dir.path()).unwrap();
/// driftless_migrations::replay(&set).unwrap(); // empty tables: it runs
/// let found = driftless_migrations::rehearse::rehearse(&set).unwrap();
/// assert_eq!(found.failures[0].index, 1);
/// assert_eq!(found.failures[0].table.as_deref(), Some("games"));
/// assert_eq!(found.failures[0].message, "Cannot add a NOT NULL column with default value NULL");
/// ```
pub fn rehearse(set: &MigrationSet) -> Result<Rehearsal> {
    let started = Instant::now();
    let mut found = Rehearsal::default();
    let mut rows = Rows::new(with_foreign_keys(sandbox()?)?);
    for (index, m) in set.migrations.iter().enumerate() {
        if let Err(failure) = apply(&rows.conn, m) {
            // the tables as the migrations alone leave them, without our rows
            let conn = with_foreign_keys(sandbox()?)?;
            for earlier in &set.migrations[..index] {
                run_migration(&conn, earlier)?;
            }
            if let Err(without_rows) = apply(&conn, m) {
                return Err(*without_rows.error);
            }
            if !failure.exempt {
                found.failures.push(failure.found(index, m));
            }
            rows = Rows::new(conn);
        }
        rows.refill(m, &mut found)?;
    }
    trace(&format!(
        "rehearse {} migrations from {} in {} us",
        set.migrations.len(),
        set.dir.display(),
        started.elapsed().as_micros()
    ));
    Ok(found)
}

fn with_foreign_keys(conn: Connection) -> Result<Connection> {
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

/// The rehearsal's database and what it knows of its rows.
struct Rows {
    conn: Connection,
    /// Tables known to hold rows (lowercased names).
    filled: HashSet<String>,
    /// Tables no row fits, with their definition when that was found.
    unfillable: HashMap<String, String>,
    /// `total_changes()` after the last fill: while it stays, no row went away.
    seen: Option<i64>,
}

impl Rows {
    fn new(conn: Connection) -> Rows {
        Rows {
            conn,
            filled: HashSet::new(),
            unfillable: HashMap::new(),
            seen: None,
        }
    }

    fn total_changes(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT total_changes()", [], |r| r.get(0))?)
    }

    /// Puts rows in every table that has none, after `m` ran. A table
    /// without rows appears only through CREATE TABLE (a rename keeps its
    /// rows), and rows go away only through statements that change rows
    /// (`total_changes()` moves): after any other migration, nothing to do.
    fn refill(&mut self, m: &Migration, found: &mut Rehearsal) -> Result<()> {
        let changes = self.total_changes()?;
        let deleted = self.seen.is_none_or(|seen| seen != changes);
        let created = split(&m.up.sql()).iter().any(|s| {
            s.keywords.first().is_some_and(|k| k == "CREATE")
                && s.keywords.iter().take(4).any(|k| k == "TABLE")
        });
        if deleted || created {
            self.fill_empty(m, found, deleted)?;
        }
        self.seen = Some(self.total_changes()?);
        Ok(())
    }

    fn fill_empty(&mut self, m: &Migration, found: &mut Rehearsal, all: bool) -> Result<()> {
        let names = tables(&self.conn)?;
        let present: HashSet<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        self.filled.retain(|n| present.contains(n));
        let mut empty = Vec::new();
        for name in names {
            let key = name.to_ascii_lowercase();
            if !all && self.filled.contains(&key) {
                continue;
            }
            if has_rows(&self.conn, &name)? {
                self.filled.insert(key);
                continue;
            }
            if let Some(sql) = self.unfillable.get(&key)
                && *sql == definition(&self.conn, &name)?
            {
                continue;
            }
            empty.push(name);
        }
        if empty.is_empty() {
            return Ok(());
        }
        let unfilled = fill(&self.conn, &empty)?;
        let refused: HashSet<String> = unfilled
            .iter()
            .map(|u| u.table.to_ascii_lowercase())
            .collect();
        for u in unfilled {
            let key = u.table.to_ascii_lowercase();
            let sql = definition(&self.conn, &u.table)?;
            // tried again when its definition changes, reported once
            if self.unfillable.insert(key, sql).is_some()
                || found
                    .not_rehearsed
                    .iter()
                    .any(|n| n.table.eq_ignore_ascii_case(&u.table))
            {
                continue;
            }
            found.not_rehearsed.push(NotRehearsed {
                table: u.table,
                after: m.up.location().to_path_buf(),
                reason: u.reason,
            });
        }
        for name in empty {
            let key = name.to_ascii_lowercase();
            if !refused.contains(&key) {
                self.unfillable.remove(&key);
                found.filled += 1;
                self.filled.insert(key);
            }
        }
        Ok(())
    }
}

/// A table's CREATE statement as SQLite keeps it.
fn definition(conn: &Connection, table: &str) -> Result<String> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sql, '') FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        )?
        .query_row([table], |r| r.get(0))?)
}

/// A migration's failure in the rehearsal.
struct Failure {
    error: Box<Error>,
    line: usize,
    statement: String,
    message: String,
    table: Option<String>,
    /// The statement is preceded by `-- driftless:allow(fails-on-rows)`.
    exempt: bool,
}

impl Failure {
    fn of(error: Error, sql: &str) -> Failure {
        let (line, statement, message) = match &error {
            Error::Statement {
                at,
                statement,
                message,
                ..
            } => (at.line, statement.clone(), message.clone()),
            other => (1, String::new(), other.to_string()),
        };
        let statements = split(sql);
        let at = statements
            .iter()
            .position(|s| s.at.line == line && s.first_line() == statement);
        let table = at.and_then(|i| named_in(&message).or_else(|| target_table(&statements[i])));
        let exempt = at.is_some_and(|i| crate::lint::exempt(sql, &statements, i, ALLOW));
        Failure {
            error: Box::new(error),
            line,
            statement,
            message,
            table,
            exempt,
        }
    }

    fn found(self, index: usize, m: &Migration) -> FailsOnRows {
        FailsOnRows {
            index,
            path: m.up.location().to_path_buf(),
            line: self.line,
            statement: self.statement,
            table: self.table,
            message: self.message,
        }
    }
}

/// Applies `m` as the migrator does: in a transaction, and a script that
/// drops or renames tables with foreign keys off and checked before it
/// commits.
fn apply(conn: &Connection, m: &Migration) -> std::result::Result<(), Failure> {
    let sql = m.up.sql();
    let path = m.up.location();
    let fail = |e: Error| Failure::of(e, &sql);
    if m.no_transaction {
        return run_in_sandbox(conn, path, &sql, Transaction::None).map_err(fail);
    }
    let fk_off = split(&sql).iter().any(Statement::drops_or_renames_table);
    let sqlite = |e: rusqlite::Error| fail(Error::Sqlite(e));
    if fk_off {
        conn.pragma_update(None, "foreign_keys", false)
            .map_err(sqlite)?;
    }
    let result = (|| {
        conn.execute_batch("BEGIN").map_err(sqlite)?;
        run_in_sandbox(conn, path, &sql, Transaction::Caller).map_err(fail)?;
        if fk_off {
            dangling(conn, path, &sql).map_err(fail)?;
        }
        conn.execute_batch("COMMIT").map_err(|e| {
            let (at, statement) = last_statement(&sql);
            fail(Error::Statement {
                path: path.to_path_buf(),
                at,
                token: None,
                statement,
                message: crate::replay::sqlite_message(e),
            })
        })
    })();
    if result.is_err() && !conn.is_autocommit() {
        // the failure is what matters; the rollback restores the rows
        let _ = conn.execute_batch("ROLLBACK");
    }
    if fk_off {
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sqlite)?;
    }
    result
}

/// After a script ran with foreign keys off: the first row whose foreign
/// key points nowhere, as the migrator would refuse it.
fn dangling(conn: &Connection, path: &Path, sql: &str) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let first = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(2)?)))?
        .next()
        .transpose()?;
    let Some((table, parent)) = first else {
        return Ok(());
    };
    // the statement that removed the parent, else the script's end
    let statements = split(sql);
    let (at, statement) = statements
        .iter()
        .rev()
        .find(|s| {
            s.dropped_table()
                .is_some_and(|t| t.eq_ignore_ascii_case(&parent))
        })
        .map_or_else(
            || last_statement(sql),
            |s| (s.at, s.first_line().to_string()),
        );
    Err(Error::Statement {
        path: path.to_path_buf(),
        at,
        token: None,
        statement,
        message: format!(
            "FOREIGN KEY constraint failed: rows of {table} point at rows of {parent} that no longer exist (PRAGMA foreign_key_check)"
        ),
    })
}

/// Where a failure at commit is reported: the script's last statement.
fn last_statement(sql: &str) -> (crate::error::Position, String) {
    split(sql).last().map_or(
        (crate::error::Position { line: 1, column: 1 }, String::new()),
        |s| (s.at, s.first_line().to_string()),
    )
}

/// The table SQLite names in `... constraint failed: table.column`, or
/// the child table of a dangling foreign key (`rows of T point at ...`).
fn named_in(message: &str) -> Option<String> {
    if let Some((_, rest)) = message.split_once("rows of ")
        && let Some((child, _)) = rest.split_once(" point at ")
    {
        return Some(child.to_string());
    }
    let (_, rest) = message.split_once("constraint failed: ")?;
    let (table, _) = rest.split_once('.')?;
    (!table.is_empty() && !table.contains(' ')).then(|| table.to_string())
}

/// The table a statement changes: `ALTER TABLE t`, `INSERT INTO t`,
/// `UPDATE t`, `DELETE FROM t`, `CREATE INDEX ... ON t`, `DROP TABLE t`.
fn target_table(s: &Statement<'_>) -> Option<String> {
    if let Some(t) = s.indexed_table().or_else(|| s.dropped_table()) {
        return Some(t);
    }
    let tokens: Vec<Token<'_>> = significant(s.sql).collect();
    let after = if s.starts_with(&["ALTER", "TABLE"]) {
        2
    } else if s.starts_with(&["UPDATE"]) {
        if tokens.get(1).is_some_and(|t| t.is("OR")) {
            3
        } else {
            1
        }
    } else if s.starts_with(&["DELETE", "FROM"]) {
        2
    } else {
        tokens.iter().position(|t| t.is("INTO"))? + 1
    };
    let name = if tokens.get(after + 1).is_some_and(|t| t.is_punct('.')) {
        tokens.get(after + 2)
    } else {
        tokens.get(after)
    };
    name.and_then(Token::name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::replay;
    use crate::replay::tests::set_of;

    const GAMES: (&str, &str) = (
        "0001_games.sql",
        "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);\n",
    );

    /// Each of SQLite's rules: the migration replays on empty tables and
    /// fails with rows, naming the file, line, table and SQLite's words.
    #[test]
    fn each_rule_fails_on_rows_and_passes_empty() {
        let cases = [
            (
                "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL;",
                "Cannot add a NOT NULL column with default value NULL",
            ),
            (
                "ALTER TABLE games ADD COLUMN made TEXT DEFAULT CURRENT_TIMESTAMP;",
                "Cannot add a column with non-constant default",
            ),
            (
                "ALTER TABLE games ADD COLUMN made TEXT DEFAULT (datetime('now'));",
                "Cannot add a column with non-constant default",
            ),
            (
                "CREATE TABLE hosts (id INTEGER PRIMARY KEY);\nALTER TABLE games ADD COLUMN host INTEGER REFERENCES hosts (id) DEFAULT 1;",
                "Cannot add a REFERENCES column with non-NULL default value",
            ),
            (
                "ALTER TABLE games ADD COLUMN upper TEXT GENERATED ALWAYS AS (upper(name)) STORED;",
                "cannot add a STORED column",
            ),
            (
                "CREATE TABLE new_games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT NOT NULL);\n\
                 INSERT INTO new_games SELECT id, name, note FROM games;\n\
                 DROP TABLE games;\nALTER TABLE new_games RENAME TO games;",
                "NOT NULL constraint failed: new_games.note",
            ),
            (
                "CREATE TABLE new_games (id INTEGER PRIMARY KEY, name TEXT NOT NULL CHECK (name LIKE 'game %'), note TEXT);\n\
                 INSERT INTO new_games SELECT id, name, note FROM games;\n\
                 DROP TABLE games;\nALTER TABLE new_games RENAME TO games;",
                "CHECK constraint failed",
            ),
        ];
        for (sql, message) in cases {
            let (_d, set) = set_of(&[GAMES, ("0002_change.sql", &format!("-- a change\n{sql}\n"))]);
            replay(&set).unwrap_or_else(|e| panic!("{sql}: replays empty: {e}"));
            let found = rehearse(&set).unwrap_or_else(|e| panic!("{sql}: {e}"));
            assert_eq!(found.failures.len(), 1, "{sql}: {found:?}");
            let f = &found.failures[0];
            assert_eq!(f.index, 1, "{sql}");
            assert!(f.path.ends_with("0002_change.sql"), "{sql}: {f:?}");
            assert!(f.message.contains(message), "{sql}: {f:?}");
            let line = sql
                .lines()
                .position(|l| l.starts_with("ALTER TABLE games ADD") || l.starts_with("INSERT"))
                .map(|l| l + 2);
            assert_eq!(Some(f.line), line, "{sql}: {f:?}");
            let table = if message.contains("new_games") || message.contains("CHECK") {
                "new_games"
            } else {
                "games"
            };
            assert_eq!(f.table.as_deref(), Some(table), "{sql}: {f:?}");
        }
    }

    #[test]
    fn the_file_that_creates_the_table_is_not_flagged() {
        let (_d, set) = set_of(&[(
            "0001_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY);\n\
             ALTER TABLE games ADD COLUMN score INTEGER NOT NULL;\n\
             ALTER TABLE games ADD COLUMN made TEXT DEFAULT CURRENT_TIMESTAMP;\n",
        )]);
        let found = rehearse(&set).expect("rehearse");
        assert!(found.failures.is_empty(), "{found:?}");
        assert_eq!(found.filled, 1);
    }

    #[test]
    fn an_allow_comment_exempts_the_statement() {
        let (_d, set) = set_of(&[
            GAMES,
            (
                "0002_a.sql",
                "-- driftless:allow(fails-on-rows)\nALTER TABLE games ADD COLUMN a INTEGER NOT NULL;\n",
            ),
            (
                "0003_b.sql",
                "ALTER TABLE games ADD COLUMN b INTEGER NOT NULL;\n",
            ),
        ]);
        let found = rehearse(&set).expect("rehearse");
        // the exempt migration runs as if its tables were empty; the next is found
        assert_eq!(found.failures.len(), 1, "{found:?}");
        assert_eq!(found.failures[0].index, 2, "{found:?}");
    }

    #[test]
    fn the_fixes_pass() {
        let (_d, set) = set_of(&[
            GAMES,
            (
                "0002_fixed.sql",
                "ALTER TABLE games ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n\
                 ALTER TABLE games ADD COLUMN made TEXT;\n\
                 UPDATE games SET made = CURRENT_TIMESTAMP;\n\
                 UPDATE games SET note = '' WHERE note IS NULL;\n\
                 CREATE TABLE new_games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT NOT NULL, score INTEGER NOT NULL DEFAULT 0, made TEXT);\n\
                 INSERT INTO new_games SELECT id, name, note, score, made FROM games;\n\
                 DROP TABLE games;\nALTER TABLE new_games RENAME TO games;\n",
            ),
            (
                "0003_more.sql",
                "ALTER TABLE games ADD COLUMN extra TEXT NOT NULL DEFAULT 'x';\n",
            ),
        ]);
        let found = rehearse(&set).expect("rehearse");
        assert!(found.failures.is_empty(), "{found:?}");
        assert!(found.not_rehearsed.is_empty(), "{found:?}");
    }

    /// After a failure the rehearsal goes on, with rows again, so a second
    /// bad migration is found too.
    #[test]
    fn later_failures_are_found_after_an_earlier_one() {
        let (_d, set) = set_of(&[
            GAMES,
            (
                "0002_a.sql",
                "ALTER TABLE games ADD COLUMN a INTEGER NOT NULL;\n",
            ),
            ("0003_ok.sql", "CREATE TABLE other (x TEXT NOT NULL);\n"),
            (
                "0004_b.sql",
                "ALTER TABLE other ADD COLUMN b INTEGER NOT NULL;\n",
            ),
        ]);
        let found = rehearse(&set).expect("rehearse");
        let at: Vec<usize> = found.failures.iter().map(|f| f.index).collect();
        assert_eq!(at, [1, 3], "{found:?}");
        assert_eq!(found.failures[1].table.as_deref(), Some("other"));
    }

    /// Dropping a parent whose children hold rows: the migrator refuses it
    /// at `PRAGMA foreign_key_check`, and so does the rehearsal.
    #[test]
    fn a_rebuild_that_leaves_dangling_keys_fails() {
        let (_d, set) = set_of(&[
            (
                "0001_a.sql",
                "CREATE TABLE games (id INTEGER PRIMARY KEY);\n\
                 CREATE TABLE players (game_id INTEGER NOT NULL REFERENCES games (id));\n",
            ),
            (
                "0002_drop.sql",
                "DROP TABLE games;\nCREATE TABLE games (id INTEGER PRIMARY KEY);\n",
            ),
        ]);
        let found = rehearse(&set).expect("rehearse");
        assert_eq!(found.failures.len(), 1, "{found:?}");
        assert!(
            found.failures[0]
                .message
                .contains("rows of players point at rows of games"),
            "{found:?}"
        );
    }

    #[test]
    fn a_table_no_row_fits_is_reported() {
        let (_d, set) = set_of(&[
            (
                "0001_a.sql",
                "CREATE TABLE odd (x INTEGER NOT NULL CHECK (x * 0 = 1));\n",
            ),
            (
                "0002_b.sql",
                "ALTER TABLE odd ADD COLUMN y INTEGER NOT NULL;\n",
            ),
            // once a row fits, it gets rows again
            (
                "0003_c.sql",
                "DROP TABLE odd;\nCREATE TABLE odd (x INTEGER NOT NULL);\n",
            ),
            (
                "0004_d.sql",
                "ALTER TABLE odd ADD COLUMN z INTEGER NOT NULL;\n",
            ),
        ]);
        let found = rehearse(&set).expect("rehearse");
        let at: Vec<usize> = found.failures.iter().map(|f| f.index).collect();
        assert_eq!(at, [3], "{found:?}");
        assert_eq!(found.not_rehearsed.len(), 1, "reported once: {found:?}");
        assert_eq!(found.not_rehearsed[0].table, "odd");
        assert!(found.not_rehearsed[0].after.ends_with("0001_a.sql"));
    }

    /// Seed rows go in beside the synthetic ones (no key or UNIQUE value
    /// collides), and rows a migration deletes are put back before the next.
    #[test]
    fn seed_data_and_deleted_rows() {
        let (_d, set) = set_of(&[
            (
                "0001_roles.sql",
                "CREATE TABLE roles (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n",
            ),
            (
                "0002_seed.sql",
                "INSERT INTO roles (id, name) VALUES (1, 'admin');\n",
            ),
            ("0003_wipe.sql", "DELETE FROM roles;\n"),
            (
                "0004_add.sql",
                "ALTER TABLE roles ADD COLUMN level INTEGER NOT NULL;\n",
            ),
        ]);
        let found = rehearse(&set).expect("rehearse");
        let at: Vec<usize> = found.failures.iter().map(|f| f.index).collect();
        assert_eq!(at, [3], "{found:?}");
    }

    #[test]
    fn a_migration_that_fails_without_rows_is_an_error() {
        let (_d, set) = set_of(&[GAMES, ("0002_bad.sql", "ALTER TABLE nope ADD COLUMN x;\n")]);
        let err = rehearse(&set).expect_err("fails anyway");
        assert!(err.to_string().contains("no such table"), "{err}");
    }

    #[test]
    fn tables_are_named_from_statements_and_messages() {
        let named = |sql: &str| target_table(&split(sql)[0]);
        assert_eq!(
            named("ALTER TABLE main.\"Games\" ADD COLUMN x").as_deref(),
            Some("Games")
        );
        assert_eq!(
            named("INSERT OR IGNORE INTO t SELECT 1").as_deref(),
            Some("t")
        );
        assert_eq!(named("UPDATE OR FAIL t SET x = 1").as_deref(), Some("t"));
        assert_eq!(named("DELETE FROM t").as_deref(), Some("t"));
        assert_eq!(
            named("CREATE UNIQUE INDEX i ON t (x)").as_deref(),
            Some("t")
        );
        assert_eq!(
            named_in("NOT NULL constraint failed: new_t.c").as_deref(),
            Some("new_t")
        );
        assert_eq!(named_in("CHECK constraint failed: x > 0"), None);
    }
}

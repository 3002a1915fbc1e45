//! Checking an existing `schema.rs` against the migrated database: every
//! table, column, key, nullability and type that differs, with the
//! migration that made the database side what it is.

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::parse::{TableEntry, parse_schema_rs};
use super::{DieselColumn, DieselTable, ParseError, SqlType, infer, infer_table};
use crate::discover::MigrationSet;
use crate::error::{Error, display_path};
use crate::replay::{run_migration, sandbox};

/// diesel's own history table: `schema.rs` may declare it, migrations never create it.
const DIESEL_HISTORY: &str = "__diesel_schema_migrations";

/// One way `schema.rs` and the migrations disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The line in `schema.rs` (0 for a table it lacks altogether).
    pub line: usize,
    /// What differs, naming the `table!` entry and column.
    pub message: String,
    /// The migration that last changed the table or column, when one did.
    pub migration: Option<PathBuf>,
    /// What `migration` did: `created by`, `changed by` or `dropped by`.
    pub verb: &'static str,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(m) = &self.migration {
            write!(f, " ({} {})", self.verb, display_path(m))?;
        }
        Ok(())
    }
}

/// What a difference is about, to find the migration behind it.
enum Subject {
    Table(String),
    Column(String, String),
}

/// Every difference between the `schema.rs` text and the database the
/// migrations of `set` built (`conn`), in file order; tables `schema.rs`
/// lacks come last.
///
/// Types are compared as diesel reads them: integer widths (`SmallInt`,
/// `Integer`, `BigInt`) stand for one another, as do `Float` and `Double`,
/// and `Timestamp` and `TimestamptzSqlite`; a type diesel does not define
/// (a custom SQL type) is not compared. A rowid alias (`INTEGER PRIMARY
/// KEY`) may be `Integer` or `Nullable<Integer>`: it is never NULL. Views
/// declared with `table!` are checked for their columns and types only
/// (SQLite does not know their nullability). Column order, `joinable!` and
/// `allow_tables_to_appear_in_same_query!` are not compared.
///
/// # Errors
/// When the text is not a readable `schema.rs`.
///
/// ```
/// use driftless_migrations::diesel::check_schema_rs;
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY, winner TEXT);").unwrap();
/// let set = driftless_migrations::discover(dir.path()).unwrap();
/// let (conn, _) = driftless_migrations::replay::replay_database(&set).unwrap();
/// let found = check_schema_rs(&conn, &set, "
/// diesel::table! {
///     games (id) {
///         id -> Integer,
///         winner -> Text,
///     }
/// }").unwrap();
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].line, 5);
/// assert!(found[0].message.starts_with("`games.winner` is `Text` here, but the migrations leave it nullable"));
/// ```
pub fn check_schema_rs(
    conn: &Connection,
    set: &MigrationSet,
    text: &str,
) -> Result<Vec<Difference>, ParseError> {
    let entries = parse_schema_rs(text)?;
    let tables = infer(conn).map_err(sqlite_failed)?;
    let views = views(conn).map_err(sqlite_failed)?;
    let mut found: Vec<(Difference, Subject)> = Vec::new();
    let mut push = |line, message: String, subject| {
        found.push((
            Difference {
                line,
                message,
                migration: None,
                verb: "",
            },
            subject,
        ));
    };
    for entry in &entries {
        let sql = entry.sql_name();
        if sql == DIESEL_HISTORY {
            continue;
        }
        let (table, is_view) = match find(&tables, sql) {
            Some(t) => (t, false),
            None => match find(&views, sql) {
                Some(v) => (v, true),
                None => {
                    push(
                        entry.line,
                        format!("`table!` `{}` names no table of the migrations", entry.name),
                        Subject::Table(sql.to_string()),
                    );
                    continue;
                }
            },
        };
        for column in &entry.columns {
            let subject = Subject::Column(table.sql_name.clone(), column.sql_name().to_string());
            let Some(expected) = table.column(column.sql_name()) else {
                push(
                    column.line,
                    format!(
                        "`{}.{}` is not a column of {} `{}` in the migrations",
                        entry.name,
                        column.name,
                        if is_view { "view" } else { "table" },
                        table.sql_name
                    ),
                    subject,
                );
                continue;
            };
            if let Some(message) =
                compare_column(entry, &column.name, &column.ty, expected, is_view)
            {
                push(column.line, message, subject);
            }
        }
        if is_view {
            continue;
        }
        for expected in &table.columns {
            let declared = entry
                .columns
                .iter()
                .any(|c| c.sql_name().eq_ignore_ascii_case(&expected.sql_name));
            // diesel never reads a column the `table!` leaves out, and its
            // inserts leave it to SQLite: only one no insert can do without counts
            if !declared && expected.required {
                push(
                    entry.line,
                    format!(
                        "`table!` `{}` lacks column `{} -> {}`, which is NOT NULL without a default: every insert needs it",
                        entry.name,
                        expected.sql_name,
                        expected.printed_type()
                    ),
                    Subject::Column(table.sql_name.clone(), expected.sql_name.clone()),
                );
            }
        }
        let written: Vec<String> = entry
            .primary_key
            .iter()
            .map(|k| {
                entry
                    .columns
                    .iter()
                    .find(|c| c.name == *k)
                    .map_or(k.as_str(), |c| c.sql_name())
                    .to_ascii_lowercase()
            })
            .collect();
        let expected: Vec<String> = table
            .primary_key
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .collect();
        // a table without a declared key may name a UNIQUE set of NOT NULL columns:
        // it identifies rows as well as the rowid does
        let unique_key = table
            .columns
            .first()
            .is_some_and(DieselColumn::is_implicit_rowid)
            && unique_not_null_keys(conn, &table.sql_name)
                .map_err(sqlite_failed)?
                .iter()
                .any(|key| sorted(key) == sorted(&written));
        if written != expected && !is_view && !unique_key {
            push(
                entry.line,
                format!(
                    "`table!` `{}` has primary key ({}), but the migrations make it ({})",
                    entry.name,
                    entry.primary_key.join(", "),
                    table.primary_key.join(", ")
                ),
                Subject::Table(table.sql_name.clone()),
            );
        }
    }
    for table in &tables {
        if !entries
            .iter()
            .any(|e| e.sql_name().eq_ignore_ascii_case(&table.sql_name))
        {
            push(
                0,
                format!("no `table!` for table `{}`", table.sql_name),
                Subject::Table(table.sql_name.clone()),
            );
        }
    }
    if !found.is_empty() {
        attribute(set, &mut found);
    }
    Ok(found.into_iter().map(|(d, _)| d).collect())
}

/// [`check_schema_rs`] on a file, as the build script runs it: every
/// difference (or the reason the file cannot be read) in one
/// [`Error::SchemaRs`], which ends with the `regenerate` command.
///
/// # Errors
/// When the file is missing, unreadable or differs from the migrations.
///
/// ```
/// use driftless_migrations::diesel::check_schema_file;
/// let dir = tempfile::tempdir().unwrap();
/// let migrations = dir.path().join("migrations");
/// std::fs::create_dir(&migrations).unwrap();
/// std::fs::write(migrations.join("0001_games.sql"), "CREATE TABLE games (id INTEGER PRIMARY KEY NOT NULL);").unwrap();
/// let set = driftless_migrations::discover(&migrations).unwrap();
/// let (conn, _) = driftless_migrations::replay::replay_database(&set).unwrap();
/// let schema_rs = dir.path().join("schema.rs");
/// std::fs::write(&schema_rs, "diesel::table! { games (id) { id -> Integer, } }").unwrap();
/// check_schema_file(&conn, &set, &schema_rs, "driftless schema --diesel > src/schema.rs").unwrap();
/// std::fs::write(&schema_rs, "diesel::table! { games (id) { id -> Text, } }").unwrap();
/// let err = check_schema_file(&conn, &set, &schema_rs, "driftless schema --diesel > src/schema.rs").unwrap_err();
/// assert!(err.to_string().contains("schema.rs:1: `games.id` is `Text` here"));
/// ```
pub fn check_schema_file(
    conn: &Connection,
    set: &MigrationSet,
    path: &Path,
    regenerate: &str,
) -> Result<(), Error> {
    let shown = display_path(path);
    let problems = match std::fs::read_to_string(path) {
        Err(e) => vec![format!("{shown}: cannot read: {e}")],
        Ok(text) => match check_schema_rs(conn, set, &text) {
            Err(e) if e.line == 0 => vec![format!("{shown}: {}", e.message)],
            Err(e) => vec![format!("{shown}:{}: {}", e.line, e.message)],
            Ok(found) => found
                .iter()
                .map(|d| match d.line {
                    0 => format!("{shown}: {d}"),
                    line => format!("{shown}:{line}: {d}"),
                })
                .collect(),
        },
    };
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::SchemaRs {
        path: path.to_path_buf(),
        dir: set.dir.clone(),
        problems,
        regenerate: regenerate.to_string(),
    })
}

/// The column sets of the UNIQUE indexes of `table` whose columns are all NOT NULL, lowercased.
fn unique_not_null_keys(conn: &Connection, table: &str) -> rusqlite::Result<Vec<Vec<String>>> {
    let mut stmt = conn.prepare(
        "SELECT group_concat(lower(ii.name), char(31)), min(ti.\"notnull\") \
         FROM pragma_index_list(?1) AS il, pragma_index_info(il.name) AS ii \
         LEFT JOIN pragma_table_info(?1) AS ti ON ti.name = ii.name \
         WHERE il.\"unique\" GROUP BY il.name",
    )?;
    let rows = stmt.query_map([table], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<bool>>(1)?))
    })?;
    let mut keys = Vec::new();
    for row in rows {
        let (columns, not_null) = row?;
        if not_null == Some(true) {
            keys.push(columns.split('\u{1f}').map(str::to_string).collect());
        }
    }
    Ok(keys)
}

fn sorted(key: &[String]) -> Vec<&str> {
    let mut key: Vec<&str> = key.iter().map(String::as_str).collect();
    key.sort_unstable();
    key
}

fn sqlite_failed(e: rusqlite::Error) -> ParseError {
    ParseError {
        line: 0,
        message: format!("SQLite could not describe the migrated schema: {e}"),
    }
}

fn find<'a>(tables: &'a [DieselTable], sql_name: &str) -> Option<&'a DieselTable> {
    tables
        .iter()
        .find(|t| t.sql_name.eq_ignore_ascii_case(sql_name))
}

fn views(conn: &Connection) -> rusqlite::Result<Vec<DieselTable>> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    names.into_iter().map(|n| infer_table(conn, n)).collect()
}

/// Types diesel's SQLite backend reads the same way, by family; `None` for
/// a type diesel does not define (not compared).
fn family(name: &str) -> Option<&'static str> {
    Some(match name {
        "Bool" => "Bool",
        "TinyInt" | "SmallInt" | "Int2" | "Integer" | "Int4" | "BigInt" | "Int8" => "an integer",
        "Float" | "Float4" | "Double" | "Float8" | "Numeric" | "Decimal" => "a floating point",
        "Text" | "VarChar" | "Varchar" | "TinyText" | "MediumText" | "LongText" => "Text",
        "Binary" | "Blob" | "Bytea" | "TinyBlob" | "MediumBlob" | "LongBlob" | "VarBinary" => {
            "Binary"
        }
        "Timestamp" | "Datetime" | "TimestamptzSqlite" | "Timestamptz" => "Timestamp",
        "Date" => "Date",
        "Time" => "Time",
        _ => return None,
    })
}

fn compare_column(
    entry: &TableEntry,
    name: &str,
    written: &SqlType,
    expected: &DieselColumn,
    is_view: bool,
) -> Option<String> {
    let (inner, nullable) = written.strip_nullable();
    // for a type diesel_cli has none for, the file's own choice stands
    let want = match (expected.ty, expected.nullable) {
        (Some(_), _) => expected.printed_type(),
        (None, true) => format!("Nullable<{inner}>"),
        (None, false) => inner.to_string(),
    };
    let what = format!("`{}.{name}` is `{written}` here", entry.name);
    if let Some(ty) = expected.ty
        && let (Some(a), Some(b)) = (family(&inner.name), family(ty))
        && a != b
    {
        return Some(format!(
            "{what}, but the migrations declare it `{}`: `{want}`",
            expected.declared
        ));
    }
    if is_view || expected.rowid || nullable == expected.nullable {
        return None;
    }
    Some(if expected.nullable {
        format!("{what}, but the migrations leave it nullable: `{want}`")
    } else {
        format!("{what}, but the migrations make it NOT NULL: `{want}`")
    })
}

/// Replays the migrations one at a time and gives each difference the last
/// migration that created, changed or dropped its table or column.
fn attribute(set: &MigrationSet, found: &mut [(Difference, Subject)]) {
    let Ok(conn) = sandbox() else { return };
    let mut last: Vec<Option<String>> = found.iter().map(|_| None).collect();
    for m in &set.migrations {
        if run_migration(&conn, m).is_err() {
            return;
        }
        for ((difference, subject), before) in found.iter_mut().zip(last.iter_mut()) {
            let now = state(&conn, subject);
            if now != *before {
                difference.migration = Some(m.up.location().to_path_buf());
                difference.verb = match (&before, &now) {
                    (None, _) => "created by",
                    (_, None) => "dropped by",
                    _ => "changed by",
                };
                *before = now;
            }
        }
    }
}

/// A table's or column's definition, to notice when a migration changes it.
fn state(conn: &Connection, subject: &Subject) -> Option<String> {
    match subject {
        Subject::Table(table) => conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = ?1 COLLATE NOCASE",
                [table],
                |r| r.get(0),
            )
            .ok(),
        Subject::Column(table, column) => conn
            .query_row(
                "SELECT type || '/' || \"notnull\" || '/' || pk || '/' || coalesce(dflt_value, '') \
                 FROM pragma_table_xinfo(?1) WHERE name = ?2 COLLATE NOCASE",
                [table, column],
                |r| r.get(0),
            )
            .ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover;

    fn check(migrations: &[(&str, &str)], schema_rs: &str) -> Vec<String> {
        let dir = tempfile::tempdir().expect("dir");
        for (name, sql) in migrations {
            std::fs::write(dir.path().join(name), sql).expect("write");
        }
        let set = discover(dir.path()).expect("discover");
        let (conn, _) = crate::replay::replay_database(&set).expect("replay");
        check_schema_rs(&conn, &set, schema_rs)
            .expect("check")
            .iter()
            .map(|d| {
                let text = d.to_string();
                let dir = dir.path().display().to_string();
                format!("{}: {}", d.line, text.replace(&dir, "DIR"))
            })
            .collect()
    }

    const MIGRATIONS: &[(&str, &str)] = &[
        (
            "0001_games.sql",
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL);",
        ),
        (
            "0002_winner.sql",
            "ALTER TABLE games ADD COLUMN winner TEXT;",
        ),
        (
            "0003_players.sql",
            "CREATE TABLE players (name TEXT PRIMARY KEY NOT NULL);",
        ),
        (
            "0004_drop_score.sql",
            "ALTER TABLE games DROP COLUMN score;",
        ),
    ];

    #[test]
    fn the_printed_schema_passes() {
        let dir = tempfile::tempdir().expect("dir");
        for (name, sql) in MIGRATIONS {
            std::fs::write(dir.path().join(name), sql).expect("write");
        }
        let set = discover(dir.path()).expect("discover");
        let (conn, _) = crate::replay::replay_database(&set).expect("replay");
        let text = super::super::print_schema(&infer(&conn).expect("infer")).expect("print");
        assert_eq!(check_schema_rs(&conn, &set, &text).expect("check"), []);
    }

    #[test]
    fn every_difference_names_its_line_and_migration() {
        let found = check(
            MIGRATIONS,
            "diesel::table! {
    games (id) {
        id -> Integer,
        name -> Nullable<VarChar>,
        score -> Nullable<Double>,
        winner -> Integer,
    }
}

diesel::table! {
    players (id) {
        name -> Text,
    }
}

diesel::table! {
    __diesel_schema_migrations (version) {
        version -> Text,
    }
}

diesel::table! {
    scores (id) {
        id -> Integer,
    }
}
",
        );
        assert_eq!(
            found,
            [
                "4: `games.name` is `Nullable<VarChar>` here, but the migrations make it NOT NULL: `Text` (created by DIR/0001_games.sql)",
                "5: `games.score` is not a column of table `games` in the migrations (dropped by DIR/0004_drop_score.sql)",
                "6: `games.winner` is `Integer` here, but the migrations declare it `TEXT`: `Nullable<Text>` (created by DIR/0002_winner.sql)",
                "11: `table!` `players` has primary key (id), but the migrations make it (name) (created by DIR/0003_players.sql)",
                "23: `table!` `scores` names no table of the migrations",
            ]
        );
    }

    #[test]
    fn missing_tables_and_columns_say_which_migration_made_them() {
        let found = check(
            MIGRATIONS,
            "diesel::table! {\n    games (id) {\n        id -> BigInt,\n        name -> Text,\n    }\n}\n",
        );
        // `winner` is nullable: diesel never reads it, and inserts leave it NULL
        assert_eq!(
            found,
            ["0: no `table!` for table `players` (created by DIR/0003_players.sql)"]
        );
    }

    #[test]
    fn a_left_out_column_counts_only_when_inserts_need_it() {
        let found = check(
            &[(
                "0001_t.sql",
                "CREATE TABLE t (id INTEGER PRIMARY KEY, made TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, \
                 note TEXT, kind TEXT NOT NULL, twice INTEGER GENERATED ALWAYS AS (id * 2) NOT NULL);",
            )],
            "table! { t (id) { id -> Integer, } }",
        );
        assert_eq!(
            found,
            [
                "1: `table!` `t` lacks column `kind -> Text`, which is NOT NULL without a default: every insert needs it (created by DIR/0001_t.sql)"
            ]
        );
    }

    #[test]
    fn a_column_changed_by_a_table_rebuild_names_the_rebuild() {
        let found = check(
            &[
                (
                    "0001_t.sql",
                    "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
                ),
                (
                    "0002_a_not_null.sql",
                    "CREATE TABLE t_new (id INTEGER PRIMARY KEY, a TEXT NOT NULL);\
                     INSERT INTO t_new SELECT id, coalesce(a, '') FROM t;\
                     DROP TABLE t; ALTER TABLE t_new RENAME TO t;",
                ),
            ],
            "table! { t (id) { id -> Integer, a -> Nullable<Text>, } }",
        );
        assert_eq!(
            found,
            [
                "1: `t.a` is `Nullable<Text>` here, but the migrations make it NOT NULL: `Text` (changed by DIR/0002_a_not_null.sql)"
            ]
        );
    }

    #[test]
    fn a_unique_not_null_column_set_may_be_the_key_of_a_table_without_one() {
        let migrations = [(
            "0001_t.sql",
            "CREATE TABLE members (team TEXT NOT NULL, person TEXT NOT NULL, note TEXT, \
               UNIQUE (team, person), UNIQUE (note));",
        )];
        let entry = |key: &str| {
            format!(
                "table! {{ members ({key}) {{ team -> Text, person -> Text, note -> Nullable<Text>, }} }}"
            )
        };
        assert_eq!(
            check(&migrations, &entry("person, team")),
            Vec::<String>::new()
        );
        assert_eq!(check(&migrations, &entry("rowid")), Vec::<String>::new());
        assert_eq!(
            check(&migrations, &entry("note")),
            [
                "1: `table!` `members` has primary key (note), but the migrations make it (rowid) (created by DIR/0001_t.sql)"
            ]
        );
    }

    #[test]
    fn views_custom_types_and_rowids_are_lenient_where_diesel_is() {
        let found = check(
            &[(
                "0001_t.sql",
                "CREATE TABLE t (id INTEGER PRIMARY KEY, doc JSON NOT NULL, at DATETIME);\
                 CREATE TABLE u (id INTEGER PRIMARY KEY NOT NULL, doc JSON NOT NULL);\
                 CREATE VIEW v AS SELECT id, doc FROM t;",
            )],
            "table! { t (id) { id -> Nullable<Integer>, doc -> crate::Json, at -> Nullable<TimestamptzSqlite>, } }\n\
             table! { u (id) { id -> Integer, doc -> Nullable<Json>, } }\n\
             table! { v (id) { id -> Integer, doc -> Text, gone -> Text, } }",
        );
        assert_eq!(
            found,
            [
                "2: `u.doc` is `Nullable<Json>` here, but the migrations make it NOT NULL: `Json` (created by DIR/0001_t.sql)",
                "3: `v.gone` is not a column of view `v` in the migrations",
            ]
        );
    }
}

//! The schema a database holds, read from SQLite itself.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Tables whose names start with this belong to driftless (its history table).
pub const INTERNAL_PREFIX: &str = "_driftless_";

/// A column's type affinity, by SQLite's rules (section 3.1 of "Datatypes In SQLite").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Affinity {
    /// INT anywhere in the declared type.
    Integer,
    /// CHAR, CLOB or TEXT.
    Text,
    /// BLOB, or no declared type.
    Blob,
    /// REAL, FLOA or DOUB.
    Real,
    /// Anything else: DATETIME, DECIMAL, BOOLEAN, JSON, ...
    Numeric,
}

impl Affinity {
    /// The affinity SQLite gives a declared type.
    ///
    /// ```
    /// use driftless_migrations::Affinity;
    /// assert_eq!(Affinity::of("BIGINT"), Affinity::Integer);
    /// assert_eq!(Affinity::of("VARCHAR(20)"), Affinity::Text);
    /// assert_eq!(Affinity::of(""), Affinity::Blob);
    /// assert_eq!(Affinity::of("DOUBLE PRECISION"), Affinity::Real);
    /// assert_eq!(Affinity::of("DATETIME"), Affinity::Numeric);
    /// // the rules go in order: "POINT" contains INT
    /// assert_eq!(Affinity::of("FLOATING POINT"), Affinity::Integer);
    /// ```
    pub fn of(declared: &str) -> Affinity {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Affinity::Integer
        } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
            Affinity::Text
        } else if t.contains("BLOB") || t.trim().is_empty() {
            Affinity::Blob
        } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
            Affinity::Real
        } else {
            Affinity::Numeric
        }
    }

    /// The affinity's name as SQLite spells it.
    pub fn name(self) -> &'static str {
        match self {
            Affinity::Integer => "INTEGER",
            Affinity::Text => "TEXT",
            Affinity::Blob => "BLOB",
            Affinity::Real => "REAL",
            Affinity::Numeric => "NUMERIC",
        }
    }
}

/// Whether a column is stored, or computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hidden {
    /// An ordinary column.
    No,
    /// A hidden column of a virtual table.
    Hidden,
    /// `GENERATED ALWAYS AS (...) VIRTUAL`.
    GeneratedVirtual,
    /// `GENERATED ALWAYS AS (...) STORED`.
    GeneratedStored,
}

/// One column of a table or view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// The declared type as written (may be empty).
    pub decl_type: String,
    /// The affinity the declared type gives.
    pub affinity: Affinity,
    /// Declared NOT NULL.
    pub not_null: bool,
    /// The default expression as written, if any.
    pub default: Option<String>,
    /// 1-based position in the primary key, 0 when not part of it.
    pub primary_key: u32,
    /// Generated or hidden.
    pub hidden: Hidden,
}

impl Column {
    /// Whether the column is computed by SQLite and cannot be inserted into.
    pub fn is_generated(&self) -> bool {
        matches!(
            self.hidden,
            Hidden::GeneratedVirtual | Hidden::GeneratedStored
        )
    }
}

/// A table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Its columns in order.
    pub columns: Vec<Column>,
    /// Declared STRICT.
    pub strict: bool,
    /// Declared WITHOUT ROWID.
    pub without_rowid: bool,
    /// Its CREATE statement as SQLite stores it.
    pub sql: String,
}

impl Table {
    /// The column that aliases the rowid (`INTEGER PRIMARY KEY` in a rowid
    /// table), which SQLite fills in when an insert leaves it out.
    pub fn rowid_alias(&self) -> Option<&Column> {
        if self.without_rowid {
            return None;
        }
        let mut keys = self.columns.iter().filter(|c| c.primary_key > 0);
        let key = keys.next()?;
        (keys.next().is_none() && key.decl_type.eq_ignore_ascii_case("INTEGER")).then_some(key)
    }
}

/// A view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct View {
    /// Its name.
    pub name: String,
    /// Its columns, as SQLite reports them (no NOT NULL information).
    pub columns: Vec<Column>,
    /// Its CREATE statement.
    pub sql: String,
}

/// An index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// The table it indexes.
    pub table: String,
    /// Declared UNIQUE.
    pub unique: bool,
    /// The indexed columns (an expression shows as an empty name).
    pub columns: Vec<String>,
    /// Its CREATE statement (absent for the automatic indexes of UNIQUE constraints).
    pub sql: Option<String>,
}

/// A trigger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// Its name.
    pub name: String,
    /// The table it fires on.
    pub table: String,
    /// Its CREATE statement.
    pub sql: String,
}

/// The schema of a database's `main` schema, without SQLite's and driftless's own tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// Tables by name.
    pub tables: Vec<Table>,
    /// Views by name.
    pub views: Vec<View>,
    /// Indexes by name.
    pub indexes: Vec<Index>,
    /// Triggers by name.
    pub triggers: Vec<Trigger>,
}

/// A table or a view, as found by [`Schema::relation`].
#[derive(Clone, Copy, Debug)]
pub enum Relation<'a> {
    /// A table.
    Table(&'a Table),
    /// A view.
    View(&'a View),
}

impl<'a> Relation<'a> {
    /// Its name as declared.
    pub fn name(&self) -> &'a str {
        match self {
            Relation::Table(t) => &t.name,
            Relation::View(v) => &v.name,
        }
    }

    /// Its columns.
    pub fn columns(&self) -> &'a [Column] {
        match self {
            Relation::Table(t) => &t.columns,
            Relation::View(v) => &v.columns,
        }
    }

    /// The column with this name (SQLite compares names case-insensitively).
    pub fn column(&self, name: &str) -> Option<&'a Column> {
        self.columns()
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

impl Schema {
    /// Reads the schema of `conn`'s main database.
    ///
    /// # Errors
    /// Only when SQLite fails to answer its own pragmas.
    ///
    /// ```
    /// let conn = rusqlite::Connection::open_in_memory().unwrap();
    /// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;").unwrap();
    /// let schema = driftless_migrations::Schema::read(&conn).unwrap();
    /// let t = &schema.tables[0];
    /// assert!(t.strict);
    /// assert_eq!(t.columns[1].name, "name");
    /// assert!(t.columns[1].not_null);
    /// ```
    pub fn read(conn: &Connection) -> Result<Schema> {
        Schema::read_after(conn, &Schema::default())
    }

    /// [`read`](Self::read), taking the columns and indexes of every table
    /// whose definition and indexes are unchanged from `previous` (the
    /// schema read from the same database before a migration ran) instead
    /// of asking SQLite again: what a replay that reads the schema after
    /// each migration needs to stay linear in a long history. Views are
    /// always read again (their columns follow other tables).
    ///
    /// # Errors
    /// As [`read`](Self::read).
    ///
    /// ```
    /// let conn = rusqlite::Connection::open_in_memory().unwrap();
    /// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY);").unwrap();
    /// let before = driftless_migrations::Schema::read(&conn).unwrap();
    /// conn.execute_batch("ALTER TABLE t ADD COLUMN name TEXT; CREATE INDEX t_name ON t (name);").unwrap();
    /// let after = driftless_migrations::Schema::read_after(&conn, &before).unwrap();
    /// assert_eq!(after, driftless_migrations::Schema::read(&conn).unwrap());
    /// assert_eq!(after.tables[0].columns.len(), 2);
    /// ```
    pub fn read_after(conn: &Connection, previous: &Schema) -> Result<Schema> {
        let mut schema = Schema::default();
        // every object in one scan: sqlite_schema has no index on name
        let mut scan = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema")?;
        let objects: Vec<(String, String, String, Option<String>)> = scan
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let sql_of: HashMap<&str, &str> = objects
            .iter()
            .filter_map(|(_, name, _, sql)| Some((name.as_str(), sql.as_deref()?)))
            .collect();
        let object_sql = |name: &str| sql_of.get(name).map_or_else(String::new, |s| s.to_string());
        let known: HashMap<&str, &Table> = previous
            .tables
            .iter()
            .map(|t| (t.name.as_str(), t))
            .collect();
        let mut columns_of = conn.prepare(
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid",
        )?;
        let mut list = conn.prepare(
            "SELECT name, type, wr, strict FROM pragma_table_list WHERE schema = 'main' \
             AND type IN ('table', 'view', 'virtual') ORDER BY name",
        )?;
        let rows = list.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?;
        for row in rows {
            let (name, kind, without_rowid, strict) = row?;
            if is_internal(&name) {
                continue;
            }
            let sql = object_sql(&name);
            let unchanged = known
                .get(name.as_str())
                .filter(|t| kind != "view" && t.sql == sql);
            let read = match unchanged {
                Some(t) => Ok(t.columns.clone()),
                None => read_columns(&mut columns_of, &name),
            };
            let columns = match read {
                Err(Error::Sqlite(e)) if kind == "view" => {
                    return Err(Error::BrokenView {
                        view: name,
                        created_in: None,
                        message: crate::replay::sqlite_message(e),
                    });
                }
                other => other?,
            };
            if kind == "view" {
                schema.views.push(View { name, columns, sql });
            } else {
                schema.tables.push(Table {
                    name,
                    columns,
                    strict,
                    without_rowid,
                    sql,
                });
            }
        }
        // a table's indexes are as before when it and every index on it are
        let mut index_sql: HashMap<&str, Vec<(&str, Option<&str>)>> = HashMap::new();
        for (kind, name, on, sql) in &objects {
            if kind == "index" {
                index_sql
                    .entry(on.as_str())
                    .or_default()
                    .push((name.as_str(), sql.as_deref()));
            }
        }
        for found in index_sql.values_mut() {
            found.sort_unstable();
        }
        let reusable = |table: &Table| -> Option<Vec<Index>> {
            let before = known
                .get(table.name.as_str())
                .filter(|t| t.sql == table.sql)?;
            let kept: Vec<Index> = previous
                .indexes
                .iter()
                .filter(|i| i.table == before.name)
                .cloned()
                .collect();
            let mut was: Vec<(&str, Option<&str>)> = kept
                .iter()
                .map(|i| (i.name.as_str(), i.sql.as_deref()))
                .collect();
            was.sort_unstable();
            let now = index_sql
                .get(table.name.as_str())
                .map_or(&[][..], Vec::as_slice);
            (was == now).then_some(kept)
        };
        schema.indexes = read_indexes(conn, &schema.tables, object_sql, reusable)?;
        let mut triggers = conn.prepare(
            "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name",
        )?;
        schema.triggers = triggers
            .query_map([], |r| {
                Ok(Trigger {
                    name: r.get(0)?,
                    table: r.get(1)?,
                    sql: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(schema)
    }

    /// The table or view with this name (case-insensitive, as in SQLite).
    pub fn relation(&self, name: &str) -> Option<Relation<'_>> {
        if let Some(t) = self
            .tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
        {
            return Some(Relation::Table(t));
        }
        self.views
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(name))
            .map(Relation::View)
    }

    /// The table with this name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }
}

fn is_internal(name: &str) -> bool {
    name.starts_with("sqlite_") || name.starts_with(INTERNAL_PREFIX)
}

/// The columns of `table`, through `stmt`: `pragma_table_xinfo` as
/// [`Schema::read`] prepares it.
fn read_columns(stmt: &mut rusqlite::Statement<'_>, table: &str) -> Result<Vec<Column>> {
    let columns = stmt
        .query_map([table], |r| {
            let decl_type: String = r.get::<_, Option<String>>(1)?.unwrap_or_default();
            Ok(Column {
                name: r.get(0)?,
                affinity: Affinity::of(&decl_type),
                decl_type,
                not_null: r.get(2)?,
                default: r.get(3)?,
                primary_key: r.get(4)?,
                hidden: match r.get::<_, i64>(5)? {
                    1 => Hidden::Hidden,
                    2 => Hidden::GeneratedVirtual,
                    3 => Hidden::GeneratedStored,
                    _ => Hidden::No,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(columns)
}

/// The indexes of `tables`: `reusable`'s when it has them for a table,
/// else SQLite's.
fn read_indexes(
    conn: &Connection,
    tables: &[Table],
    object_sql: impl Fn(&str) -> String,
    reusable: impl Fn(&Table) -> Option<Vec<Index>>,
) -> Result<Vec<Index>> {
    let mut indexes = Vec::new();
    let mut list = conn.prepare("SELECT name, \"unique\" FROM pragma_index_list(?1)")?;
    let mut info = conn.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")?;
    for table in tables {
        if let Some(kept) = reusable(table) {
            indexes.extend(kept);
            continue;
        }
        let found: Vec<(String, bool)> = list
            .query_map([&table.name], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, unique) in found {
            let columns = info
                .query_map([&name], |r| {
                    Ok(r.get::<_, Option<String>>(0)?.unwrap_or_default())
                })?
                .collect::<rusqlite::Result<_>>()?;
            let sql = object_sql(&name);
            indexes.push(Index {
                name,
                table: table.name.clone(),
                unique,
                columns,
                sql: (!sql.is_empty()).then_some(sql),
            });
        }
    }
    indexes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(indexes)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The schema `sql` creates in a fresh in-memory database.
    pub(crate) fn schema_of(sql: &str) -> Schema {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(sql).expect("sql");
        Schema::read(&conn).expect("read")
    }

    #[test]
    fn reading_after_a_change_equals_reading_afresh() {
        let conn = Connection::open_in_memory().expect("memory db");
        let mut previous = Schema::default();
        for step in [
            "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT UNIQUE)",
            "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a (id))",
            "CREATE VIEW v AS SELECT * FROM a",
            "ALTER TABLE a ADD COLUMN y INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX a_y ON a (y)",
            "DROP INDEX a_y",
            "CREATE UNIQUE INDEX a_y ON a (y DESC, x)",
            "ALTER TABLE a RENAME COLUMN y TO z",
            "ALTER TABLE b RENAME TO c",
            "ALTER TABLE c DROP COLUMN a_id",
            "DROP TABLE c; CREATE TABLE c (id INTEGER PRIMARY KEY, w BLOB) STRICT",
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END",
            "DROP VIEW v; CREATE VIEW v AS SELECT z FROM a",
            "CREATE TABLE d (k TEXT PRIMARY KEY, u INTEGER, UNIQUE (u)) WITHOUT ROWID",
            "DROP VIEW v; DROP TABLE a",
        ] {
            conn.execute_batch(step).expect(step);
            let after = Schema::read_after(&conn, &previous).expect("read after");
            assert_eq!(after, Schema::read(&conn).expect("read"), "after {step}");
            previous = after;
        }
    }

    #[test]
    fn reads_columns_keys_defaults_and_generated() {
        let s = schema_of(
            "CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x', \
             score REAL, total INTEGER GENERATED ALWAYS AS (score * 2) STORED);",
        );
        let t = s.table("GAMES").expect("case-insensitive lookup");
        assert_eq!(t.rowid_alias().map(|c| c.name.as_str()), Some("id"));
        let name = &t.columns[1];
        assert!(name.not_null);
        assert_eq!(name.default.as_deref(), Some("'x'"));
        assert_eq!(t.columns[2].affinity, Affinity::Real);
        assert!(t.columns[3].is_generated());
    }

    #[test]
    fn strict_without_rowid_views_indexes_triggers() {
        let s = schema_of(
            "CREATE TABLE k (code TEXT PRIMARY KEY, n INT) STRICT, WITHOUT ROWID;\
             CREATE UNIQUE INDEX k_n ON k (n);\
             CREATE VIEW kv AS SELECT code, n FROM k;\
             CREATE TRIGGER kt AFTER INSERT ON k BEGIN SELECT 1; END;",
        );
        let k = s.table("k").expect("k");
        assert!(k.strict && k.without_rowid);
        assert!(k.rowid_alias().is_none());
        assert_eq!(s.views[0].name, "kv");
        assert_eq!(s.views[0].columns.len(), 2);
        let idx = s.indexes.iter().find(|i| i.name == "k_n").expect("index");
        assert!(idx.unique);
        assert_eq!(idx.columns, ["n"]);
        assert_eq!(s.triggers[0].name, "kt");
    }

    #[test]
    fn internal_tables_are_left_out() {
        let s = schema_of("CREATE TABLE _driftless_migrations (v); CREATE TABLE a (x);");
        assert_eq!(s.tables.len(), 1);
        assert_eq!(s.tables[0].name, "a");
    }
}

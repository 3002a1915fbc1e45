//! diesel's `schema.rs`, from the migrations and against them.
//!
//! - [`infer`] reads a migrated database exactly as `diesel print-schema`
//!   (diesel_cli 2.3) reads a SQLite one: the same tables, type names,
//!   nullability, primary keys, Rust names and `joinable!`s;
//! - [`print_schema`] writes the `schema.rs` it would write;
//! - [`parse_schema_rs`] reads an existing `schema.rs` and [`check_schema_rs`]
//!   lists every table, column, nullability and type it has that the
//!   migrations do not produce, naming the `table!` entry and the migration.
//!
//! ```
//! let conn = rusqlite::Connection::open_in_memory().unwrap();
//! conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY NOT NULL, name TEXT)").unwrap();
//! let text = driftless_migrations::diesel::print_schema(&driftless_migrations::diesel::infer(&conn).unwrap()).unwrap();
//! assert!(text.contains("    games (id) {\n        id -> Integer,\n        name -> Nullable<Text>,\n    }"));
//! ```

mod check;
mod parse;
mod print;

use std::fmt;

use rusqlite::Connection;

pub use check::{Difference, check_schema_file, check_schema_rs};
pub use parse::{ColumnEntry, ParseError, TableEntry, parse_schema_rs};
pub use print::{Unprintable, print_schema, substituted};

/// A diesel SQL type as written in `table!`, paths dropped:
/// `Nullable<Text>` is `Nullable` with the argument `Text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlType {
    /// The last path segment.
    pub name: String,
    /// The `<...>` arguments.
    pub args: Vec<SqlType>,
}

impl SqlType {
    /// The type inside `Nullable<...>`, and whether it was there.
    pub fn strip_nullable(&self) -> (&SqlType, bool) {
        match self.args.as_slice() {
            [inner] if self.name == "Nullable" => (inner, true),
            _ => (self, false),
        }
    }
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        if !self.args.is_empty() {
            f.write_str("<")?;
            for (i, a) in self.args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{a}")?;
            }
            f.write_str(">")?;
        }
        Ok(())
    }
}

/// A table as `diesel print-schema` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DieselTable {
    /// The name in SQL.
    pub sql_name: String,
    /// The name in Rust (differs for keywords and odd characters).
    pub rust_name: String,
    /// The primary key columns, by SQL name, in column order.
    pub primary_key: Vec<String>,
    /// The columns in declaration order, with the implicit `rowid` first
    /// for a table that declares no primary key.
    pub columns: Vec<DieselColumn>,
    /// Single-column references to other tables: `(column, parent table, parent column)`.
    pub references: Vec<(String, String, String)>,
}

impl DieselTable {
    /// The column with this SQL name: exactly, else as SQLite matches names
    /// (ignoring ASCII case). The exact match first, for a table whose
    /// column `ROWID` sits beside diesel's implicit `rowid`.
    pub fn column(&self, sql_name: &str) -> Option<&DieselColumn> {
        self.columns
            .iter()
            .find(|c| c.sql_name == sql_name)
            .or_else(|| {
                self.columns
                    .iter()
                    .find(|c| c.sql_name.eq_ignore_ascii_case(sql_name))
            })
    }
}

/// A column as `diesel print-schema` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DieselColumn {
    /// The name in SQL.
    pub sql_name: String,
    /// The name in Rust.
    pub rust_name: String,
    /// The declared type, as written in the migration.
    pub declared: String,
    /// diesel_cli's type for it (`None`: it has none, and its `print-schema` fails).
    pub ty: Option<&'static str>,
    /// Not declared `NOT NULL`.
    pub nullable: bool,
    /// The alias of the rowid (`INTEGER PRIMARY KEY` of a rowid table, or
    /// the implicit `rowid`): never NULL, whatever its declaration says.
    pub rowid: bool,
    /// An insert must give it a value: NOT NULL, without a default, not
    /// generated and not the rowid. A `table!` may leave out any other column.
    pub required: bool,
}

impl DieselColumn {
    /// The rowid diesel adds as the key of a table that declares none.
    pub fn is_implicit_rowid(&self) -> bool {
        self.rowid && self.declared.is_empty()
    }

    /// The type as it is written in `schema.rs`, `Nullable<...>` included. A
    /// declared type diesel_cli has no SQL type for (`JSON`, `UUID`, ...; its
    /// `print-schema` stops at them) is written `Text`, which diesel's SQLite
    /// backend reads any value as.
    pub fn printed_type(&self) -> String {
        let ty = self.ty.unwrap_or("Text");
        if self.nullable {
            format!("Nullable<{ty}>")
        } else {
            ty.to_string()
        }
    }
}

/// Reads every table of `conn`'s main database as `diesel print-schema`
/// does: tables (not views) other than `sqlite*` and `__*`, sorted by name.
///
/// # Errors
/// Only when SQLite fails to answer its own pragmas.
///
/// ```
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("CREATE TABLE t (name TEXT NOT NULL, \"type\" BOOLEAN)").unwrap();
/// let tables = driftless_migrations::diesel::infer(&conn).unwrap();
/// let t = &tables[0];
/// assert_eq!(t.primary_key, ["rowid"]);
/// assert_eq!(t.columns[0].rust_name, "rowid");
/// assert_eq!(t.columns[2].rust_name, "type_");
/// assert_eq!(t.columns[2].printed_type(), "Nullable<Bool>");
/// ```
pub fn infer(conn: &Connection) -> rusqlite::Result<Vec<DieselTable>> {
    let mut list = conn.prepare(
        "SELECT name FROM sqlite_master WHERE name NOT LIKE '\\_\\_%' ESCAPE '\\' \
         AND name NOT LIKE 'sqlite%' AND type = 'table' ORDER BY name",
    )?;
    let names: Vec<String> = list
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = Vec::with_capacity(names.len());
    for name in names {
        tables.push(infer_table(conn, name)?);
    }
    Ok(tables)
}

fn infer_table(conn: &Connection, sql_name: String) -> rusqlite::Result<DieselTable> {
    let rust_name = rust_name(&sql_name, None);
    let without_rowid: bool = conn
        .query_row(
            "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
            [&sql_name],
            |r| r.get(0),
        )
        .unwrap_or(false);
    let mut stmt = conn.prepare(
        "SELECT name, coalesce(type, ''), \"notnull\", pk, dflt_value IS NULL AND hidden = 0 \
         FROM pragma_table_xinfo(?1) ORDER BY cid",
    )?;
    let raw: Vec<(String, String, bool, i64, bool)> = stmt
        .query_map([&sql_name], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    // diesel keeps the key in column order, not in PRIMARY KEY (...) order
    let mut primary_key: Vec<String> = raw
        .iter()
        .filter(|c| c.3 != 0)
        .map(|c| c.0.clone())
        .collect();
    let mut columns = Vec::with_capacity(raw.len() + 1);
    if primary_key.is_empty()
        && let Some(alias) = ["rowid", "oid", "_rowid_"]
            .into_iter()
            .find(|alias| !raw.iter().any(|c| c.0 == *alias))
    {
        primary_key.push(alias.to_string());
        columns.push(DieselColumn {
            sql_name: alias.to_string(),
            rust_name: rust_name_of_column(alias, &rust_name),
            declared: String::new(),
            ty: Some("Integer"),
            nullable: false,
            rowid: true,
            required: false,
        });
    }
    let single_integer_key = primary_key.len() == 1 && !without_rowid;
    for (name, declared, not_null, pk, no_default) in raw {
        let rowid = single_integer_key && pk != 0 && declared.eq_ignore_ascii_case("INTEGER");
        columns.push(DieselColumn {
            rust_name: rust_name_of_column(&name, &rust_name),
            ty: sql_type(&declared),
            nullable: !not_null,
            rowid,
            required: not_null && no_default && !rowid,
            sql_name: name,
            declared,
        });
    }
    let mut fk = conn.prepare(
        "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )?;
    let references = fk
        .query_map([&sql_name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<(String, String, Option<String>)>>>()?;
    let references = references
        .into_iter()
        .map(|(from, parent, to)| (from, parent, to.unwrap_or_default()))
        .collect();
    Ok(DieselTable {
        sql_name,
        rust_name,
        primary_key,
        columns,
        references,
    })
}

/// diesel_cli's type for a declared SQLite type; `None` where it has none
/// (`JSON`, `UUID`, `DATETIME(6)`, ...), for which it refuses to print.
///
/// ```
/// use driftless_migrations::diesel::sql_type;
/// assert_eq!(sql_type("TINYINT(1)"), Some("Bool"));
/// assert_eq!(sql_type("UNSIGNED BIG INT"), Some("BigInt"));
/// assert_eq!(sql_type("REAL"), Some("Float"));
/// assert_eq!(sql_type("DECIMAL(10,2)"), Some("Double"));
/// assert_eq!(sql_type(""), Some("Binary"));
/// assert_eq!(sql_type("DATETIME"), Some("Timestamp"));
/// assert_eq!(sql_type("JSON"), None);
/// ```
pub fn sql_type(declared: &str) -> Option<&'static str> {
    let t = declared.to_lowercase();
    let t = if t == "generated always" {
        ""
    } else {
        t.as_str()
    };
    let has = |s: &str| t.contains(s);
    Some(
        if t == "boolean" || t == "bool" || (has("tiny") && has("int")) {
            "Bool"
        } else if t == "int2" || (has("small") && has("int")) {
            "SmallInt"
        } else if t == "int8" || (has("big") && has("int")) {
            "BigInt"
        } else if has("int") {
            "Integer"
        } else if has("char") || has("clob") || has("text") {
            "Text"
        } else if has("blob") || has("binary") || t.is_empty() {
            "Binary"
        } else if has("float") || has("real") {
            "Float"
        } else if has("double") || has("num") || has("dec") {
            "Double"
        } else if t == "datetime" || t == "timestamp" {
            "Timestamp"
        } else if t == "date" {
            "Date"
        } else if t == "time" {
            "Time"
        } else {
            return None;
        },
    )
}

/// Rust's keywords (as syn refuses them for an identifier), and the names
/// diesel's macros take for themselves.
const RESERVED: &[&str] = &[
    "_",
    "abstract",
    "as",
    "async",
    "await",
    "become",
    "box",
    "break",
    "const",
    "continue",
    "crate",
    "do",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "final",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "macro",
    "match",
    "mod",
    "move",
    "mut",
    "override",
    "priv",
    "pub",
    "ref",
    "return",
    "Self",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "try",
    "type",
    "typeof",
    "unsafe",
    "unsized",
    "use",
    "virtual",
    "where",
    "while",
    "yield",
    "table",
    "columns",
    "is_nullable",
];

/// Whether diesel_cli appends `_` to a name made of `[A-Za-z0-9_]`.
fn is_reserved(name: &str) -> bool {
    name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || RESERVED.contains(&name)
        || (name.starts_with("__") && !name.ends_with('_'))
}

/// The Rust name diesel_cli (2.3.14) gives a table (`table: None`) or a
/// column of the table with Rust name `table`: characters outside
/// `[A-Za-z0-9_]` become `_` (a run of them one `_`), a leading digit gets
/// a `_` before it, and a keyword, a reserved name or the table's own name
/// gets a `_` after it.
fn rust_name(sql: &str, table: Option<&str>) -> String {
    let name = map_chars(sql);
    if is_reserved(&name) || table == Some(name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

fn map_chars(name: &str) -> String {
    let mappable = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let push_mapped = |out: &mut String, tail: &str, mut replaced: bool| {
        for c in tail.chars() {
            if mappable(c) {
                out.push(c);
                replaced = false;
            } else {
                if !replaced {
                    out.push('_');
                }
                replaced = true;
            }
        }
    };
    for (i, c) in name.char_indices() {
        if !mappable(c) {
            let mut out = name[..i].to_string();
            push_mapped(&mut out, &name[i..], false);
            return out;
        }
        if i == 0 && c.is_ascii_digit() {
            let mut out = String::from("_");
            push_mapped(&mut out, name, true);
            return out;
        }
    }
    name.to_string()
}

fn rust_name_of_column(sql: &str, table: &str) -> String {
    rust_name(sql, Some(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_follow_diesel_cli() {
        for (sql, table, rust) in [
            ("users", None, "users"),
            ("type", None, "type_"),
            ("async", None, "async_"),
            ("bool", None, "bool"),
            ("table", Some("t"), "table_"),
            ("__secret", None, "__secret_"),
            ("__secret_", None, "__secret_"),
            ("quote'table", None, "quote_table"),
            ("user-has::complex>>>role", None, "user_has_complex_role"),
            ("created at", Some("t"), "created_at"),
            ("a_ b", None, "a__b"),
            ("_%x", None, "__x_"),
            ("\\_\\_y", None, "____y_"),
            ("1starts_digit", None, "_1starts_digit"),
            ("1-", None, "_1_"),
            ("9", None, "_9"),
            ("_", None, "__"),
            ("日本", None, "__"),
            ("", None, "_"),
            ("generated", Some("generated"), "generated_"),
            ("my t", Some("my_t"), "my_t_"),
        ] {
            assert_eq!(rust_name(sql, table), rust, "{sql:?}");
        }
    }

    #[test]
    fn type_rules_go_in_diesel_cli_order() {
        for (declared, ty) in [
            ("INTEGER", Some("Integer")),
            ("int2", Some("SmallInt")),
            ("SMALLINT", Some("SmallInt")),
            ("int8", Some("BigInt")),
            ("FLOATING POINT", Some("Integer")),
            ("VARCHAR(255)", Some("Text")),
            ("CLOB", Some("Text")),
            ("VARBINARY", Some("Binary")),
            ("DOUBLE PRECISION", Some("Double")),
            ("NUMERIC", Some("Double")),
            ("timestamp", Some("Timestamp")),
            ("Date", Some("Date")),
            ("TIME", Some("Time")),
            ("GENERATED ALWAYS", Some("Binary")),
            ("DATETIME(6)", None),
            ("UUID", None),
        ] {
            assert_eq!(sql_type(declared), ty, "{declared}");
        }
    }

    #[test]
    fn keys_rowids_and_nullability() {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT NOT NULL);\
             CREATE TABLE b (y INT, x INT, PRIMARY KEY (x, y));\
             CREATE TABLE c (name TEXT, rowid TEXT);\
             CREATE TABLE d (word TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;\
             CREATE TABLE __diesel_schema_migrations (version TEXT);\
             CREATE TABLE SQLiteStuff (v);",
        )
        .expect("sql");
        let tables = infer(&conn).expect("infer");
        let names: Vec<&str> = tables.iter().map(|t| t.sql_name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        let a = &tables[0];
        assert!(a.columns[0].nullable && a.columns[0].rowid);
        assert_eq!(a.columns[0].printed_type(), "Nullable<Integer>");
        assert_eq!(tables[1].primary_key, ["y", "x"]);
        assert!(!tables[1].columns[0].rowid);
        let c = &tables[2];
        assert_eq!(c.primary_key, ["oid"]);
        assert_eq!(c.columns[0].sql_name, "oid");
        assert!(c.columns[0].rowid && !c.columns[0].nullable);
        let d = &tables[3];
        assert_eq!(d.columns[0].printed_type(), "Text");
        assert!(!d.columns[0].rowid);
    }
}

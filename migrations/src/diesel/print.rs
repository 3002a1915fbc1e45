//! Writing `schema.rs` as diesel_cli 2.3.14 writes it for SQLite (rustfmt pass
//! included): `table!`s by table name, `joinable!`s, then
//! `allow_tables_to_appear_in_same_query!`.

use std::collections::BTreeMap;
use std::fmt;

use super::DieselTable;

/// Why a schema cannot be written as `schema.rs`: tables with neither a
/// primary key nor a free rowid name (diesel_cli refuses them too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unprintable {
    /// One line a table.
    pub problems: Vec<String>,
}

impl fmt::Display for Unprintable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        write!(
            f,
            "help: give the table a primary key in a new migration (diesel needs one to address rows)"
        )
    }
}

impl std::error::Error for Unprintable {}

/// The columns whose declared type diesel_cli has no SQL type for (its
/// `print-schema` stops at the first), which [`print_schema`] writes as
/// `Text`: one line each, naming the table, column and declared type.
///
/// ```
/// use driftless_migrations::diesel::{infer, substituted};
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY, winners JSON)").unwrap();
/// assert_eq!(
///     substituted(&infer(&conn).unwrap()),
///     ["column `games.winners` is declared `JSON`, which diesel has no SQL type for: written as `Nullable<Text>`"]
/// );
/// ```
pub fn substituted(tables: &[DieselTable]) -> Vec<String> {
    tables
        .iter()
        .flat_map(|t| {
            t.columns.iter().filter(|c| c.ty.is_none()).map(|c| {
                format!(
                    "column `{}.{}` is declared `{}`, which diesel has no SQL type for: written as `{}`",
                    t.sql_name,
                    c.sql_name,
                    c.declared,
                    c.printed_type()
                )
            })
        })
        .collect()
}

/// The `schema.rs` that `diesel print-schema` prints for these tables.
///
/// A column whose declared type diesel_cli has no SQL type for (`JSON`,
/// `UUID`, ...), where its `print-schema` stops, is written as `Text`
/// instead; [`substituted`] lists them, for a warning.
///
/// # Errors
/// When a table has neither a primary key nor a free rowid name (all of
/// `rowid`, `oid` and `_rowid_` are its columns): [`Unprintable`] lists them.
///
/// ```
/// use driftless_migrations::diesel::{infer, print_schema};
/// let conn = rusqlite::Connection::open_in_memory().unwrap();
/// conn.execute_batch("
///     CREATE TABLE data_centers (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL);
///     CREATE TABLE accounts (id INTEGER NOT NULL PRIMARY KEY, data_center_id INTEGER NOT NULL
///         REFERENCES data_centers);
/// ").unwrap();
/// assert_eq!(print_schema(&infer(&conn).unwrap()).unwrap(), "\
/// // @generated automatically by Diesel CLI.
///
/// diesel::table! {
///     accounts (id) {
///         id -> Integer,
///         data_center_id -> Integer,
///     }
/// }
///
/// diesel::table! {
///     data_centers (id) {
///         id -> Integer,
///         name -> Text,
///     }
/// }
///
/// diesel::joinable!(accounts -> data_centers (data_center_id));
///
/// diesel::allow_tables_to_appear_in_same_query!(accounts, data_centers,);
/// ");
/// ```
pub fn print_schema(tables: &[DieselTable]) -> Result<String, Unprintable> {
    let mut problems = Vec::new();
    for t in tables {
        if t.primary_key.is_empty() {
            problems.push(format!(
                "table `{}` has no primary key, and its columns take all of rowid, oid and _rowid_",
                t.sql_name
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Unprintable { problems });
    }
    let mut out = String::from("// @generated automatically by Diesel CLI.\n");
    for t in tables {
        out.push_str("\ndiesel::table! {\n");
        if t.rust_name != t.sql_name {
            out.push_str(&format!(
                "    #[sql_name = {}]\n",
                string_literal(&t.sql_name)
            ));
        }
        let keys: Vec<String> = t
            .primary_key
            .iter()
            .map(|k| {
                t.column(k)
                    .map_or_else(|| k.clone(), |c| c.rust_name.clone())
            })
            .collect();
        out.push_str(&format!("    {} ({}) {{\n", t.rust_name, keys.join(", ")));
        for c in &t.columns {
            if c.rust_name != c.sql_name {
                out.push_str(&format!(
                    "        #[sql_name = {}]\n",
                    string_literal(&c.sql_name)
                ));
            }
            out.push_str(&format!(
                "        {} -> {},\n",
                c.rust_name,
                c.printed_type()
            ));
        }
        out.push_str("    }\n}\n");
    }
    let joins = joinables(tables);
    if !joins.is_empty() {
        out.push('\n');
        for j in joins {
            out.push_str(&j);
            out.push('\n');
        }
    }
    if tables.len() >= 2 {
        let names: Vec<&str> = tables.iter().map(|t| t.rust_name.as_str()).collect();
        let one_line = format!(
            "diesel::allow_tables_to_appear_in_same_query!({},);",
            names.join(", ")
        );
        out.push('\n');
        // rustfmt keeps the call on one line while it fits its 100 columns,
        // the `;` not counted
        if one_line.chars().count() <= 101 {
            out.push_str(&one_line);
            out.push('\n');
        } else {
            out.push_str("diesel::allow_tables_to_appear_in_same_query!(\n");
            for n in names {
                out.push_str(&format!("    {n},\n"));
            }
            out.push_str(");\n");
        }
    }
    Ok(out)
}

/// A name as diesel_cli quotes it in `#[sql_name = ...]`: verbatim between
/// quotes, or as a raw string when it holds a `"`.
fn string_literal(name: &str) -> String {
    if !name.contains('"') {
        return format!("\"{name}\"");
    }
    let hashes = "#".repeat(name.matches('#').count() + 1);
    format!("r{hashes}\"{name}\"{hashes}")
}

/// The `joinable!` lines: one per single-column reference to a parent's
/// single-column primary key, between two different tables linked no other
/// way, sorted by child, parent and column.
fn joinables(tables: &[DieselTable]) -> Vec<String> {
    struct Reference<'a> {
        child: &'a DieselTable,
        parent: &'a str,
        column: &'a str,
        parent_key: Vec<String>,
    }
    let mut references = Vec::new();
    for child in tables {
        for (column, parent, to) in &child.references {
            let parent_key = if to.is_empty() {
                tables
                    .iter()
                    .find(|t| t.sql_name == *parent)
                    .map(|t| t.primary_key.clone())
                    .unwrap_or_default()
            } else {
                vec![to.clone()]
            };
            references.push(Reference {
                child,
                parent,
                column,
                parent_key,
            });
        }
    }
    let mut pairs: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in &references {
        let (a, b) = (r.child.sql_name.as_str(), r.parent);
        *pairs.entry((a.min(b), a.max(b))).or_default() += 1;
    }
    let mut lines: Vec<((&str, &str, &str), String)> = Vec::new();
    for r in &references {
        let (a, b) = (r.child.sql_name.as_str(), r.parent);
        let Some(parent) = tables.iter().find(|t| t.sql_name == r.parent) else {
            continue;
        };
        let keyed = parent.primary_key.len() == 1 && r.parent_key == parent.primary_key;
        if a == b || !keyed || pairs.get(&(a.min(b), a.max(b))) != Some(&1) {
            continue;
        }
        lines.push((
            (a, b, r.column),
            format!(
                "diesel::joinable!({} -> {} ({}));",
                r.child.rust_name,
                parent.rust_name,
                r.child
                    .column(r.column)
                    .map_or(r.column, |c| c.rust_name.as_str())
            ),
        ));
    }
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}

#[cfg(test)]
mod tests {
    use super::super::infer;
    use super::*;
    use rusqlite::Connection;

    fn print(sql: &str) -> Result<String, Unprintable> {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(sql).expect("sql");
        print_schema(&infer(&conn).expect("infer"))
    }

    #[test]
    fn names_that_need_sql_name() {
        let text = print(
            "CREATE TABLE parent_table (id INTEGER PRIMARY KEY);\
             CREATE TABLE \"quote'table\" (id INTEGER PRIMARY KEY, name TEXT, \
               parent_id INTEGER NOT NULL REFERENCES parent_table(id), \"fn\" TEXT);",
        )
        .expect("print");
        assert_eq!(
            text,
            "// @generated automatically by Diesel CLI.

diesel::table! {
    parent_table (id) {
        id -> Nullable<Integer>,
    }
}

diesel::table! {
    #[sql_name = \"quote'table\"]
    quote_table (id) {
        id -> Nullable<Integer>,
        name -> Nullable<Text>,
        parent_id -> Integer,
        #[sql_name = \"fn\"]
        fn_ -> Nullable<Text>,
    }
}

diesel::joinable!(quote_table -> parent_table (parent_id));

diesel::allow_tables_to_appear_in_same_query!(parent_table, quote_table,);
"
        );
    }

    #[test]
    fn ambiguous_self_and_composite_references_make_no_joinable() {
        let text = print(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, boss INTEGER REFERENCES users);\
             CREATE TABLE posts (id INTEGER PRIMARY KEY, author INTEGER REFERENCES users, \
               editor INTEGER REFERENCES users);\
             CREATE TABLE pair (a INT, b INT, PRIMARY KEY (a, b));\
             CREATE TABLE notes (id INTEGER PRIMARY KEY, a INT, b INT, \
               FOREIGN KEY (a, b) REFERENCES pair (a, b));\
             CREATE TABLE tags (id INTEGER PRIMARY KEY, post INTEGER REFERENCES posts (id));",
        )
        .expect("print");
        let joins: Vec<&str> = text.lines().filter(|l| l.contains("joinable!")).collect();
        assert_eq!(joins, ["diesel::joinable!(tags -> posts (post));"]);
    }

    #[test]
    fn an_allow_list_of_101_columns_stays_on_one_line() {
        let allow = |a: usize, b: usize| {
            let text = print(&format!(
                "CREATE TABLE {} (id INTEGER PRIMARY KEY); CREATE TABLE {} (id INTEGER PRIMARY KEY);",
                "a".repeat(a),
                "b".repeat(b)
            ))
            .expect("print");
            text[text.find("diesel::allow").expect("allow")..].to_string()
        };
        let one_line = allow(25, 25);
        assert_eq!(one_line.trim_end().len(), 101);
        assert_eq!(one_line.lines().count(), 1);
        assert_eq!(allow(25, 26).lines().count(), 4);
    }

    #[test]
    fn long_allow_lists_break_one_table_a_line() {
        let sql: String = (0..8)
            .map(|i| format!("CREATE TABLE table_number_{i} (id INTEGER PRIMARY KEY);"))
            .collect();
        let text = print(&sql).expect("print");
        assert!(
            text.ends_with(
                "diesel::allow_tables_to_appear_in_same_query!(\n    table_number_0,\n    \
                 table_number_1,\n    table_number_2,\n    table_number_3,\n    table_number_4,\n    \
                 table_number_5,\n    table_number_6,\n    table_number_7,\n);\n"
            ),
            "{text}"
        );
        assert_eq!(
            print("CREATE TABLE only (id INTEGER PRIMARY KEY NOT NULL);").expect("one"),
            "// @generated automatically by Diesel CLI.\n\ndiesel::table! {\n    only (id) {\n        id -> Integer,\n    }\n}\n"
        );
    }

    #[test]
    fn types_diesel_has_none_for_are_text_and_tables_without_any_key_refused() {
        let text = print("CREATE TABLE t (id INTEGER PRIMARY KEY, a JSON NOT NULL, b UUID);")
            .expect("print");
        assert!(
            text.contains("        a -> Text,\n        b -> Nullable<Text>,\n"),
            "{text}"
        );
        let err = print("CREATE TABLE k (rowid TEXT, oid TEXT, _rowid_ TEXT);").expect_err("key");
        assert_eq!(
            err.problems,
            ["table `k` has no primary key, and its columns take all of rowid, oid and _rowid_"]
        );
        assert_eq!(string_literal("a\"#b"), "r##\"a\"#b\"##");
    }
}

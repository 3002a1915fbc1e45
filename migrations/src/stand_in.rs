//! Virtual tables of modules the replay's SQLite lacks. An app registers
//! sqlite-vec's `vec0`, SpatiaLite or its own module on its connections;
//! the build-time sandbox has none of them, and `CREATE VIRTUAL TABLE ...
//! USING vec0(...)` would stop the replay at "no such module". In a
//! sandbox only, such a table is replayed as a plain table of the columns
//! its arguments name, marked so that `check` can say so: queries and
//! models that use it are checked by name, not by what the module does.

use crate::scan::{Kind, Token, list_items, quote, significant};

/// The comment that ends a stand-in's column list (SQLite keeps a comment
/// inside the parentheses of the definition it stores).
pub const MARK: &str = "/* driftless: stand-in for a virtual table of module ";

/// The plain table standing in for `sql`, a `CREATE VIRTUAL TABLE`
/// statement, and the module's name; `None` for any other statement.
///
/// ```
/// use driftless_migrations::stand_in::stand_in;
/// let (sql, module) = stand_in(
///     "CREATE VIRTUAL TABLE IF NOT EXISTS v USING vec0(status text, embedding float[384] distance_metric=cosine, +memory_id text)",
/// ).unwrap();
/// assert_eq!(module, "vec0");
/// assert!(sql.starts_with("CREATE TABLE IF NOT EXISTS v (status, embedding, memory_id /*"));
/// ```
pub fn stand_in(sql: &str) -> Option<(String, String)> {
    let tokens: Vec<Token<'_>> = significant(sql).collect();
    let words = |at: usize, expected: &[&str]| {
        expected
            .iter()
            .enumerate()
            .all(|(i, w)| tokens.get(at + i).is_some_and(|t| t.is(w)))
    };
    if !words(0, &["CREATE", "VIRTUAL", "TABLE"]) {
        return None;
    }
    let mut at = 3;
    let if_not_exists = words(at, &["IF", "NOT", "EXISTS"]);
    if if_not_exists {
        at += 3;
    }
    // [schema.]name: the main schema is the only one a replay has
    if tokens.get(at + 1).is_some_and(|t| t.is_punct('.')) {
        at += 2;
    }
    let name = tokens.get(at)?.name()?;
    if !tokens.get(at + 1).is_some_and(|t| t.is("USING")) {
        return None;
    }
    let module = tokens.get(at + 2)?.name()?;
    let arguments = tokens
        .get(at + 3)
        .filter(|t| t.is_punct('('))
        .map_or(&sql[sql.len()..], |t| &sql[t.offset..]);
    let mut columns: Vec<String> = Vec::new();
    for item in list_items(arguments) {
        let mut parts = significant(item).filter(|t| !t.is_punct('+'));
        let Some(first) = parts.next() else { continue };
        // `key=value` (`tokenize=porter`, `content=''`) is an option, not a column
        if parts.next().is_some_and(|t| t.is_punct('=')) {
            continue;
        }
        if let Some(column) = first.name().filter(|_| first.kind != Kind::String)
            && !columns.iter().any(|c| c.eq_ignore_ascii_case(&column))
        {
            columns.push(column);
        }
    }
    if columns.is_empty() {
        columns.push("value".into());
    }
    let columns: Vec<String> = columns.iter().map(|c| quote(c)).collect();
    Some((
        format!(
            "CREATE TABLE {}{} ({} {MARK}{} */)",
            if if_not_exists { "IF NOT EXISTS " } else { "" },
            quote(&name),
            columns.join(", "),
            module.replace("*/", "")
        ),
        module,
    ))
}

/// The module a table's definition stands in for, when it is a stand-in.
///
/// ```
/// use driftless_migrations::stand_in::{module_of, stand_in};
/// let (sql, _) = stand_in("CREATE VIRTUAL TABLE v USING vec0(a)").unwrap();
/// assert_eq!(module_of(&sql), Some("vec0"));
/// assert_eq!(module_of("CREATE TABLE t (a)"), None);
/// ```
pub fn module_of(table_sql: &str) -> Option<&str> {
    let (_, rest) = table_sql.split_once(MARK)?;
    rest.split_once(" */").map(|(module, _)| module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_from_the_arguments_of_common_modules() {
        let cases = [
            (
                "CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'porter', content='')",
                "CREATE TABLE docs (title, body",
            ),
            (
                "CREATE VIRTUAL TABLE main.\"geo\" USING rtree_i32(id, minX, maxX)",
                "CREATE TABLE geo (id, minX, maxX",
            ),
            (
                "create virtual table t using mymodule",
                "CREATE TABLE t (value",
            ),
            (
                "CREATE VIRTUAL TABLE s USING vec0(session_id text partition key, +content text)",
                "CREATE TABLE s (session_id, content",
            ),
        ];
        for (sql, expected) in cases {
            let (got, _) = stand_in(sql).unwrap_or_else(|| panic!("{sql}"));
            assert!(got.starts_with(expected), "{sql}\n{got}");
        }
        assert_eq!(stand_in("CREATE TABLE t (a)"), None);
    }

    #[test]
    fn sqlite_takes_the_stand_in_and_keeps_its_mark() {
        let conn = rusqlite::Connection::open_in_memory().expect("memory");
        let (sql, _) =
            stand_in("CREATE VIRTUAL TABLE v USING vec0(a float[3], +b text)").expect("stand-in");
        conn.execute_batch(&sql).expect("runs");
        let kept: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE name = 'v'", [], |r| {
                r.get(0)
            })
            .expect("kept");
        assert_eq!(module_of(&kept), Some("vec0"));
        conn.execute("INSERT INTO v (a, b) VALUES (1, 'x')", [])
            .expect("insert");
    }
}

//! A query prepared against the migrated schema: its errors with their
//! place in the SQL, its parameters, and its result columns with type and
//! nullability.

use rusqlite::Connection;

use super::nullability::result_columns;
use super::params::{self, Use};
use crate::schema::{Affinity, Schema};

/// What a checked query returns and takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    /// The result columns, in order (none for a statement without RETURNING).
    pub columns: Vec<ResultColumn>,
    /// The parameters, by SQLite's index (the first is `?1`).
    pub params: Vec<Param>,
}

/// One result column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultColumn {
    /// Its name as SQLite gives it (alias, else column name, else the expression).
    pub name: String,
    /// The declared type of the column it reads, when it reads one.
    pub decl_type: Option<String>,
    /// Whether some row can hold NULL in it.
    pub nullable: bool,
    /// The affinity of its values: its declared type's, else what the
    /// expression computes (`count(*)`: INTEGER); `None` when unknown.
    pub affinity: Option<Affinity>,
}

/// One parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name without the sigil (`:id` → `id`); `None` for `?` and `?N`.
    pub name: Option<String>,
    /// Where its value goes: a column it is compared with or stored in, or a LIMIT.
    pub used: Option<Use>,
}

/// Why a query does not check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    /// What is wrong, SQLite's words where SQLite said it.
    pub message: String,
    /// Byte offset in the SQL of the token at fault, when known.
    pub offset: Option<usize>,
}

impl QueryError {
    fn new(message: impl Into<String>, offset: Option<usize>) -> QueryError {
        QueryError {
            message: message.into(),
            offset,
        }
    }

    /// The message with the SQL line at fault and a caret under the token.
    ///
    /// ```
    /// use driftless_migrations::query::describe::QueryError;
    /// let e = QueryError { message: "near \"FORM\": syntax error".into(), offset: Some(10) };
    /// assert_eq!(e.render("SELECT id FORM games"), "near \"FORM\": syntax error\n  SELECT id FORM games\n            ^");
    /// ```
    pub fn render(&self, sql: &str) -> String {
        let Some(offset) = self.offset.filter(|o| sql.is_char_boundary(*o)) else {
            return self.message.clone();
        };
        let start = sql[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = sql[offset..].find('\n').map_or(sql.len(), |i| offset + i);
        let column = sql[start..offset].chars().count();
        format!(
            "{}\n  {}\n  {}^",
            self.message,
            &sql[start..end],
            " ".repeat(column)
        )
    }
}

/// Prepares `sql` on `conn` (a database with the migrated schema) and reads
/// what it returns and takes.
///
/// # Errors
/// SQLite's error (unknown table or column, syntax) with the offset SQLite
/// gives; more than one statement; parameters of mixed styles.
///
/// ```
/// use driftless_migrations::query::describe::describe;
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE games (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER);")?;
/// let schema = driftless_migrations::Schema::read(&conn)?;
/// let d = describe(&conn, &schema, "SELECT id, score FROM games WHERE name = ?1").unwrap();
/// assert_eq!(d.columns.iter().map(|c| c.nullable).collect::<Vec<_>>(), [false, true]);
/// assert_eq!(d.params.len(), 1);
/// let e = describe(&conn, &schema, "SELECT nme FROM games").unwrap_err();
/// assert_eq!(e.message, "no such column: nme");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn describe(conn: &Connection, schema: &Schema, sql: &str) -> Result<Described, QueryError> {
    let statements = crate::split::split(sql);
    if let Some(second) = statements.get(1) {
        return Err(QueryError::new(
            "a query is exactly one statement; this is the second: run it with a second macro",
            Some(second.offset),
        ));
    }
    if statements.is_empty() {
        return Err(QueryError::new("the query has no statement", None));
    }
    let stmt = conn
        .prepare(sql)
        .map_err(|e| match crate::compat::input_error(&e, sql) {
            Some((message, offset)) => QueryError::new(message, Some(offset)),
            None => QueryError::new(crate::replay::sqlite_message(e), None),
        })?;
    let count = stmt.parameter_count();
    let mut names = Vec::with_capacity(count);
    for i in 1..=count {
        names.push(stmt.parameter_name(i).map(str::to_string));
    }
    check_styles(sql, &names)?;
    let uses = params::uses(schema, sql, &names);
    let params = names
        .into_iter()
        .zip(uses)
        .map(|(name, used)| Param {
            name: name.and_then(|n| {
                let bare = n.trim_start_matches([':', '@', '$']);
                (bare != n).then(|| bare.to_string())
            }),
            used,
        })
        .collect();
    let inferred = result_columns(schema, sql);
    // what the query reads, where it is read (a count that differs from
    // SQLite's: not read, so every column nullable and untyped)
    let inferred = inferred.filter(|cols| cols.len() == stmt.column_count());
    let columns = crate::compat::columns(&stmt)
        .into_iter()
        .enumerate()
        .map(|(i, (name, decl_type))| {
            let read = inferred.as_ref().map(|cols| &cols[i]);
            ResultColumn {
                name,
                affinity: match &decl_type {
                    Some(t) => Some(Affinity::of(t)),
                    None => read.and_then(|r| r.affinity),
                },
                decl_type,
                nullable: read.is_none_or(|r| r.nullable),
            }
        })
        .collect();
    Ok(Described { columns, params })
}

/// One style of parameter a query: `?`/`?N` numbered, or `:name`/`@name`/`$name`.
fn check_styles(sql: &str, names: &[Option<String>]) -> Result<(), QueryError> {
    let named = |n: &Option<String>| n.as_deref().is_some_and(|n| !n.starts_with('?'));
    let first_named = names.iter().position(named);
    let first_numbered = names.iter().position(|n| !named(n));
    if let (Some(a), Some(b)) = (first_named, first_numbered) {
        let shown = |i: usize| names[i].clone().unwrap_or_else(|| "?".into());
        let (named_one, numbered_one) = (shown(a), shown(b));
        return Err(QueryError::new(
            format!(
                "parameters of two styles, `{numbered_one}` and `{named_one}`: use numbered (`?1`) or named (`:name`) parameters, not both"
            ),
            sql.find(&named_one),
        ));
    }
    let sigils: Vec<char> = names
        .iter()
        .flatten()
        .filter_map(|n| n.chars().next())
        .filter(|c| *c != '?')
        .collect();
    if sigils.windows(2).any(|w| w[0] != w[1]) {
        return Err(QueryError::new(
            "named parameters with two sigils: use one of `:name`, `@name`, `$name`",
            None,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_inside_a_character_renders_the_message_alone() {
        let e = QueryError {
            message: "near \"é\": syntax error".into(),
            offset: Some(8),
        };
        // byte 8 is inside the two-byte `é`
        assert_eq!(e.render("SELECT é"), e.message);
        assert_eq!(
            e.render("SELECT x"),
            "near \"é\": syntax error\n  SELECT x\n          ^"
        );
    }
}

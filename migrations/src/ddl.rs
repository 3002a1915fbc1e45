//! The DDL `diff` writes: which `ALTER TABLE` SQLite can do in place, the
//! 12-step rebuild where it cannot, and the column definitions of a
//! `CREATE TABLE` (read through the one scanner).

use crate::check::FieldDef;
use crate::rust_type::RustKind;
use crate::scan::{Kind, list_items, quote, significant};
use crate::schema::{Affinity, Column, Schema, Table};

/// `ALTER TABLE ADD COLUMN` cannot add a key, a STORED generated column, or a
/// NOT NULL column without a default.
pub(crate) fn can_add(c: &Column) -> bool {
    c.primary_key == 0
        && c.hidden != crate::schema::Hidden::GeneratedStored
        && (!c.not_null || c.default.is_some())
}

/// `ALTER TABLE DROP COLUMN` refuses a key, a constrained or indexed column,
/// and one a view or trigger uses: any mention of the column outside its
/// own plain definition means a rebuild instead.
pub(crate) fn can_drop(table: &Table, c: &Column, live: &Schema) -> bool {
    // a name anywhere SQLite reads one: not inside strings or comments
    let mentions = |sql: &str| {
        significant(sql)
            .filter(|t| t.kind != Kind::String)
            .any(|t| t.name().is_some_and(|n| n.eq_ignore_ascii_case(&c.name)))
    };
    let own_def = column_definitions(&table.sql)
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&c.name))
        .map(|(_, d)| d);
    let Some(own_def) = own_def else {
        return false;
    };
    let plain = !significant(&own_def).any(|t| {
        [
            "PRIMARY",
            "UNIQUE",
            "REFERENCES",
            "CHECK",
            "GENERATED",
            "AS",
        ]
        .iter()
        .any(|k| t.is(k))
    });
    let rest = table.sql.replacen(&own_def, "", 1);
    plain
        && !mentions(&rest)
        && !live.indexes.iter().any(|i| {
            i.columns.iter().any(|n| n.eq_ignore_ascii_case(&c.name))
                || i.sql.as_deref().is_some_and(mentions)
        })
        && !live.views.iter().any(|v| mentions(&v.sql))
        && !live.triggers.iter().any(|t| mentions(&t.sql))
}

/// SQLite's 12-step table rebuild: create the table as the migrations
/// define it, copy the common columns, swap it in, recreate its indexes,
/// triggers and every view (renaming a table re-checks the views).
pub(crate) fn rebuild(want: &Table, have: &Table, expected: &Schema, live: &Schema) -> String {
    rebuild_filling(want, have, expected, live, &[])
}

/// [`rebuild`], copying column `fill.0` as the expression `fill.1` (a NULL
/// made NOT NULL gets a value).
pub(crate) fn rebuild_filling(
    want: &Table,
    have: &Table,
    expected: &Schema,
    live: &Schema,
    fill: &[(String, String)],
) -> String {
    let temp = format!("{}__driftless_new", want.name);
    let body = want.sql.find('(').map_or("", |i| &want.sql[i..]);
    let common: Vec<String> = want
        .columns
        .iter()
        .filter(|c| !c.is_generated())
        .filter(|c| {
            have.columns
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case(&c.name) && !h.is_generated())
        })
        .map(|c| quote(&c.name))
        .collect();
    let mut sql = format!(
        "-- rebuild `{}` with the definition below, keeping its rows (SQLite's 12-step procedure)\n",
        want.name
    );
    // renaming a table re-checks every view and trigger: drop them all, create the expected ones after
    for v in live.views.iter().chain(&expected.views) {
        sql.push_str(&format!("DROP VIEW IF EXISTS {};\n", quote(&v.name)));
    }
    for t in live.triggers.iter().chain(&expected.triggers) {
        sql.push_str(&format!("DROP TRIGGER IF EXISTS {};\n", quote(&t.name)));
    }
    sql.push_str(&format!("CREATE TABLE {} {body};\n", quote(&temp)));
    let cols = common.join(", ");
    let values: Vec<String> = common
        .iter()
        .map(|c| {
            fill.iter()
                .find(|(name, _)| quote(name) == *c)
                .map_or_else(|| c.clone(), |(_, expr)| expr.clone())
        })
        .collect();
    sql.push_str(&format!(
        "INSERT INTO {} ({cols}) SELECT {} FROM {};\n",
        quote(&temp),
        values.join(", "),
        quote(&have.name)
    ));
    sql.push_str(&format!("DROP TABLE {};\n", quote(&have.name)));
    sql.push_str(&format!(
        "ALTER TABLE {} RENAME TO {};\n",
        quote(&temp),
        quote(&want.name)
    ));
    for i in expected
        .indexes
        .iter()
        .filter(|i| i.table.eq_ignore_ascii_case(&want.name))
    {
        if let Some(s) = &i.sql {
            sql.push_str(&format!("{s};\n"));
        }
    }
    for t in &expected.triggers {
        sql.push_str(&format!("{};\n", t.sql));
    }
    for v in &expected.views {
        sql.push_str(&format!("{};\n", v.sql));
    }
    sql.push_str("PRAGMA foreign_key_check;");
    sql
}

/// The column definitions of a CREATE TABLE statement, by column name:
/// `winners JSON REFERENCES x` as written, constraints and all (comments
/// between definitions left out).
///
/// ```
/// use driftless_migrations::ddl::column_definitions;
/// let sql = "CREATE TABLE games ( -- the (game) table\n id INTEGER PRIMARY KEY, -- rowid, not null\n \"full name\" TEXT, UNIQUE (id) )";
/// assert_eq!(
///     column_definitions(sql),
///     [("id".to_string(), "id INTEGER PRIMARY KEY".to_string()), ("full name".to_string(), "\"full name\" TEXT".to_string())]
/// );
/// ```
pub fn column_definitions(create: &str) -> Vec<(String, String)> {
    const TABLE_CONSTRAINTS: [&str; 5] = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
    list_items(create)
        .into_iter()
        .filter_map(|def| {
            let first = significant(def).next()?;
            if TABLE_CONSTRAINTS.iter().any(|c| first.is(c)) {
                return None;
            }
            Some((first.name()?, def.to_string()))
        })
        .collect()
}

/// The table constraints of a CREATE TABLE statement (`UNIQUE (a, b)`,
/// `CHECK (...)`, `FOREIGN KEY ...`, `PRIMARY KEY (...)`), each as
/// [`normalized`].
///
/// ```
/// use driftless_migrations::ddl::table_constraints;
/// let sql = "CREATE TABLE t (a INT, b INT, unique (a,  b), CHECK (a > 0))";
/// assert_eq!(table_constraints(sql), ["UNIQUE ( A , B )", "CHECK ( A > 0 )"]);
/// ```
pub fn table_constraints(create: &str) -> Vec<String> {
    list_items(create)
        .into_iter()
        .filter(|item| {
            significant(item).next().is_some_and(|t| {
                ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
                    .iter()
                    .any(|k| t.is(k))
            })
        })
        .map(normalized)
        .collect()
}

/// SQL as SQLite reads it, for comparing definitions: tokens joined by
/// single spaces, keywords and bare names uppercased, quoted names
/// unquoted (and uppercased, as SQLite matches names), comments dropped.
///
/// ```
/// use driftless_migrations::ddl::normalized;
/// assert_eq!(normalized("name text  not null -- x\n COLLATE nocase"), normalized("\"NAME\" TEXT NOT NULL COLLATE NOCASE"));
/// assert_ne!(normalized("a TEXT UNIQUE"), normalized("a TEXT"));
/// ```
pub fn normalized(sql: &str) -> String {
    significant(sql)
        .map(|t| match t.kind {
            Kind::Word | Kind::Quoted => t
                .name()
                .map_or_else(|| t.text.to_string(), |n| n.to_uppercase()),
            _ => t.text.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A column's `DEFAULT` as an SQL expression that gives the same value in
/// an `INSERT`: SQLite takes a bare identifier default (`DEFAULT now`) as
/// the text `'now'`, but the same word in an expression is a column name.
///
/// ```
/// use driftless_migrations::ddl::default_expression;
/// assert_eq!(default_expression("now"), "'now'");
/// assert_eq!(default_expression("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP");
/// assert_eq!(default_expression("'x'"), "'x'");
/// assert_eq!(default_expression("(1 + 2)"), "(1 + 2)");
/// ```
pub fn default_expression(default: &str) -> String {
    let tokens: Vec<_> = significant(default).collect();
    let literal_words = [
        "CURRENT_TIMESTAMP",
        "CURRENT_DATE",
        "CURRENT_TIME",
        "NULL",
        "TRUE",
        "FALSE",
    ];
    match tokens.as_slice() {
        [t] if t.kind == Kind::Word
            && !t.text.starts_with(|c: char| c.is_ascii_digit())
            && !literal_words.iter().any(|w| t.is(w)) =>
        {
            format!("'{}'", t.text.replace('\'', "''"))
        }
        [t] if t.kind == Kind::Quoted => t.name().map_or_else(
            || default.to_string(),
            |n| format!("'{}'", n.replace('\'', "''")),
        ),
        _ => default.to_string(),
    }
}

/// The text a column's default stores, when SQLite stores it as text
/// (under the column's affinity): `DEFAULT 'f'` on a BOOLEAN (NUMERIC)
/// column is the text `f`, while `DEFAULT '0'` there is the integer 0.
pub(crate) fn default_stored_as_text(column: &Column) -> Option<String> {
    let default = column.default.as_deref()?;
    let expression = default_expression(default);
    let tokens: Vec<_> = significant(&expression).collect();
    let [t] = tokens.as_slice() else {
        return None;
    };
    if t.kind != Kind::String {
        return None;
    }
    let text = t.name()?;
    let numeric = text.trim().parse::<f64>().is_ok();
    let converts = matches!(
        column.affinity,
        Affinity::Integer | Affinity::Real | Affinity::Numeric
    );
    (!(numeric && converts)).then_some(text)
}

/// The `ALTER TABLE ... ADD COLUMN` a model field asks for, the derive's
/// suggestion: nullable for an `Option`, else NOT NULL with a default of
/// the field's kind.
pub(crate) fn add_column_sql(table: &str, field: &FieldDef) -> String {
    let kind = field.kind();
    let ty = kind.sql_type().unwrap_or("<type>");
    let column = quote(&field.column);
    let table = quote(table);
    if field.ty.optional {
        return format!("ALTER TABLE {table} ADD COLUMN {column} {ty};");
    }
    let default = match kind {
        // a JSON list or map starts empty rather than null, which would not deserialize
        RustKind::Json if field.ty.inner.starts_with("Vec<") => "'[]'",
        RustKind::Json if field.ty.inner.contains("Map<") => "'{}'",
        // JSON null would not deserialize into a non-Option field
        RustKind::Json => "<value>",
        _ => kind.sql_default().unwrap_or("<value>"),
    };
    format!("ALTER TABLE {table} ADD COLUMN {column} {ty} NOT NULL DEFAULT {default};")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_definitions_keep_constraints() {
        let defs = column_definitions(
            "CREATE TABLE t (\"a b\" TEXT DEFAULT 'x,y', c INTEGER REFERENCES u (id), CHECK (c > 0), PRIMARY KEY (c))",
        );
        assert_eq!(defs.len(), 2);
        assert_eq!(
            defs[0],
            ("a b".to_string(), "\"a b\" TEXT DEFAULT 'x,y'".to_string())
        );
        assert_eq!(defs[1].1, "c INTEGER REFERENCES u (id)");
    }
}

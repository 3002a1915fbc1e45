//! CREATE statements laid out for people.
//!
//! SQLite keeps each CREATE statement as it was typed and patches it in place
//! on `ALTER TABLE ... ADD COLUMN`, so after a few migrations the stored text
//! reads `created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n, completed_at DATETIME)`.
//! These functions lay it out again without changing what it means: they
//! only ever touch whitespace and comments outside quotes.

use crate::scan;

/// What a piece of SQL text is, for the layout: whitespace and comments may
/// change, everything else is copied as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Anything but whitespace, quotes, comments, parentheses and commas.
    Word,
    /// `(`, `)` or `,`.
    Punct,
    /// A string or quoted identifier, quotes included: `'a  b'`, `"x"`, `` `x` ``, `[x]`.
    Quoted,
    /// A run of whitespace.
    Space,
    /// `-- ...` (up to the end of the line) or `/* ... */`.
    Comment,
}

/// `sql` cut into pieces, from [`crate::scan`]'s tokens and the whitespace
/// between them; `None` when a quote is never closed.
fn pieces(sql: &str) -> Option<Vec<(Kind, &str)>> {
    let mut out: Vec<(Kind, &str)> = Vec::new();
    let mut at = 0;
    for t in scan::tokens(sql) {
        if t.offset > at {
            out.push((Kind::Space, &sql[at..t.offset]));
        }
        let kind = match t.kind {
            scan::Kind::Comment => Kind::Comment,
            scan::Kind::Quoted | scan::Kind::String if !t.closed => return None,
            scan::Kind::Quoted | scan::Kind::String => Kind::Quoted,
            scan::Kind::Punct if matches!(t.text, "(" | ")" | ",") => Kind::Punct,
            scan::Kind::Word | scan::Kind::Punct => Kind::Word,
        };
        // a word is everything up to the next space, quote or comment: `a.b`, `x=1`
        match out.last_mut() {
            Some((Kind::Word, last)) if kind == Kind::Word && at == t.offset => {
                *last = &sql[t.offset - last.len()..t.end()];
            }
            _ => out.push((kind, t.text)),
        }
        at = t.end();
    }
    if at < sql.len() {
        out.push((Kind::Space, &sql[at..]));
    }
    Some(out)
}

/// The pieces on one line: whitespace and comments become single spaces,
/// none at either end.
fn one_line(pieces: &[(Kind, &str)]) -> String {
    let mut out = String::new();
    let mut gap = false;
    for (kind, text) in pieces {
        match kind {
            Kind::Space | Kind::Comment => gap = true,
            _ => {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.push_str(text);
            }
        }
    }
    out
}

/// Lays out a `CREATE TABLE` statement with one column definition or table
/// constraint a line.
///
/// `CREATE TABLE name (` comes first, then each definition indented four
/// spaces with its whitespace collapsed to single spaces, separated by `,`,
/// then `)` and the table options (`STRICT`, `WITHOUT ROWID`). The body is
/// split at the commas outside parentheses and quotes (`'...'`, `"..."`,
/// `` `...` ``, `[...]`); text inside quotes is kept exactly. Comments are
/// dropped (a `-- comment` would otherwise swallow the rest of its line).
///
/// Anything else (`CREATE VIRTUAL TABLE`, whose arguments belong to its
/// module, or text that does not parse as `CREATE TABLE name (...)`) comes
/// back unchanged.
///
/// ```
/// use driftless_migrations::format::create_table;
/// // what SQLite stores after `ALTER TABLE games ADD COLUMN completed_at DATETIME`
/// let stored = "CREATE TABLE games (id INTEGER PRIMARY KEY,\n  \
///               name   TEXT NOT NULL DEFAULT 'a,  b'\n, completed_at DATETIME) STRICT";
/// assert_eq!(
///     create_table(stored),
///     "CREATE TABLE games (\n    \
///          id INTEGER PRIMARY KEY,\n    \
///          name TEXT NOT NULL DEFAULT 'a,  b',\n    \
///          completed_at DATETIME\n\
///      ) STRICT"
/// );
/// ```
pub fn create_table(sql: &str) -> String {
    layout_table(sql).unwrap_or_else(|| sql.to_string())
}

fn layout_table(sql: &str) -> Option<String> {
    let pieces = pieces(sql)?;
    let open = pieces.iter().position(|p| *p == (Kind::Punct, "("))?;
    let header = one_line(&pieces[..open]);
    let mut words = header.split_whitespace().map(str::to_ascii_uppercase);
    if words.next()? != "CREATE" {
        return None;
    }
    let mut word = words.next()?;
    if word == "TEMP" || word == "TEMPORARY" {
        word = words.next()?;
    }
    if word != "TABLE" {
        return None;
    }
    let mut parts = Vec::new();
    let mut start = open + 1;
    let mut depth = 0usize;
    let mut close = None;
    for (i, piece) in pieces.iter().enumerate().skip(open + 1) {
        match *piece {
            (Kind::Punct, "(") => depth += 1,
            (Kind::Punct, ")") if depth == 0 => {
                parts.push(one_line(&pieces[start..i]));
                close = Some(i);
                break;
            }
            (Kind::Punct, ")") => depth -= 1,
            (Kind::Punct, ",") if depth == 0 => {
                parts.push(one_line(&pieces[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    let close = close?;
    if parts.iter().any(String::is_empty) {
        return None;
    }
    let options = one_line(&pieces[close + 1..]);
    let mut out = format!("{header} (\n    {}\n)", parts.join(",\n    "));
    if !options.is_empty() {
        out.push(' ');
        out.push_str(&options);
    }
    Some(out)
}

/// A statement on one line: every run of whitespace outside quotes becomes
/// one space. For short statements such as `CREATE INDEX`.
///
/// A statement with comments, or with a quote that does not close, comes back
/// unchanged: joining lines would let a `-- comment` swallow the rest.
///
/// ```
/// use driftless_migrations::format::single_line;
/// assert_eq!(
///     single_line("CREATE INDEX games_name\n    ON games (name, 'a  b')"),
///     "CREATE INDEX games_name ON games (name, 'a  b')"
/// );
/// ```
pub fn single_line(sql: &str) -> String {
    match pieces(sql) {
        Some(p) if !p.iter().any(|(k, _)| *k == Kind::Comment) => one_line(&p),
        _ => sql.to_string(),
    }
}

/// A statement with its lines kept and its whitespace tidied: runs of
/// spaces inside a line become one, trailing whitespace and blank lines go,
/// each line keeps its indentation. For views and triggers, whose authors
/// usually lay them out over several lines.
///
/// A statement with comments, or with a quote that does not close, comes back
/// unchanged.
///
/// ```
/// use driftless_migrations::format::tidy_lines;
/// assert_eq!(
///     tidy_lines("CREATE VIEW v AS  \n\n  SELECT a,   'x  y'\n  FROM t  "),
///     "CREATE VIEW v AS\n  SELECT a, 'x  y'\n  FROM t"
/// );
/// ```
pub fn tidy_lines(sql: &str) -> String {
    let Some(pieces) = pieces(sql) else {
        return sql.to_string();
    };
    if pieces.iter().any(|(k, _)| *k == Kind::Comment) {
        return sql.to_string();
    }
    let mut out = String::new();
    let last = pieces.len().saturating_sub(1);
    for (i, (kind, text)) in pieces.iter().enumerate() {
        match kind {
            Kind::Space if i == 0 || i == last => {}
            Kind::Space => match text.rfind('\n') {
                Some(nl) => {
                    out.push('\n');
                    out.push_str(&text[nl + 1..]);
                }
                None => out.push(' '),
            },
            _ => out.push_str(text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schema;
    use rusqlite::Connection;

    /// The schema `sql` creates.
    fn schema(sql: &str) -> Schema {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(sql).expect("sql runs");
        Schema::read(&conn).expect("read schema")
    }

    /// Laying out every table `sql` creates gives the same tables.
    fn same_tables_after_layout(sql: &str) -> Vec<String> {
        let before = schema(sql);
        let laid_out: Vec<String> = before.tables.iter().map(|t| create_table(&t.sql)).collect();
        let after = schema(&format!("{};", laid_out.join(";\n")));
        assert_eq!(before.tables.len(), after.tables.len());
        for (b, a) in before.tables.iter().zip(&after.tables) {
            assert_eq!(
                (&b.name, &b.columns, b.strict, b.without_rowid),
                (&a.name, &a.columns, a.strict, a.without_rowid),
                "layout changed the table:\n{}",
                create_table(&b.sql)
            );
        }
        laid_out
    }

    #[test]
    fn after_add_column() {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(
            "CREATE TABLE games (\n  id INTEGER PRIMARY KEY,\n  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP\n);\n\
             ALTER TABLE games ADD COLUMN completed_at DATETIME;\n\
             ALTER TABLE games ADD COLUMN winners JSON;",
        )
        .expect("sql");
        let stored = &Schema::read(&conn).expect("read").tables[0].sql;
        assert!(stored.contains("\n, completed_at"), "{stored}");
        assert_eq!(
            create_table(stored),
            "CREATE TABLE games (\n    \
                 id INTEGER PRIMARY KEY,\n    \
                 created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    \
                 completed_at DATETIME,\n    \
                 winners JSON\n\
             )"
        );
    }

    #[test]
    fn quotes_keep_their_text() {
        let sql = "CREATE TABLE \"odd (name\" (\"a,  b\" TEXT DEFAULT 'x,  (y',\n\
                   [c  d] INT, `e,f` TEXT DEFAULT 'it''s, fine')";
        assert_eq!(
            create_table(sql),
            "CREATE TABLE \"odd (name\" (\n    \
                 \"a,  b\" TEXT DEFAULT 'x,  (y',\n    \
                 [c  d] INT,\n    \
                 `e,f` TEXT DEFAULT 'it''s, fine'\n\
             )"
        );
        same_tables_after_layout(&format!("{sql};"));
    }

    #[test]
    fn nested_parentheses_and_table_constraints() {
        let sql = "CREATE TABLE t(a INT CHECK (a IN (1,2,3)),b   NUMERIC(10,2),\n\
                   c TEXT,PRIMARY KEY (a, b),\n  UNIQUE(c) ON CONFLICT REPLACE,\n\
                   FOREIGN KEY (c) REFERENCES u(x) ON DELETE CASCADE)";
        assert_eq!(
            create_table(sql),
            "CREATE TABLE t (\n    \
                 a INT CHECK (a IN (1,2,3)),\n    \
                 b NUMERIC(10,2),\n    \
                 c TEXT,\n    \
                 PRIMARY KEY (a, b),\n    \
                 UNIQUE(c) ON CONFLICT REPLACE,\n    \
                 FOREIGN KEY (c) REFERENCES u(x) ON DELETE CASCADE\n\
             )"
        );
        same_tables_after_layout(&format!("{sql};"));
    }

    #[test]
    fn table_options_follow_the_paren() {
        assert_eq!(
            create_table("CREATE TABLE k (code TEXT PRIMARY KEY)WITHOUT   ROWID ,\nSTRICT"),
            "CREATE TABLE k (\n    code TEXT PRIMARY KEY\n) WITHOUT ROWID , STRICT"
        );
        same_tables_after_layout(
            "CREATE TABLE k (code TEXT PRIMARY KEY) WITHOUT ROWID, STRICT;\n\
             CREATE TABLE s (a INT) STRICT;\n\
             CREATE TEMP TABLE tmp (a);",
        );
    }

    #[test]
    fn comments_are_dropped() {
        let sql = "CREATE TABLE c (\n  id INTEGER PRIMARY KEY, -- the key, (really)\n  \
                   /* a note, 'quoted' */ name TEXT -- last\n)";
        assert_eq!(
            create_table(sql),
            "CREATE TABLE c (\n    id INTEGER PRIMARY KEY,\n    name TEXT\n)"
        );
        same_tables_after_layout(&format!("{sql};"));
    }

    #[test]
    fn generated_columns_and_defaults() {
        same_tables_after_layout(
            "CREATE TABLE g (\n  a INT DEFAULT (-1),\n  b INT GENERATED ALWAYS AS (a * 2) STORED,\n  \
             c TEXT COLLATE NOCASE DEFAULT 'x--y',\n  d REAL DEFAULT 1.5e3\n);",
        );
    }

    #[test]
    fn other_statements_come_back_unchanged() {
        for sql in [
            "CREATE VIRTUAL TABLE f USING fts5(a,  b)",
            "CREATE TABLE x",
            "CREATE TABLE x (a TEXT DEFAULT 'open",
            "CREATE TABLE x (a, b",
            "CREATE INDEX i ON t (a,  b)",
            "",
        ] {
            assert_eq!(create_table(sql), sql);
        }
    }

    #[test]
    fn single_line_leaves_comments_alone() {
        assert_eq!(
            single_line("CREATE INDEX i ON t (a, -- first\n b)"),
            "CREATE INDEX i ON t (a, -- first\n b)"
        );
        assert_eq!(
            single_line("CREATE  UNIQUE INDEX i\n\tON t (lower(a))  WHERE a != 'x  y'"),
            "CREATE UNIQUE INDEX i ON t (lower(a)) WHERE a != 'x  y'"
        );
    }

    #[test]
    fn tidy_lines_keeps_layout() {
        let trigger = "CREATE TRIGGER t_touch AFTER UPDATE ON t   \n\
                       BEGIN\n\n    UPDATE t SET  n = n + 1,  s = 'a\n  b'\n    WHERE id = new.id;\nEND";
        assert_eq!(
            tidy_lines(trigger),
            "CREATE TRIGGER t_touch AFTER UPDATE ON t\n\
             BEGIN\n    UPDATE t SET n = n + 1, s = 'a\n  b'\n    WHERE id = new.id;\nEND"
        );
        let commented = "CREATE VIEW v AS -- all\n  SELECT  *  FROM t";
        assert_eq!(tidy_lines(commented), commented);
    }
}

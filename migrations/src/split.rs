//! Splitting a migration into statements, so that each can be run on its own
//! and a failure reported at the line where its statement starts.
//!
//! SQLite would split the text itself, but it does not say where each
//! statement began. The tokens come from [`crate::scan`]; this module adds
//! trigger bodies, whose `;` do not end the statement.

use crate::error::Position;
use crate::scan::{Kind, Token, significant};

/// One statement of a migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement's text, from its first token through its `;`.
    pub sql: &'a str,
    /// Byte offset of `sql` in the script.
    pub offset: usize,
    /// Where the statement starts.
    pub at: Position,
    /// Its leading keywords, uppercased (at most four), to tell what it does.
    pub keywords: Vec<String>,
    /// Whether `INTO` appears as a keyword anywhere in it (for `VACUUM INTO`).
    pub has_into: bool,
}

impl Statement<'_> {
    /// The statement's first line, for messages.
    pub fn first_line(&self) -> &str {
        self.sql.lines().next().unwrap_or("").trim_end()
    }

    /// The whole statement on one line (comments dropped, whitespace folded),
    /// cut at 120 characters: how lints quote it.
    ///
    /// ```
    /// let s = &driftless_migrations::split::split("ALTER TABLE games\n  DROP COLUMN score; -- old")[0];
    /// assert_eq!(s.shown(), "ALTER TABLE games DROP COLUMN score;");
    /// ```
    pub fn shown(&self) -> String {
        let line = crate::format::single_line(self.sql);
        match line.char_indices().nth(120) {
            Some((cut, _)) => format!("{}…", &line[..cut]),
            None => line,
        }
    }

    /// The table a `CREATE [UNIQUE] INDEX ... ON [schema.]table` indexes, lowercased.
    ///
    /// ```
    /// let s = &driftless_migrations::split::split("CREATE UNIQUE INDEX i ON \"Games\" (x);")[0];
    /// assert_eq!(s.indexed_table().as_deref(), Some("games"));
    /// ```
    pub fn indexed_table(&self) -> Option<String> {
        if !(self.starts_with(&["CREATE", "INDEX"])
            || self.starts_with(&["CREATE", "UNIQUE", "INDEX"]))
        {
            return None;
        }
        let tokens: Vec<Token<'_>> = significant(self.sql).collect();
        let on = tokens.iter().position(|t| t.is("ON"))?;
        object_name(&tokens[on + 1..])
    }

    /// Whether the statement starts with these keywords.
    pub fn starts_with(&self, words: &[&str]) -> bool {
        words.len() <= self.keywords.len() && words.iter().zip(&self.keywords).all(|(a, b)| a == b)
    }

    /// Its bare words (keywords and unquoted names), uppercased: never a
    /// word inside a string, a quoted name or a comment.
    pub fn words(&self) -> Vec<String> {
        significant(self.sql)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text.to_ascii_uppercase())
            .collect()
    }

    /// The table a `DROP TABLE [IF EXISTS] [schema.]name` drops, lowercased.
    ///
    /// ```
    /// let s = &driftless_migrations::split::split("DROP TABLE IF EXISTS main.\"Old Games\";")[0];
    /// assert_eq!(s.dropped_table().as_deref(), Some("old games"));
    /// ```
    pub fn dropped_table(&self) -> Option<String> {
        if !self.starts_with(&["DROP", "TABLE"]) {
            return None;
        }
        let tokens: Vec<Token<'_>> = significant(self.sql).skip(2).collect();
        let at = if tokens.first().is_some_and(|t| t.is("IF")) {
            2
        } else {
            0
        };
        object_name(&tokens[at.min(tokens.len())..])
    }

    /// What an `ALTER TABLE ... RENAME` renames: `Some(Renamed::Table(new
    /// name))` for `RENAME TO`, `Some(Renamed::Column)` for `RENAME [COLUMN]
    /// a TO b`, `None` for any other statement.
    ///
    /// ```
    /// use driftless_migrations::split::{split, Renamed};
    /// let s = split("ALTER TABLE t RENAME TO [t2]; ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t ADD COLUMN renamed_at TEXT;");
    /// assert_eq!(s[0].renamed(), Some(Renamed::Table("t2".into())));
    /// assert_eq!(s[1].renamed(), Some(Renamed::Column));
    /// assert_eq!(s[2].renamed(), None);
    /// ```
    pub fn renamed(&self) -> Option<Renamed> {
        if !self.starts_with(&["ALTER", "TABLE"]) {
            return None;
        }
        let tokens: Vec<Token<'_>> = significant(self.sql).collect();
        let at = tokens.iter().position(|t| t.is("RENAME"))?;
        if tokens.get(at + 1).is_some_and(|t| t.is("TO")) {
            object_name(&tokens[at + 2..]).map(Renamed::Table)
        } else {
            Some(Renamed::Column)
        }
    }

    /// Whether the statement drops or renames a table: foreign keys must be
    /// off while such a script runs (a DROP TABLE would cascade into the
    /// children) and checked before it commits.
    pub fn drops_or_renames_table(&self) -> bool {
        self.dropped_table().is_some() || matches!(self.renamed(), Some(Renamed::Table(_)))
    }
}

/// What an `ALTER TABLE ... RENAME` renames.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Renamed {
    /// The table, to this name (lowercased).
    Table(String),
    /// A column.
    Column,
}

/// `name` or `schema.name` at the start of `tokens`: the name, lowercased.
fn object_name(tokens: &[Token<'_>]) -> Option<String> {
    let name = match tokens {
        [_, dot, name, ..] if dot.is_punct('.') => name,
        [name, ..] => name,
        [] => return None,
    };
    name.name().map(|n| n.to_lowercase())
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Splits a script into statements; comments and blank text between them are dropped.
///
/// ```
/// use driftless_migrations::split::split;
/// let sql = "-- two tables\nCREATE TABLE a (x);\n\nCREATE TABLE b (y); -- done\n";
/// let stmts = split(sql);
/// assert_eq!(stmts.len(), 2);
/// assert_eq!(stmts[1].sql, "CREATE TABLE b (y);");
/// assert_eq!(stmts[1].at.line, 4);
/// ```
pub fn split(text: &str) -> Vec<Statement<'_>> {
    let mut out = Vec::new();
    let mut current = Current::default();
    for token in significant(text) {
        if token.is_punct(';') {
            match current.start {
                // an empty statement
                None => continue,
                Some(start) if current.ends_here() => {
                    out.push(current.finish(text, start, token.end()));
                    current = Current::default();
                    continue;
                }
                // a `;` inside a trigger's body
                Some(_) => {}
            }
        } else if token.kind == Kind::Word {
            current.word(token.text);
        }
        current.start.get_or_insert(token.offset);
        current.end = token.end();
    }
    if let Some(start) = current.start {
        let end = current.end;
        out.push(current.finish(text, start, end));
    }
    out
}

/// The statement being read.
#[derive(Default)]
struct Current {
    start: Option<usize>,
    end: usize,
    keywords: Vec<String>,
    has_into: bool,
    trigger: bool,
    in_body: bool,
    case_depth: usize,
    body_ended: bool,
}

impl Current {
    fn word(&mut self, word: &str) {
        let upper = word.to_ascii_uppercase();
        if upper == "INTO" {
            self.has_into = true;
        }
        if self.keywords.len() < 4 {
            self.keywords.push(upper.clone());
            let k: Vec<&str> = self.keywords.iter().map(String::as_str).collect();
            if matches!(
                k.as_slice(),
                ["CREATE", "TRIGGER"] | ["CREATE", "TEMP" | "TEMPORARY", "TRIGGER"]
            ) {
                self.trigger = true;
            }
        }
        if !self.trigger {
            return;
        }
        match upper.as_str() {
            "BEGIN" if !self.in_body => self.in_body = true,
            "CASE" if self.in_body => self.case_depth += 1,
            "END" if self.in_body && self.case_depth > 0 => self.case_depth -= 1,
            "END" if self.in_body => self.body_ended = true,
            _ => {}
        }
    }

    /// A `;` ends the statement unless it is inside a trigger's body.
    fn ends_here(&self) -> bool {
        !self.trigger || !self.in_body || self.body_ended
    }

    fn finish(self, text: &str, start: usize, end: usize) -> Statement<'_> {
        Statement {
            sql: &text[start..end],
            offset: start,
            at: position(text, start),
            keywords: self.keywords,
            has_into: self.has_into,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        split(sql).into_iter().map(|s| s.sql).collect()
    }

    #[test]
    fn strings_and_comments_hide_semicolons() {
        let sql = "INSERT INTO t VALUES ('a;b', \"c;d\"); /* x; */ -- y;\nSELECT [we;ird], `q;`;";
        assert_eq!(
            texts(sql),
            [
                "INSERT INTO t VALUES ('a;b', \"c;d\");",
                "SELECT [we;ird], `q;`;"
            ]
        );
    }

    #[test]
    fn doubled_quotes_stay_inside_the_string() {
        assert_eq!(
            texts("SELECT 'it''s;'; SELECT 2;"),
            ["SELECT 'it''s;';", "SELECT 2;"]
        );
    }

    #[test]
    fn trigger_body_is_one_statement_even_with_case() {
        let sql = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET x = CASE WHEN 1 THEN 2 END;\n  DELETE FROM u;\nEND;\nSELECT 1;";
        let got = split(sql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].sql.ends_with("END;"));
        assert_eq!(got[1].at.line, 5);
    }

    #[test]
    fn last_statement_without_semicolon_counts() {
        let got = split("SELECT 1;\n  SELECT 2\n-- trailing comment\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].sql, "SELECT 2");
        assert_eq!(got[1].at.line, 2);
        assert_eq!(got[1].at.column, 3);
    }

    #[test]
    fn keywords_and_into() {
        let got = split("vacuum into '/tmp/x.db'; attach 'f' as g;");
        assert!(got[0].starts_with(&["VACUUM"]) && got[0].has_into);
        assert!(got[1].starts_with(&["ATTACH"]));
    }

    #[test]
    fn only_comments_gives_nothing() {
        assert!(split("-- nothing here\n/* at all */\n").is_empty());
    }

    #[test]
    fn position_counts_characters() {
        let text = "é;\nab";
        assert_eq!(
            position(text, text.len() - 1),
            Position { line: 2, column: 2 }
        );
        assert_eq!(position(text, 2), Position { line: 1, column: 2 });
    }
}

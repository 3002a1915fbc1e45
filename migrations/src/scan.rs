//! The one SQL scanner: SQLite's tokens, with strings, quoted identifiers
//! and comments recognised as SQLite recognises them. Splitting scripts into
//! statements, linting, formatting and reading `CREATE TABLE` all read SQL
//! through it, so a `;`, `(` or keyword inside a comment or a string never
//! counts anywhere.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A keyword, a bare identifier or a number: `CREATE`, `games`, `42`.
    Word,
    /// A quoted identifier: `"name"`, `` `name` `` or `[name]`.
    Quoted,
    /// A string literal: `'text'`.
    String,
    /// One character of punctuation or an operator: `(`, `,`, `;`, `=`.
    Punct,
    /// `-- ...` up to the end of its line, or `/* ... */`.
    Comment,
}

/// One token and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// What it is.
    pub kind: Kind,
    /// Its text as written, quotes included.
    pub text: &'a str,
    /// Byte offset of `text` in the scanned SQL.
    pub offset: usize,
    /// False for a string, quoted identifier or block comment that the SQL
    /// ends before closing (it then runs to the end, as in SQLite).
    pub closed: bool,
}

impl<'a> Token<'a> {
    /// Whether the token is this keyword (or bare word), ignoring ASCII case.
    pub fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// Whether the token is this punctuation character.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }

    /// The name a word or quoted identifier stands for: quotes removed and
    /// doubled quotes undone. A string literal also names an identifier
    /// where SQLite allows it (`CREATE TABLE 'x'`). `None` for anything else.
    ///
    /// ```
    /// use driftless_migrations::scan::tokens;
    /// let names: Vec<_> = tokens(r#"games "odd ""name""" [x y] 'z'"#).filter_map(|t| t.name()).collect();
    /// assert_eq!(names, ["games", r#"odd "name""#, "x y", "z"]);
    /// ```
    pub fn name(&self) -> Option<String> {
        match self.kind {
            Kind::Word => Some(self.text.to_string()),
            Kind::Quoted | Kind::String => {
                let open = self.text.chars().next()?;
                let close = if open == '[' { ']' } else { open };
                let inner = self.text.get(1..self.text.len().checked_sub(1)?)?;
                if open == '[' {
                    Some(inner.to_string())
                } else {
                    Some(inner.replace(&format!("{close}{close}"), &close.to_string()))
                }
            }
            Kind::Punct | Kind::Comment => None,
        }
    }

    /// Byte offset just past the token.
    pub fn end(&self) -> usize {
        self.offset + self.text.len()
    }
}

/// Every token of `sql`, comments included, whitespace left out.
///
/// ```
/// use driftless_migrations::scan::{tokens, Kind};
/// let kinds: Vec<Kind> = tokens("SELECT 'a;b' -- c;\n, [d]").map(|t| t.kind).collect();
/// assert_eq!(kinds, [Kind::Word, Kind::String, Kind::Comment, Kind::Punct, Kind::Quoted]);
/// ```
pub fn tokens(sql: &str) -> Tokens<'_> {
    Tokens { sql, at: 0 }
}

/// The tokens of `sql` without comments: what SQLite itself reads.
///
/// ```
/// use driftless_migrations::scan::significant;
/// let words: Vec<&str> = significant("ALTER /* RENAME */ TABLE t -- RENAME\n ADD COLUMN renamed_at").map(|t| t.text).collect();
/// assert_eq!(words, ["ALTER", "TABLE", "t", "ADD", "COLUMN", "renamed_at"]);
/// ```
pub fn significant(sql: &str) -> impl Iterator<Item = Token<'_>> {
    tokens(sql).filter(|t| t.kind != Kind::Comment)
}

/// The iterator [`tokens`] returns.
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    sql: &'a str,
    at: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.sql.as_bytes();
        while self.at < bytes.len() && bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
        let start = self.at;
        let b = *bytes.get(start)?;
        let closing = |found: Option<usize>, len: usize| match found {
            Some(n) => (start + n + len, true),
            None => (bytes.len(), false),
        };
        let (kind, (end, closed)) = match b {
            b'-' if bytes.get(start + 1) == Some(&b'-') => (
                Kind::Comment,
                (
                    self.sql[start..]
                        .find('\n')
                        .map_or(bytes.len(), |n| start + n),
                    true,
                ),
            ),
            b'/' if bytes.get(start + 1) == Some(&b'*') => (
                Kind::Comment,
                closing(self.sql[start + 2..].find("*/").map(|n| n + 2), 2),
            ),
            b'\'' => (Kind::String, skip_quoted(bytes, start, b'\'')),
            b'"' | b'`' => (Kind::Quoted, skip_quoted(bytes, start, b)),
            b'[' => (Kind::Quoted, closing(self.sql[start..].find(']'), 1)),
            b if is_word_byte(b) => {
                let mut end = start;
                while end < bytes.len() && is_word_byte(bytes[end]) {
                    end += 1;
                }
                (Kind::Word, (end, true))
            }
            _ => (Kind::Punct, (start + 1, true)),
        };
        self.at = end;
        Some(Token {
            kind,
            text: &self.sql[start..end],
            offset: start,
            closed,
        })
    }
}

/// Bytes of a bare word: letters, digits, `_`, `$`, and anything non-ASCII
/// (SQLite takes every byte from 0x80 up as part of an identifier).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The end of a quoted token opened at `start`, and whether it is closed:
/// a doubled quote is an escaped quote inside it; an unterminated one runs
/// to the end.
fn skip_quoted(bytes: &[u8], start: usize, quote: u8) -> (usize, bool) {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return (i + 1, true);
        }
        i += 1;
    }
    (bytes.len(), false)
}

/// The parts of a parenthesised list at depth one, split at its top-level
/// commas: for `CREATE TABLE t (a INT, b TEXT CHECK (b IN ('x', 'y')))`,
/// the slices `a INT` and `b TEXT CHECK (b IN ('x', 'y'))`. Comments at the
/// edges of a part are left out. Empty when `sql` has no `(`.
///
/// ```
/// use driftless_migrations::scan::list_items;
/// let sql = "CREATE TABLE t ( -- key (first)\n id INTEGER PRIMARY KEY, /* , */ b TEXT DEFAULT ',' )";
/// assert_eq!(list_items(sql), ["id INTEGER PRIMARY KEY", "b TEXT DEFAULT ','"]);
/// ```
pub fn list_items(sql: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut first: Option<usize> = None;
    let mut last = 0;
    for t in significant(sql) {
        match (depth, t.kind) {
            (0, Kind::Punct) if t.is_punct('(') => depth = 1,
            (0, _) => {}
            (1, Kind::Punct) if t.is_punct(',') || t.is_punct(')') => {
                if let Some(start) = first.take() {
                    items.push(&sql[start..last]);
                }
                if t.is_punct(')') {
                    break;
                }
            }
            (_, _) => {
                if t.is_punct('(') {
                    depth += 1;
                } else if t.is_punct(')') {
                    depth -= 1;
                }
                first.get_or_insert(t.offset);
                last = t.end();
            }
        }
    }
    items
}

/// SQLite's keywords (sqlite.org/lang_keywords.html): any of them may be
/// refused as a bare name somewhere, so they are always quoted.
const KEYWORDS: &str = "abort action add after all alter always analyze and as asc attach \
    autoincrement before begin between by cascade case cast check collate column commit \
    conflict constraint create cross current current_date current_time current_timestamp \
    database default deferrable deferred delete desc detach distinct do drop each else end \
    escape except exclude exclusive exists explain fail filter first following for foreign \
    from full generated glob group groups having if ignore immediate in index indexed \
    initially inner insert instead intersect into is isnull join key last left like limit \
    match materialized natural no not nothing notnull null nulls of offset on or order \
    others outer over partition plan pragma preceding primary query raise range recursive \
    references regexp reindex release rename replace restrict returning right rollback row \
    rows savepoint select set table temp temporary then ties to transaction trigger \
    unbounded union unique update using vacuum values view virtual when where window with \
    without";

/// A name as SQL spells it: bare when that is unambiguous, else in double
/// quotes. The one quoting of driftless: the derive's suggestions, the
/// generated SQL and `diff`'s fixes all spell names through it.
///
/// ```
/// use driftless_migrations::scan::quote;
/// assert_eq!(quote("games"), "games");
/// assert_eq!(quote("order"), "\"order\"");
/// assert_eq!(quote("full name"), "\"full name\"");
/// assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
/// ```
pub fn quote(name: &str) -> String {
    let simple = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS
            .split_whitespace()
            .any(|k| k.eq_ignore_ascii_case(name));
    if simple {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<(Kind, &str)> {
        tokens(sql).map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn quotes_comments_and_words() {
        assert_eq!(
            texts("a.\"b\"\"c\" 'it''s' /* x */ -- y\n`z`[w]$1"),
            [
                (Kind::Word, "a"),
                (Kind::Punct, "."),
                (Kind::Quoted, "\"b\"\"c\""),
                (Kind::String, "'it''s'"),
                (Kind::Comment, "/* x */"),
                (Kind::Comment, "-- y"),
                (Kind::Quoted, "`z`"),
                (Kind::Quoted, "[w]"),
                (Kind::Word, "$1"),
            ]
        );
    }

    #[test]
    fn unterminated_tokens_run_to_the_end() {
        assert_eq!(texts("'abc"), [(Kind::String, "'abc")]);
        assert_eq!(texts("/* abc"), [(Kind::Comment, "/* abc")]);
        assert_eq!(texts("[abc"), [(Kind::Quoted, "[abc")]);
        let closed = |sql: &str| tokens(sql).map(|t| t.closed).collect::<Vec<_>>();
        assert_eq!(closed("'abc'' x"), [false]);
        assert_eq!(closed("'a''b' /* c */ [d] \"e"), [true, true, true, false]);
    }

    #[test]
    fn list_items_nest_and_ignore_what_is_quoted() {
        assert_eq!(
            list_items(
                "CREATE TABLE \"a(b\" (x TEXT CHECK (x IN ('(', ',')), y, CONSTRAINT c UNIQUE (x, y))"
            ),
            [
                "x TEXT CHECK (x IN ('(', ','))",
                "y",
                "CONSTRAINT c UNIQUE (x, y)"
            ]
        );
        assert!(list_items("DROP TABLE t").is_empty());
    }
}

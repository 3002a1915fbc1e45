//! Reading an existing `schema.rs`: every `table!` invocation, wherever it
//! is (top level or inside `mod`s), with the line of each table and column.
//!
//! The file is tokenized as Rust (so comments, strings and doc comments are
//! handled as the compiler handles them) and the `table!` DSL is read by
//! hand: it is not Rust syntax, only tokens.

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};

use super::SqlType;

/// One `table!` entry of a `schema.rs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableEntry {
    /// The Rust name (`users` in `users (id) { ... }`).
    pub name: String,
    /// `#[sql_name = "..."]`, when the SQL name differs.
    pub sql_name: Option<String>,
    /// The `schema.` prefix, when there is one.
    pub schema: Option<String>,
    /// The primary key columns, by Rust name (`id` when the entry names none).
    pub primary_key: Vec<String>,
    /// The columns in order.
    pub columns: Vec<ColumnEntry>,
    /// The line of the table's name, counting from 1.
    pub line: usize,
}

impl TableEntry {
    /// The table's name in SQL.
    pub fn sql_name(&self) -> &str {
        self.sql_name.as_deref().unwrap_or(&self.name)
    }
}

/// One column of a `table!` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnEntry {
    /// The Rust name.
    pub name: String,
    /// `#[sql_name = "..."]`, when the SQL name differs.
    pub sql_name: Option<String>,
    /// The SQL type as written, paths dropped.
    pub ty: SqlType,
    /// The line of the column's name, counting from 1.
    pub line: usize,
}

impl ColumnEntry {
    /// The column's name in SQL.
    pub fn sql_name(&self) -> &str {
        self.sql_name.as_deref().unwrap_or(&self.name)
    }
}

/// A `schema.rs` that cannot be read, with the line it stops at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line, counting from 1 (0 when the file is not Rust at all).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Every `table!` entry of a `schema.rs`, in file order.
///
/// # Errors
/// When the file is not Rust, or a `table!` is not in the form diesel accepts.
///
/// ```
/// use driftless_migrations::diesel::parse_schema_rs;
/// let tables = parse_schema_rs(r#"
/// // @generated automatically by Diesel CLI.
/// diesel::table! {
///     users (id) {
///         id -> Integer,
///         #[sql_name = "type"]
///         type_ -> Nullable<diesel::sql_types::Text>,
///     }
/// }
/// "#).unwrap();
/// assert_eq!(tables[0].name, "users");
/// assert_eq!(tables[0].columns[1].sql_name(), "type");
/// assert_eq!(tables[0].columns[1].ty.to_string(), "Nullable<Text>");
/// assert_eq!(tables[0].columns[1].line, 7);
/// ```
pub fn parse_schema_rs(text: &str) -> Result<Vec<TableEntry>, ParseError> {
    let stream: TokenStream = text
        .parse()
        .map_err(|e: proc_macro2::LexError| ParseError {
            line: e.span().start().line,
            message: format!("not valid Rust: {e}"),
        })?;
    let mut tables = Vec::new();
    find_tables(stream, &mut tables)?;
    Ok(tables)
}

/// Walks a token stream for `table ! { ... }`, descending into every group
/// (so `mod schema { ... }` and `pub mod x { ... }` are searched too).
fn find_tables(stream: TokenStream, tables: &mut Vec<TableEntry>) -> Result<(), ParseError> {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(id) if id == "table" => {
                if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(body))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                    && bang.as_char() == '!'
                    && body.delimiter() != Delimiter::None
                {
                    parse_table(body, tables)?;
                    i += 3;
                    continue;
                }
            }
            TokenTree::Group(g) => find_tables(g.stream(), tables)?,
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// A cursor over the tokens of one group.
struct Tokens {
    tokens: Vec<TokenTree>,
    at: usize,
    /// The line of the group's closing delimiter, for errors at its end.
    end_line: usize,
}

impl Tokens {
    fn new(group: &Group) -> Tokens {
        Tokens {
            tokens: group.stream().into_iter().collect(),
            at: 0,
            end_line: group.span_close().start().line,
        }
    }

    fn peek(&self) -> Option<&TokenTree> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<TokenTree> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn line(&self) -> usize {
        self.peek().map_or(self.end_line, |t| t.span().start().line)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError {
            line: self.line(),
            message: message.into(),
        })
    }

    fn is_punct(&self, c: char) -> bool {
        matches!(self.peek(), Some(TokenTree::Punct(p)) if p.as_char() == c)
    }

    fn eat_punct(&mut self, c: char) -> bool {
        let yes = self.is_punct(c);
        if yes {
            self.at += 1;
        }
        yes
    }

    fn ident(&mut self, what: &str) -> Result<(String, usize), ParseError> {
        match self.peek() {
            Some(TokenTree::Ident(id)) => {
                let line = id.span().start().line;
                let name = id.to_string();
                self.at += 1;
                Ok((name.strip_prefix("r#").unwrap_or(&name).to_string(), line))
            }
            _ => self.error(format!("expected {what}")),
        }
    }

    /// `#[...]` attributes; returns the value of `sql_name = "..."` if present.
    fn attributes(&mut self) -> Result<Option<String>, ParseError> {
        let mut sql_name = None;
        while self.is_punct('#') {
            self.at += 1;
            let Some(TokenTree::Group(g)) = self.next() else {
                return self.error("expected `[` after `#`");
            };
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            if let [
                TokenTree::Ident(key),
                TokenTree::Punct(eq),
                TokenTree::Literal(value),
            ] = inner.as_slice()
                && key == "sql_name"
                && eq.as_char() == '='
            {
                sql_name = Some(
                    string_literal(&value.to_string()).ok_or_else(|| ParseError {
                        line: value.span().start().line,
                        message: "`sql_name` takes a string".into(),
                    })?,
                );
            }
        }
        Ok(sql_name)
    }
}

/// The value of a plain or raw string literal.
fn string_literal(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return inner
            .strip_prefix('"')?
            .strip_suffix('"')
            .map(str::to_string);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            '0' => out.push('\0'),
            _ => return None,
        }
    }
    Some(out)
}

/// One `table!` body: `use ...;`s, then `[#[attrs]] [schema.]name [(keys)] { columns }`,
/// possibly several tables in one invocation.
fn parse_table(body: &Group, tables: &mut Vec<TableEntry>) -> Result<(), ParseError> {
    let mut t = Tokens::new(body);
    while t.peek().is_some() {
        if matches!(t.peek(), Some(TokenTree::Ident(id)) if id == "use") {
            while t
                .next()
                .is_some_and(|tok| !matches!(&tok, TokenTree::Punct(p) if p.as_char() == ';'))
            {
            }
            continue;
        }
        let sql_name = t.attributes()?;
        let (mut name, mut line) = t.ident("a table name")?;
        let mut schema = None;
        if t.eat_punct('.') {
            schema = Some(name);
            (name, line) = t.ident("a table name after `.`")?;
        }
        let mut primary_key = Vec::new();
        if let Some(TokenTree::Group(g)) = t.peek()
            && g.delimiter() == Delimiter::Parenthesis
        {
            let mut keys = Tokens::new(g);
            t.at += 1;
            while keys.peek().is_some() {
                primary_key.push(keys.ident("a primary key column")?.0);
                if !keys.eat_punct(',') && keys.peek().is_some() {
                    return keys.error("expected `,` between primary key columns");
                }
            }
        }
        let Some(TokenTree::Group(columns)) = t.next() else {
            return t.error(format!("expected `{{` with the columns of `{name}`"));
        };
        if columns.delimiter() != Delimiter::Brace {
            return t.error(format!("expected `{{` with the columns of `{name}`"));
        }
        if primary_key.is_empty() {
            primary_key.push("id".to_string());
        }
        tables.push(TableEntry {
            name,
            sql_name,
            schema,
            primary_key,
            columns: parse_columns(&columns)?,
            line,
        });
    }
    Ok(())
}

fn parse_columns(group: &Group) -> Result<Vec<ColumnEntry>, ParseError> {
    let mut t = Tokens::new(group);
    let mut columns = Vec::new();
    while t.peek().is_some() {
        let sql_name = t.attributes()?;
        let (name, line) = t.ident("a column name")?;
        let arrow = matches!(t.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '-' && p.spacing() == Spacing::Joint);
        if !arrow
            || !{
                t.at += 1;
                t.eat_punct('>')
            }
        {
            return t.error(format!("expected `->` after column `{name}`"));
        }
        let ty = parse_type(&mut t)?;
        if !t.eat_punct(',') && t.peek().is_some() {
            return t.error(format!("expected `,` after the type of `{name}`"));
        }
        columns.push(ColumnEntry {
            name,
            sql_name,
            ty,
            line,
        });
    }
    Ok(columns)
}

/// A type: a path whose last segment is kept, with `<...>` arguments.
fn parse_type(t: &mut Tokens) -> Result<SqlType, ParseError> {
    let mut name = t.ident("a type")?.0;
    while t.is_punct(':') {
        t.at += 1;
        if !t.eat_punct(':') {
            return t.error("expected `::` in a type path");
        }
        name = t.ident("a type after `::`")?.0;
    }
    let mut args = Vec::new();
    if t.eat_punct('<') {
        loop {
            args.push(parse_type(t)?);
            if t.eat_punct('>') {
                break;
            }
            if !t.eat_punct(',') {
                return t.error("expected `,` or `>` in a type");
            }
        }
    }
    Ok(SqlType { name, args })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tables_in_modules_with_schemas_keys_and_attributes() {
        let text = r#"
pub mod schema {
    /* block comment with table! { fake (x) { y -> Text, } } inside */
    diesel::table! {
        use diesel::sql_types::*;
        use crate::Mood;

        /// Representation of the `posts` table.
        #[sql_name = "Posts"]
        public.posts (user_id, seq) {
            /// doc
            user_id -> Integer,
            seq -> BigInt,
            #[sql_name = "type"]
            r#type -> diesel::sql_types::Nullable<Mood>,
        }
    }
}
table! { a { id -> Text } b (x) { x -> Integer, } }
"#;
        let tables = parse_schema_rs(text).expect("parse");
        assert_eq!(tables.len(), 3);
        let posts = &tables[0];
        assert_eq!(posts.sql_name(), "Posts");
        assert_eq!(posts.schema.as_deref(), Some("public"));
        assert_eq!(posts.primary_key, ["user_id", "seq"]);
        assert_eq!(posts.line, 10);
        assert_eq!(posts.columns[2].name, "type");
        assert_eq!(posts.columns[2].sql_name(), "type");
        assert_eq!(posts.columns[2].ty.to_string(), "Nullable<Mood>");
        assert_eq!(tables[1].primary_key, ["id"]);
        assert_eq!(tables[1].columns[0].ty.to_string(), "Text");
        assert_eq!(tables[2].name, "b");
    }

    #[test]
    fn broken_entries_say_where() {
        let err = parse_schema_rs("table! {\n  t {\n    a -> ,\n  }\n}").expect_err("type");
        assert_eq!(err.line, 3);
        assert_eq!(err.message, "expected a type");
        let err = parse_schema_rs("table! { t { a Text } }").expect_err("arrow");
        assert_eq!(err.message, "expected `->` after column `a`");
        let err = parse_schema_rs("fn x( {").expect_err("lex");
        assert!(err.message.starts_with("not valid Rust"), "{err:?}");
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_literal(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(string_literal(r##"r#"x"y"#"##).as_deref(), Some("x\"y"));
        assert_eq!(string_literal("12"), None);
    }
}

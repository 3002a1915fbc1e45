//! `query!`, `query_as!`, `query_scalar!` and `execute!`: the SQL prepared
//! against the migrated schema at compile time, the Rust side left to the
//! compiler through `driftless::query`'s traits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use driftless_migrations::Affinity;
use driftless_migrations::Snapshot;
use driftless_migrations::query::describe::{Described, ResultColumn, describe};
use driftless_migrations::query::params::Use;
use driftless_migrations::query::schema_database;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token, Type};

use crate::expand::tracking;
use crate::source;

/// Which macro.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `query!`: an anonymous record per row.
    Record,
    /// `query_as!(T, ..)`: rows into `T`'s fields.
    As,
    /// `query_scalar!`: the one column of each row.
    Scalar,
    /// `execute!`: no rows (with RETURNING: records, as `query!`).
    Execute,
}

/// `[db = "set",] [Type,] "SQL" [, args]*`
struct Input {
    db: Option<LitStr>,
    target: Option<Type>,
    sql: LitStr,
    args: Vec<Expr>,
}

fn parse(input: ParseStream<'_>, kind: Kind) -> syn::Result<Input> {
    let mut db = None;
    if input.peek(Ident) && input.peek2(Token![=]) {
        let key: Ident = input.parse()?;
        if key != "db" {
            return Err(syn::Error::new(
                key.span(),
                "expected `db = \"...\"`, the SQL, or the row type",
            ));
        }
        input.parse::<Token![=]>()?;
        db = Some(input.parse()?);
        input.parse::<Token![,]>()?;
    }
    let target = if kind == Kind::As {
        let t: Type = input.parse()?;
        input.parse::<Token![,]>()?;
        Some(t)
    } else {
        None
    };
    let sql: LitStr = input.parse()?;
    let mut args = Vec::new();
    if input.parse::<Option<Token![,]>>()?.is_some() {
        let rest: Punctuated<Expr, Token![,]> = Punctuated::parse_terminated(input)?;
        args = rest.into_iter().collect();
    }
    Ok(Input {
        db,
        target,
        sql,
        args,
    })
}

/// Where the SQL is: in the macro call, or in a file (`query_file!`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum From {
    /// The string literal is the SQL.
    Literal,
    /// The string literal is a path relative to the crate's `Cargo.toml`.
    File,
}

/// Expands one of the macros.
pub fn expand(tokens: TokenStream, kind: Kind, from: From) -> TokenStream {
    let input = match syn::parse::Parser::parse2(|s: ParseStream<'_>| parse(s, kind), tokens) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    match check_and_expand(&input, kind, from) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

/// The schema database of each snapshot this compiler process loaded.
fn database(snapshot: &Arc<Snapshot>) -> Result<Arc<Mutex<rusqlite::Connection>>, String> {
    type Cache = Mutex<Vec<(Arc<Snapshot>, Arc<Mutex<rusqlite::Connection>>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let mut cache = match CACHE.get_or_init(Default::default).lock() {
        Ok(c) => c,
        Err(poisoned) => {
            let mut c = poisoned.into_inner();
            c.clear();
            c
        }
    };
    if let Some((_, conn)) = cache.iter().find(|(s, _)| Arc::ptr_eq(s, snapshot)) {
        return Ok(conn.clone());
    }
    driftless_migrations::replay::trace(&format!(
        "schema database of {} tables",
        snapshot.schema.tables.len()
    ));
    let conn = schema_database(&snapshot.schema).map_err(|e| {
        format!("driftless could not rebuild the migrated schema to check queries: {e}")
    })?;
    let conn = Arc::new(Mutex::new(conn));
    // snapshots replaced since (an edited migration) are dropped with their databases
    cache.retain(|(s, _)| Arc::strong_count(s) > 1);
    cache.push((snapshot.clone(), conn.clone()));
    Ok(conn)
}

fn check_and_expand(input: &Input, kind: Kind, from: From) -> syn::Result<TokenStream> {
    let sql_span = input.sql.span();
    let (sql, sql_lit) = match from {
        From::Literal => {
            let lit = &input.sql;
            (input.sql.value(), quote!(#lit))
        }
        From::File => {
            let root = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
            let path = std::path::Path::new(&root).join(input.sql.value());
            let text = std::fs::read_to_string(&path).map_err(|e| {
                syn::Error::new(
                    sql_span,
                    format!("cannot read the query file `{}`: {e}", path.display()),
                )
            })?;
            // include_str! makes an edit to the file rebuild the crate
            let shown = path.display().to_string();
            (text, quote!(::core::include_str!(#shown)))
        }
    };
    let db = input.db.as_ref().map(LitStr::value);
    let loaded = source::load(db.as_deref()).map_err(|m| syn::Error::new(sql_span, m))?;
    let conn = database(&loaded.snapshot).map_err(|m| syn::Error::new(sql_span, m))?;
    let described = {
        let conn = conn.lock().map_err(|_| {
            syn::Error::new(
                sql_span,
                "driftless: the schema database is unusable after a panic",
            )
        })?;
        describe(&conn, &loaded.snapshot.schema, &sql)
            .map_err(|e| syn::Error::new(sql_span, e.render(&sql)))?
    };
    let params = bound_params(input, &described)?;
    // without a build script, the migrations are tracked from the SQL
    // expression (a block of items and a literal: no temporaries)
    let sql_lit = match tracking(loaded.fallback.as_deref()) {
        Some(tracking) => quote! {{ #tracking #sql_lit }},
        None => sql_lit,
    };
    let body = match kind {
        Kind::Execute if described.columns.is_empty() => {
            quote! { ::driftless::query::Execute::new(#sql_lit, ::std::vec![#(#params),*]) }
        }
        Kind::Record | Kind::Execute => {
            if described.columns.is_empty() {
                return Err(syn::Error::new(
                    sql_span,
                    "this statement returns no rows: run it with `execute!`",
                ));
            }
            let columns = columns(&described.columns, sql_span, true)?;
            let fields = columns.iter().map(|c| {
                let (name, ty) = (&c.field, c.rust_type());
                quote_spanned!(sql_span=> pub #name: #ty)
            });
            let reads = columns.iter().map(|c| c.read(sql_span));
            let readers = columns.iter().map(|c| c.reader(sql_span));
            // one expression, no block around it: an argument's temporaries
            // must live to the end of the caller's statement (a block's tail
            // would drop them first in edition 2024); the record type is
            // declared in the row reader, and inferred from it
            quote! {
                ::driftless::query::Query::new(
                    #sql_lit,
                    ::std::vec![#(#params),*],
                    |row| {
                        #[derive(Debug, Clone, PartialEq)]
                        #[allow(non_camel_case_types, non_snake_case)]
                        struct Record { #(#fields,)* }
                        #(#readers)*
                        ::std::result::Result::Ok(Record { #(#reads,)* })
                    },
                )
            }
        }
        Kind::As => {
            let target = input.target.as_ref().ok_or_else(|| {
                syn::Error::new(
                    sql_span,
                    "query_as! needs the row type first: `query_as!(Game, \"SELECT ...\")`",
                )
            })?;
            if described.columns.is_empty() {
                return Err(syn::Error::new(
                    sql_span,
                    "this statement returns no rows: run it with `execute!`",
                ));
            }
            let columns = columns(&described.columns, sql_span, true)?;
            let reads = columns.iter().map(|c| c.read(sql_span));
            let readers = columns.iter().map(|c| c.reader(sql_span));
            quote! {
                ::driftless::query::Query::<#target>::new(
                    #sql_lit,
                    ::std::vec![#(#params),*],
                    |row| {
                        #(#readers)*
                        ::std::result::Result::Ok(#target { #(#reads,)* })
                    },
                )
            }
        }
        Kind::Scalar => {
            let [column] = described.columns.as_slice() else {
                return Err(syn::Error::new(
                    sql_span,
                    format!(
                        "query_scalar! reads one column; this query returns {}",
                        described.columns.len()
                    ),
                ));
            };
            let columns = columns(std::slice::from_ref(column), sql_span, false)?;
            let c = &columns[0];
            let (ty, reader, name) = (c.rust_type(), c.reader(sql_span), c.reader_name(sql_span));
            quote! {
                ::driftless::query::Query::<#ty>::new(
                    #sql_lit,
                    ::std::vec![#(#params),*],
                    |row| {
                        #reader
                        #name(row)
                    },
                )
            }
        }
    };
    Ok(body)
}

/// The argument for each parameter, bound through the check of its use.
fn bound_params(input: &Input, d: &Described) -> syn::Result<Vec<TokenStream>> {
    let sql_span = input.sql.span();
    let named: Option<Vec<&str>> = d.params.iter().map(|p| p.name.as_deref()).collect();
    // named parameters with no arguments: the Rust variables of those names
    let args: Vec<Expr> = match (&named, input.args.is_empty()) {
        (Some(names), true) if !names.is_empty() => names
            .iter()
            .map(|n| {
                let ident = syn::parse_str::<Ident>(n).map_err(|_| {
                    syn::Error::new(
                        sql_span,
                        format!("parameter `:{n}` is not a Rust variable name: pass the arguments"),
                    )
                })?;
                let ident = Ident::new(&ident.to_string(), sql_span);
                Ok(syn::parse_quote!(#ident))
            })
            .collect::<syn::Result<_>>()?,
        _ => input.args.clone(),
    };
    if args.len() != d.params.len() {
        let span = input
            .args
            .get(d.params.len())
            .map_or(sql_span, syn::spanned::Spanned::span);
        return Err(syn::Error::new(
            span,
            format!(
                "the query has {} parameter{}, and {} argument{} {} given",
                d.params.len(),
                if d.params.len() == 1 { "" } else { "s" },
                args.len(),
                if args.len() == 1 { "" } else { "s" },
                if args.len() == 1 { "is" } else { "are" },
            ),
        ));
    }
    Ok(args
        .iter()
        .zip(&d.params)
        .map(|(arg, p)| {
            let span = syn::spanned::Spanned::span(arg);
            let bind = bind_fn(p.used.as_ref());
            quote_spanned!(span=> ::driftless::query::#bind(&(#arg)))
        })
        .collect())
}

/// The function that binds an argument where the parameter stands.
fn bind_fn(used: Option<&Use>) -> Ident {
    let of = |affinity: &Affinity| match affinity {
        Affinity::Integer => "integer",
        Affinity::Real => "real",
        Affinity::Text => "text",
        Affinity::Blob => "blob",
        Affinity::Numeric => "any",
    };
    let name = match used {
        Some(Use::Limit) => "bind_integer".to_string(),
        Some(Use::Column { affinity, .. }) => format!("bind_{}", of(affinity)),
        Some(Use::Each { element }) => match &**element {
            Use::Column { affinity, .. } => format!("bind_list_{}", of(affinity)),
            _ => "bind_list_any".to_string(),
        },
        None => "bind_any".to_string(),
    };
    Ident::new(&name, Span::call_site())
}

/// A result column as the Rust side reads it, overrides applied.
struct Column {
    index: usize,
    field: Ident,
    affinity: Option<Affinity>,
    nullable: bool,
    /// `AS "name: Type"`.
    named_type: Option<Type>,
}

impl Column {
    /// The trait a Rust type needs to read it.
    fn reads(&self) -> Option<TokenStream> {
        if self.named_type.is_some() {
            return None;
        }
        Some(match self.affinity? {
            Affinity::Integer => quote!(::driftless::query::ReadsInteger),
            Affinity::Real => quote!(::driftless::query::ReadsReal),
            Affinity::Text => quote!(::driftless::query::ReadsText),
            Affinity::Blob => quote!(::driftless::query::ReadsBlob),
            Affinity::Numeric => return None,
        })
    }

    fn nullability(&self) -> TokenStream {
        if self.nullable {
            quote!(::driftless::query::Nullable)
        } else {
            quote!(::driftless::query::NotNull)
        }
    }

    /// A function named after the column that reads it, its checks as
    /// bounds: a type that does not fit fails "required by a bound in
    /// `<column>`", which names the column.
    fn reader(&self, span: Span) -> TokenStream {
        let (name, index) = (self.reader_name(span), self.index);
        let nullability = self.nullability();
        let reads = self.reads().map(|r| quote_spanned!(span=> + #r));
        quote_spanned! {span=>
            #[allow(non_snake_case)]
            fn #name<T: ::driftless::rusqlite::types::FromSql #reads + ::driftless::query::Fits<#nullability>>(
                row: &::driftless::rusqlite::Row<'_>,
            ) -> ::driftless::rusqlite::Result<T> {
                row.get(#index)
            }
        }
    }

    /// The field type of `query!`'s record and `query_scalar!`'s value.
    fn rust_type(&self) -> TokenStream {
        let inner = match (&self.named_type, self.affinity) {
            (Some(t), _) => quote!(#t),
            (None, Some(Affinity::Integer)) => quote!(i64),
            (None, Some(Affinity::Real)) => quote!(f64),
            (None, Some(Affinity::Text)) => quote!(::std::string::String),
            (None, Some(Affinity::Blob)) => quote!(::std::vec::Vec<u8>),
            (None, _) => quote!(::driftless::rusqlite::types::Value),
        };
        if self.nullable
            && !(self.named_type.is_none() && self.affinity.is_none_or(|a| a == Affinity::Numeric))
        {
            quote!(::std::option::Option<#inner>)
        } else {
            inner
        }
    }

    /// `column_<name>`: what errors about this column name.
    fn reader_name(&self, span: Span) -> Ident {
        let field = self.field.to_string();
        Ident::new(&format!("column_{}", field.trim_start_matches("r#")), span)
    }

    /// `field: column_<field>(row)?`, with [`Column::reader`] in scope.
    fn read(&self, span: Span) -> TokenStream {
        let (field, reader) = (&self.field, self.reader_name(span));
        quote_spanned!(span=> #field: #reader(row)?)
    }
}

/// The columns, with sqlx's overrides read from their names: `"id!"`
/// (never NULL), `"id?"` (can be NULL), `"id: Type"` (read as `Type`).
fn columns(described: &[ResultColumn], span: Span, named: bool) -> syn::Result<Vec<Column>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (index, c) in described.iter().enumerate() {
        let (mut name, mut nullable, mut named_type) =
            (c.name.trim().to_string(), c.nullable, None);
        if let Some((n, t)) = name.clone().split_once(':') {
            let ty: Type = syn::parse_str(t.trim()).map_err(|_| {
                syn::Error::new(
                    span,
                    format!("column `{}`: `{}` is not a Rust type", c.name, t.trim()),
                )
            })?;
            named_type = Some(ty);
            name = n.trim().to_string();
        }
        if let Some(n) = name.strip_suffix('!') {
            name = n.to_string();
            nullable = false;
        } else if let Some(n) = name.strip_suffix('?') {
            name = n.to_string();
            nullable = true;
        }
        let field = if named {
            field_ident(&name, span)
        } else {
            Some(Ident::new("value", span))
        };
        let field = field.ok_or_else(|| {
            syn::Error::new(
                span,
                format!(
                    "result column `{}` has no name a field can take: give it one with `AS name`",
                    c.name
                ),
            )
        })?;
        if let Some(first) = seen.insert(name.to_ascii_lowercase(), index) {
            return Err(syn::Error::new(
                span,
                format!(
                    "result columns {} and {} are both named `{name}`: give one another name with `AS`",
                    first + 1,
                    index + 1
                ),
            ));
        }
        out.push(Column {
            index,
            field,
            affinity: c.affinity,
            nullable,
            named_type,
        });
    }
    Ok(out)
}

/// A column name as a field: itself, `r#type` for a keyword, `None` for
/// `count(*)` and other expressions.
fn field_ident(name: &str, span: Span) -> Option<Ident> {
    if name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    match syn::parse_str::<Ident>(name) {
        Ok(_) => Some(Ident::new(name, span)),
        Err(_) => Some(format_ident!("r#{name}", span = span)),
    }
}

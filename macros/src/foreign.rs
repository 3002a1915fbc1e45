//! How the libraries that read a `#[derive(Check)]` struct map it to
//! columns: sqlx's `#[sqlx(...)]` (FromRow), diesel's `#[diesel(...)]`
//! (Selectable, Insertable, AsChangeset) and SeaORM's `#[sea_orm(...)]`
//! (DeriveEntityModel) attributes. The check must look at
//! the column the library will really read, not the field's name.
//!
//! Only the keys that change which column or table is read, whether a field
//! is read at all, or what type it is read as are taken; the rest are that
//! library's business, and so are its attribute errors (its own derive
//! reports them). serde's `rename` is not taken: on a row struct it names the
//! field in JSON, not the column.

use driftless_migrations::ReadBy;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Token, Type};

/// Struct-level attributes.
#[derive(Default)]
pub struct ForeignStruct {
    /// diesel's `table_name = path` (the path's last segment), SeaORM's
    /// `table_name = "..."`.
    pub table: Option<String>,
    /// sqlx's and SeaORM's `rename_all = "..."`.
    pub rename_all: Option<String>,
}

/// Field-level attributes.
#[derive(Default)]
pub struct ForeignField {
    /// sqlx's `rename = "..."`, diesel's `column_name = name`, SeaORM's
    /// `column_name = "..."`.
    pub column: Option<String>,
    /// sqlx's `skip` and `flatten`, diesel's `embed` and `select_expression`,
    /// SeaORM's `ignore` and its relation fields (`has_one`, `has_many`,
    /// `belongs_to`): no column of this table is read into the field as it is.
    pub skip: bool,
    /// sqlx's `json`: the column holds JSON text.
    pub json: bool,
    /// sqlx's `try_from = "T"`, diesel's `deserialize_as = T`: the type the
    /// library reads the column as.
    pub read_as: Option<Type>,
}

pub fn read_struct(attrs: &[Attribute]) -> ForeignStruct {
    let mut out = ForeignStruct::default();
    each_key(attrs, |library, key, meta| {
        match (library, key) {
            ("diesel", "table_name") => {
                let path: syn::Path = meta.value()?.parse()?;
                out.table = path.segments.last().map(|s| unraw(&s.ident.to_string()));
            }
            ("sea_orm", "table_name") => {
                out.table = Some(meta.value()?.parse::<LitStr>()?.value());
            }
            ("sqlx" | "sea_orm", "rename_all") => {
                out.rename_all = Some(meta.value()?.parse::<LitStr>()?.value());
            }
            _ => skip_value(meta)?,
        }
        Ok(())
    });
    out
}

pub fn read_field(attrs: &[Attribute]) -> ForeignField {
    let mut out = ForeignField::default();
    each_key(attrs, |library, key, meta| {
        match (library, key) {
            ("sqlx", "rename") => out.column = Some(meta.value()?.parse::<LitStr>()?.value()),
            ("diesel", "column_name") => {
                let value = meta.value()?;
                out.column = Some(if value.peek(LitStr) {
                    value.parse::<LitStr>()?.value()
                } else {
                    unraw(&value.parse::<syn::Ident>()?.to_string())
                });
            }
            ("sea_orm", "column_name") => {
                out.column = Some(meta.value()?.parse::<LitStr>()?.value());
            }
            ("sqlx", "skip" | "flatten") | ("diesel", "embed") | ("sea_orm", "ignore") => {
                out.skip = true
            }
            ("sea_orm", "has_one" | "has_many" | "belongs_to") => {
                out.skip = true;
                skip_value(meta)?;
            }
            ("diesel", "select_expression") => {
                out.skip = true;
                skip_value(meta)?;
            }
            ("sqlx", "json") => {
                out.json = true;
                skip_value(meta)?;
            }
            ("sqlx", "try_from") => {
                out.read_as = Some(meta.value()?.parse::<LitStr>()?.parse::<Type>()?);
            }
            ("diesel", "deserialize_as") => out.read_as = Some(meta.value()?.parse::<Type>()?),
            _ => skip_value(meta)?,
        }
        Ok(())
    });
    out
}

/// The column sqlx reads for `field` under `rename_all = "case"` (sqlx's
/// `RenameAll` cases, as its FromRow derive applies them with heck:
/// lowercase/UPPERCASE change case only).
pub fn rename(field: &str, case: &str) -> String {
    let words: Vec<String> = words(field);
    let capitalized = |w: &String| {
        let mut chars = w.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    };
    match case {
        "lowercase" => field.to_lowercase(),
        "UPPERCASE" => field.to_uppercase(),
        "snake_case" => words.join("_"),
        "SCREAMING_SNAKE_CASE" => words.join("_").to_uppercase(),
        "kebab-case" => words.join("-"),
        "camelCase" => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { capitalized(w) })
            .collect(),
        "PascalCase" => words.iter().map(capitalized).collect(),
        // anything sqlx would refuse (its derive says so)
        _ => field.to_string(),
    }
}

/// A field name's words, lowercase: `completed_at` and `completedAt` give `completed`, `at`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else if c.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
            current.extend(c.to_lowercase());
        } else {
            current.extend(c.to_lowercase());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The library whose attributes the struct or its fields carry (the first
/// found), whose rename attribute help messages then name.
pub fn library(input: &syn::DeriveInput) -> ReadBy {
    let fields = match &input.data {
        syn::Data::Struct(s) => s.fields.iter().flat_map(|f| f.attrs.iter()).collect(),
        _ => Vec::new(),
    };
    input
        .attrs
        .iter()
        .chain(fields)
        .find_map(|attr| {
            let path = attr.path();
            if path.is_ident("sqlx") {
                Some(ReadBy::Sqlx)
            } else if path.is_ident("diesel") {
                Some(ReadBy::Diesel)
            } else if path.is_ident("sea_orm") {
                Some(ReadBy::SeaOrm)
            } else {
                None
            }
        })
        .unwrap_or(ReadBy::Library)
}

/// Calls `f` with each key of every `#[sqlx(...)]`, `#[diesel(...)]` and
/// `#[sea_orm(...)]` attribute. An attribute this cannot read is left to
/// its own derive.
fn each_key(
    attrs: &[Attribute],
    mut f: impl FnMut(&str, &str, &ParseNestedMeta<'_>) -> syn::Result<()>,
) {
    for attr in attrs {
        let library = if attr.path().is_ident("sqlx") {
            "sqlx"
        } else if attr.path().is_ident("diesel") {
            "diesel"
        } else if attr.path().is_ident("sea_orm") {
            "sea_orm"
        } else {
            continue;
        };
        // the library's own derive reports a malformed attribute
        let _ = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            f(library, &key, &meta)
        });
    }
}

/// Consumes a key's `= value` or `(...)`, so the keys after it are still read.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

fn unraw(name: &str) -> String {
    name.strip_prefix("r#").unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_all_follows_sqlx_cases() {
        assert_eq!(rename("completed_at", "camelCase"), "completedAt");
        assert_eq!(rename("completed_at", "PascalCase"), "CompletedAt");
        assert_eq!(
            rename("completed_at", "SCREAMING_SNAKE_CASE"),
            "COMPLETED_AT"
        );
        assert_eq!(rename("completed_at", "kebab-case"), "completed-at");
        assert_eq!(rename("completed_at", "lowercase"), "completed_at");
        assert_eq!(rename("completed_at", "UPPERCASE"), "COMPLETED_AT");
        assert_eq!(rename("completed_at", "snake_case"), "completed_at");
    }

    #[test]
    fn field_attributes_of_both_libraries() {
        let item: syn::ItemStruct = syn::parse_quote! {
            struct S {
                #[sqlx(rename = "game_name", default)]
                a: String,
                #[diesel(column_name = r#type)]
                b: String,
                #[diesel(column_name = "odd name")]
                c: String,
                #[sqlx(flatten)]
                d: Inner,
                #[sqlx(json(nullable))]
                e: Option<Vec<i64>>,
                #[sqlx(try_from = "i64")]
                f: Id,
                #[diesel(deserialize_as = i32, serialize_as = i32)]
                g: Count,
                #[serde(rename = "wire")]
                h: String,
            }
        };
        let fields: Vec<ForeignField> = item.fields.iter().map(|f| read_field(&f.attrs)).collect();
        assert_eq!(fields[0].column.as_deref(), Some("game_name"));
        assert_eq!(fields[1].column.as_deref(), Some("type"));
        assert_eq!(fields[2].column.as_deref(), Some("odd name"));
        assert!(fields[3].skip);
        assert!(fields[4].json);
        assert!(fields[5].read_as.is_some());
        assert!(fields[6].read_as.is_some());
        assert!(fields[7].column.is_none(), "serde names JSON, not columns");
    }

    #[test]
    fn sea_orm_attributes() {
        let item: syn::ItemStruct = syn::parse_quote! {
            #[sea_orm(table_name = "games", rename_all = "camelCase")]
            struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                id: i64,
                #[sea_orm(column_name = "title", column_type = "Text", nullable)]
                name: Option<String>,
                #[sea_orm(ignore)]
                cached: i64,
                #[sea_orm(has_many)]
                rounds: HasMany<super::round::Entity>,
                #[sea_orm(belongs_to, from = "host_id", to = "id")]
                host: HasOne<super::host::Entity>,
            }
        };
        let s = read_struct(&item.attrs);
        assert_eq!(s.table.as_deref(), Some("games"));
        assert_eq!(s.rename_all.as_deref(), Some("camelCase"));
        let fields: Vec<ForeignField> = item.fields.iter().map(|f| read_field(&f.attrs)).collect();
        assert!(!fields[0].skip && fields[0].column.is_none());
        assert_eq!(fields[1].column.as_deref(), Some("title"));
        assert!(fields[2].skip && fields[3].skip && fields[4].skip);
    }

    #[test]
    fn struct_attributes() {
        let item: syn::ItemStruct = syn::parse_quote! {
            #[diesel(table_name = crate::schema::games, check_for_backend(diesel::sqlite::Sqlite))]
            #[sqlx(rename_all = "camelCase")]
            struct S { a: i64 }
        };
        let s = read_struct(&item.attrs);
        assert_eq!(s.table.as_deref(), Some("games"));
        assert_eq!(s.rename_all.as_deref(), Some("camelCase"));
    }
}

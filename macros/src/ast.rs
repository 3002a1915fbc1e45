//! Parsing a `#[derive(Model)]` struct and its `#[model(...)]` attributes.
//!
//! Every attribute error is collected, so a user with three typos sees three
//! errors in one build. The parsed form keeps the syn nodes so each later
//! error can point at the exact field or attribute.

use driftless_migrations::ReadBy;
use syn::meta::ParseNestedMeta;
use syn::{Data, DeriveInput, Fields, Ident, LitStr, Token, Type};

use crate::foreign;

/// Struct attribute: which table or view the struct maps.
const TABLE: &str = "table";
/// Struct attribute: which migration set (build script `.db(...)`) holds the table.
const DB: &str = "db";
/// Struct attribute: a read-only projection of some columns.
const PARTIAL: &str = "partial";
/// Field attribute: the column's name when it differs from the field's.
const COLUMN: &str = "column";
/// Field attribute: the field is not stored.
const SKIP: &str = "skip";
/// Field attribute: the field is stored as JSON text.
const JSON: &str = "json";
/// Field attribute: the SQL default a migration written by `driftless new
/// --from-models` gives the column (the rows a table already holds get it).
const DEFAULT: &str = "default";

/// Which derive is parsing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    /// `#[derive(Model)]`: driftless generates the rusqlite code.
    Model,
    /// `#[derive(Check)]`: another library reads the struct; driftless only
    /// checks it, through that library's `#[sqlx(..)]`/`#[diesel(..)]` names.
    Check,
}

impl Derive {
    fn name(self) -> &'static str {
        match self {
            Derive::Model => "Model",
            Derive::Check => "Check",
        }
    }
}

/// Collects errors while parsing so that all of them are reported together.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub fn into_result(mut self) -> syn::Result<()> {
        self.0.take().map_or(Ok(()), Err)
    }
}

/// Errors collected and never reported would be lost: like serde's `Ctxt`,
/// dropping a collector that still holds some is a bug in the derive.
impl Drop for Errors {
    fn drop(&mut self) {
        if self.0.is_some() && !std::thread::panicking() {
            panic!("driftless derive: errors were collected and never reported");
        }
    }
}

/// The parsed struct.
pub struct Input<'a> {
    pub derive: Derive,
    pub ident: &'a Ident,
    pub generics: &'a syn::Generics,
    /// The table name and, when given by attribute, its literal.
    pub table: String,
    pub table_lit: Option<LitStr>,
    pub db: Option<LitStr>,
    pub partial: bool,
    pub fields: Vec<Field<'a>>,
    /// Whose code reads the rows (for `Check`, the library whose attributes
    /// the struct carries).
    pub read_by: ReadBy,
}

/// One field of the struct.
pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub column: String,
    pub column_lit: Option<LitStr>,
    pub skip: bool,
    pub json: bool,
    /// `#[model(default = "...")]`: SQL for the column's default.
    pub default: Option<LitStr>,
    /// The type the reading library converts the column to, when it is not
    /// the field's (sqlx `try_from`, diesel `deserialize_as`).
    pub read_as: Option<Type>,
}

impl<'a> Input<'a> {
    /// Parses the struct; on error returns every attribute error at once.
    pub fn from_syn(input: &'a DeriveInput, derive: Derive) -> syn::Result<Input<'a>> {
        let mut errors = Errors::default();
        let named = match &input.data {
            Data::Struct(s) => match &s.fields {
                Fields::Named(named) => Some(named),
                _ => None,
            },
            _ => None,
        };
        let Some(named) = named else {
            return Err(syn::Error::new_spanned(
                &input.ident,
                format!(
                    "#[derive({})] needs a struct with named fields, each mapping a column",
                    derive.name()
                ),
            ));
        };
        let mut table_lit = None;
        let mut db = None;
        let mut partial = false;
        each_model_key(&input.attrs, &mut errors, |key, meta, errors| {
            match key {
                TABLE => set_once(&mut table_lit, meta.value()?.parse()?, TABLE, errors),
                DB => set_once(&mut db, meta.value()?.parse()?, DB, errors),
                PARTIAL if partial => {
                    errors.push(meta.error("duplicate model attribute `partial`"))
                }
                PARTIAL => partial = true,
                _ => {
                    errors.push(meta.error(unknown(
                        "model",
                        &path_text(&meta.path),
                        &[TABLE, DB, PARTIAL],
                    )));
                    skip_value(meta)?;
                }
            }
            Ok(())
        });
        for (lit, what) in [
            (&table_lit, "the table name"),
            (&db, "the migration set name"),
        ] {
            if let Some(lit) = lit
                && lit.value().trim().is_empty()
            {
                errors.push(syn::Error::new_spanned(
                    lit,
                    format!("{what} must not be empty"),
                ));
            }
        }
        let foreign = match derive {
            Derive::Check => foreign::read_struct(&input.attrs),
            Derive::Model => foreign::ForeignStruct::default(),
        };
        let mut fields = Vec::new();
        for field in &named.named {
            let Some(mut f) = Field::from_syn(field, &mut errors) else {
                continue;
            };
            if derive == Derive::Check {
                f.read_as_foreign(field, &foreign, &mut errors);
            }
            fields.push(f);
        }
        duplicate_columns(&fields, &mut errors);
        errors.into_result()?;
        let table = match (&table_lit, foreign.table) {
            (Some(lit), _) => lit.value(),
            (None, Some(diesel)) => diesel,
            (None, None) => default_table(&input.ident.to_string()),
        };
        Ok(Input {
            derive,
            ident: &input.ident,
            generics: &input.generics,
            table,
            table_lit,
            db,
            // a checked struct is read by its library, never inserted by driftless
            partial: partial || derive == Derive::Check,
            fields,
            read_by: match derive {
                Derive::Model => ReadBy::Driftless,
                Derive::Check => foreign::library(input),
            },
        })
    }
}

impl<'a> Field<'a> {
    fn from_syn(field: &'a syn::Field, errors: &mut Errors) -> Option<Field<'a>> {
        let ident = field.ident.as_ref()?;
        let mut column_lit: Option<LitStr> = None;
        let mut skip = false;
        let mut json = false;
        let mut default: Option<LitStr> = None;
        each_model_key(&field.attrs, errors, |key, meta, errors| {
            match key {
                COLUMN => set_once(&mut column_lit, meta.value()?.parse()?, COLUMN, errors),
                DEFAULT => set_once(&mut default, meta.value()?.parse()?, DEFAULT, errors),
                SKIP | JSON => {
                    let flag = if key == SKIP { &mut skip } else { &mut json };
                    if *flag {
                        errors.push(meta.error(format!("duplicate field attribute `{key}`")));
                    }
                    *flag = true;
                }
                _ => {
                    errors.push(meta.error(unknown(
                        "field",
                        &path_text(&meta.path),
                        &[COLUMN, SKIP, JSON, DEFAULT],
                    )));
                    skip_value(meta)?;
                }
            }
            Ok(())
        });
        if skip && (json || column_lit.is_some()) {
            let message = "a `skip` field is not stored: it takes no `column` or `json`";
            errors.push(match &column_lit {
                Some(lit) => syn::Error::new_spanned(lit, message),
                None => syn::Error::new_spanned(ident, message),
            });
        }
        if let Some(lit) = &column_lit
            && lit.value().trim().is_empty()
        {
            errors.push(syn::Error::new_spanned(
                lit,
                "the column name must not be empty",
            ));
        }
        Some(Field {
            ident,
            ty: &field.ty,
            column: column_lit
                .as_ref()
                .map_or_else(|| unraw(ident), LitStr::value),
            column_lit,
            skip,
            json,
            default,
            read_as: None,
        })
    }

    /// Takes the column, skip, JSON and type the reading library (sqlx,
    /// diesel) uses, where `#[model(...)]` does not say otherwise.
    fn read_as_foreign(
        &mut self,
        field: &syn::Field,
        on_struct: &foreign::ForeignStruct,
        errors: &mut Errors,
    ) {
        let theirs = foreign::read_field(&field.attrs);
        // the library reads the column its attribute names: a different
        // one here would check a column it never reads
        if let (Some(lit), Some(column)) = (&self.column_lit, &theirs.column)
            && lit.value() != *column
        {
            errors.push(syn::Error::new_spanned(
                lit,
                format!(
                    "`{}` reads column `{column}`, as its library's attribute says, not `{}`\n\
                     help: name the column in the library's attribute alone, and remove this one",
                    self.ident,
                    lit.value()
                ),
            ));
        }
        if self.column_lit.is_none() {
            if let Some(column) = theirs.column {
                self.column = column;
            } else if let Some(case) = &on_struct.rename_all {
                self.column = foreign::rename(&self.column, case);
            }
            self.skip |= theirs.skip;
        }
        self.json |= theirs.json;
        self.read_as = theirs.read_as;
    }
}

/// Calls `f` with each key of every `#[model(...)]` attribute in `attrs`;
/// a malformed attribute joins `errors` and the others are still read.
fn each_model_key(
    attrs: &[syn::Attribute],
    errors: &mut Errors,
    mut f: impl FnMut(&str, &ParseNestedMeta<'_>, &mut Errors) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
        let mut found = Errors::default();
        let parsed = attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(Ident::to_string)
                .unwrap_or_default();
            f(&key, &meta, &mut found)
        });
        if let Err(e) = found.into_result() {
            errors.push(e);
        }
        if let Err(e) = parsed {
            errors.push(e);
        }
    }
}

/// The message for an unknown attribute key: what is expected, and the
/// nearest of them when the key looks like a typo.
fn unknown(level: &str, key: &str, expected: &[&str]) -> String {
    let list = match expected {
        [first, middle @ .., last] => {
            let mut l = format!("`{first}`");
            for m in middle {
                l.push_str(&format!(", `{m}`"));
            }
            format!("{l} or `{last}`")
        }
        _ => String::new(),
    };
    let mut message = format!("unknown {level} attribute `{key}`; expected {list}");
    if let Some(near) = driftless_migrations::check::nearest(key, expected.iter().copied()) {
        message.push_str(&format!("\nhelp: did you mean `{near}`?"));
    }
    message
}

/// Two fields mapping one column: an attribute mistake, found before any
/// schema is read.
fn duplicate_columns(fields: &[Field<'_>], errors: &mut Errors) {
    let stored: Vec<&Field<'_>> = fields.iter().filter(|f| !f.skip).collect();
    for (j, later) in stored.iter().enumerate() {
        if let Some(earlier) = stored[..j]
            .iter()
            .find(|f| f.column.eq_ignore_ascii_case(&later.column))
        {
            let message = format!(
                "fields `{}` and `{}` both map column `{}`\n\
                 help: map one of them to another column with #[model(column = \"...\")], or mark it #[model(skip)]",
                earlier.ident, later.ident, later.column
            );
            errors.push(match &later.column_lit {
                Some(lit) => syn::Error::new_spanned(lit, message),
                None => syn::Error::new_spanned(later.ident, message),
            });
        }
    }
}

fn set_once(slot: &mut Option<LitStr>, value: LitStr, key: &str, errors: &mut Errors) {
    if slot.is_some() {
        errors.push(syn::Error::new_spanned(
            &value,
            format!("duplicate model attribute `{key}`"),
        ));
    }
    *slot = Some(value);
}

/// Consumes `= value` after an unknown key, so the keys after it are still read.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}

fn path_text(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

/// The struct name in snake_case plus `s`, as diesel does: `GameRound` → `game_rounds`.
fn default_table(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out.push('s');
    out
}

#[cfg(test)]
mod tests {
    use super::{Derive, Input, default_table};
    use driftless_migrations::ReadBy;

    #[test]
    fn default_table_is_snake_case_plural() {
        assert_eq!(default_table("Game"), "games");
        assert_eq!(default_table("GameRound"), "game_rounds");
    }

    /// A checked struct's help names its library's rename attribute, and a
    /// `#[model(column)]` naming another column than the library's is
    /// refused: the check would look at a column the library never reads.
    #[test]
    fn a_checked_struct_is_read_by_the_library_its_attributes_name() {
        let entity: syn::DeriveInput = syn::parse_quote! {
            #[sea_orm(table_name = "authors")]
            struct Model {
                #[sea_orm(column_name = "fullname")]
                name: String,
            }
        };
        let parsed = Input::from_syn(&entity, Derive::Check).expect("parses");
        assert_eq!(parsed.read_by, ReadBy::SeaOrm);
        assert_eq!(parsed.fields[0].column, "fullname");
        let row: syn::DeriveInput = syn::parse_quote! {
            struct Row {
                id: i64,
                #[sqlx(rename = "name")]
                title: String,
            }
        };
        let parsed = Input::from_syn(&row, Derive::Check).expect("parses");
        assert_eq!(parsed.read_by, ReadBy::Sqlx);
        let plain: syn::DeriveInput = syn::parse_quote! { struct Row { id: i64 } };
        let read_by = |d| Input::from_syn(&plain, d).expect("parses").read_by;
        assert_eq!(read_by(Derive::Check), ReadBy::Library);
        assert_eq!(read_by(Derive::Model), ReadBy::Driftless);

        let both: syn::DeriveInput = syn::parse_quote! {
            #[sea_orm(table_name = "authors")]
            struct Model {
                #[sea_orm(column_name = "fullname")]
                #[model(column = "full_name")]
                name: String,
            }
        };
        let Err(e) = Input::from_syn(&both, Derive::Check) else {
            panic!("a model column disagreeing with sea_orm's is refused");
        };
        assert_eq!(
            e.to_string(),
            "`name` reads column `fullname`, as its library's attribute says, not `full_name`\n\
             help: name the column in the library's attribute alone, and remove this one"
        );
    }
}

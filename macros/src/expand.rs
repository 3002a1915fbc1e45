//! `#[derive(Model)]`: parse, check against the schema, then generate code
//! from the checked input only.

use std::path::PathBuf;

use driftless_migrations::{Checked, FieldDef, FieldType, ModelDef, RustKind, Site, check_model};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::ast::{Derive, Errors, Input};
use crate::{fallback, source};

/// `#[derive(Model)]`: the checked struct's rusqlite code, or the errors
/// and the fallback impls.
pub fn derive(input: &DeriveInput) -> TokenStream {
    match try_expand(input) {
        Ok(expanded) => expanded,
        Err(errors) => fallback::expand(input, errors),
    }
}

/// Parse (attribute mistakes), check (schema problems), generate: the first
/// phase that fails returns every error it found.
fn try_expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let parsed = Input::from_syn(input, Derive::Model)?;
    let ok = check(&parsed)?;
    Ok(generate(
        &parsed,
        &ok.model,
        &ok.mapped,
        &ok.checked,
        ok.fallback.as_deref(),
    ))
}

/// `#[derive(Check)]`: nothing but the errors, and what keeps the check
/// current (another library reads the struct).
pub fn derive_check(input: &DeriveInput) -> TokenStream {
    let checked = Input::from_syn(input, Derive::Check).and_then(|parsed| check(&parsed));
    match checked {
        Err(e) => e.to_compile_error(),
        Ok(ok) => tracking(ok.fallback.as_deref()).unwrap_or_default(),
    }
}

/// A struct that passed the schema check.
struct Passed {
    model: ModelDef,
    mapped: Vec<usize>,
    checked: Checked,
    fallback: Option<Vec<PathBuf>>,
}

/// Loads the struct's schema and checks it; every problem becomes an error
/// at the table attribute, the field, or its type.
fn check(parsed: &Input<'_>) -> syn::Result<Passed> {
    let db = parsed.db.as_ref().map(syn::LitStr::value);
    let loaded = match source::load(db.as_deref()) {
        Ok(loaded) => loaded,
        Err(message) => {
            let span = parsed
                .db
                .as_ref()
                .map_or(parsed.ident.span(), syn::LitStr::span);
            return Err(syn::Error::new(span, message));
        }
    };
    let (model, mapped) = model_def(parsed);
    record_model(db.as_deref(), &model);
    let checked = check_model(&model, &loaded.snapshot.schema);
    let mut errors = Errors::default();
    if parsed.derive == Derive::Model {
        missing_features(parsed, &model, &mapped, &mut errors);
    }
    for problem in &checked.problems {
        let text = problem.render(&loaded.snapshot);
        errors.push(match problem.site {
            Site::Table => match &parsed.table_lit {
                Some(lit) => syn::Error::new_spanned(lit, text),
                None => syn::Error::new_spanned(parsed.ident, text),
            },
            Site::Struct => syn::Error::new_spanned(parsed.ident, text),
            Site::Field(i) => {
                let field = &parsed.fields[mapped[i]];
                match &field.column_lit {
                    Some(lit) => syn::Error::new_spanned(lit, text),
                    None => syn::Error::new_spanned(field.ident, text),
                }
            }
            // new_spanned covers the whole type, not just its first token
            Site::FieldType(i) => syn::Error::new_spanned(parsed.fields[mapped[i]].ty, text),
        });
    }
    errors.into_result()?;
    Ok(Passed {
        model,
        mapped,
        checked,
        fallback: loaded.fallback,
    })
}

/// driftless's features this build has, as the runtime told the macros.
const FEATURES: &[(&str, bool)] = &[
    ("chrono", cfg!(feature = "chrono")),
    ("time", cfg!(feature = "time")),
    ("uuid", cfg!(feature = "uuid")),
];

/// A field of a chrono, time or uuid type compiles into rusqlite code only
/// with driftless's feature of that name: without it, one error at the
/// field that names the feature, instead of rusqlite's trait errors.
fn missing_features(parsed: &Input<'_>, model: &ModelDef, mapped: &[usize], errors: &mut Errors) {
    for (field, &i) in model.fields.iter().zip(mapped) {
        let Some(feature) = field.ty.feature() else {
            continue;
        };
        if field.json || FEATURES.iter().any(|&(f, on)| f == feature && on) {
            continue;
        }
        errors.push(syn::Error::new_spanned(
            parsed.fields[i].ty,
            format!(
                "`{}` needs driftless's `{feature}` feature, which is off\n\
                 help: add `features = [\"{feature}\"]` to the `driftless` dependency in Cargo.toml",
                field.ty.inner,
            ),
        ));
    }
}

/// The engine's view of the struct, and for each of its fields the index of
/// the struct field it came from (skipped fields are left out).
fn model_def(input: &Input<'_>) -> (ModelDef, Vec<usize>) {
    let mut mapped = Vec::new();
    let mut fields = Vec::new();
    for (i, f) in input.fields.iter().enumerate().filter(|(_, f)| !f.skip) {
        let ty = f.read_as.as_ref().unwrap_or(f.ty);
        mapped.push(i);
        let mut ty = FieldType::parse(&quote!(#ty).to_string());
        // what rusqlite cannot read (`&str`, `char`, `i128`) is for the
        // reading library to accept or refuse
        if let RustKind::Unsupported(_) = ty.kind
            && input.derive == Derive::Check
        {
            ty.kind = RustKind::Unknown;
        }
        fields.push(FieldDef {
            name: f.ident.to_string(),
            column: f.column.clone(),
            ty,
            json: f.json,
            default: f.default.as_ref().map(syn::LitStr::value),
        });
    }
    let model = ModelDef {
        name: input.ident.to_string(),
        table: input.table.clone(),
        table_explicit: input.table_lit.is_some(),
        partial: input.partial,
        fields,
        read_by: input.read_by,
    };
    (model, mapped)
}

/// `driftless new --from-models` runs `cargo check` with
/// `DRIFTLESS_MODELS_OUT` set: each derive appends its model, as the build
/// reads it (every attribute, the features and cfgs chosen), as one JSON
/// line. Best effort: a failed write only leaves the model out.
fn record_model(db: Option<&str>, model: &ModelDef) {
    let Some(path) = std::env::var_os(MODELS_OUT) else {
        return;
    };
    // one write of the whole line: cargo checks a crate's targets in
    // parallel, and appends made in pieces interleaved into broken lines
    let line = format!("{}\n", serde_json::json!({ "db": db, "model": model }));
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        use std::io::Write;
        let _ = f.write_all(line.as_bytes());
    }
}

/// The variable `driftless new --from-models` sets; see [`record_model`].
pub const MODELS_OUT: &str = "DRIFTLESS_MODELS_OUT";

/// SQL identifiers as the engine spells them (quoted where a bare name could be misread).
fn quote_ident(name: &str) -> String {
    driftless_migrations::scan::quote(name)
}

/// How the generated code reads and writes a field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// Not stored: `Default` on read.
    Skip,
    /// JSON text through serde: `#[model(json)]`, or a `serde_json::Value`.
    Json,
    /// A `String` that also takes the numbers SQLite stores in NUMERIC columns.
    Text,
    /// A `u64` or `usize`, converted through `i64` by driftless (see `UnsignedColumn`).
    Unsigned,
    /// Whatever rusqlite's `FromSql`/`ToSql` do.
    Plain,
}

fn generate(
    input: &Input<'_>,
    model: &ModelDef,
    mapped: &[usize],
    checked: &Checked,
    fallback: Option<&[PathBuf]>,
) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let table = &input.table;
    let mut how = vec![How::Skip; input.fields.len()];
    for (field, &i) in model.fields.iter().zip(mapped) {
        how[i] = if field.json || field.ty.kind == RustKind::Json {
            How::Json
        } else if matches!(field.ty.inner.as_str(), "String" | "std::string::String") {
            How::Text
        } else if matches!(field.ty.inner.as_str(), "u64" | "usize") {
            How::Unsigned
        } else {
            How::Plain
        };
    }
    let columns: Vec<&str> = mapped
        .iter()
        .map(|&i| input.fields[i].column.as_str())
        .collect();
    let select = format!(
        "SELECT {} FROM {}",
        columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", "),
        quote_ident(table)
    );
    // spanned at the field's type, so "FromSql is not implemented for MyType" points there
    let reads = input.fields.iter().zip(&how).map(|(f, how)| {
        let name = f.ident;
        let column = &f.column;
        let span = f.ty.span();
        match how {
            How::Skip => quote_spanned!(span=> #name: ::core::default::Default::default()),
            How::Json => {
                quote_spanned!(span=> #name: ::driftless::__private::json_from_row(row, #column)?)
            }
            How::Text => {
                quote_spanned!(span=> #name: ::driftless::__private::text_from_row(row, #column)?)
            }
            How::Unsigned => {
                quote_spanned!(span=> #name: ::driftless::__private::unsigned_from_row(row, #column)?)
            }
            How::Plain => quote_spanned!(span=> #name: row.get(#column)?),
        }
    });
    let insert = checked.insertable.then(|| {
        let written: Vec<usize> = checked.insert_fields.iter().map(|&k| mapped[k]).collect();
        // an Option left None on a NOT NULL column with a default gets the default
        let values: Vec<String> = checked
            .insert_defaults
            .iter()
            .enumerate()
            .map(|(n, default)| match default {
                Some(d) => format!("COALESCE(?{}, {d})", n + 1),
                None => format!("?{}", n + 1),
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            quote_ident(table),
            written
                .iter()
                .map(|&i| quote_ident(&input.fields[i].column))
                .collect::<Vec<_>>()
                .join(", "),
            values.join(", ")
        );
        // fields driftless converts itself are turned into values first
        let converted = |i: usize| matches!(how[i], How::Json | How::Unsigned);
        let prepare = written.iter().filter(|&&i| converted(i)).map(|&i| {
            let name = input.fields[i].ident;
            let tmp = format_ident!("__value_{}", name);
            if how[i] == How::Json {
                quote!(let #tmp = ::driftless::__private::json_to_sql(&self.#name)?;)
            } else {
                quote!(let #tmp = ::driftless::__private::UnsignedColumn::to_value(&self.#name)?;)
            }
        });
        let params = written.iter().map(|&i| {
            let f = &input.fields[i];
            let name = f.ident;
            if converted(i) {
                let tmp = format_ident!("__value_{}", name);
                quote!(&#tmp as &dyn ::driftless::__private::rusqlite::ToSql)
            } else {
                quote_spanned!(f.ty.span()=> &self.#name as &dyn ::driftless::__private::rusqlite::ToSql)
            }
        });
        let rowid = if checked.has_rowid {
            quote!(conn.last_insert_rowid())
        } else {
            // a WITHOUT ROWID table has no rowid to return
            quote!(0)
        };
        quote! {
            #[automatically_derived]
            impl #impl_generics ::driftless::Insert for #ident #ty_generics #where_clause {
                const INSERT: &'static str = #sql;
                fn insert(&self, conn: &::driftless::__private::rusqlite::Connection)
                    -> ::driftless::__private::rusqlite::Result<i64>
                {
                    #(#prepare)*
                    let params: &[&dyn ::driftless::__private::rusqlite::ToSql] = &[#(#params),*];
                    conn.prepare_cached(<Self as ::driftless::Insert>::INSERT)?.execute(params)?;
                    ::core::result::Result::Ok(#rowid)
                }
            }
        }
    });
    let tracking = tracking(fallback);
    quote! {
        #[automatically_derived]
        impl #impl_generics ::driftless::Model for #ident #ty_generics #where_clause {
            const TABLE: &'static str = #table;
            const COLUMNS: &'static [&'static str] = &[#(#columns),*];
            const SELECT: &'static str = #select;
            fn from_row(row: &::driftless::__private::rusqlite::Row<'_>)
                -> ::driftless::__private::rusqlite::Result<Self>
            {
                ::core::result::Result::Ok(Self { #(#reads),* })
            }
        }
        #insert
        #tracking
    }
}

/// Without a build script, editing a migration or pointing
/// `DRIFTLESS_MIGRATIONS_DIR` elsewhere must rebuild the crate.
pub(crate) fn tracking(fallback: Option<&[PathBuf]>) -> Option<TokenStream> {
    fallback.map(|files| {
        let files = files.iter().map(|p| p.display().to_string());
        let var = source::DIR_VAR;
        quote! {
            #(const _: &[u8] = ::core::include_bytes!(#files);)*
            const _: ::core::option::Option<&str> = ::core::option_env!(#var);
        }
    })
}

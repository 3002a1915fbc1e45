//! `#[driftless::test]`: a test function given a fresh in-memory database,
//! restored from the database the build script saved, or from one built
//! here with fixtures applied (and checked) or at an earlier migration.

use std::path::{Path, PathBuf};

use driftless_migrations::cache::PrefixCache;
use driftless_migrations::error::display_path;
use driftless_migrations::test_image::{Earlier, Fixture, prepare};
use driftless_migrations::{Error, MigrationSet, Snapshot, discover, flyway};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::ParseStream;
use syn::{ItemFn, LitStr, Token};

use crate::source;

/// Where fixtures are looked for without `fixtures(path = "...")`.
const FIXTURES: &str = "tests/fixtures";

/// The attribute's arguments.
#[derive(Default)]
struct Args {
    /// `fixtures(...)`: the directory (when given) and the scripts, in order.
    fixture_dir: Option<LitStr>,
    fixtures: Vec<LitStr>,
    db: Option<LitStr>,
    at: Option<LitStr>,
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let function = match syn::parse2::<ItemFn>(item) {
        Ok(function) => function,
        Err(e) => {
            return syn::Error::new(e.span(), "#[driftless::test] goes on a test function")
                .to_compile_error();
        }
    };
    let mut parsed = Args::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("fixtures") {
            let content;
            syn::parenthesized!(content in meta.input);
            parse_fixtures(&content, &mut parsed)
        } else if meta.path.is_ident("db") {
            parsed.db = Some(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("at") {
            parsed.at = Some(meta.value()?.parse()?);
            Ok(())
        } else {
            Err(meta.error(
                "unknown argument: #[driftless::test] takes `fixtures(\"name\", ...)`, `db = \"...\"` and `at = \"<version>\"`",
            ))
        }
    });
    if let Err(e) = syn::parse::Parser::parse2(parser, args) {
        return e.to_compile_error();
    }
    match expand_test(&function, &parsed) {
        Ok(tokens) => tokens,
        // the function stays, so that the errors in its body are reported too
        Err(e) => {
            let error = e.to_compile_error();
            quote!(#error #function)
        }
    }
}

/// `"a", "b"`, or `path = "dir", scripts("a", "b")`, in any mix.
fn parse_fixtures(input: ParseStream<'_>, args: &mut Args) -> syn::Result<()> {
    while !input.is_empty() {
        if input.peek(LitStr) {
            args.fixtures.push(input.parse()?);
        } else {
            let name: syn::Ident = input.parse()?;
            if name == "path" {
                input.parse::<Token![=]>()?;
                args.fixture_dir = Some(input.parse()?);
            } else if name == "scripts" {
                let content;
                syn::parenthesized!(content in input);
                let scripts =
                    content.parse_terminated(<LitStr as syn::parse::Parse>::parse, Token![,])?;
                args.fixtures.extend(scripts);
            } else {
                return Err(syn::Error::new(
                    name.span(),
                    "expected a fixture's name (`fixtures(\"games\")`), `path = \"dir\"` or `scripts(\"games\", ...)`",
                ));
            }
        }
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Ok(())
}

fn expand_test(function: &ItemFn, args: &Args) -> syn::Result<TokenStream> {
    let signature = &function.sig;
    let asynchronous = signature.asyncness.is_some();
    if !cfg!(feature = "test") {
        return Err(syn::Error::new_spanned(
            signature.fn_token,
            "#[driftless::test] needs driftless's `test` feature\n\
             help: add it for the tests: `driftless = { version = \"...\", features = [\"test\"] }` under [dev-dependencies]",
        ));
    }
    if asynchronous && !cfg!(feature = "sqlx") {
        return Err(syn::Error::new_spanned(
            signature.asyncness,
            "an async #[driftless::test] needs driftless's `sqlx` feature (it gives a `sqlx::SqlitePool` or `sqlx::SqliteConnection`)\n\
             help: add it for the tests: `driftless = { version = \"...\", features = [\"sqlx\"] }` under [dev-dependencies]",
        ));
    }
    if signature.inputs.len() != 1 {
        return Err(syn::Error::new_spanned(
            &signature.inputs,
            "a #[driftless::test] function takes one argument, the database: `conn: rusqlite::Connection` (async: `pool: sqlx::SqlitePool`)",
        ));
    }
    let image = image(args)?;
    let about = image.about;
    let path = image.path.to_string_lossy().into_owned();
    let tracked = image
        .tracked
        .iter()
        .map(|p| p.to_string_lossy().into_owned());
    let name = &signature.ident;
    let output = &signature.output;
    let attrs = &function.attrs;
    let vis = &function.vis;
    let mut inner = function.clone();
    inner.attrs.clear();
    inner.vis = syn::Visibility::Inherited;
    let run = if asynchronous {
        quote!(::driftless::testing::run_async)
    } else {
        quote!(::driftless::testing::run)
    };
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis fn #name() #output {
            #inner
            // a fixture edited rebuilds the test
            #(const _: &[u8] = ::core::include_bytes!(#tracked);)*
            #run(
                ::driftless::testing::Image::new(::core::include_bytes!(#path), #about),
                #name,
            )
        }
    })
}

/// The database a test starts from, and the files it was built from.
struct Image {
    path: PathBuf,
    about: String,
    tracked: Vec<PathBuf>,
}

fn image(args: &Args) -> syn::Result<Image> {
    let db = args.db.as_ref().map(LitStr::value);
    let db_span = args.db.as_ref().map_or_else(Span::call_site, LitStr::span);
    let loaded = source::load(db.as_deref()).map_err(|e| syn::Error::new(db_span, e))?;
    let Some(snapshot_path) = loaded.path else {
        return Err(syn::Error::new(
            db_span,
            "#[driftless::test] starts from the database the build script saves, and this crate has no build script that registers its migrations\n\
             help: add a build.rs with `driftless::build::migrations(\"migrations\").run();` (and driftless in [build-dependencies])",
        ));
    };
    let head = Snapshot::database_path(&snapshot_path);
    if !head.exists() {
        return Err(syn::Error::new(
            db_span,
            format!(
                "the build script saved no database beside `{}`\n\
                 help: driftless in [build-dependencies] and in [dev-dependencies] must be the same version; then `cargo test` again",
                snapshot_path.display()
            ),
        ));
    }
    let source = &loaded.snapshot.source;
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let earlier = match &args.at {
        None => None,
        Some(at) => earlier(&root, &loaded.snapshot, at)?,
    };
    let mut tracked = Vec::new();
    let mut fixtures = Vec::new();
    let dir = args
        .fixture_dir
        .as_ref()
        .map_or_else(|| PathBuf::from(FIXTURES), |d| PathBuf::from(d.value()));
    for lit in &args.fixtures {
        let (file, sql) = read_fixture(&root, &dir, lit)?;
        tracked.push(file.clone());
        fixtures.push(Fixture { path: file, sql });
    }
    let (schema, after) = match &earlier {
        None => (source.describe(), String::new()),
        Some((set, _)) => {
            let m = set.migrations.last();
            let file = m.map_or_else(String::new, |m| m.file_name());
            (
                format!(
                    "schema after {file} (migration {} of {} in {})",
                    set.migrations.len(),
                    source.migrations.len(),
                    source.dir
                ),
                format!(" at {file}"),
            )
        }
    };
    let names: Vec<String> = args.fixtures.iter().map(LitStr::value).collect();
    let about = if names.is_empty() {
        format!("{}{after}", source.dir)
    } else {
        format!("{}{after} with fixtures {}", source.dir, names.join(", "))
    };
    if fixtures.is_empty() && earlier.is_none() {
        return Ok(Image {
            path: head,
            about,
            tracked,
        });
    }
    let out = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| head.parent().map_or_else(PathBuf::new, Path::to_path_buf));
    let cache;
    let earlier = match &earlier {
        Some((set, dir)) => {
            cache = PrefixCache::of_build(&out, dir);
            Some(Earlier { set, cache: &cache })
        }
        None => None,
    };
    let path = prepare(
        &out.join("driftless-test"),
        &head,
        earlier,
        &fixtures,
        &schema,
    )
    .map_err(|e| {
        // a fixture's failure is told at its name
        let span = match &e {
            Error::Fixture { path, .. } => args
                .fixtures
                .iter()
                .zip(&fixtures)
                .find(|(_, f)| &f.path == path)
                .map_or_else(Span::call_site, |(lit, _)| lit.span()),
            _ => args.at.as_ref().map_or_else(Span::call_site, LitStr::span),
        };
        syn::Error::new(span, e.to_string())
    })?;
    Ok(Image {
        path,
        about,
        tracked,
    })
}

/// `at = "V"`: the migrations up to and including V, and their directory;
/// `None` when V is the newest (the build's own database).
fn earlier(
    root: &Path,
    snapshot: &Snapshot,
    at: &LitStr,
) -> syn::Result<Option<(MigrationSet, PathBuf)>> {
    let source = &snapshot.source;
    let wanted = at.value();
    let wanted = wanted.trim();
    // a version as its file writes it (`0003`, diesel's `2024-01-01-120000`,
    // Flyway's `1.2`), or the file's name
    let index = source.migrations.iter().position(|m| {
        m.file == wanted
            || m.file.split_once('_').is_some_and(|(v, _)| v == wanted)
            || wanted
                .parse::<u64>()
                .is_ok_and(|v| v == m.version && !m.file.starts_with("R__"))
            || flyway::file_version(&m.file).is_some_and(|v| v.to_string() == wanted)
    });
    let Some(index) = index else {
        return Err(syn::Error::new(at.span(), unknown_version(source, wanted)));
    };
    if index + 1 == source.migrations.len() {
        return Ok(None);
    }
    let dir = root.join(&source.dir);
    let mut set = discover(&dir).map_err(|e| syn::Error::new(at.span(), e.to_string()))?;
    let same = set.migrations.len() == source.migrations.len()
        && set
            .migrations
            .iter()
            .zip(&source.migrations)
            .all(|(m, s)| m.checksum_hex() == s.checksum);
    if !same {
        return Err(syn::Error::new(
            at.span(),
            format!(
                "the migrations in {} changed since the build script replayed them\nhelp: `cargo test` again",
                source.dir
            ),
        ));
    }
    set.migrations.truncate(index + 1);
    Ok(Some((set, dir)))
}

/// The error for an `at` that names no migration: which versions there are.
fn unknown_version(source: &driftless_migrations::Source, wanted: &str) -> String {
    let files: Vec<&str> = source
        .migrations
        .iter()
        .map(|m| m.file.as_str())
        .filter(|f| !f.starts_with("R__"))
        .collect();
    let dir = source.dir.trim_end_matches('/');
    let known = match files.as_slice() {
        [] => format!("{dir}/ has no versioned migrations"),
        [only] => format!("the only migration in {dir}/ is {only}"),
        [first, .., last] => format!("the migrations in {dir}/ run from {first} to {last}"),
    };
    // the example in the layout's own form: the last migration's version
    let example = files
        .last()
        .and_then(|f| f.split_once('_'))
        .map_or("0003", |(v, _)| v);
    format!(
        "`at = \"{wanted}\"` names no migration\n\
         help: {known}; `at` takes a version as its file writes it (`at = \"{example}\"`), or a file's name"
    )
}

/// A fixture's file (relative to the crate's `Cargo.toml`) and text.
fn read_fixture(root: &Path, dir: &Path, lit: &LitStr) -> syn::Result<(PathBuf, String)> {
    let name = lit.value();
    let file = if name.ends_with(".sql") {
        dir.join(&name)
    } else {
        dir.join(format!("{name}.sql"))
    };
    let full = root.join(&file);
    match std::fs::read(&full) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(|sql| (full, sql))
            .map_err(|_| {
                syn::Error::new(
                    lit.span(),
                    format!(
                        "fixture `{}` is not UTF-8\nhelp: save the file as UTF-8",
                        file.display()
                    ),
                )
            }),
        Err(e) => {
            let available = fixtures_in(&root.join(dir));
            let help = if available.is_empty() {
                format!(
                    "fixtures are SQL files in `{}` (or `fixtures(path = \"dir\", scripts(...))`), named without `.sql`",
                    dir.display()
                )
            } else {
                format!(
                    "the fixtures in `{}` are: {}",
                    dir.display(),
                    available.join(", ")
                )
            };
            Err(syn::Error::new(
                lit.span(),
                format!(
                    "cannot read fixture `{}`: {}\nhelp: {help}",
                    display_path(&full),
                    error_kind(&e)
                ),
            ))
        }
    }
}

fn error_kind(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "no such file".into()
    } else {
        e.to_string()
    }
}

/// The `.sql` files of a directory, by name without the extension, sorted.
fn fixtures_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".sql"))
                .map(|n| format!("\"{n}\""))
        })
        .collect();
    names.sort();
    names
}

//! `embed_migrations!("migrations")`: the migration set as a `static`,
//! resolved and checksummed by the same engine code as the build script.

use std::path::{Path, PathBuf};

use driftless_migrations::{Layout, MigrationSet, Script, Snapshot, discover};
use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

pub fn embed(input: TokenStream) -> TokenStream {
    let lit = if input.is_empty() {
        LitStr::new("migrations", proc_macro2::Span::call_site())
    } else {
        match syn::parse2::<LitStr>(input) {
            Ok(lit) => lit,
            Err(e) => {
                return syn::Error::new(
                    e.span(),
                    "expected the migrations directory, e.g. embed_migrations!(\"migrations\")",
                )
                .to_compile_error();
            }
        }
    };
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(PathBuf::new, PathBuf::from);
    let set = match discover(root.join(lit.value())) {
        Ok(set) => set,
        Err(e) => return syn::Error::new_spanned(&lit, e.to_string()).to_compile_error(),
    };
    if let Err(message) = same_as_checked(&root, &lit.value(), &set) {
        return syn::Error::new_spanned(&lit, message).to_compile_error();
    }
    let items = set.migrations.iter().map(|m| {
        let version = m.version;
        let name = m.name.as_ref();
        let up = script(&m.up);
        let down = match &m.down {
            Some(d) => {
                let d = script(d);
                quote!(::core::option::Option::Some(#d))
            }
            None => quote!(::core::option::Option::None),
        };
        let layout = match m.layout {
            Layout::Simple => quote!(Simple),
            Layout::Reversible => quote!(Reversible),
            Layout::Diesel => quote!(Diesel),
            Layout::Refinery => quote!(Refinery),
            Layout::Prisma => quote!(Prisma),
            Layout::Goose => quote!(Goose),
            Layout::Dbmate => quote!(Dbmate),
            Layout::RusqliteMigration => quote!(RusqliteMigration),
            Layout::Flyway => quote!(Flyway),
        };
        let no_transaction = m.no_transaction;
        let repeatable = m.repeatable;
        let checksum = m.checksum.iter();
        quote! {
            ::driftless::Migration {
                version: #version,
                name: ::driftless::__private::Cow::Borrowed(#name),
                layout: ::driftless::Layout::#layout,
                up: #up,
                down: #down,
                no_transaction: #no_transaction,
                repeatable: #repeatable,
                checksum: [#(#checksum),*],
            }
        }
    });
    quote! {
        ::driftless::Migrations::from_static(&[#(#items),*])
    }
}

/// The binary must never lack a migration that is in the directory: a proc
/// macro cannot watch a directory, but the build script does (cargo reruns
/// it, and rebuilds the crate, when a file is added). So the set embedded
/// must be one the build script registered, and exactly the set it checked.
fn same_as_checked(root: &Path, dir: &str, set: &MigrationSet) -> Result<(), String> {
    let wanted = std::fs::canonicalize(root.join(dir)).ok();
    let registered = std::env::vars_os().filter_map(|(key, value)| {
        let key = key.to_str()?;
        (key == "DRIFTLESS_SNAPSHOT" || key.starts_with("DRIFTLESS_SNAPSHOT_"))
            .then(|| Snapshot::read(Path::new(&value)).ok())
            .flatten()
    });
    for snapshot in registered {
        let checked_dir = std::fs::canonicalize(root.join(&snapshot.source.dir)).ok();
        if checked_dir.is_none() || checked_dir != wanted {
            continue;
        }
        let checked: Vec<(u64, &str)> = snapshot
            .source
            .migrations
            .iter()
            .map(|m| (m.version, m.checksum.as_str()))
            .collect();
        let hexes: Vec<String> = set.migrations.iter().map(|m| m.checksum_hex()).collect();
        let embedded: Vec<(u64, &str)> = set
            .migrations
            .iter()
            .zip(&hexes)
            .map(|(m, h)| (m.version, h.as_str()))
            .collect();
        if checked == embedded {
            return Ok(());
        }
        return Err(format!(
            "`{dir}` holds {} migrations, but the build script checked {}: the set changed since it ran\n\
             help: build again; cargo reruns the build script when a migration changes",
            embedded.len(),
            checked.len()
        ));
    }
    Err(format!(
        "no build script registers `{dir}`, so a new migration file there would not rebuild the binary \
         and it would ship without it\n\
         help: add to build.rs: `driftless::build::migrations(\"{dir}\").run();` (and driftless in [build-dependencies])"
    ))
}

/// A script as `static` data: its file as shown, and its text through
/// `include_str!`, so rustc tracks the file.
fn script(s: &Script) -> TokenStream {
    let file = s.file.as_ref();
    let text = include(s.location());
    quote! {
        ::driftless::Script {
            file: ::driftless::__private::Cow::Borrowed(#file),
            path: ::core::option::Option::None,
            raw: ::driftless::__private::Cow::Borrowed(#text),
        }
    }
}

/// `include_str!` of an absolute path: the text, and a dependency rustc tracks.
fn include(path: &Path) -> TokenStream {
    let p = path.display().to_string();
    quote!(::core::include_str!(#p))
}

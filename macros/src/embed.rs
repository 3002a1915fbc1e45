//! `embed_migrations!("migrations")`: the migration set as a `static`,
//! resolved and checksummed by the same engine code as the build script.

use std::path::{Path, PathBuf};

use driftless_migrations::{Layout, Script, discover};
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
        };
        let no_transaction = m.no_transaction;
        let checksum = m.checksum.iter();
        quote! {
            ::driftless::Migration {
                version: #version,
                name: ::driftless::__private::Cow::Borrowed(#name),
                layout: ::driftless::Layout::#layout,
                up: #up,
                down: #down,
                no_transaction: #no_transaction,
                checksum: [#(#checksum),*],
            }
        }
    });
    quote! {
        ::driftless::Migrations::from_static(&[#(#items),*])
    }
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

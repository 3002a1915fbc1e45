//! `embed_migrations!("migrations")`: the migration set as a `static`,
//! resolved and checksummed by the same engine code as the build script.

use std::path::{Path, PathBuf};

use driftless_migrations::discover;
use driftless_migrations::error::display_path;
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
        let name = &m.name;
        let file = display_path(&m.up.path);
        let up = include(&m.up.path);
        let (down, down_file) = match &m.down {
            Some(d) => {
                let text = include(&d.path);
                let shown = display_path(&d.path);
                (
                    quote!(::core::option::Option::Some(::driftless::__private::Cow::Borrowed(#text))),
                    quote!(::core::option::Option::Some(::driftless::__private::Cow::Borrowed(#shown))),
                )
            }
            None => (
                quote!(::core::option::Option::None),
                quote!(::core::option::Option::None),
            ),
        };
        let no_transaction = m.no_transaction;
        let checksum = m.checksum.iter();
        quote! {
            ::driftless::Migration {
                version: #version,
                name: ::driftless::__private::Cow::Borrowed(#name),
                file: ::driftless::__private::Cow::Borrowed(#file),
                up: ::driftless::__private::Cow::Borrowed(#up),
                down: #down,
                down_file: #down_file,
                no_transaction: #no_transaction,
                checksum: [#(#checksum),*],
            }
        }
    });
    quote! {
        ::driftless::Migrations::from_static(&[#(#items),*])
    }
}

/// `include_str!` of an absolute path: the text, and a dependency rustc tracks.
fn include(path: &Path) -> TokenStream {
    let p = path.display().to_string();
    quote!(::core::include_str!(#p))
}

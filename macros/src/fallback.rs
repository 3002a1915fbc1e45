//! What `#[derive(Model)]` expands to when it fails: the errors, and impls
//! that compile.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

/// The errors, and impls that compile, so the user sees these errors and not
/// a cascade of "Game does not implement Model" after them.
pub fn expand(input: &DeriveInput, errors: syn::Error) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let errors = errors.to_compile_error();
    let message = "driftless: this model failed its schema check";
    quote! {
        #errors
        #[automatically_derived]
        impl #impl_generics ::driftless::Model for #ident #ty_generics #where_clause {
            const TABLE: &'static str = "";
            const COLUMNS: &'static [&'static str] = &[];
            const SELECT: &'static str = "";
            fn from_row(_: &::driftless::__private::rusqlite::Row<'_>)
                -> ::driftless::__private::rusqlite::Result<Self>
            {
                ::core::unreachable!(#message)
            }
        }
        #[automatically_derived]
        impl #impl_generics ::driftless::Insert for #ident #ty_generics #where_clause {
            const INSERT: &'static str = "";
            fn insert(&self, _: &::driftless::__private::rusqlite::Connection)
                -> ::driftless::__private::rusqlite::Result<i64>
            {
                ::core::unreachable!(#message)
            }
        }
    }
}

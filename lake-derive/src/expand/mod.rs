//! Code generation from a checked `Input`. Everything generated reaches lake and core through
//! `<crate>::__private`, names locals with mixed-site spans, and contains no `unsafe`.

pub mod packet;
pub mod plain;
pub mod pool;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Input;

/// `<crate>::__private`
pub fn private(input: &Input<'_>) -> TokenStream {
    let k = &input.krate;
    quote!(#k::__private)
}

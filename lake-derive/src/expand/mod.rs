//! Code generation from a checked `Input`. Everything generated reaches lake and core through
//! `<crate>::__private`, names locals with mixed-site spans, and contains no `unsafe`.

pub mod packet;
pub mod plain;
pub mod pool;

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use crate::ast::{self, Input};
use crate::attr::{self, Mode};
use crate::check;
use crate::ctxt::Ctxt;

/// `<crate>::__private`
pub fn private(input: &Input<'_>) -> TokenStream {
    let k = &input.krate;
    quote!(#k::__private)
}

/// The derive, on `proc_macro2` tokens (so tests can call it).
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    let Some(ast) = ast::parse(&cx, input, "#[derive(LakeAlloc)]") else {
        return to_compile_errors(cx.check());
    };
    check::check(&cx, &ast);
    if let Err(e) = cx.check() {
        return e.to_compile_error();
    }
    generate(&ast)
}

fn generate(ast: &ast::Input<'_>) -> TokenStream {
    match ast.mode() {
        Mode::Plain => plain::expand(ast),
        Mode::Packet => packet::expand(ast),
        // Pools drop their values, so pool types may own resources: no arena constructors
        // (and no no-Drop check) here.
        Mode::Pool(_) => pool::expand(ast),
    }
}

fn to_compile_errors(r: Result<(), syn::Error>) -> TokenStream {
    match r {
        Ok(()) => TokenStream::new(),
        Err(e) => e.to_compile_error(),
    }
}

/// `#[lake::packet]`: check the struct; on success emit it with zerocopy's derives and the
/// packet code, on failure emit it without any lake attributes or derives plus the errors,
/// so the only errors the user sees are ours (no zerocopy cascade).
pub(crate) fn packet_attribute(args: TokenStream, mut item: DeriveInput) -> TokenStream {
    let cx = Ctxt::new();
    if !args.is_empty() {
        cx.error_spanned_by(
            &args,
            "#[lake::packet] takes no arguments; put options in #[lake(..)] on the struct",
        );
    }
    let ast = ast::parse(&cx, &item, "#[lake::packet]");
    let generated = match ast {
        Some(mut ast) => {
            ast.attrs.imply_packet(&cx);
            check::check(&cx, &ast);
            let zc = zerocopy_derives(&ast.krate);
            (!cx.has_errors()).then(|| (zc, generate(&ast)))
        }
        None => None,
    };
    strip_lake_attrs(&mut item);
    match (cx.check(), generated) {
        (Ok(()), Some((zc, generated))) => quote! {
            #zc
            #item
            #generated
        },
        (r, _) => {
            let errors = to_compile_errors(r);
            quote! {
                #item
                #errors
            }
        }
    }
}

fn zerocopy_derives(krate: &syn::Path) -> TokenStream {
    let zc = quote!(#krate::__private::zerocopy);
    let zc_str = zc.to_string().replace(' ', "");
    quote! {
        #[derive(#zc::FromBytes, #zc::IntoBytes, #zc::KnownLayout, #zc::Immutable, #zc::Unaligned)]
        #[zerocopy(crate = #zc_str)]
    }
}

fn strip_lake_attrs(item: &mut DeriveInput) {
    item.attrs.retain(|a| !attr::is_lake(a));
    if let syn::Data::Struct(s) = &mut item.data {
        for f in s.fields.iter_mut() {
            f.attrs.retain(|a| !attr::is_lake(a));
        }
    }
}

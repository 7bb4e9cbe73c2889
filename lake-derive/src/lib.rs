//! Derive macros for [`lake`](https://docs.rs/lake): arena constructors, zero-copy packet
//! views and typed pool handles. Use them through `lake` (`lake::LakeAlloc`, `lake::packet`);
//! the generated code names `::lake::…` paths, so this crate is not meant to be a direct
//! dependency.
//!
//! # `#[derive(LakeAlloc)]`: constructors in a lake
//!
//! ```
//! use lake::{Lake, LakeAlloc};
//!
//! #[derive(LakeAlloc)]
//! pub struct Particle { pub pos: [f32; 3], pub id: u32 }
//!
//! let lake = Lake::new();
//! let p: &mut Particle = Particle::new_in(&lake, [0.0; 3], 7);
//! p.id += 1;
//! assert_eq!(p.id, 8);
//! assert!(Particle::try_new_in(&lake, [1.0; 3], 9).is_ok());
//! ```
//!
//! A lake never runs destructors, so a type with drop glue (a `String` field, a `Drop` impl)
//! is rejected at compile time: "`Named` needs `Drop`, but a `lake::Lake` never runs
//! destructors". `#[lake(zeroed)]` adds `zeroed_in(&lake)` and `slice_zeroed_in(&lake, n)` for
//! `bytemuck::Zeroable` types.
//!
//! # `#[lake::packet]`: zero-copy packet views
//!
//! On a `#[repr(C)]` struct whose fields are `u8`, `i8`, `[u8; N]`, `lake::be::*` /
//! `lake::le::*` integers or other packets, `#[lake::packet]` adds zerocopy's derives
//! (through lake, so users need no zerocopy dependency) and generates:
//!
//! - a getter per field returning the native type (`u16` for `be::U16`, `&[u8; 4]` for
//!   `[u8; 4]`, `&Nested` for a nested packet) and a setter `set_x` (`x_mut` for arrays and
//!   nested packets), except that the length field has no setter;
//! - `impl lake::wire::Packet` (validation in `extent`, stamping in `stamp`);
//! - `Foo::parse(&[u8]) -> Result<(View<'_, Foo>, &[u8]), wire::Error>`, `Foo::parse_mut`,
//!   `Foo::new_in(&lake, payload_len) -> Result<ViewMut<'_, Foo>, wire::Error>`;
//! - type aliases `FooView<'a>` and `FooViewMut<'a>` (omit with `#[lake(no_aliases)]`).
//!
//! Field attributes:
//!
//! | attribute | meaning |
//! |---|---|
//! | `#[lake(bits(a = 4, b = 4))]` | sub-fields, most significant first, widths summing to the field's; accessors `a()`, `set_a()` |
//! | `#[lake(length(total, min = N, max = N))]` | the field counts header + payload bytes; checked by `parse`, stamped by `new_in` / `finish` |
//! | `#[lake(length(payload, ..))]` | the same, counting payload bytes only |
//! | `#[lake(value = N)]`, `#[lake(value(sub = N))]` | a constant, checked by `parse`, stamped by `new_in` |
//! | `#[lake(header_len(sub, scale = N))]` | variable header length: field (or sub-field) × N bytes; extra bytes are `options()` |
//!
//! Container attributes: `#[lake(check = path)]` (a `fn(&Self) -> Result<(), &'static str>`
//! run last by `parse`), `#[lake(no_aliases)]`, `#[lake(crate = "path")]` for a renamed lake
//! dependency. `parse` checks, in order: buffer holds the fixed header; constant values;
//! header length; length field; custom check.
//!
//! ```
//! use lake::be::U16;
//!
//! #[lake::packet]
//! #[repr(C)]
//! pub struct Ipv4Header {
//!     #[lake(bits(version = 4, ihl = 4), value(version = 4), header_len(ihl, scale = 4))]
//!     pub ver_ihl: u8,
//!     pub tos: u8,
//!     #[lake(length(total, min = 20))]
//!     pub total_len: U16,
//!     pub id: U16,
//!     #[lake(bits(flags = 3, frag_offset = 13))]
//!     pub frag: U16,
//!     pub ttl: u8,
//!     pub proto: u8,
//!     pub checksum: U16,
//!     pub src: [u8; 4],
//!     pub dst: [u8; 4],
//! }
//!
//! let lake = lake::Lake::new();
//! let mut ip: Ipv4HeaderViewMut<'_> = Ipv4Header::new_in(&lake, 0)?;
//! ip.set_ttl(64);
//! let ip: Ipv4HeaderView<'_> = ip.finish()?;
//! assert_eq!((ip.version(), ip.ihl(), ip.total_len(), ip.ttl()), (4, 5, 20, 64));
//! # Ok::<(), lake::wire::Error>(())
//! ```
//!
//! `#[derive(LakeAlloc)]` with `#[lake(packet)]` generates the same code for a struct that
//! derives zerocopy's `FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned` itself.
//!
//! # Errors
//!
//! Every problem in one expansion is reported together, spanned at the token to change, with
//! "did you mean" for misspelt keys. The generated code contains no `unsafe` (it compiles in a
//! `#![forbid(unsafe_code)]` crate), reaches lake and core only through
//! `::lake::__private`, and works under `#![no_implicit_prelude]`.
#![deny(missing_docs)]

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod repr;
#[cfg(test)]
mod snapshots;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::DeriveInput;

use crate::attr::Mode;
use crate::ctxt::Ctxt;

/// Generates arena constructors (plain structs), packet views (`#[lake(packet)]`) or a typed
/// pool handle (`#[lake(pool)]`); see the crate docs.
#[proc_macro_derive(LakeAlloc, attributes(lake))]
pub fn derive_lake_alloc(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    derive(&input).into()
}

/// Makes a `#[repr(C)]` struct a zero-copy packet header: adds zerocopy's derives and
/// everything `#[derive(LakeAlloc)] #[lake(packet)]` generates; see the crate docs.
#[proc_macro_attribute]
pub fn packet(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = TokenStream2::from(args);
    let item = syn::parse_macro_input!(item as DeriveInput);
    packet_attribute(args, item).into()
}

/// The derive, on `proc_macro2` tokens (so tests can call it).
pub(crate) fn derive(input: &DeriveInput) -> TokenStream2 {
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

fn generate(ast: &ast::Input<'_>) -> TokenStream2 {
    match ast.mode() {
        Mode::Plain => expand::plain::expand(ast),
        Mode::Packet => expand::packet::expand(ast),
        Mode::Pool => {
            let mut out = expand::plain::expand(ast);
            out.extend(expand::pool::expand(ast));
            out
        }
    }
}

fn to_compile_errors(r: Result<(), syn::Error>) -> TokenStream2 {
    match r {
        Ok(()) => TokenStream2::new(),
        Err(e) => e.to_compile_error(),
    }
}

/// `#[lake::packet]`: check the struct; on success emit it with zerocopy's derives and the
/// packet code, on failure emit it without any lake attributes or derives plus the errors,
/// so the only errors the user sees are ours (no zerocopy cascade).
pub(crate) fn packet_attribute(args: TokenStream2, mut item: DeriveInput) -> TokenStream2 {
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
            if ast.attrs.packet.is_none() {
                ast.attrs.packet = Some(attr::Spanned {
                    value: (),
                    span: proc_macro2::Span::call_site(),
                });
            }
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

fn zerocopy_derives(krate: &syn::Path) -> TokenStream2 {
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

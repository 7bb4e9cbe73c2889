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
//! `bytemuck::Zeroable` types; `#[lake(bytes)]` adds `as_bytes(&self) -> &[u8]` for
//! `bytemuck::NoUninit` types (whose derive rejects padding):
//!
//! ```
//! use lake::{Lake, LakeAlloc};
//!
//! #[derive(LakeAlloc, Clone, Copy, bytemuck::NoUninit)]
//! #[lake(bytes)]
//! #[repr(C)]
//! struct Sample { id: u32, value: u32 }
//!
//! let lake = Lake::new();
//! let s = Sample::new_in(&lake, 1, 2);
//! assert_eq!(s.as_bytes().len(), 8);
//! assert_eq!(&s.as_bytes()[..4], &1u32.to_ne_bytes());
//! ```
//!
//! # `#[lake(pool)]`: typed pool handles
//!
//! ```
//! use lake::{LakeAlloc, Pool};
//!
//! #[derive(LakeAlloc)]
//! #[lake(pool)]
//! pub struct Conn { pub fd: i32, pub buf: Vec<u8> }
//!
//! let mut conns = Pool::typed(8);
//! let h: ConnHandle = conns.insert(Conn { fd: 3, buf: Vec::new() });
//! assert_eq!(conns[h].fd, 3);
//! ```
//!
//! generates `pub struct ConnHandle(lake::pool::Handle)` (`Copy`, `Eq`, `Ord`, `Hash`, `Debug`,
//! `repr(transparent)`), `impl PoolKey for ConnHandle` and `impl Pooled for Conn`. Pools drop
//! their values, so pool types may own resources and get no arena constructors.
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
use syn::DeriveInput;

/// Generates arena constructors (plain structs), packet views (`#[lake(packet)]`) or a typed
/// pool handle (`#[lake(pool)]`); see the crate docs.
#[proc_macro_derive(LakeAlloc, attributes(lake))]
pub fn derive_lake_alloc(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}

/// Makes a `#[repr(C)]` struct a zero-copy packet header: adds zerocopy's derives and
/// everything `#[derive(LakeAlloc)] #[lake(packet)]` generates; see the crate docs.
#[proc_macro_attribute]
pub fn packet(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(item as DeriveInput);
    expand::packet_attribute(args.into(), item).into()
}

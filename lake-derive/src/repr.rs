//! `#[repr(...)]` as far as lake cares: which hints are present, and where.

use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::ctxt::Ctxt;

#[derive(Default)]
pub struct Repr {
    pub c: Option<Span>,
    pub transparent: Option<Span>,
    pub packed: Option<Span>,
    pub align: Option<Span>,
    /// `u8`, `i32`, … (meaningful on enums only, rejected on packets).
    pub int: Option<Span>,
}

pub fn parse(cx: &Ctxt, attrs: &[syn::Attribute]) -> Repr {
    let mut repr = Repr::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("repr")) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let Some(ident) = meta.path.get_ident() else {
                return Err(meta.error("unrecognized repr"));
            };
            match syn::ext::IdentExt::unraw(ident).to_string().as_str() {
                "C" => repr.c = Some(span),
                "transparent" => repr.transparent = Some(span),
                "packed" => {
                    if meta.input.peek(syn::token::Paren) {
                        let _: proc_macro2::Group = meta.input.parse()?;
                    }
                    repr.packed = Some(span);
                }
                "align" => {
                    let _: proc_macro2::Group = meta.input.parse()?;
                    repr.align = Some(span);
                }
                _ => repr.int = Some(span),
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    repr
}

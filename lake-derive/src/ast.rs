//! The derive's view of the input: container attributes, repr, and fields with their wire
//! kind. Built once, checked by `check.rs`, read by the generators.

use proc_macro2::Span;
use quote::{format_ident, ToTokens};
use syn::{Data, DeriveInput, Fields, Generics, Ident, Member, Type, Visibility};

use crate::attr::{self, ContainerAttrs, FieldAttrs, Mode};
use crate::ctxt::Ctxt;
use crate::repr::{self, Repr};

pub struct Input<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub generics: &'a Generics,
    pub attrs: ContainerAttrs,
    pub repr: Repr,
    pub style: Style,
    pub fields: Vec<Field<'a>>,
    /// The path generated code reaches lake by (`::lake` unless `#[lake(crate = "..")]`).
    pub krate: syn::Path,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Named,
    Tuple,
    Unit,
}

pub struct Field<'a> {
    pub member: Member,
    /// The field's identifier, or `_0`, `_1`… for tuple fields (mixed-site, never clashes).
    pub binding: Ident,
    pub vis: &'a Visibility,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
    pub wire: Wire,
}

/// What a packet field's type is, read from its syntax. This drives error messages and the
/// getter's return type only; soundness rests on the zerocopy bounds, which see through aliases.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Wire {
    /// `u8` / `i8`.
    Byte { signed: bool },
    /// `lake::be::U16`, `le::I32`, … : the native type and its width.
    Int {
        native: &'static str,
        bits: u32,
        signed: bool,
    },
    /// `[u8; N]`.
    Bytes,
    /// A native multi-byte integer, float, `bool` or `char`: never a packet field.
    Native(String),
    /// `usize` / `isize`.
    PlatformSized(String),
    /// A reference, pointer, slice, `dyn`, `impl`…
    NotOwnedBytes(&'static str),
    /// `[u8]` / `[T]`: a declared payload.
    Slice,
    /// Any other path or array: assumed to be a nested packet or wire type.
    Nested,
}

impl Wire {
    /// Width in bits for the integer kinds bit fields, lengths and values can live in.
    pub fn uint_bits(&self) -> Option<u32> {
        match *self {
            Wire::Byte { signed: false } => Some(8),
            Wire::Int {
                bits,
                signed: false,
                ..
            } => Some(bits),
            _ => None,
        }
    }
}

fn classify(ty: &Type) -> Wire {
    match ty {
        Type::Group(g) => classify(&g.elem),
        Type::Paren(p) => classify(&p.elem),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return Wire::Nested;
            };
            let name = syn::ext::IdentExt::unraw(&last.ident).to_string();
            let single = p.path.segments.len() == 1 && last.arguments.is_empty();
            match name.as_str() {
                "u8" if single => Wire::Byte { signed: false },
                "i8" if single => Wire::Byte { signed: true },
                "u16" | "u32" | "u64" | "u128" | "i16" | "i32" | "i64" | "i128" | "f32" | "f64"
                | "bool" | "char"
                    if single =>
                {
                    Wire::Native(name)
                }
                "usize" | "isize" if single => Wire::PlatformSized(name),
                "U16" => Wire::Int {
                    native: "u16",
                    bits: 16,
                    signed: false,
                },
                "U32" => Wire::Int {
                    native: "u32",
                    bits: 32,
                    signed: false,
                },
                "U64" => Wire::Int {
                    native: "u64",
                    bits: 64,
                    signed: false,
                },
                "I16" => Wire::Int {
                    native: "i16",
                    bits: 16,
                    signed: true,
                },
                "I32" => Wire::Int {
                    native: "i32",
                    bits: 32,
                    signed: true,
                },
                "I64" => Wire::Int {
                    native: "i64",
                    bits: 64,
                    signed: true,
                },
                _ => Wire::Nested,
            }
        }
        Type::Array(a) => match classify(&a.elem) {
            Wire::Byte { signed: false } => Wire::Bytes,
            _ => Wire::Nested,
        },
        Type::Slice(_) => Wire::Slice,
        Type::Reference(_) => Wire::NotOwnedBytes("a reference"),
        Type::Ptr(_) => Wire::NotOwnedBytes("a raw pointer"),
        Type::TraitObject(_) => Wire::NotOwnedBytes("a trait object"),
        Type::ImplTrait(_) => Wire::NotOwnedBytes("`impl Trait`"),
        Type::BareFn(_) => Wire::NotOwnedBytes("a function pointer"),
        Type::Tuple(_) => Wire::NotOwnedBytes("a tuple (its layout is unspecified)"),
        _ => Wire::Nested,
    }
}

/// Reads the input. `None` (with an error recorded) when it is not a struct.
pub fn parse<'a>(cx: &Ctxt, input: &'a DeriveInput, macro_name: &str) -> Option<Input<'a>> {
    let fields = match &input.data {
        Data::Struct(s) => &s.fields,
        Data::Enum(e) => {
            cx.error_at(
                e.enum_token.span,
                format!("{macro_name} supports structs only, not enums"),
            );
            return None;
        }
        Data::Union(u) => {
            cx.error_at(
                u.union_token.span,
                format!("{macro_name} supports structs only, not unions"),
            );
            return None;
        }
    };
    let attrs = attr::parse_container(cx, &input.attrs);
    let krate = attrs
        .krate
        .as_ref()
        .map(|k| k.value.clone())
        .unwrap_or_else(|| syn::parse_quote!(::lake));
    let style = match fields {
        Fields::Named(_) => Style::Named,
        Fields::Unnamed(_) => Style::Tuple,
        Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let (member, binding) = match &f.ident {
                Some(ident) => (Member::Named(ident.clone()), ident.clone()),
                None => (
                    Member::Unnamed(i.into()),
                    format_ident!("_{}", i, span = Span::mixed_site()),
                ),
            };
            Field {
                member,
                binding,
                vis: &f.vis,
                ty: &f.ty,
                attrs: attr::parse_field(cx, &f.attrs),
                wire: classify(&f.ty),
            }
        })
        .collect();
    Some(Input {
        ident: &input.ident,
        vis: &input.vis,
        generics: &input.generics,
        repr: repr::parse(cx, &input.attrs),
        attrs,
        style,
        fields,
        krate,
    })
}

impl Input<'_> {
    pub fn mode(&self) -> Mode {
        self.attrs.mode
    }

    /// The struct's name without `r#`, for messages and generated names.
    pub fn name(&self) -> String {
        syn::ext::IdentExt::unraw(self.ident).to_string()
    }
}

impl Field<'_> {
    /// The field's name without `r#` (for messages, setter names and `Error::field`).
    pub fn name(&self) -> String {
        match &self.member {
            Member::Named(i) => syn::ext::IdentExt::unraw(i).to_string(),
            Member::Unnamed(i) => i.index.to_string(),
        }
    }

    pub fn ty_string(&self) -> String {
        self.ty.to_token_stream().to_string().replace(' ', "")
    }
}

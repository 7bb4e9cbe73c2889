//! The `#[lake(...)]` grammar, parsed with `parse_nested_meta`.
//!
//! ```text
//! container: packet | pool | zeroed | bytes | no_aliases | crate = "path" | check = path
//! field:     length(total | payload, min = N, max = N) | bits(name = W, ...)
//!            | value = N | value(sub = N, ...) | header_len([sub,] scale = N)
//! ```
//!
//! Every key is spanned; unknown keys get a "did you mean"; duplicates are reported on the
//! second occurrence.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Ident, LitInt, LitStr, Path};

use crate::ctxt::Ctxt;

const CONTAINER_KEYS: &[&str] = &[
    "packet",
    "pool",
    "zeroed",
    "bytes",
    "no_aliases",
    "crate",
    "check",
];
const FIELD_KEYS: &[&str] = &["length", "bits", "value", "header_len"];

/// A value with the span of the key that set it, so later checks can point at it.
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Sets `slot` once; a second setting is reported at its key.
fn set<T>(cx: &Ctxt, slot: &mut Option<Spanned<T>>, key: &str, span: Span, value: T) {
    if slot.is_some() {
        cx.error_at(span, format!("duplicate lake attribute `{key}`"));
    } else {
        *slot = Some(Spanned { value, span });
    }
}

/// Which code the derive generates. One value rather than a `packet` flag and a `pool` flag, so
/// a struct that is both cannot be represented: the parser reports the second mode key instead.
#[derive(Clone, Copy, Debug, Default)]
pub enum Mode {
    /// No mode key: arena constructors (`new_in`, `try_new_in`, …).
    #[default]
    Plain,
    /// `#[lake(packet)]` or `#[lake::packet]`.
    Packet,
    /// `#[lake(pool)]`, with the key's span: `#[lake::packet]` reports the conflict there.
    Pool(Span),
}

impl Mode {
    /// The attribute key that selects this mode (`None` for plain structs).
    fn key(self) -> Option<&'static str> {
        match self {
            Mode::Plain => None,
            Mode::Packet => Some("packet"),
            Mode::Pool(_) => Some("pool"),
        }
    }
}

/// Sets the mode once: a repeated key is a duplicate, a different one a conflict, each
/// reported at the second key.
fn set_mode(cx: &Ctxt, slot: &mut Mode, new: Mode, span: Span) {
    match (slot.key(), new.key()) {
        (None, _) => *slot = new,
        (Some(old), Some(key)) if old == key => {
            cx.error_at(span, format!("duplicate lake attribute `{key}`"));
        }
        (Some(_), _) => cx.error_at(span, MODE_CONFLICT),
    }
}

const MODE_CONFLICT: &str =
    "conflicting lake modes: a struct is a `packet` or a `pool` type, not both";

#[derive(Default)]
pub struct ContainerAttrs {
    pub mode: Mode,
    pub zeroed: Option<Spanned<()>>,
    pub bytes: Option<Spanned<()>>,
    pub no_aliases: Option<Spanned<()>>,
    pub krate: Option<Spanned<Path>>,
    pub check: Option<Spanned<Path>>,
}

impl ContainerAttrs {
    /// For `#[lake::packet]`, which is a packet whatever the keys say: a redundant
    /// `#[lake(packet)]` is accepted, `#[lake(pool)]` is a conflict (reported at its key).
    pub fn imply_packet(&mut self, cx: &Ctxt) {
        match self.mode {
            Mode::Packet => {}
            Mode::Plain => self.mode = Mode::Packet,
            Mode::Pool(span) => {
                cx.error_at(span, MODE_CONFLICT);
                self.mode = Mode::Packet;
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LengthKind {
    Total,
    Payload,
}

#[derive(Clone)]
pub struct Length {
    pub kind: LengthKind,
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Clone)]
pub enum Value {
    /// `value = N`: the whole field.
    Whole(u64),
    /// `value(sub = N, ...)`: bit sub-fields.
    Subs(Vec<(Ident, u64)>),
}

#[derive(Clone)]
pub struct HeaderLen {
    pub sub: Option<Ident>,
    pub scale: Spanned<u64>,
}

/// One `name = width` of `bits(..)`.
pub type BitField = (Ident, Spanned<u32>);

#[derive(Default)]
pub struct FieldAttrs {
    pub length: Option<Spanned<Length>>,
    /// `(name, width)` in declaration order: most significant first.
    pub bits: Option<Spanned<Vec<BitField>>>,
    pub value: Option<Spanned<Value>>,
    pub header_len: Option<Spanned<HeaderLen>>,
}

impl FieldAttrs {
    /// The spans of every key present, for "not allowed here" errors.
    pub fn spans(&self) -> Vec<(&'static str, Span)> {
        let mut out = Vec::new();
        if let Some(s) = &self.length {
            out.push(("length", s.span));
        }
        if let Some(s) = &self.bits {
            out.push(("bits", s.span));
        }
        if let Some(s) = &self.value {
            out.push(("value", s.span));
        }
        if let Some(s) = &self.header_len {
            out.push(("header_len", s.span));
        }
        out
    }
}

/// The edit distance between two short identifiers (for "did you mean").
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "did you mean `x`? " for the closest of `candidates` within two edits, else "".
fn suggest(found: &str, candidates: &[&str]) -> String {
    candidates
        .iter()
        .map(|c| (distance(found, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

fn expected_list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(|i| syn::ext::IdentExt::unraw(i).to_string())
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

fn parse_u64(meta: &ParseNestedMeta<'_>) -> syn::Result<u64> {
    let lit: LitInt = meta.value()?.parse()?;
    lit.base10_parse::<u64>()
}

/// Is this one of our attributes?
pub fn is_lake(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("lake")
}

pub fn parse_container(cx: &Ctxt, attrs: &[syn::Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|a| is_lake(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let key = key_name(&meta);
            match key.as_str() {
                "packet" => set_mode(cx, &mut out.mode, Mode::Packet, span),
                "pool" => set_mode(cx, &mut out.mode, Mode::Pool(span), span),
                "zeroed" => set(cx, &mut out.zeroed, "zeroed", span, ()),
                "bytes" => set(cx, &mut out.bytes, "bytes", span, ()),
                "no_aliases" => set(cx, &mut out.no_aliases, "no_aliases", span, ()),
                "crate" => {
                    let value = meta.value().map_err(|_| {
                        meta.error("`crate` requires a path: #[lake(crate = \"path::to::lake\")]")
                    })?;
                    let lit: LitStr = value.parse().map_err(|e| {
                        syn::Error::new(e.span(), "`crate` requires a path in a string: #[lake(crate = \"path::to::lake\")]")
                    })?;
                    let path: Path = lit.parse().map_err(|_| {
                        syn::Error::new(lit.span(), format!("`crate` requires a path; `{}` is not one", lit.value()))
                    })?;
                    set(cx, &mut out.krate, "crate", span, path);
                }
                "check" => {
                    let path: Path = meta.value()?.parse().map_err(|e| {
                        syn::Error::new(e.span(), "`check` requires a function path: #[lake(check = my_check)]")
                    })?;
                    set(cx, &mut out.check, "check", span, path);
                }
                k if FIELD_KEYS.contains(&k) => {
                    cx.error_at(span, format!("`{k}` is a field attribute; put #[lake({k}(..))] on the field it describes"));
                    skip_rest(&meta)?;
                }
                k => {
                    cx.error_at(
                        span,
                        format!(
                            "unknown lake attribute `{k}`{} (expected one of {})",
                            suggest(k, CONTAINER_KEYS),
                            expected_list(CONTAINER_KEYS)
                        ),
                    );
                    skip_rest(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

/// Consumes `= value` or `(...)` after an unknown key so parsing continues with the next key.
fn skip_rest(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _: proc_macro2::Group = meta.input.parse()?;
    }
    Ok(())
}

pub fn parse_field(cx: &Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| is_lake(a)) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let key = key_name(&meta);
            match key.as_str() {
                "length" => {
                    let length = parse_length(cx, &meta)?;
                    set(cx, &mut out.length, "length", span, length);
                }
                "bits" => {
                    let mut subs = Vec::new();
                    meta.parse_nested_meta(|sub| {
                        let name = sub.path.require_ident()?.clone();
                        let lit: LitInt = sub.value()?.parse()?;
                        let width = lit.base10_parse::<u32>()?;
                        subs.push((name, Spanned { value: width, span: lit.span() }));
                        Ok(())
                    })?;
                    set(cx, &mut out.bits, "bits", span, subs);
                }
                "value" => {
                    let value = if meta.input.peek(syn::Token![=]) {
                        Value::Whole(parse_u64(&meta)?)
                    } else {
                        let mut subs = Vec::new();
                        meta.parse_nested_meta(|sub| {
                            let name = sub.path.require_ident()?.clone();
                            subs.push((name, parse_u64(&sub)?));
                            Ok(())
                        })?;
                        Value::Subs(subs)
                    };
                    set(cx, &mut out.value, "value", span, value);
                }
                "header_len" => {
                    let mut sub = None;
                    let mut scale = None;
                    meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("scale") {
                            let lit: LitInt = inner.value()?.parse()?;
                            scale = Some(Spanned { value: lit.base10_parse::<u64>()?, span: lit.span() });
                        } else if inner.input.is_empty() || inner.input.peek(syn::Token![,]) {
                            sub = Some(inner.path.require_ident()?.clone());
                        } else {
                            return Err(inner.error("expected a bit sub-field name or `scale = N`"));
                        }
                        Ok(())
                    })?;
                    let Some(scale) = scale else {
                        return Err(meta.error(
                            "header_len needs `scale = N`: the header length is the field value × N bytes (IPv4: header_len(ihl, scale = 4))",
                        ));
                    };
                    set(cx, &mut out.header_len, "header_len", span, HeaderLen { sub, scale });
                }
                k if CONTAINER_KEYS.contains(&k) => {
                    cx.error_at(span, format!("`{k}` is a container attribute; put #[lake({k})] on the struct"));
                    skip_rest(&meta)?;
                }
                k => {
                    cx.error_at(
                        span,
                        format!(
                            "unknown lake field attribute `{k}`{} (expected one of {})",
                            suggest(k, FIELD_KEYS),
                            expected_list(FIELD_KEYS)
                        ),
                    );
                    skip_rest(&meta)?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

fn parse_length(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Length> {
    let mut kind: Option<LengthKind> = None;
    let mut min = None;
    let mut max = None;
    meta.parse_nested_meta(|inner| {
        let key = key_name(&inner);
        match key.as_str() {
            "total" | "payload" => {
                if kind.is_some() {
                    return Err(inner.error("give one of `total` or `payload`, not both"));
                }
                kind = Some(if key == "total" { LengthKind::Total } else { LengthKind::Payload });
            }
            "min" => min = Some(parse_u64(&inner)?),
            "max" => max = Some(parse_u64(&inner)?),
            other => {
                return Err(inner.error(format!(
                    "unknown length argument `{other}`{} (expected `total`, `payload`, `min = N` or `max = N`)",
                    suggest(other, &["total", "payload", "min", "max"])
                )))
            }
        }
        Ok(())
    })?;
    let Some(kind) = kind else {
        return Err(meta.error(
            "say what the length counts: length(total) for header + payload bytes, length(payload) for payload bytes",
        ));
    };
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            cx.error_at(
                meta.path.span(),
                format!("length min = {lo} is greater than max = {hi}"),
            );
        }
    }
    Ok(Length { kind, min, max })
}

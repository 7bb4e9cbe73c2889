//! Validation: one function per rule, each recording its errors in the `Ctxt` so all are
//! reported together, each spanned on the token to change.

use std::collections::HashMap;

use syn::spanned::Spanned;

use crate::ast::{Input, Style, Wire};
use crate::attr::{Mode, Value};
use crate::ctxt::Ctxt;

/// Names the views define themselves; a getter with one of these names would be shadowed by
/// the view's own method and silently unreachable through a view.
const VIEW_METHODS: &[&str] = &[
    "header",
    "options",
    "options_mut",
    "payload",
    "payload_mut",
    "header_len",
    "as_bytes",
    "as_view",
    "finish",
    "extent",
    "parse",
    "parse_mut",
    "new_in",
];

/// Runs every rule that applies to the input's mode. A struct that is both a packet and a pool
/// cannot reach here: the parsed form holds one [`Mode`], and the parser reports the second key.
pub fn check(cx: &Ctxt, input: &Input<'_>) {
    match input.mode() {
        Mode::Packet => {
            packet_repr(cx, input);
            packet_shape(cx, input);
            packet_field_types(cx, input);
            packet_field_names(cx, input);
            at_most_one(cx, input);
            bits_rules(cx, input);
            value_rules(cx, input);
            header_len_rules(cx, input);
            length_rules(cx, input);
            no_zeroed(cx, input, "packet");
            no_bytes(cx, input, "packet", "views already have `as_bytes()`");
        }
        Mode::Pool(_) => {
            no_generics(cx, input, "pool handles");
            no_field_attrs(cx, input, "#[lake(pool)] structs");
            no_bytes(
                cx,
                input,
                "pool",
                "a pool value is reached through the pool",
            );
            no_packet_only(cx, input);
        }
        Mode::Plain => {
            no_field_attrs(
                cx,
                input,
                "plain #[derive(LakeAlloc)] structs (add #[lake(packet)] or use #[lake::packet])",
            );
            no_packet_only(cx, input);
        }
    }
}

/// Error when `#[lake(bytes)]` is present: `what` types (packets, pools) have no `as_bytes`
/// from the derive, `why` says what to use instead.
fn no_bytes(cx: &Ctxt, input: &Input<'_>, what: &str, why: &str) {
    if let Some(b) = &input.attrs.bytes {
        cx.error_at(
            b.span,
            format!("`bytes` does not apply to {what} types; {why}"),
        );
    }
}

/// Error when `#[lake(zeroed)]` is present on a `what` type (packets: `new_in` already zeroes).
fn no_zeroed(cx: &Ctxt, input: &Input<'_>, what: &str) {
    if let Some(z) = &input.attrs.zeroed {
        cx.error_at(
            z.span,
            format!(
                "`zeroed` does not apply to {what} types; `new_in` already returns zeroed bytes"
            ),
        );
    }
}

/// Error for each packet-only container key present (`check`, `no_aliases`) on a non-packet.
fn no_packet_only(cx: &Ctxt, input: &Input<'_>) {
    if let Some(c) = &input.attrs.check {
        cx.error_at(c.span, "`check` applies only to packets (#[lake::packet])");
    }
    if let Some(c) = &input.attrs.no_aliases {
        cx.error_at(
            c.span,
            "`no_aliases` applies only to packets (#[lake::packet])",
        );
    }
}

/// Error for every field attribute (`length`, `bits`, `value`, `header_len`) on any field of
/// a non-packet (`what` names the kind of struct).
fn no_field_attrs(cx: &Ctxt, input: &Input<'_>, what: &str) {
    for f in &input.fields {
        for (key, span) in f.attrs.spans() {
            cx.error_at(
                span,
                format!("`{key}` applies only to packet fields, not to {what}"),
            );
        }
    }
}

/// Error when the struct has any generic parameter (lifetime, type or const); `what` names the
/// kind of struct that cannot be generic.
fn no_generics(cx: &Ctxt, input: &Input<'_>, what: &str) {
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            input.generics,
            format!("generic {what} are not supported by lake yet"),
        );
    }
}

/// Packets: error on `repr(packed)` and on `repr(align(N))` (a packet has alignment 1), on
/// `repr(transparent)`, and otherwise on a missing `repr(C)` (the field order must be the wire
/// order).
fn packet_repr(cx: &Ctxt, input: &Input<'_>) {
    let r = &input.repr;
    if let Some(span) = r.packed {
        cx.error_at(span, "#[repr(packed)] is not supported on lake packets: every packet field already has alignment 1, so use #[repr(C)] alone");
    }
    if let Some(span) = r.align {
        cx.error_at(span, "#[repr(align(N))] is not supported on lake packets: a packet must have alignment 1 to sit at any offset in a frame");
    }
    if let Some(span) = r.transparent {
        cx.error_at(
            span,
            "lake packets must be #[repr(C)], not #[repr(transparent)]",
        );
    } else if r.c.is_none() {
        cx.error_at(input.ident.span(), "lake packets must be #[repr(C)] so the field order is the wire order; add #[repr(C)] to the struct");
    }
}

/// Packets: no generics, named fields only (the accessors are named after them), and at least
/// one field.
fn packet_shape(cx: &Ctxt, input: &Input<'_>) {
    no_generics(cx, input, "packets");
    match input.style {
        Style::Named if input.fields.is_empty() => cx.error_at(
            input.ident.span(),
            "a lake packet needs at least one field (a zero-sized header cannot be viewed)",
        ),
        Style::Named => {}
        Style::Tuple | Style::Unit => cx.error_at(
            input.ident.span(),
            "lake packets need named fields: the getters and setters are named after them",
        ),
    }
}

/// Packets: error on every field whose syntactic type is not bytes stored in the packet: a
/// native multi-byte integer, float, `bool` or `char`; `usize`/`isize`; a reference, pointer,
/// trait object, `impl Trait`, function pointer or tuple; a slice (a declared payload).
/// Type aliases are not seen through here; zerocopy's bounds on the expansion catch them.
fn packet_field_types(cx: &Ctxt, input: &Input<'_>) {
    for f in &input.fields {
        match &f.wire {
            Wire::Native(name) => {
                let upper = name.to_uppercase();
                let msg = match name.as_str() {
                    "bool" => "packet field has type `bool`, which not every byte is a valid value of; use `u8` and compare with 0".to_owned(),
                    "char" => "packet field has type `char`; use `lake::be::U32` and `char::from_u32`".to_owned(),
                    "f32" | "f64" => format!("packet field has native-endian type `{name}`; store the bits as `lake::be::U{}` and convert with `{name}::from_bits`", &name[1..]),
                    _ => format!("packet field has native-endian type `{name}`; the byte order must be explicit: use `lake::be::{upper}` (network order) or `lake::le::{upper}`"),
                };
                cx.error_spanned_by(f.ty, msg);
            }
            Wire::PlatformSized(name) => cx.error_spanned_by(
                f.ty,
                format!("packet field has platform-sized type `{name}`; use a fixed-width wire integer such as `lake::be::U32` or `lake::be::U64`"),
            ),
            Wire::NotOwnedBytes(what) => cx.error_spanned_by(
                f.ty,
                format!("packet field `{}` is {what}; packet fields must be bytes stored in the packet (`u8`, `[u8; N]`, `lake::be::*`, nested packets)", f.name()),
            ),
            Wire::Slice => cx.error_spanned_by(
                f.ty,
                "do not declare the trailing payload: a packet struct is its header only; views give the rest as `payload()`",
            ),
            Wire::Byte { .. } | Wire::Int { .. } | Wire::Bytes | Wire::Nested => {}
        }
    }
}

/// Packets: error when an accessor name (a field or a bit sub-field) is one of the views' own
/// methods ([`VIEW_METHODS`]), or when two accessors share a name.
fn packet_field_names(cx: &Ctxt, input: &Input<'_>) {
    let mut seen: HashMap<String, proc_macro2::Span> = HashMap::new();
    let mut claim = |name: String, span: proc_macro2::Span| {
        if VIEW_METHODS.contains(&name.as_str()) {
            cx.error_at(
                span,
                format!("`{name}` would shadow the view method `{name}()`; rename it"),
            );
        } else if seen.insert(name.clone(), span).is_some() {
            cx.error_at(span, format!("accessor `{name}` is generated twice (a field and a bit sub-field share the name); rename one"));
        }
    };
    for f in &input.fields {
        if f.wire == Wire::Slice {
            continue; // already reported as a declared payload
        }
        claim(f.name(), f.member.span());
        if let Some(bits) = &f.attrs.bits {
            for (sub, _) in &bits.value {
                claim(syn::ext::IdentExt::unraw(sub).to_string(), sub.span());
            }
        }
    }
}

/// Packets: at most one field carries `length(..)` and at most one `header_len(..)`; each
/// extra one is reported.
fn at_most_one(cx: &Ctxt, input: &Input<'_>) {
    let lengths: Vec<_> = input
        .fields
        .iter()
        .filter_map(|f| f.attrs.length.as_ref())
        .collect();
    for extra in lengths.iter().skip(1) {
        cx.error_at(
            extra.span,
            "only one field may carry #[lake(length(..))]; this is the second",
        );
    }
    let hls: Vec<_> = input
        .fields
        .iter()
        .filter_map(|f| f.attrs.header_len.as_ref())
        .collect();
    for extra in hls.iter().skip(1) {
        cx.error_at(
            extra.span,
            "only one field may carry #[lake(header_len(..))]; this is the second",
        );
    }
}

/// Not a rule on its own: the width of `f` when it is an unsigned wire integer (`u8`,
/// `be`/`le` `U16`/`U32`/`U64`), else an error saying `key` needs one, and `None`.
fn uint_field(cx: &Ctxt, f: &crate::ast::Field<'_>, key: &str) -> Option<u32> {
    let bits = f.wire.uint_bits();
    if bits.is_none() {
        cx.error_spanned_by(
            f.ty,
            format!("#[lake({key}(..))] needs an unsigned wire integer field (`u8`, `lake::be::U16`, `U32`, `U64` or their `le` twins), not `{}`", f.ty_string()),
        );
    }
    bits
}

/// Packets, each field with `bits(..)`: the field is an unsigned wire integer, no sub-field
/// has width 0, and the widths sum to exactly the field's width.
fn bits_rules(cx: &Ctxt, input: &Input<'_>) {
    for f in &input.fields {
        let Some(bits) = &f.attrs.bits else { continue };
        let Some(width) = uint_field(cx, f, "bits") else {
            continue;
        };
        let mut sum = 0u32;
        for (name, w) in &bits.value {
            if w.value == 0 {
                cx.error_at(w.span, format!("bit field `{name}` has width 0"));
            }
            sum = sum.saturating_add(w.value);
        }
        if sum != width {
            cx.error_at(
                bits.span,
                format!("bit widths sum to {sum}, field `{}` has {width} bits; list every sub-field, most significant first", f.name()),
            );
        }
    }
}

/// Packets, each field with a constant: `value = N` only on a field without `bits(..)`, of
/// unsigned wire integer type, that is not the length field, with `N` fitting its width;
/// `value(sub = N, ..)` only on a field with `bits(..)`, naming its sub-fields, each `N`
/// fitting that sub-field's width.
fn value_rules(cx: &Ctxt, input: &Input<'_>) {
    for f in &input.fields {
        let Some(value) = &f.attrs.value else {
            continue;
        };
        match &value.value {
            Value::Whole(v) => {
                if f.attrs.bits.is_some() {
                    cx.error_at(
                        value.span,
                        "this field has bit sub-fields; give their constants as value(sub = N)",
                    );
                } else if let Some(bits) = uint_field(cx, f, "value") {
                    if f.attrs.length.is_some() {
                        cx.error_at(
                            value.span,
                            "a length field cannot also have a constant value",
                        );
                    }
                    if bits < 64 && *v >= 1u64 << bits {
                        cx.error_at(
                            value.span,
                            format!(
                                "value {v} does not fit in the {bits}-bit field `{}`",
                                f.name()
                            ),
                        );
                    }
                }
            }
            Value::Subs(subs) => {
                let Some(bits) = &f.attrs.bits else {
                    cx.error_at(value.span, "value(sub = N) names bit sub-fields; declare them with bits(..) on this field, or use value = N");
                    continue;
                };
                for (name, v) in subs {
                    match bits.value.iter().find(|(b, _)| b == name) {
                        None => cx.error_spanned_by(
                            name,
                            format!("`{name}` is not a bit sub-field of `{}`", f.name()),
                        ),
                        Some((_, w)) if w.value < 64 && *v >= 1u64 << w.value => cx
                            .error_spanned_by(
                                name,
                                format!(
                                    "value {v} does not fit in the {}-bit sub-field `{name}`",
                                    w.value
                                ),
                            ),
                        Some(_) => {}
                    }
                }
            }
        }
    }
}

/// Packets, each field with `header_len(..)`: `scale` is at least 1; a named sub-field exists
/// in this field's `bits(..)`; a field with `bits(..)` must name one; a field without must be
/// an unsigned wire integer; and the field is not also the length field.
fn header_len_rules(cx: &Ctxt, input: &Input<'_>) {
    for f in &input.fields {
        let Some(hl) = &f.attrs.header_len else {
            continue;
        };
        if hl.value.scale.value == 0 {
            cx.error_at(hl.value.scale.span, "scale must be at least 1");
        }
        match (&hl.value.sub, &f.attrs.bits) {
            (Some(sub), Some(bits)) => {
                if !bits.value.iter().any(|(b, _)| b == sub) {
                    cx.error_spanned_by(sub, format!("`{sub}` is not a bit sub-field of `{}`", f.name()));
                }
            }
            (Some(sub), None) => cx.error_spanned_by(
                sub,
                "header_len names a bit sub-field, but this field has no bits(..); drop the name to use the whole field",
            ),
            (None, Some(_)) => cx.error_at(hl.span, "this field has bit sub-fields; name the one holding the header length: header_len(sub, scale = N)"),
            (None, None) => {
                uint_field(cx, f, "header_len");
            }
        }
        if f.attrs.length.is_some() {
            cx.error_at(
                hl.span,
                "one field cannot be both the length and the header length",
            );
        }
    }
}

/// Packets, each field with `length(..)`: it is an unsigned wire integer without `bits(..)`.
fn length_rules(cx: &Ctxt, input: &Input<'_>) {
    for f in &input.fields {
        if f.attrs.length.is_some() {
            uint_field(cx, f, "length");
            if let Some(b) = &f.attrs.bits {
                cx.error_at(b.span, "a length field cannot have bit sub-fields");
            }
        }
    }
}

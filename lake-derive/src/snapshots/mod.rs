//! Expansion snapshots: each case expands a struct with the derive's own functions, formats
//! the output with `rustfmt` and compares it with `src/snapshots/<case>.expected.rs`. A change
//! in generated code is then a reviewed diff. Bless with `LAKE_BLESS=1 cargo test -p
//! lake-derive`. `tests/expansions_compile.rs` compiles those files as Rust and runs them, so a
//! blessed snapshot is also known to build against lake.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use proc_macro2::TokenStream;
use quote::quote;

fn format(tokens: &TokenStream) -> String {
    let source = tokens.to_string();
    let formatted = Command::new("rustfmt")
        .args(["--edition", "2021"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("piped")
                .write_all(source.as_bytes())?;
            child.wait_with_output()
        })
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok());
    formatted.unwrap_or_else(|| {
        panic!("rustfmt is needed for expansion snapshots (or it rejected:\n{source})")
    })
}

fn snapshot(case: &str, tokens: TokenStream) -> String {
    let actual = format(&tokens);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/snapshots")
        .join(format!("{case}.expected.rs"));
    if std::env::var_os("LAKE_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    } else {
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("no snapshot {}; run with LAKE_BLESS=1", path.display()));
        assert!(
            expected == actual,
            "expansion of `{case}` changed; review and bless with LAKE_BLESS=1.\n--- expected\n{expected}\n--- actual\n{actual}"
        );
    }
    actual
}

fn derive(input: TokenStream) -> TokenStream {
    crate::expand::derive(&syn::parse2(input).unwrap())
}

fn packet(input: TokenStream) -> TokenStream {
    crate::expand::packet_attribute(TokenStream::new(), syn::parse2(input).unwrap())
}

/// No expansion may contain `unsafe`: users with `#![forbid(unsafe_code)]` must compile it.
fn assert_no_unsafe(out: &str) {
    assert!(
        !out.contains("unsafe"),
        "expansion contains `unsafe`:\n{out}"
    );
}

#[test]
fn plain() {
    let out = snapshot(
        "plain",
        derive(quote! {
            pub struct Particle { pub pos: [f32; 3], pub id: u32 }
        }),
    );
    assert_no_unsafe(&out);
}

#[test]
fn plain_generic_tuple_zeroed() {
    let out = snapshot(
        "plain_generic_tuple_zeroed",
        derive(quote! {
            #[lake(zeroed)]
            pub struct Pair<T: Copy>(pub T, u8);
        }),
    );
    assert_no_unsafe(&out);
}

#[test]
fn pool() {
    let out = snapshot(
        "pool",
        derive(quote! {
            #[lake(pool)]
            pub(crate) struct Conn { fd: i32 }
        }),
    );
    assert_no_unsafe(&out);
}

#[test]
fn packet_udp() {
    let out = snapshot(
        "packet_udp",
        packet(quote! {
            #[repr(C)]
            pub struct UdpHeader {
                pub src_port: U16,
                pub dst_port: U16,
                #[lake(length(total, min = 8))]
                pub length: U16,
                pub checksum: U16,
            }
        }),
    );
    assert_no_unsafe(&out);
}

#[test]
fn packet_ipv4() {
    let out = snapshot(
        "packet_ipv4",
        packet(quote! {
            #[repr(C)]
            #[lake(check = ipv4_ok, no_aliases)]
            pub struct Ipv4 {
                #[lake(bits(version = 4, ihl = 4), value(version = 4), header_len(ihl, scale = 4))]
                pub ver_ihl: u8,
                #[lake(value = 7)]
                pub tos: u8,
                #[lake(length(total, min = 20, max = 1500))]
                pub total_len: U16,
                pub rest: [u8; 16],
            }
        }),
    );
    assert_no_unsafe(&out);
}

#[test]
fn renamed_crate_leaves_no_lake_path() {
    let out = snapshot(
        "renamed_crate",
        packet(quote! {
            #[repr(C)]
            #[lake(crate = "my::lake_dep")]
            pub struct Tag { #[lake(length(payload))] pub len: u8 }
        }),
    );
    assert!(!out.contains("::lake::"), "{out}");
    assert!(out.contains("my::lake_dep::__private::zerocopy"), "{out}");
    let out = format(&derive(quote! {
        #[lake(crate = "my::lake_dep")]
        pub struct P { a: u8 }
    }));
    assert!(!out.contains("::lake::"), "{out}");
}

#[test]
fn errors_are_reported_together_and_the_item_is_kept_bare() {
    let out = format(&packet(quote! {
        #[lake(pakcet)]
        pub struct Hdr { pub a: u32, #[lake(length(totl))] pub b: bool }
    }));
    // Every problem at once: the key typo, the length typo, the missing repr, both field types.
    assert_eq!(out.matches("compile_error").count(), 5, "{out}");
    assert!(out.contains("`totl`; did you mean `total`?"), "{out}");
    assert!(out.contains("did you mean `packet`?"), "{out}");
    // The struct is re-emitted without lake attributes and without zerocopy derives, so the
    // only errors are ours.
    assert!(!out.contains("#[lake"), "{out}");
    assert!(!out.contains("zerocopy"), "{out}");
}

/// The `compile_error!` messages of an expansion, in order.
fn errors(out: &TokenStream) -> Vec<String> {
    let text = out.to_string();
    text.split("compile_error !")
        .skip(1)
        .map(|rest| {
            let start = rest.find('"').expect("message string") + 1;
            let end = start + rest[start..].find('"').expect("closing quote");
            rest[start..end].to_owned()
        })
        .collect()
}

const CONFLICT: &str = "conflicting lake modes: a struct is a `packet` or a `pool` type, not both";

#[test]
fn a_second_mode_key_is_a_conflict_in_either_order() {
    for attr in [
        quote!(#[lake(packet, pool)]),
        quote!(#[lake(pool)] #[lake(packet)]),
    ] {
        let out = derive(quote! { #attr #[repr(C)] pub struct Hdr { pub a: u8 } });
        assert_eq!(errors(&out), [CONFLICT], "{attr}");
    }
}

#[test]
fn a_repeated_mode_key_is_a_duplicate() {
    let out = derive(quote! { #[lake(pool, pool)] pub struct Conn { fd: i32 } });
    assert_eq!(errors(&out), ["duplicate lake attribute `pool`"]);
}

#[test]
fn the_packet_attribute_accepts_a_redundant_packet_key_and_rejects_pool() {
    let redundant = packet(quote! {
        #[lake(packet)]
        #[repr(C)]
        pub struct Hdr { pub a: u8 }
    });
    assert!(errors(&redundant).is_empty(), "{redundant}");
    assert!(redundant.to_string().contains("fn parse"), "{redundant}");
    let pool = packet(quote! {
        #[lake(pool)]
        #[repr(C)]
        pub struct Hdr { pub a: u8 }
    });
    assert_eq!(errors(&pool), [CONFLICT]);
}

#[test]
fn a_pool_gets_the_pool_rules_not_the_packet_ones() {
    // A packet rule (repr(C)) must not fire; the pool rules (no generics, no field attrs) do.
    let out = derive(quote! {
        #[lake(pool)]
        pub struct Slot<T> { #[lake(length(total))] pub t: T }
    });
    assert_eq!(
        errors(&out),
        [
            "generic pool handles are not supported by lake yet",
            "`length` applies only to packet fields, not to #[lake(pool)] structs",
        ]
    );
}

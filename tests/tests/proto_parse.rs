//! `parse` of every protocol in `lake_examples::proto` on arbitrary bytes: it never panics,
//! at every length 0..=128, and it accepts exactly what an independent, hand-written
//! reference validator of the RFC rules accepts, splitting header / options / payload / rest
//! at the same places.
//!
//! Purely random bytes almost never make a valid IPv4 or UDP header, so half the cases are
//! "nudged": the fields `parse` checks (version, IHL, lengths) are overwritten with small,
//! often-valid values before the prefixes are tried.

use lake_examples::proto::{
    EthernetHeader, IcmpHeader, Icmpv6Header, Ipv4Header, Ipv6Header, TcpHeader, UdpHeader,
};
use proptest::prelude::*;

/// What a reference validator says about a buffer: `(header_len, packet_len)`, i.e. the
/// options are `buf[fixed..header_len]`, the payload `buf[header_len..packet_len]`, the rest
/// `buf[packet_len..]`.
type Split = Option<(usize, usize)>;

fn be16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_be_bytes([b[at], b[at + 1]]))
}

fn ethernet_ref(b: &[u8]) -> Split {
    (b.len() >= 14).then_some((14, b.len()))
}

fn ipv4_ref(b: &[u8]) -> Split {
    if b.len() < 20 || b[0] >> 4 != 4 {
        return None;
    }
    let hl = usize::from(b[0] & 0x0f) * 4;
    let total = be16(b, 2);
    (hl >= 20 && hl <= total && total <= b.len()).then_some((hl, total))
}

fn ipv6_ref(b: &[u8]) -> Split {
    if b.len() < 40 || b[0] >> 4 != 6 {
        return None;
    }
    let total = 40 + be16(b, 4);
    (total <= b.len()).then_some((40, total))
}

fn tcp_ref(b: &[u8]) -> Split {
    if b.len() < 20 {
        return None;
    }
    let hl = usize::from(b[12] >> 4) * 4;
    (hl >= 20 && hl <= b.len()).then_some((hl, b.len()))
}

fn udp_ref(b: &[u8]) -> Split {
    if b.len() < 8 {
        return None;
    }
    let len = be16(b, 4);
    (len >= 8 && len <= b.len()).then_some((8, len))
}

fn icmp_ref(b: &[u8]) -> Split {
    (b.len() >= 8).then_some((8, b.len()))
}

/// Parses `buf` with the view and compares with `reference`: same accept/reject, same split.
macro_rules! check {
    ($ty:ty, $reference:expr, $fixed:expr, $buf:expr) => {{
        let buf: &[u8] = $buf;
        let want: Split = $reference(buf);
        match (<$ty>::parse(buf), want) {
            (Ok((view, rest)), Some((header_len, packet_len))) => {
                let name = stringify!($ty);
                assert_eq!(
                    view.header_len(),
                    header_len,
                    "{name} header_len on {buf:02x?}"
                );
                assert_eq!(view.options(), &buf[$fixed..header_len], "{name} options");
                assert_eq!(
                    view.payload(),
                    &buf[header_len..packet_len],
                    "{name} payload"
                );
                assert_eq!(view.as_bytes(), &buf[..packet_len], "{name} bytes");
                assert_eq!(rest, &buf[packet_len..], "{name} rest");
            }
            (Err(e), None) => {
                // The error names the packet and renders.
                assert_eq!(e.packet, stringify!($ty));
                assert!(!e.to_string().is_empty());
            }
            (got, want) => panic!(
                "{}: parse says {:?}, the reference says {want:?}, on {buf:02x?}",
                stringify!($ty),
                got.map(|(v, r)| (v.header_len(), v.as_bytes().len(), r.len()))
            ),
        }
    }};
}

/// Prefix lengths tried under miri, where every length of every case would take too long: the
/// lengths next to each protocol's fixed size and the sizes the nudged fields produce.
const MIRI_LENGTHS: [usize; 16] = [0, 7, 8, 9, 13, 14, 19, 20, 21, 24, 39, 40, 41, 64, 127, 128];

/// Every prefix `0..=128` of `bytes` (under miri: the [`MIRI_LENGTHS`]), for every protocol.
fn check_all_prefixes(bytes: &[u8]) {
    let lengths: Vec<usize> = if cfg!(miri) {
        MIRI_LENGTHS.to_vec()
    } else {
        (0..=bytes.len()).collect()
    };
    for n in lengths {
        let b = &bytes[..n];
        check!(EthernetHeader, ethernet_ref, 14, b);
        check!(Ipv4Header, ipv4_ref, 20, b);
        check!(Ipv6Header, ipv6_ref, 40, b);
        check!(TcpHeader, tcp_ref, 20, b);
        check!(UdpHeader, udp_ref, 8, b);
        check!(IcmpHeader, icmp_ref, 8, b);
        check!(Icmpv6Header, icmp_ref, 8, b);
    }
}

/// A 128-byte buffer, half the time with the checked fields of one protocol set to small
/// values (`which` picks the protocol), so that prefixes of every length hit both sides of
/// each length check.
fn buffer() -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec(any::<u8>(), 128),
        0u8..8,
        any::<u16>(),
        any::<u8>(),
    )
        .prop_map(|(mut b, which, small, nibble)| {
            let len = small % 140;
            match which {
                0 => {
                    // IPv4: version 4 (mostly), IHL around 5..=15, total_len 0..140.
                    let version = if nibble & 0x80 != 0 { 4 } else { nibble >> 4 };
                    b[0] = (version << 4) | (nibble & 0x0f);
                    b[2..4].copy_from_slice(&len.to_be_bytes());
                }
                1 => {
                    // IPv6: version 6, payload_len 0..140.
                    let version = if nibble & 0x80 != 0 { 6 } else { nibble >> 4 };
                    b[0] = (version << 4) | (b[0] & 0x0f);
                    b[4..6].copy_from_slice(&len.to_be_bytes());
                }
                2 => b[12] = nibble, // TCP data offset: any nibble
                3 => b[4..6].copy_from_slice(&len.to_be_bytes()), // UDP length 0..140
                _ => {}              // fully random
            }
            b
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 2 } else { 512 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_matches_the_reference_at_every_length(bytes in buffer()) {
        check_all_prefixes(&bytes);
    }
}

/// The edges the random cases may miss, spelled out (fewer IPv4 combinations under miri).
#[test]
fn boundary_values() {
    let mut b = vec![0u8; 128];
    let ver_ihls: &[u8] = if cfg!(miri) {
        &[0x44, 0x46, 0x65]
    } else {
        &[0x44, 0x45, 0x46, 0x4f, 0x55, 0x65, 0x05]
    };
    let totals: &[u16] = if cfg!(miri) {
        &[19, 24, 129]
    } else {
        &[0, 19, 20, 23, 24, 60, 127, 128, 129, 0xffff]
    };
    for &ver_ihl in ver_ihls {
        for &total in totals {
            b[0] = ver_ihl;
            b[2..4].copy_from_slice(&total.to_be_bytes());
            check_all_prefixes(&b);
        }
    }
    let mut b = vec![0u8; 128];
    let lens: &[u16] = if cfg!(miri) {
        &[0, 89]
    } else {
        &[0, 1, 87, 88, 89, 0xffff]
    };
    for v in [0x60u8, 0x6f, 0x40, 0x70] {
        for &len in lens {
            b[0] = v;
            b[4..6].copy_from_slice(&len.to_be_bytes());
            check_all_prefixes(&b);
        }
    }
    let mut b = vec![0u8; 128];
    let step = if cfg!(miri) { 5 } else { 1 };
    for off in (0..=15u8).step_by(step) {
        b[12] = off << 4;
        check_all_prefixes(&b);
    }
}

//! **W7**: parse [`FRAMES`](frames::FRAMES) = 100 000 Ethernet II + IPv4 + UDP
//! frames and sum `ip.src (as u32) + udp.dst_port + udp.len` (wrapping `u64`).
//!
//! One *round* parses the whole corpus ([`frames::Frames::w7`]) once. Every contender does the
//! same validation, so they accept and reject exactly the same frames (checked by the unit
//! tests below on a set of malformed frames, not only on the valid corpus):
//!
//! 1. Ethernet: at least 14 bytes; EtherType 0x0800, else the frame is skipped.
//! 2. IPv4, over the bytes after the Ethernet header: at least 20 bytes; version 4;
//!    `ihl × 4 ≥ 20`; `ihl × 4 ≤ total_len ≤ available bytes`; protocol 17 (UDP), else
//!    skipped. The UDP datagram is `ip[ihl × 4 .. total_len]` (Ethernet padding is cut off).
//! 3. UDP, over that datagram: at least 8 bytes; `8 ≤ length ≤ datagram bytes`.
//!
//! That is what the lake views check (`#[lake(value(version = 4))]`,
//! `header_len(ihl, scale = 4)`, `length(total, min = 20)` on IPv4, `length(total, min = 8)`
//! on UDP). Where a peer's own check is laxer, its contender adds the missing test right
//! after the peer's parse, with a comment (smoltcp 0.14 does not reject version ≠ 4;
//! etherparse 0.21 accepts a UDP length of 0). No contender verifies checksums (none of the views
//! does; checksums are a separate helper).
//!
//! Each contender is a `*_fields(frame) -> Option<Fields>` function (inlined into its round)
//! and an `#[inline(never)]` round function, so profiles attribute the cost by name.

pub mod frames;

use std::hint::black_box;

use frames::{Fields, Frames, ETHERTYPE_IPV4, IPPROTO_UDP};

/// W7 contender names, in table order: criterion IDs `w7/<name>`, `callgrind_w7` arguments.
pub const CONTENDERS: [&str; 6] = ["lake", "hand", "zerocopy", "smoltcp", "etherparse", "binrw"];

/// What the ratio column compares with.
pub const REFERENCE: &str = "hand";

/// Not a parser: the loop over the frame index only, reading one byte per frame (callgrind
/// baseline).
pub const BASELINE: &str = "baseline";

/// One contender's round over `frames`, or `None` for an unknown name. [`BASELINE`] is
/// accepted.
pub fn round_fn(name: &str) -> Option<fn(&Frames) -> u64> {
    Some(match name {
        "lake" => round_lake,
        "hand" => round_hand,
        "zerocopy" => round_zerocopy,
        "smoltcp" => round_smoltcp,
        "etherparse" => round_etherparse,
        "binrw" => round_binrw,
        BASELINE => round_baseline,
        _ => return None,
    })
}

/// A per-frame parser: the fields W7 reads, or `None` for a frame it rejects.
pub type FieldsFn = fn(&[u8]) -> Option<Fields>;

/// One contender's per-frame parser, or `None` for an unknown name (tests use these).
pub fn fields_fn(name: &str) -> Option<FieldsFn> {
    Some(match name {
        "lake" => lake_fields,
        "hand" => hand_fields,
        "zerocopy" => zerocopy_fields,
        "smoltcp" => smoltcp_fields,
        "etherparse" => etherparse_fields,
        "binrw" => binrw_fields,
        _ => return None,
    })
}

#[inline(always)]
fn sum_with(frames: &Frames, parse: impl Fn(&[u8]) -> Option<Fields>) -> u64 {
    let mut sum = 0u64;
    for frame in frames.iter() {
        if let Some(f) = parse(black_box(frame)) {
            sum = sum.wrapping_add(f.value());
        }
    }
    sum
}

/// The index loop without parsing: one byte read per frame.
#[inline(never)]
pub fn round_baseline(frames: &Frames) -> u64 {
    let mut sum = 0u64;
    for frame in frames.iter() {
        let frame = black_box(frame);
        sum = sum.wrapping_add(u64::from(frame[0]));
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// lake

/// lake: the `#[lake::packet]` views of `lake_examples::proto`, chained through `payload()`.
/// All the checks of the module docs are the attributes' (`value(version = 4)`,
/// `header_len(ihl, scale = 4)`, `length(total, min = 20)`, `length(total, min = 8)`); only
/// the EtherType and protocol number are compared here.
#[inline(always)]
pub fn lake_fields(f: &[u8]) -> Option<Fields> {
    use lake_examples::proto::{EthernetHeader, Ipv4Header, UdpHeader};
    let (eth, _) = EthernetHeader::parse(f).ok()?;
    if eth.ethertype() != ETHERTYPE_IPV4 {
        return None;
    }
    let (ip, _) = Ipv4Header::parse(eth.payload()).ok()?;
    if ip.proto() != IPPROTO_UDP {
        return None;
    }
    let (udp, _) = UdpHeader::parse(ip.payload()).ok()?;
    Some(Fields {
        src: u32::from_be_bytes(*ip.src()),
        dst_port: udp.dst_port(),
        udp_len: udp.length(),
    })
}

/// W7 with [`lake_fields`].
#[inline(never)]
pub fn round_lake(frames: &Frames) -> u64 {
    sum_with(frames, lake_fields)
}

// ---------------------------------------------------------------------------------------------
// hand-written `from_be_bytes`

/// Hand-written parser: indexing and `u16/u32::from_be_bytes`, checks as in the module docs.
#[inline(always)]
pub fn hand_fields(f: &[u8]) -> Option<Fields> {
    if f.len() < 14 || u16::from_be_bytes([f[12], f[13]]) != ETHERTYPE_IPV4 {
        return None;
    }
    let ip = &f[14..];
    if ip.len() < 20 || ip[0] >> 4 != 4 {
        return None;
    }
    let header_len = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    if header_len < 20 || total < header_len || total > ip.len() || ip[9] != IPPROTO_UDP {
        return None;
    }
    let src = u32::from_be_bytes([ip[12], ip[13], ip[14], ip[15]]);
    let udp = &ip[header_len..total];
    if udp.len() < 8 {
        return None;
    }
    let udp_len = u16::from_be_bytes([udp[4], udp[5]]);
    if udp_len < 8 || usize::from(udp_len) > udp.len() {
        return None;
    }
    Some(Fields {
        src,
        dst_port: u16::from_be_bytes([udp[2], udp[3]]),
        udp_len,
    })
}

/// W7 with [`hand_fields`].
#[inline(never)]
pub fn round_hand(frames: &Frames) -> u64 {
    sum_with(frames, hand_fields)
}

// ---------------------------------------------------------------------------------------------
// zerocopy

mod zc {
    use zerocopy::network_endian::{U16, U32};
    use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

    #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
    #[repr(C)]
    pub struct Ethernet {
        pub dst: [u8; 6],
        pub src: [u8; 6],
        pub ethertype: U16,
    }

    #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
    #[repr(C)]
    pub struct Ipv4 {
        pub ver_ihl: u8,
        pub tos: u8,
        pub total_len: U16,
        pub id: U16,
        pub frag: U16,
        pub ttl: u8,
        pub proto: u8,
        pub checksum: U16,
        pub src: U32,
        pub dst: U32,
    }

    #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
    #[repr(C)]
    pub struct Udp {
        pub src_port: U16,
        pub dst_port: U16,
        pub len: U16,
        pub checksum: U16,
    }
}

/// zerocopy: `ref_from_prefix` into `#[derive(FromBytes, KnownLayout, Immutable, Unaligned)]`
/// structs with `zerocopy::network_endian` fields; the length checks by hand.
#[inline(always)]
pub fn zerocopy_fields(f: &[u8]) -> Option<Fields> {
    use zerocopy::FromBytes;
    let (eth, ip_bytes) = zc::Ethernet::ref_from_prefix(f).ok()?;
    if eth.ethertype.get() != ETHERTYPE_IPV4 {
        return None;
    }
    let (ip, _) = zc::Ipv4::ref_from_prefix(ip_bytes).ok()?;
    let header_len = usize::from(ip.ver_ihl & 0x0f) * 4;
    let total = usize::from(ip.total_len.get());
    if ip.ver_ihl >> 4 != 4
        || header_len < 20
        || total < header_len
        || total > ip_bytes.len()
        || ip.proto != IPPROTO_UDP
    {
        return None;
    }
    let (udp, _) = zc::Udp::ref_from_prefix(&ip_bytes[header_len..total]).ok()?;
    let udp_len = udp.len.get();
    if udp_len < 8 || usize::from(udp_len) > total - header_len {
        return None;
    }
    Some(Fields {
        src: ip.src.get(),
        dst_port: udp.dst_port.get(),
        udp_len,
    })
}

/// W7 with [`zerocopy_fields`].
#[inline(never)]
pub fn round_zerocopy(frames: &Frames) -> u64 {
    sum_with(frames, zerocopy_fields)
}

// ---------------------------------------------------------------------------------------------
// smoltcp

/// smoltcp: `EthernetFrame::new_checked`, `Ipv4Packet::new_checked`, `UdpPacket::new_checked`.
#[inline(always)]
pub fn smoltcp_fields(f: &[u8]) -> Option<Fields> {
    use smoltcp::wire::{EthernetFrame, EthernetProtocol, IpProtocol, Ipv4Packet, UdpPacket};
    let eth = EthernetFrame::new_checked(f).ok()?;
    if eth.ethertype() != EthernetProtocol::Ipv4 {
        return None;
    }
    let ip = Ipv4Packet::new_checked(eth.payload()).ok()?;
    // smoltcp's `check_len` (0.14) accepts any version; the views reject all but 4.
    if ip.version() != 4 || ip.next_header() != IpProtocol::Udp {
        return None;
    }
    let udp = UdpPacket::new_checked(ip.payload()).ok()?;
    Some(Fields {
        src: u32::from(ip.src_addr()),
        dst_port: udp.dst_port(),
        udp_len: udp.len(),
    })
}

/// W7 with [`smoltcp_fields`].
#[inline(never)]
pub fn round_smoltcp(frames: &Frames) -> u64 {
    sum_with(frames, smoltcp_fields)
}

// ---------------------------------------------------------------------------------------------
// etherparse

/// etherparse: `Ethernet2Slice::from_slice_without_fcs`, `Ipv4Slice::from_slice`,
/// `UdpSlice::from_slice`.
#[inline(always)]
pub fn etherparse_fields(f: &[u8]) -> Option<Fields> {
    use etherparse::{EtherType, Ethernet2Slice, IpNumber, Ipv4Slice, UdpSlice};
    let eth = Ethernet2Slice::from_slice_without_fcs(f).ok()?;
    if eth.ether_type() != EtherType::IPV4 {
        return None;
    }
    let ip = Ipv4Slice::from_slice(eth.payload_slice()).ok()?;
    let header = ip.header();
    if header.protocol() != IpNumber::UDP {
        return None;
    }
    let udp = UdpSlice::from_slice(ip.payload().payload).ok()?;
    // etherparse reads a UDP length of 0 as "up to the end of the slice"; the views reject
    // any length below 8.
    if udp.length() < 8 {
        return None;
    }
    Some(Fields {
        src: u32::from_be_bytes(header.source()),
        dst_port: udp.destination_port(),
        udp_len: udp.length(),
    })
}

/// W7 with [`etherparse_fields`].
#[inline(never)]
pub fn round_etherparse(frames: &Frames) -> u64 {
    sum_with(frames, etherparse_fields)
}

// ---------------------------------------------------------------------------------------------
// binrw

mod brw {
    use binrw::BinRead;

    #[derive(BinRead)]
    #[br(big)]
    pub struct Ethernet {
        pub _dst: [u8; 6],
        pub _src: [u8; 6],
        pub ethertype: u16,
    }

    #[derive(BinRead)]
    #[br(big)]
    pub struct Ipv4 {
        pub ver_ihl: u8,
        pub _tos: u8,
        pub total_len: u16,
        pub _id: u16,
        pub _frag: u16,
        pub _ttl: u8,
        pub proto: u8,
        pub _checksum: u16,
        pub src: u32,
        pub _dst: u32,
    }

    #[derive(BinRead)]
    #[br(big)]
    pub struct Udp {
        pub _src_port: u16,
        pub dst_port: u16,
        pub len: u16,
        pub _checksum: u16,
    }
}

/// binrw: `#[derive(BinRead)] #[br(big)]` header structs read from a `std::io::Cursor` over
/// each layer's bytes (`BinRead::read`); the length checks and slicing by hand.
#[inline(always)]
pub fn binrw_fields(f: &[u8]) -> Option<Fields> {
    use binrw::BinRead;
    use std::io::Cursor;
    let eth = brw::Ethernet::read(&mut Cursor::new(f)).ok()?;
    if eth.ethertype != ETHERTYPE_IPV4 {
        return None;
    }
    let ip_bytes = &f[14..];
    let ip = brw::Ipv4::read(&mut Cursor::new(ip_bytes)).ok()?;
    let header_len = usize::from(ip.ver_ihl & 0x0f) * 4;
    let total = usize::from(ip.total_len);
    if ip.ver_ihl >> 4 != 4
        || header_len < 20
        || total < header_len
        || total > ip_bytes.len()
        || ip.proto != IPPROTO_UDP
    {
        return None;
    }
    let udp = brw::Udp::read(&mut Cursor::new(&ip_bytes[header_len..total])).ok()?;
    if udp.len < 8 || usize::from(udp.len) > total - header_len {
        return None;
    }
    Some(Fields {
        src: ip.src,
        dst_port: udp.dst_port,
        udp_len: udp.len,
    })
}

/// W7 with [`binrw_fields`].
#[inline(never)]
pub fn round_binrw(frames: &Frames) -> u64 {
    sum_with(frames, binrw_fields)
}

#[cfg(test)]
mod tests {
    use super::frames::{FrameSpec, XorShift64};
    use super::*;

    /// Every contender computes the generator's sum on a corpus (a smaller one than W7's, so
    /// the test is quick; the bench asserts the full one).
    #[test]
    fn contenders_agree_with_the_generator() {
        let frames = Frames::generate(5_000, 11);
        let want = frames.expected_sum();
        for name in CONTENDERS {
            assert_eq!(round_fn(name).unwrap()(&frames), want, "{name}");
            let parse = fields_fn(name).unwrap();
            for (i, f) in frames.iter().enumerate() {
                assert_eq!(parse(f), Some(frames.fields[i]), "{name} frame {i}");
            }
        }
    }

    /// One valid frame with options and padding, then many broken copies of it: every
    /// contender must accept and reject exactly the same ones, and read the same fields.
    #[test]
    fn contenders_reject_the_same_frames() {
        let mut rng = XorShift64(99);
        let mut specs = Vec::new();
        while specs.len() < 3 {
            let s = FrameSpec::random(&mut rng);
            if !s.options.is_empty() && s.payload.len() < 10 {
                specs.push(s);
            }
        }
        let mut cases: Vec<Vec<u8>> = Vec::new();
        for spec in &specs {
            let mut good = Vec::new();
            spec.encode(&mut good);
            let ihl = usize::from(good[14] & 0x0f) * 4;
            // Truncations at every length.
            for n in 0..good.len() {
                cases.push(good[..n].to_vec());
            }
            let edit = |at: usize, v: u8| {
                let mut c = good.clone();
                c[at] = v;
                c
            };
            for v in [0x08, 0x86, 0x00] {
                cases.push(edit(12, v)); // EtherType
            }
            for v in [0x00, 0x44, 0x45, 0x4f, 0x60, 0x65, 0x41] {
                cases.push(edit(14, v)); // version / IHL
            }
            for hi_lo in [0u16, 19, 20, 27, 28, 60, 0xffff] {
                let mut c = good.clone();
                c[16..18].copy_from_slice(&hi_lo.to_be_bytes()); // total_len
                cases.push(c);
            }
            for p in [6u8, 1, 51, 17] {
                cases.push(edit(23, p)); // protocol
            }
            for len in [0u16, 1, 7, 8, 9, 100, 0xffff] {
                let mut c = good.clone();
                let at = 14 + ihl + 4;
                c[at..at + 2].copy_from_slice(&len.to_be_bytes()); // UDP length
                cases.push(c);
            }
            // Random byte flips in the headers.
            for _ in 0..300 {
                let mut c = good.clone();
                let at = rng.below((14 + ihl + 8) as u64) as usize;
                c[at] = rng.next_u64() as u8;
                cases.push(c);
            }
        }
        let (mut accepted, mut rejected) = (0, 0);
        for case in &cases {
            let want = hand_fields(case);
            if want.is_some() {
                accepted += 1;
            } else {
                rejected += 1;
            }
            for name in CONTENDERS {
                assert_eq!(
                    fields_fn(name).unwrap()(case),
                    want,
                    "{name} on {case:02x?}"
                );
            }
        }
        assert!(accepted > 50 && rejected > 100, "{accepted} / {rejected}");
    }

    #[test]
    fn names() {
        for name in CONTENDERS {
            assert!(round_fn(name).is_some() && fields_fn(name).is_some());
        }
        assert!(round_fn(BASELINE).is_some());
        assert!(round_fn("pnet").is_none());
    }
}

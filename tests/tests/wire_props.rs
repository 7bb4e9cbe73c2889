//! Property tests of the packet views: parsing arbitrary bytes never panics and every
//! successful parse is consistent with its buffer; building then parsing round-trips.

use lake::wire::{Packet, View};
use lake::Lake;
use lake_tests::cases;
use lake_tests::wire_protocols::{
    Encapsulated, EthernetHeader, Ipv4Header, Ipv6Header, PcapRecord, TcpHeader, Tlv, UdpHeader,
};
use proptest::collection::vec;
use proptest::prelude::*;

/// Parses `buf` as `P` (immutably and mutably) and checks what must hold for any success.
fn parse_is_consistent<P: Packet>(buf: &[u8]) -> Option<(usize, usize, usize)> {
    let mut copy = buf.to_vec();
    let mutable = P::parse_mut_lens(&mut copy);
    let Ok((view, rest)) = View::<P>::parse(buf) else {
        assert!(
            mutable.is_none(),
            "{}: parse and parse_mut disagree",
            P::NAME
        );
        return None;
    };
    let bytes = view.as_bytes();
    assert_eq!(bytes.len() + rest.len(), buf.len());
    assert_eq!(
        bytes.as_ptr(),
        buf.as_ptr(),
        "the view starts at the buffer start"
    );
    assert!(view.header_len() >= P::FIXED_LEN);
    assert_eq!(view.header_len() + view.payload().len(), bytes.len());
    assert_eq!(view.options().len(), view.header_len() - P::FIXED_LEN);
    let lens = (view.header_len(), view.payload().len(), rest.len());
    assert_eq!(
        mutable,
        Some(lens),
        "{}: parse and parse_mut disagree",
        P::NAME
    );
    Some(lens)
}

/// `parse_mut`'s view of the same bytes, as lengths.
trait ParseMutLens {
    fn parse_mut_lens(buf: &mut [u8]) -> Option<(usize, usize, usize)>;
}

impl<P: Packet> ParseMutLens for P {
    fn parse_mut_lens(buf: &mut [u8]) -> Option<(usize, usize, usize)> {
        let (v, rest) = lake::wire::ViewMut::<P>::parse_mut(buf).ok()?;
        Some((v.header_len(), v.payload().len(), rest.len()))
    }
}

/// Checks every packet type on `buf`; returns which parsed (IPv4, UDP, TCP, TLV, Ethernet).
fn check_all(buf: &[u8]) -> [bool; 5] {
    let mut parsed = [false; 5];
    if let Some((header_len, payload, rest)) = parse_is_consistent::<Ipv4Header>(buf) {
        parsed[0] = true;
        let (ip, _) = Ipv4Header::parse(buf).unwrap();
        assert_eq!(ip.version(), 4);
        assert_eq!(usize::from(ip.ihl()) * 4, header_len);
        assert_eq!(usize::from(ip.total_len()), header_len + payload);
        assert_eq!(rest, buf.len() - header_len - payload);
    }
    if let Some((_, payload, _)) = parse_is_consistent::<UdpHeader>(buf) {
        parsed[1] = true;
        let (udp, _) = UdpHeader::parse(buf).unwrap();
        assert_eq!(usize::from(udp.length()), 8 + payload);
    }
    if let Some((header_len, _, rest)) = parse_is_consistent::<TcpHeader>(buf) {
        parsed[2] = true;
        let (tcp, _) = TcpHeader::parse(buf).unwrap();
        assert_eq!(usize::from(tcp.data_offset()) * 4, header_len);
        assert_eq!(rest, 0, "TCP has no length field: the payload is the rest");
    }
    if let Some((_, payload, _)) = parse_is_consistent::<Tlv>(buf) {
        parsed[3] = true;
        let (tlv, _) = Tlv::parse(buf).unwrap();
        assert!((1..=16).contains(&payload));
        assert_eq!((tlv.kind(), tlv.flags() & 0x80), (0x7e, 0));
    }
    parsed[4] = parse_is_consistent::<EthernetHeader>(buf).is_some();
    // Rarely valid on random bytes; checked for panics and consistency only.
    parse_is_consistent::<Ipv6Header>(buf);
    parse_is_consistent::<PcapRecord>(buf);
    parse_is_consistent::<Encapsulated>(buf);
    parsed
}

/// A small deterministic generator, so every length 0..=128 is covered on every run.
fn xorshift(state: &mut u64) -> u8 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state >> 24) as u8
}

#[test]
fn parse_never_panics_on_every_length() {
    let rounds = lake_tests::scaled(64, 4);
    let mut state = 0x9e37_79b9_7f4a_7c15;
    let mut successes = [0usize; 5];
    for len in 0..=128usize {
        for round in 0..rounds {
            let mut buf: Vec<u8> = (0..len).map(|_| xorshift(&mut state)).collect();
            // Some rounds get plausible first bytes, so the successful paths run too.
            if len >= 4 && round % 4 == 0 {
                buf[0] = 0x45 + (round as u8 % 3);
                buf[2] = 0;
                buf[3] = (len - (round % 5).min(len)) as u8;
            } else if len >= 4 && round % 4 == 1 {
                buf[..3].copy_from_slice(&[0x7e, 0, 0]);
                buf[3] = (len - 4).clamp(1, 16) as u8;
            } else if len >= 8 && round % 4 == 2 {
                buf[4] = 0;
                buf[5] = (len - (round % 3).min(len)) as u8;
            }
            for (count, ok) in successes.iter_mut().zip(check_all(&buf)) {
                *count += usize::from(ok);
            }
        }
    }
    assert!(
        successes.iter().all(|&n| n > 0),
        "every packet type parsed some buffers: {successes:?}"
    );
}

proptest! {
    // No failure file: miri's isolation forbids the file system (and cases are few there).
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn parse_never_panics(buf in vec(any::<u8>(), 0..=128)) {
        let _ = check_all(&buf);
    }

    #[test]
    fn ipv4_udp_round_trip(
        ttl: u8, proto: u8, id: u16, flags in 0u8..8, frag in 0u16..8192, dscp in 0u8..64,
        src: [u8; 4], dst: [u8; 4], options_words in 0usize..=10,
        sport: u16, dport: u16, payload in vec(any::<u8>(), 0..64),
    ) {
        let lake = Lake::new();
        let mut udp = UdpHeader::new_in(&lake, payload.len()).unwrap();
        udp.set_src_port(sport);
        udp.set_dst_port(dport);
        udp.payload_mut().copy_from_slice(&payload);
        let udp = udp.finish().unwrap();

        let mut ip = lake.packet_with_options::<Ipv4Header>(options_words * 4, udp.as_bytes().len()).unwrap();
        ip.set_ttl(ttl);
        ip.set_proto(proto);
        ip.set_id(id);
        ip.set_flags(flags);
        ip.set_frag_offset(frag);
        ip.set_dscp(dscp);
        ip.set_src(src);
        ip.set_dst(dst);
        ip.options_mut().fill(1);
        ip.payload_mut().copy_from_slice(udp.as_bytes());
        let ip = ip.finish().unwrap();

        let (p, rest) = Ipv4Header::parse(ip.as_bytes()).unwrap();
        prop_assert!(rest.is_empty());
        prop_assert_eq!((p.ttl(), p.proto(), p.id(), p.flags(), p.frag_offset(), p.dscp()), (ttl, proto, id, flags, frag, dscp));
        prop_assert_eq!((p.src(), p.dst()), (&src, &dst));
        prop_assert_eq!(usize::from(p.ihl()), 5 + options_words);
        prop_assert!(p.options().iter().all(|&b| b == 1));
        let (u, _) = UdpHeader::parse(p.payload()).unwrap();
        prop_assert_eq!((u.src_port(), u.dst_port(), u.payload()), (sport, dport, &payload[..]));
    }

    #[test]
    fn tcp_round_trip(seq: u32, ack: u32, flags in 0u16..512, window: u16, options_words in 0usize..=10, payload in vec(any::<u8>(), 0..32)) {
        let lake = Lake::new();
        let mut t = lake.packet_with_options::<TcpHeader>(options_words * 4, payload.len()).unwrap();
        t.set_seq(seq);
        t.set_ack(ack);
        t.set_flags(flags);
        t.set_window(window);
        t.payload_mut().copy_from_slice(&payload);
        let t = t.finish().unwrap();
        let (p, _) = TcpHeader::parse(t.as_bytes()).unwrap();
        prop_assert_eq!((p.seq(), p.ack(), p.flags(), p.window()), (seq, ack, flags, window));
        prop_assert_eq!(usize::from(p.data_offset()), 5 + options_words);
        prop_assert_eq!(p.payload(), &payload[..]);
    }
}

//! Real frames, assembled byte by byte (see each constant), parsed with the
//! `lake_examples::proto` views; every expected value comes from an independent hand-written
//! reader of the same bytes (fixed offsets and `from_be_bytes`), and every checksum in the
//! frames is verified with an independent RFC 1071 sum, so the frames are what they claim.
//! Then the analyzer's decoder and the sample capture.

use lake_examples::analyzer::analyze;
use lake_examples::capture::Capture;
use lake_examples::decode::{decode_frame, FaultKind, Layer, Reason, LINKTYPE_ETHERNET};
use lake_examples::proto::{
    ethernet, ip_proto, tcp, EthernetHeader, IcmpHeader, Icmpv6Header, Ipv4Header, Ipv6Header,
    TcpHeader, UdpHeader,
};
use lake_examples::sample;
use lake_examples::stats::Proto;

/// Ethernet / IPv4 / UDP: a DNS query (id 0xabcd, `example.com`, type A) from 192.168.1.100:51234 to 8.8.8.8:53.
const DNS_QUERY: [u8; 71] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x39, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x11, 0x4c, 0x52, 0xc0, 0xa8, 0x01, 0x64, 0x08, 0x08,
    0x08, 0x08, 0xc8, 0x22, 0x00, 0x35, 0x00, 0x25, 0xe9, 0xf4, 0xab, 0xcd, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63,
    0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
];

/// Ethernet / IPv4 / TCP SYN from 10.0.0.2:43512 to 93.184.216.34:80 with Linux's 20 option bytes (MSS 1460, SACK permitted, timestamps, NOP, window scale 7).
const TCP_SYN: [u8; 74] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x3c, 0x4d, 0x2e, 0x40, 0x00, 0x40, 0x06, 0xad, 0xb1, 0x0a, 0x00, 0x00, 0x02, 0x5d, 0xb8,
    0xd8, 0x22, 0xa9, 0xf8, 0x00, 0x50, 0x3b, 0x9a, 0xca, 0x00, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
    0xfa, 0xf0, 0xa9, 0xea, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0xa1,
    0xb2, 0xc3, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
];

/// Ethernet / IPv4 / TCP: a bare ACK (40-byte IP packet) padded with 6 zero bytes to the 60-byte Ethernet minimum.
const TCP_ACK_PADDED: [u8; 60] = [
    0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x38, 0x06, 0x02, 0xf4, 0x5d, 0xb8, 0xd8, 0x22, 0x0a, 0x00,
    0x00, 0x02, 0x00, 0x50, 0xa9, 0xf8, 0x7a, 0x69, 0x00, 0x01, 0x3b, 0x9a, 0xca, 0x01, 0x50, 0x10,
    0x01, 0xf5, 0x43, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

/// Ethernet / IPv4 / ICMP echo request (id 1, seq 7, Windows-style 32-byte payload) from 192.168.0.10 to 1.1.1.1.
const ICMP_ECHO: [u8; 74] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x3c, 0x5a, 0x3c, 0x00, 0x00, 0x80, 0x01, 0x1d, 0xd1, 0xc0, 0xa8, 0x00, 0x0a, 0x01, 0x01,
    0x01, 0x01, 0x08, 0x00, 0x4d, 0x54, 0x00, 0x01, 0x00, 0x07, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
    0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76,
    0x77, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
];

/// Ethernet / IPv6 / ICMPv6 echo request (id 0x1234, seq 1, flow label 0x12345) from 2001:db8::1 to 2001:db8::2.
const ICMPV6_ECHO: [u8; 70] = [
    0x33, 0x33, 0x00, 0x00, 0x00, 0x02, 0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x86, 0xdd, 0x60, 0x01,
    0x23, 0x45, 0x00, 0x10, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0xd6, 0xac, 0x12, 0x34, 0x00, 0x01, 0x6c, 0x61,
    0x6b, 0x65, 0x2d, 0x76, 0x36, 0x21,
];

/// The RFC 1071 sum, written here independently of `lake::wire::checksum`.
fn sum16(pieces: &[&[u8]]) -> u16 {
    let bytes: Vec<u8> = pieces.concat();
    let mut s: u32 = 0;
    for pair in bytes.chunks(2) {
        let hi = u32::from(pair[0]) << 8;
        let lo = pair.get(1).map_or(0, |&b| u32::from(b));
        s += hi | lo;
    }
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The IPv4 pseudo-header of a segment of `len` bytes.
fn pseudo4(ip: &[u8], proto: u8, len: usize) -> Vec<u8> {
    let mut p = ip[12..20].to_vec();
    p.extend_from_slice(&[0, proto]);
    p.extend_from_slice(&(len as u16).to_be_bytes());
    p
}

/// Checks an Ethernet/IPv4 frame's IPv4 header against the hand reader, verifies the header
/// checksum, and returns (IP header length, IP total length).
fn check_ipv4(frame: &[u8], ip: &lake_examples::proto::Ipv4HeaderView<'_>) -> (usize, usize) {
    let raw = &frame[14..];
    let ihl = usize::from(raw[0] & 0x0f) * 4;
    let total = usize::from(be16(raw, 2));
    assert_eq!((ip.version(), ip.ihl()), (raw[0] >> 4, raw[0] & 0x0f));
    assert_eq!((ip.header_len(), usize::from(ip.total_len())), (ihl, total));
    assert_eq!((ip.dscp(), ip.ecn()), (raw[1] >> 2, raw[1] & 3));
    assert_eq!(
        (ip.id(), ip.flags(), ip.frag_offset()),
        (be16(raw, 4), raw[6] >> 5, be16(raw, 6) & 0x1fff)
    );
    assert_eq!(
        (ip.ttl(), ip.proto(), ip.checksum()),
        (raw[8], raw[9], be16(raw, 10))
    );
    assert_eq!((&ip.src()[..], &ip.dst()[..]), (&raw[12..16], &raw[16..20]));
    assert_eq!(ip.options(), &raw[20..ihl]);
    assert_eq!(ip.payload(), &raw[ihl..total]);
    assert_eq!(
        sum16(&[&raw[..ihl]]),
        0,
        "the IPv4 header checksum verifies"
    );
    (ihl, total)
}

#[test]
fn dns_query_over_udp() {
    let f = &DNS_QUERY[..];
    let (eth, rest) = EthernetHeader::parse(f).unwrap();
    assert!(rest.is_empty());
    assert_eq!(
        (&eth.dst()[..], &eth.src()[..], eth.ethertype()),
        (&f[0..6], &f[6..12], be16(f, 12))
    );
    assert_eq!(eth.ethertype(), ethernet::ETHERTYPE_IPV4);
    let (ip, after_ip) = Ipv4Header::parse(eth.payload()).unwrap();
    let (ihl, total) = check_ipv4(f, &ip);
    assert!(after_ip.is_empty());
    assert_eq!(ip.proto(), ip_proto::UDP);

    let raw = &f[14 + ihl..14 + total];
    let (udp, rest) = UdpHeader::parse(ip.payload()).unwrap();
    assert_eq!(
        (udp.src_port(), udp.dst_port()),
        (be16(raw, 0), be16(raw, 2))
    );
    assert_eq!((udp.length(), udp.checksum()), (be16(raw, 4), be16(raw, 6)));
    assert_eq!(udp.payload(), &raw[8..usize::from(be16(raw, 4))]);
    assert!(rest.is_empty());
    assert_eq!(
        sum16(&[&pseudo4(&f[14..], 17, raw.len()), raw]),
        0,
        "the UDP checksum verifies"
    );
    // The DNS message inside: id, one question, `example.com`.
    let dns = udp.payload();
    assert_eq!((be16(dns, 0), be16(dns, 4)), (0xabcd, 1));
    assert_eq!(&dns[12..25], b"\x07example\x03com\x00");
}

#[test]
fn tcp_syn_with_options() {
    let f = &TCP_SYN[..];
    let (eth, _) = EthernetHeader::parse(f).unwrap();
    let (ip, _) = Ipv4Header::parse(eth.payload()).unwrap();
    let (ihl, total) = check_ipv4(f, &ip);
    let raw = &f[14 + ihl..14 + total];
    let (seg, rest) = TcpHeader::parse(ip.payload()).unwrap();
    let data_offset = usize::from(raw[12] >> 4) * 4;
    assert_eq!(
        (seg.src_port(), seg.dst_port()),
        (be16(raw, 0), be16(raw, 2))
    );
    assert_eq!((seg.seq(), seg.ack()), (be32(raw, 4), be32(raw, 8)));
    assert_eq!(
        (seg.header_len(), seg.flags()),
        (data_offset, be16(raw, 12) & 0x1ff)
    );
    assert_eq!(
        (seg.window(), seg.checksum(), seg.urgent()),
        (be16(raw, 14), be16(raw, 16), be16(raw, 18))
    );
    assert_eq!(seg.flags() & (tcp::SYN | tcp::ACK), tcp::SYN);
    assert_eq!(seg.options(), &raw[20..data_offset]);
    assert_eq!(seg.options().len(), 20);
    assert_eq!(
        &seg.options()[..4],
        &[2, 4, 0x05, 0xb4],
        "MSS 1460 comes first"
    );
    assert!(seg.payload().is_empty() && rest.is_empty());
    assert_eq!(
        sum16(&[&pseudo4(&f[14..], 6, raw.len()), raw]),
        0,
        "the TCP checksum verifies"
    );
}

#[test]
fn padded_tcp_ack_cuts_the_ethernet_padding() {
    let f = &TCP_ACK_PADDED[..];
    assert_eq!(f.len(), 60);
    let (eth, _) = EthernetHeader::parse(f).unwrap();
    assert_eq!(
        eth.payload().len(),
        46,
        "Ethernet keeps the padding: it has no length field"
    );
    let (ip, padding) = Ipv4Header::parse(eth.payload()).unwrap();
    let (ihl, total) = check_ipv4(f, &ip);
    assert_eq!(
        padding,
        &f[14 + total..],
        "total_len ends the packet; the padding is `rest`"
    );
    assert_eq!(padding, &[0; 6]);
    let (seg, _) = TcpHeader::parse(ip.payload()).unwrap();
    let raw = &f[14 + ihl..14 + total];
    assert_eq!(
        (seg.flags(), seg.ack()),
        (be16(raw, 12) & 0x1ff, be32(raw, 8))
    );
    assert_eq!(seg.flags(), tcp::ACK);
    assert!(seg.options().is_empty() && seg.payload().is_empty());
    assert_eq!(sum16(&[&pseudo4(&f[14..], 6, raw.len()), raw]), 0);
}

#[test]
fn icmp_echo_request() {
    let f = &ICMP_ECHO[..];
    let (eth, _) = EthernetHeader::parse(f).unwrap();
    let (ip, _) = Ipv4Header::parse(eth.payload()).unwrap();
    let (ihl, total) = check_ipv4(f, &ip);
    assert_eq!(ip.proto(), ip_proto::ICMP);
    let raw = &f[14 + ihl..14 + total];
    let (m, _) = IcmpHeader::parse(ip.payload()).unwrap();
    assert_eq!(
        (m.msg_type(), m.code(), m.checksum()),
        (raw[0], raw[1], be16(raw, 2))
    );
    assert_eq!((m.ident(), m.seq()), (be16(raw, 4), be16(raw, 6)));
    assert_eq!(m.msg_type(), lake_examples::proto::icmp::ECHO_REQUEST);
    assert_eq!(m.payload(), &raw[8..]);
    assert_eq!(m.payload(), b"abcdefghijklmnopqrstuvwabcdefghi");
    assert_eq!(sum16(&[raw]), 0, "the ICMP checksum verifies");
}

#[test]
fn ipv6_icmpv6_echo_request() {
    let f = &ICMPV6_ECHO[..];
    let (eth, _) = EthernetHeader::parse(f).unwrap();
    assert_eq!(eth.ethertype(), ethernet::ETHERTYPE_IPV6);
    let raw = &f[14..];
    let (ip, rest) = Ipv6Header::parse(eth.payload()).unwrap();
    let word = be32(raw, 0);
    assert_eq!(
        (
            u32::from(ip.version()),
            u32::from(ip.traffic_class()),
            ip.flow_label()
        ),
        (word >> 28, (word >> 20) & 0xff, word & 0xf_ffff)
    );
    assert_eq!(ip.flow_label(), 0x12345);
    assert_eq!(
        (ip.payload_len(), ip.next_header(), ip.hop_limit()),
        (be16(raw, 4), raw[6], raw[7])
    );
    assert_eq!((&ip.src()[..], &ip.dst()[..]), (&raw[8..24], &raw[24..40]));
    let plen = usize::from(be16(raw, 4));
    assert_eq!(ip.payload(), &raw[40..40 + plen]);
    assert!(rest.is_empty());

    let icmp = &raw[40..40 + plen];
    let (m, _) = Icmpv6Header::parse(ip.payload()).unwrap();
    assert_eq!(
        (m.msg_type(), m.code(), m.ident(), m.seq()),
        (icmp[0], icmp[1], be16(icmp, 4), be16(icmp, 6))
    );
    assert_eq!(m.msg_type(), lake_examples::proto::icmpv6::ECHO_REQUEST);
    // IPv6 pseudo-header: addresses, 32-bit length, 3 zero bytes, next header.
    let mut pseudo = raw[8..40].to_vec();
    pseudo.extend_from_slice(&(plen as u32).to_be_bytes());
    pseudo.extend_from_slice(&[0, 0, 0, ip_proto::ICMPV6]);
    assert_eq!(sum16(&[&pseudo, icmp]), 0, "the ICMPv6 checksum verifies");
}

#[test]
fn decode_labels_the_known_frames() {
    let cases: [(&[u8], Proto); 5] = [
        (&DNS_QUERY, Proto::Ipv4Udp),
        (&TCP_SYN, Proto::Ipv4Tcp),
        (&TCP_ACK_PADDED, Proto::Ipv4Tcp),
        (&ICMP_ECHO, Proto::Ipv4Icmp),
        (&ICMPV6_ECHO, Proto::Ipv6Icmpv6),
    ];
    for (frame, proto) in cases {
        let d = decode_frame(LINKTYPE_ETHERNET, frame, 0);
        assert!(d.fault.is_none(), "{:?}", d.fault);
        assert_eq!(Proto::of(&d), proto);
    }
    let d = decode_frame(LINKTYPE_ETHERNET, &DNS_QUERY, 0);
    let udp = d.udp.unwrap();
    assert_eq!(
        (udp.src_port(), udp.dst_port()),
        (be16(&DNS_QUERY, 34), be16(&DNS_QUERY, 36))
    );
    assert!(d.ipv4.is_some() && d.tcp.is_none());
}

/// Broken copies of the known frames: the decoder names the layer and the reason.
#[test]
fn decode_reports_the_broken_layer_and_reason() {
    let fault = |f: &[u8]| decode_frame(LINKTYPE_ETHERNET, f, 0).fault.unwrap();

    let mut f = TCP_SYN.to_vec();
    f[14 + 20 + 12] = 0x40; // data offset 4: 16 bytes, below the fixed 20
    let e = fault(&f);
    assert_eq!(
        (e.layer, e.reason, e.kind),
        (Layer::Tcp, Reason::BadDataOffset, FaultKind::Malformed)
    );

    let mut f = ICMPV6_ECHO.to_vec();
    f[18..20].copy_from_slice(&100u16.to_be_bytes()); // payload_len past the frame
    let e = fault(&f);
    assert_eq!((e.layer, e.reason), (Layer::Ipv6, Reason::BadPayloadLength));

    // Cut after 40 bytes: total_len runs past the end. Malformed when the record says the
    // packet was 40 bytes long, truncated when it says the rest was not captured.
    let e = fault(&ICMP_ECHO[..40]);
    assert_eq!(
        (e.layer, e.reason, e.kind),
        (Layer::Ipv4, Reason::BadTotalLength, FaultKind::Malformed)
    );
    let d = decode_frame(LINKTYPE_ETHERNET, &ICMP_ECHO[..40], ICMP_ECHO.len() - 40);
    let e = d.fault.unwrap();
    assert_eq!((e.layer, e.kind), (Layer::Ipv4, FaultKind::Truncated));
    assert!(d.ipv4.is_some() && d.icmp.is_none()); // 6 of the 8 ICMP header bytes
                                                   // Cut after the ICMP header: decoded to the end, still counted as cut at IPv4.
    let d = decode_frame(LINKTYPE_ETHERNET, &ICMP_ECHO[..42], ICMP_ECHO.len() - 42);
    assert_eq!(
        d.fault.map(|f| (f.layer, f.kind)),
        Some((Layer::Ipv4, FaultKind::Truncated))
    );
    assert_eq!(
        d.icmp.map(|i| i.msg_type()),
        Some(lake_examples::proto::icmp::ECHO_REQUEST)
    );
}

/// The synthetic sample: every good frame's checksums verify (independent sum), the
/// deliberately broken ones are exactly the ones reported, and the summary adds up.
#[test]
fn sample_capture_checks_out() {
    let file = sample::capture();
    let cap = Capture::open(&file).unwrap();
    let mut walker = cap.walker();
    let mut index = 0u64;
    let mut verified = 0;
    while let Some(rec) = walker.next_record().unwrap() {
        let d = decode_frame(rec.linktype, rec.data, rec.missing());
        if d.ipv4.is_some() && d.fault.is_none() {
            let f = rec.data;
            let ihl = usize::from(f[14] & 0x0f) * 4;
            let total = usize::from(be16(f, 16));
            assert_eq!(
                sum16(&[&f[14..14 + ihl]]),
                0,
                "record {index}: IPv4 checksum"
            );
            let l4 = &f[14 + ihl..14 + total];
            let check = match f[23] {
                ip_proto::ICMP => sum16(&[l4]),
                p => sum16(&[&pseudo4(&f[14..], p, l4.len()), l4]),
            };
            assert_eq!(check, 0, "record {index}: transport checksum");
            verified += 1;
        }
        index += 1;
    }
    assert!(verified > 50, "{verified}");
    let out = analyze(&cap, 1, None);
    let s = &out.stats;
    assert!(out.error.is_none());
    assert_eq!(s.malformed_total(), sample::MALFORMED as u64);
    let counted: u64 = s.protocols.iter().map(|c| c.packets).sum();
    assert_eq!(counted, s.packets);
    assert_eq!(s.packets, index);
    assert_eq!(s.bytes, file.len() as u64 - 24 - 16 * index);
    let layers: Vec<Layer> = s.malformed.keys().map(|(l, _)| l).collect();
    assert!(
        layers.contains(&Layer::Ethernet) && layers.contains(&Layer::Udp),
        "{layers:?}"
    );
    for p in [
        Proto::Ipv4Udp,
        Proto::Ipv4Tcp,
        Proto::Ipv4Icmp,
        Proto::Ipv6Udp,
        Proto::Ipv6Tcp,
        Proto::Ipv6Icmpv6,
        Proto::Arp,
    ] {
        assert!(
            s.protocols[p as usize].packets > 0,
            "{p:?} missing from the sample"
        );
    }
}

//! A small deterministic synthetic capture (for tests and documentation), built with the
//! packet views' constructors (`new_in` / `Lake::packet_with_options`, setters, `finish`) in
//! a [`Lake`].
//!
//! The capture mixes DNS over UDP, TCP handshakes and data (with TCP and IPv4 options),
//! ICMP echo, IPv6 with UDP, TCP and ICMPv6, ARP, and a few deliberately malformed frames
//! (see [`MALFORMED`]) so tests of the decoder have faults to find.
//!
//! ```
//! let file = lake_examples::sample::capture();
//! assert_eq!(&file[..4], &[0xd4, 0xc3, 0xb2, 0xa1]); // little-endian, microseconds
//! ```

use lake::wire::{self, Checksum};
use lake::Lake;

use crate::capture::PcapWriter;
use crate::decode::LINKTYPE_ETHERNET;
use crate::proto::{
    ethernet, icmp, icmpv6, ip_proto, tcp, EthernetHeader, IcmpHeader, Icmpv6Header, Ipv4Header,
    Ipv6Header, TcpHeader, UdpHeader,
};

/// How many malformed frames [`capture`] contains.
pub const MALFORMED: usize = 6;

/// An IP address pair for building a transport segment (the checksum's pseudo-header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addrs {
    /// IPv4 source and destination.
    V4([u8; 4], [u8; 4]),
    /// IPv6 source and destination.
    V6([u8; 16], [u8; 16]),
}

impl Addrs {
    /// The RFC 768 / RFC 8200 pseudo-header sum for `proto` and a segment of `len` bytes.
    fn pseudo(self, proto: u8, len: usize) -> Checksum {
        let c = match self {
            Addrs::V4(s, d) => Checksum::new().add_bytes(&s).add_bytes(&d),
            Addrs::V6(s, d) => Checksum::new().add_bytes(&s).add_bytes(&d),
        };
        // Segment lengths here are far below 64 KiB.
        c.add_u16(len as u16).add_u16(u16::from(proto))
    }
}

/// A UDP datagram with a correct checksum, in `lake`.
///
/// # Errors
///
/// When `payload` does not fit the length field or the lake is full.
pub fn udp<'l>(
    lake: &'l Lake,
    addrs: Addrs,
    ports: (u16, u16),
    payload: &[u8],
) -> Result<&'l [u8], wire::Error> {
    let mut u = UdpHeader::new_in(lake, payload.len())?;
    u.set_src_port(ports.0);
    u.set_dst_port(ports.1);
    u.payload_mut().copy_from_slice(payload);
    let sum = addrs
        .pseudo(ip_proto::UDP, u.as_bytes().len())
        .add_bytes(u.as_bytes())
        .finish();
    u.set_checksum(if sum == 0 { 0xffff } else { sum });
    Ok(u.finish()?.as_bytes())
}

/// A TCP segment with `options` (a multiple of 4 bytes) and a correct checksum, in `lake`.
///
/// # Errors
///
/// When the options cannot be expressed by the data offset or the lake is full.
#[allow(clippy::too_many_arguments)]
pub fn tcp<'l>(
    lake: &'l Lake,
    addrs: Addrs,
    ports: (u16, u16),
    seq: u32,
    ack: u32,
    flags: u16,
    options: &[u8],
    payload: &[u8],
) -> Result<&'l [u8], wire::Error> {
    let mut t = lake.packet_with_options::<TcpHeader>(options.len(), payload.len())?;
    t.set_src_port(ports.0);
    t.set_dst_port(ports.1);
    t.set_seq(seq);
    t.set_ack(ack);
    t.set_flags(flags);
    t.set_window(64_240);
    t.options_mut().copy_from_slice(options);
    t.payload_mut().copy_from_slice(payload);
    let sum = addrs
        .pseudo(ip_proto::TCP, t.as_bytes().len())
        .add_bytes(t.as_bytes())
        .finish();
    t.set_checksum(sum);
    Ok(t.finish()?.as_bytes())
}

/// An ICMP (IPv4) or ICMPv6 echo message with a correct checksum, in `lake`.
///
/// # Errors
///
/// When the lake is full.
pub fn echo<'l>(
    lake: &'l Lake,
    addrs: Addrs,
    request: bool,
    ident: u16,
    seq: u16,
    payload: &[u8],
) -> Result<&'l [u8], wire::Error> {
    Ok(match addrs {
        Addrs::V4(..) => {
            let mut m = IcmpHeader::new_in(lake, payload.len())?;
            m.set_msg_type(if request {
                icmp::ECHO_REQUEST
            } else {
                icmp::ECHO_REPLY
            });
            m.set_ident(ident);
            m.set_seq(seq);
            m.payload_mut().copy_from_slice(payload);
            let sum = wire::checksum(m.as_bytes());
            m.set_checksum(sum);
            m.finish()?.as_bytes()
        }
        Addrs::V6(..) => {
            let mut m = Icmpv6Header::new_in(lake, payload.len())?;
            m.set_msg_type(if request {
                icmpv6::ECHO_REQUEST
            } else {
                icmpv6::ECHO_REPLY
            });
            m.set_ident(ident);
            m.set_seq(seq);
            m.payload_mut().copy_from_slice(payload);
            let sum = addrs
                .pseudo(ip_proto::ICMPV6, m.as_bytes().len())
                .add_bytes(m.as_bytes())
                .finish();
            m.set_checksum(sum);
            m.finish()?.as_bytes()
        }
    })
}

/// An IPv4 packet around `payload` (a transport segment), with `options` (a multiple of 4
/// bytes), TTL 64, DF set and a correct header checksum, in `lake`.
///
/// # Errors
///
/// When the lengths do not fit their fields or the lake is full.
pub fn ipv4<'l>(
    lake: &'l Lake,
    src: [u8; 4],
    dst: [u8; 4],
    proto: u8,
    id: u16,
    options: &[u8],
    payload: &[u8],
) -> Result<&'l [u8], wire::Error> {
    let mut ip = lake.packet_with_options::<Ipv4Header>(options.len(), payload.len())?;
    ip.set_id(id);
    ip.set_flags(crate::proto::ipv4::FLAG_DF);
    ip.set_ttl(64);
    ip.set_proto(proto);
    ip.set_src(src);
    ip.set_dst(dst);
    ip.options_mut().copy_from_slice(options);
    ip.payload_mut().copy_from_slice(payload);
    // `packet_with_options` stamped the version, IHL and total length already, so the header
    // bytes are final except the checksum (still zero).
    let header_len = ip.header_len();
    let sum = wire::checksum(&ip.as_bytes()[..header_len]);
    ip.set_checksum(sum);
    Ok(ip.finish()?.as_bytes())
}

/// An IPv6 packet around `payload`, hop limit 64, in `lake`.
///
/// # Errors
///
/// When the payload does not fit `payload_len` or the lake is full.
pub fn ipv6<'l>(
    lake: &'l Lake,
    src: [u8; 16],
    dst: [u8; 16],
    next_header: u8,
    flow_label: u32,
    payload: &[u8],
) -> Result<&'l [u8], wire::Error> {
    let mut ip = Ipv6Header::new_in(lake, payload.len())?;
    ip.set_flow_label(flow_label);
    ip.set_next_header(next_header);
    ip.set_hop_limit(64);
    ip.set_src(src);
    ip.set_dst(dst);
    ip.payload_mut().copy_from_slice(payload);
    Ok(ip.finish()?.as_bytes())
}

/// An Ethernet frame around `payload`, zero-padded to the 60-byte minimum, in `lake`.
///
/// # Errors
///
/// When the lake is full.
pub fn ethernet<'l>(
    lake: &'l Lake,
    src: [u8; 6],
    dst: [u8; 6],
    ethertype: u16,
    payload: &[u8],
) -> Result<&'l [u8], wire::Error> {
    let mut e = EthernetHeader::new_in(lake, payload.len().max(46))?;
    e.set_src(src);
    e.set_dst(dst);
    e.set_ethertype(ethertype);
    e.payload_mut()[..payload.len()].copy_from_slice(payload);
    Ok(e.finish()?.as_bytes())
}

/// A DNS query for `example.com` (type A) as a complete Ethernet/IPv4/UDP frame: the frame the
/// docs and tests use as a first example.
pub fn dns_query_frame() -> Vec<u8> {
    let lake = Lake::new();
    let addrs = Addrs::V4([192, 168, 1, 10], [192, 168, 1, 1]);
    let dgram = udp(
        &lake,
        addrs,
        (53_124, 53),
        &dns_query(0x1a2b, "example.com"),
    )
    .expect("fits");
    let Addrs::V4(src, dst) = addrs else {
        unreachable!()
    };
    let ip = ipv4(&lake, src, dst, ip_proto::UDP, 1, &[], dgram).expect("fits");
    ethernet(&lake, HOST_MAC, ROUTER_MAC, ethernet::ETHERTYPE_IPV4, ip)
        .expect("fits")
        .to_vec()
}

/// A DNS query message (RFC 1035): header with RD set, one question of type A, class IN.
pub fn dns_query(id: u16, name: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(18 + name.len());
    m.extend_from_slice(&id.to_be_bytes());
    m.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD; 1 question
    for label in name.split('.') {
        m.push(label.len() as u8);
        m.extend_from_slice(label.as_bytes());
    }
    m.extend_from_slice(&[0, 0, 1, 0, 1]); // root, type A, class IN
    m
}

const HOST_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0a];
const ROUTER_MAC: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];

/// TCP SYN options: MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (20 bytes).
const SYN_OPTIONS: [u8; 20] = [
    2, 4, 0x05, 0xb4, // MSS 1460
    4, 2, // SACK permitted
    8, 10, 0, 0, 0x12, 0x34, 0, 0, 0, 0, // timestamps
    1, // NOP
    3, 3, 7, // window scale 7
];

/// xorshift32, for the capture's variation.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }
}

/// The sample capture as a classic pcap file (little-endian, microsecond timestamps): about
/// 150 frames, [`MALFORMED`] of them broken on purpose.
pub fn capture() -> Vec<u8> {
    let frames = frames();
    let mut w = PcapWriter::new(Vec::new(), LINKTYPE_ETHERNET).expect("writing to a Vec");
    for (i, f) in frames.iter().enumerate() {
        let t = 1_700_000_000_000_000u64 + i as u64 * 1_250; // µs
        w.write_record(
            (t / 1_000_000) as u32,
            (t % 1_000_000) as u32,
            f.len() as u32,
            f,
        )
        .expect("writing to a Vec");
    }
    w.into_inner()
}

/// The sample's frames, in capture order.
pub fn frames() -> Vec<Vec<u8>> {
    let lake = Lake::new();
    let mut rng = Rng(0x2545_f491);
    let mut out: Vec<Vec<u8>> = Vec::new();
    let clients: [[u8; 4]; 4] = [
        [192, 168, 1, 10],
        [192, 168, 1, 11],
        [192, 168, 1, 23],
        [10, 0, 0, 7],
    ];
    let server = [93, 184, 215, 14];
    let resolver = [192, 168, 1, 1];
    let v6_host = v6(0x10);
    let v6_server = [
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x43,
    ];
    let eth4 = |ip: &[u8], from_host: bool| -> Vec<u8> {
        let (s, d) = if from_host {
            (HOST_MAC, ROUTER_MAC)
        } else {
            (ROUTER_MAC, HOST_MAC)
        };
        ethernet(&lake, s, d, ethernet::ETHERTYPE_IPV4, ip)
            .expect("fits")
            .to_vec()
    };
    let eth6 = |ip: &[u8]| -> Vec<u8> {
        ethernet(&lake, HOST_MAC, ROUTER_MAC, ethernet::ETHERTYPE_IPV6, ip)
            .expect("fits")
            .to_vec()
    };

    for round in 0..12u16 {
        let client = clients[usize::from(round) % clients.len()];
        // DNS query and answer (the answer: the query echoed with QR set, no records; enough
        // for a capture summary).
        let name = ["example.com", "lake.invalid", "crates.io", "docs.rs"][usize::from(round) % 4];
        let q = dns_query(round, name);
        let a = Addrs::V4(client, resolver);
        let dg = udp(&lake, a, (40_000 + round, 53), &q).expect("fits");
        out.push(eth4(
            ipv4(&lake, client, resolver, ip_proto::UDP, round, &[], dg).expect("fits"),
            true,
        ));
        let mut answer = q.clone();
        answer[2] |= 0x80;
        let dg = udp(
            &lake,
            Addrs::V4(resolver, client),
            (53, 40_000 + round),
            &answer,
        )
        .expect("fits");
        out.push(eth4(
            ipv4(&lake, resolver, client, ip_proto::UDP, round, &[], dg).expect("fits"),
            false,
        ));

        // A TCP handshake and some data to port 443.
        let a = Addrs::V4(client, server);
        let b = Addrs::V4(server, client);
        let (cp, isn, sisn) = (50_000 + round, rng.next(), rng.next());
        let seg = tcp(&lake, a, (cp, 443), isn, 0, tcp::SYN, &SYN_OPTIONS, &[]).expect("fits");
        out.push(eth4(
            ipv4(&lake, client, server, ip_proto::TCP, 100 + round, &[], seg).expect("fits"),
            true,
        ));
        let seg = tcp(
            &lake,
            b,
            (443, cp),
            sisn,
            isn.wrapping_add(1),
            tcp::SYN | tcp::ACK,
            &SYN_OPTIONS,
            &[],
        )
        .expect("fits");
        out.push(eth4(
            ipv4(&lake, server, client, ip_proto::TCP, 200 + round, &[], seg).expect("fits"),
            false,
        ));
        let seg = tcp(
            &lake,
            a,
            (cp, 443),
            isn.wrapping_add(1),
            sisn.wrapping_add(1),
            tcp::ACK,
            &[],
            &[],
        )
        .expect("fits");
        out.push(eth4(
            ipv4(&lake, client, server, ip_proto::TCP, 101 + round, &[], seg).expect("fits"),
            true,
        ));
        let len = 200 + (rng.next() % 1_000) as usize;
        let data: Vec<u8> = (0..len).map(|i| (i as u8) ^ (round as u8)).collect();
        let seg = tcp(
            &lake,
            b,
            (443, cp),
            sisn.wrapping_add(1),
            isn.wrapping_add(1),
            tcp::ACK | tcp::PSH,
            &[],
            &data,
        )
        .expect("fits");
        out.push(eth4(
            ipv4(&lake, server, client, ip_proto::TCP, 201 + round, &[], seg).expect("fits"),
            false,
        ));

        // Ping, with an IPv4 option (router alert, RFC 2113) on every other request.
        let options: &[u8] = if round % 2 == 0 {
            &[0x94, 0x04, 0, 0]
        } else {
            &[]
        };
        let m = echo(
            &lake,
            Addrs::V4(client, server),
            true,
            0x77,
            round,
            b"lake ping",
        )
        .expect("fits");
        out.push(eth4(
            ipv4(
                &lake,
                client,
                server,
                ip_proto::ICMP,
                300 + round,
                options,
                m,
            )
            .expect("fits"),
            true,
        ));
        let m = echo(
            &lake,
            Addrs::V4(server, client),
            false,
            0x77,
            round,
            b"lake ping",
        )
        .expect("fits");
        out.push(eth4(
            ipv4(&lake, server, client, ip_proto::ICMP, 400 + round, &[], m).expect("fits"),
            false,
        ));

        // IPv6: ping, a UDP datagram (NTP-sized) and a TCP SYN.
        let a6 = Addrs::V6(v6_host, v6_server);
        let m = echo(&lake, a6, true, 0x66, round, b"v6 ping").expect("fits");
        out.push(eth6(
            ipv6(&lake, v6_host, v6_server, ip_proto::ICMPV6, 0x12345, m).expect("fits"),
        ));
        let dg = udp(&lake, a6, (123, 123), &[0x23; 48]).expect("fits");
        out.push(eth6(
            ipv6(&lake, v6_host, v6_server, ip_proto::UDP, 0x54321, dg).expect("fits"),
        ));
        if round % 3 == 0 {
            let seg = tcp(
                &lake,
                a6,
                (51_000 + round, 443),
                rng.next(),
                0,
                tcp::SYN,
                &SYN_OPTIONS,
                &[],
            )
            .expect("fits");
            out.push(eth6(
                ipv6(&lake, v6_host, v6_server, ip_proto::TCP, 7, seg).expect("fits"),
            ));
        }

        // ARP request now and then: not IP, counted as its own protocol.
        if round % 4 == 1 {
            let mut arp = vec![0, 1, 0x08, 0x00, 6, 4, 0, 1];
            arp.extend_from_slice(&HOST_MAC);
            arp.extend_from_slice(&client);
            arp.extend_from_slice(&[0; 6]);
            arp.extend_from_slice(&resolver);
            let f =
                ethernet(&lake, HOST_MAC, [0xff; 6], ethernet::ETHERTYPE_ARP, &arp).expect("fits");
            out.push(f.to_vec());
        }
    }

    // The malformed frames, each a good frame broken in one way, placed among the others.
    let good = &out[0].clone(); // Ethernet/IPv4/UDP DNS query, no IPv4 options
    let syn = &out[2].clone(); // Ethernet/IPv4/TCP SYN with 20 option bytes
    let v6ping = out
        .iter()
        .find(|f| f[12..14] == ethernet::ETHERTYPE_IPV6.to_be_bytes())
        .expect("an IPv6 frame")
        .clone();
    let mut bad: Vec<Vec<u8>> = Vec::new();
    bad.push(good[..10].to_vec()); // cut inside the Ethernet header
    let mut f = good.clone();
    f[14] = 0x43; // IHL 3: header shorter than 20 bytes
    bad.push(f);
    let mut f = good.clone();
    f[16..18].copy_from_slice(&1_500u16.to_be_bytes()); // total_len past the frame
    bad.push(f);
    let mut f = good.clone();
    f[14 + 20 + 4..14 + 20 + 6].copy_from_slice(&3u16.to_be_bytes()); // UDP length 3
    bad.push(f);
    let mut f = syn.clone();
    f[14 + 20 + 12] = (f[14 + 20 + 12] & 0x0f) | 0xf0; // data offset 15: 60 bytes, past the segment
    bad.push(f);
    let mut f = v6ping;
    f[14] = 0x40 | (f[14] & 0x0f); // version 4 in an IPv6 header
    bad.push(f);
    assert_eq!(bad.len(), MALFORMED);
    for (k, f) in bad.into_iter().enumerate() {
        out.insert(7 + k * 23, f);
    }
    out
}

fn v6(host: u8) -> [u8; 16] {
    [
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, host,
    ]
}

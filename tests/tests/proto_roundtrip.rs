//! Building every protocol of `lake_examples::proto` in a lake (`new_in` or
//! `Lake::packet_with_options`, setters, `finish`) and parsing the bytes back gives the same
//! field values; and the bytes are exactly the wire encoding written out by hand here from the
//! same values (so a setter and a getter that agree on a wrong layout still fail).

use lake::Lake;
use lake_examples::proto::{
    EthernetHeader, IcmpHeader, Icmpv6Header, Ipv4Header, Ipv6Header, TcpHeader, UdpHeader,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..64)
}

/// IPv4/TCP option bytes: 0..=40 in steps of 4.
fn options() -> impl Strategy<Value = Vec<u8>> {
    (0usize..=10).prop_flat_map(|words| proptest::collection::vec(any::<u8>(), words * 4))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ethernet(dst in any::<[u8; 6]>(), src in any::<[u8; 6]>(), ethertype in any::<u16>(),
                data in payload()) {
        let lake = Lake::new();
        let mut e = EthernetHeader::new_in(&lake, data.len()).unwrap();
        e.set_dst(dst);
        e.set_src(src);
        e.set_ethertype(ethertype);
        e.payload_mut().copy_from_slice(&data);
        let built = e.finish().unwrap();

        let mut want = Vec::new();
        want.extend_from_slice(&dst);
        want.extend_from_slice(&src);
        want.extend_from_slice(&ethertype.to_be_bytes());
        want.extend_from_slice(&data);
        prop_assert_eq!(built.as_bytes(), &want[..]);

        let (p, rest) = EthernetHeader::parse(&want).unwrap();
        prop_assert_eq!((p.dst(), p.src(), p.ethertype()), (&dst, &src, ethertype));
        prop_assert_eq!(p.payload(), &data[..]);
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn ipv4(dscp in 0u8..64, ecn in 0u8..4, id in any::<u16>(), flags in 0u8..8,
            frag_offset in 0u16..0x2000, ttl in any::<u8>(), proto in any::<u8>(),
            checksum in any::<u16>(), src in any::<[u8; 4]>(), dst in any::<[u8; 4]>(),
            opts in options(), data in payload()) {
        let lake = Lake::new();
        let mut ip = lake.packet_with_options::<Ipv4Header>(opts.len(), data.len()).unwrap();
        ip.set_dscp(dscp);
        ip.set_ecn(ecn);
        ip.set_id(id);
        ip.set_flags(flags);
        ip.set_frag_offset(frag_offset);
        ip.set_ttl(ttl);
        ip.set_proto(proto);
        ip.set_checksum(checksum);
        ip.set_src(src);
        ip.set_dst(dst);
        ip.options_mut().copy_from_slice(&opts);
        ip.payload_mut().copy_from_slice(&data);
        let built = ip.finish().unwrap();

        let header_len = 20 + opts.len();
        let total = (header_len + data.len()) as u16;
        let mut want = vec![0x40 | (header_len / 4) as u8, (dscp << 2) | ecn];
        want.extend_from_slice(&total.to_be_bytes());
        want.extend_from_slice(&id.to_be_bytes());
        want.extend_from_slice(&((u16::from(flags) << 13) | frag_offset).to_be_bytes());
        want.extend_from_slice(&[ttl, proto]);
        want.extend_from_slice(&checksum.to_be_bytes());
        want.extend_from_slice(&src);
        want.extend_from_slice(&dst);
        want.extend_from_slice(&opts);
        want.extend_from_slice(&data);
        prop_assert_eq!(built.as_bytes(), &want[..]);

        let (p, rest) = Ipv4Header::parse(&want).unwrap();
        prop_assert_eq!((p.version(), usize::from(p.ihl()) * 4, p.total_len()), (4, header_len, total));
        prop_assert_eq!((p.dscp(), p.ecn(), p.id(), p.flags(), p.frag_offset()),
                        (dscp, ecn, id, flags, frag_offset));
        prop_assert_eq!((p.ttl(), p.proto(), p.checksum(), p.src(), p.dst()),
                        (ttl, proto, checksum, &src, &dst));
        prop_assert_eq!((p.options(), p.payload()), (&opts[..], &data[..]));
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn ipv6(traffic_class in any::<u8>(), flow_label in 0u32..(1 << 20), next_header in any::<u8>(),
            hop_limit in any::<u8>(), src in any::<[u8; 16]>(), dst in any::<[u8; 16]>(),
            data in payload()) {
        let lake = Lake::new();
        let mut ip = Ipv6Header::new_in(&lake, data.len()).unwrap();
        ip.set_traffic_class(traffic_class);
        ip.set_flow_label(flow_label);
        ip.set_next_header(next_header);
        ip.set_hop_limit(hop_limit);
        ip.set_src(src);
        ip.set_dst(dst);
        ip.payload_mut().copy_from_slice(&data);
        let built = ip.finish().unwrap();

        let word = (6u32 << 28) | (u32::from(traffic_class) << 20) | flow_label;
        let mut want = word.to_be_bytes().to_vec();
        want.extend_from_slice(&(data.len() as u16).to_be_bytes());
        want.extend_from_slice(&[next_header, hop_limit]);
        want.extend_from_slice(&src);
        want.extend_from_slice(&dst);
        want.extend_from_slice(&data);
        prop_assert_eq!(built.as_bytes(), &want[..]);

        let (p, rest) = Ipv6Header::parse(&want).unwrap();
        prop_assert_eq!((p.version(), p.traffic_class(), p.flow_label()), (6, traffic_class, flow_label));
        prop_assert_eq!((usize::from(p.payload_len()), p.next_header(), p.hop_limit()),
                        (data.len(), next_header, hop_limit));
        prop_assert_eq!((p.src(), p.dst(), p.payload()), (&src, &dst, &data[..]));
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn tcp(src_port in any::<u16>(), dst_port in any::<u16>(), seq in any::<u32>(),
           ack in any::<u32>(), reserved in 0u8..8, flags in 0u16..0x200, window in any::<u16>(),
           checksum in any::<u16>(), urgent in any::<u16>(), opts in options(), data in payload()) {
        let lake = Lake::new();
        let mut t = lake.packet_with_options::<TcpHeader>(opts.len(), data.len()).unwrap();
        t.set_src_port(src_port);
        t.set_dst_port(dst_port);
        t.set_seq(seq);
        t.set_ack(ack);
        t.set_reserved(reserved);
        t.set_flags(flags);
        t.set_window(window);
        t.set_checksum(checksum);
        t.set_urgent(urgent);
        t.options_mut().copy_from_slice(&opts);
        t.payload_mut().copy_from_slice(&data);
        let built = t.finish().unwrap();

        let header_len = 20 + opts.len();
        let mut want = Vec::new();
        want.extend_from_slice(&src_port.to_be_bytes());
        want.extend_from_slice(&dst_port.to_be_bytes());
        want.extend_from_slice(&seq.to_be_bytes());
        want.extend_from_slice(&ack.to_be_bytes());
        let word = ((header_len as u16 / 4) << 12) | (u16::from(reserved) << 9) | flags;
        want.extend_from_slice(&word.to_be_bytes());
        want.extend_from_slice(&window.to_be_bytes());
        want.extend_from_slice(&checksum.to_be_bytes());
        want.extend_from_slice(&urgent.to_be_bytes());
        want.extend_from_slice(&opts);
        want.extend_from_slice(&data);
        prop_assert_eq!(built.as_bytes(), &want[..]);

        let (p, rest) = TcpHeader::parse(&want).unwrap();
        prop_assert_eq!((p.src_port(), p.dst_port(), p.seq(), p.ack()), (src_port, dst_port, seq, ack));
        prop_assert_eq!((usize::from(p.data_offset()) * 4, p.reserved(), p.flags()),
                        (header_len, reserved, flags));
        prop_assert_eq!((p.window(), p.checksum(), p.urgent()), (window, checksum, urgent));
        prop_assert_eq!((p.options(), p.payload()), (&opts[..], &data[..]));
        prop_assert!(rest.is_empty());
    }

    #[test]
    fn udp(src_port in any::<u16>(), dst_port in any::<u16>(), checksum in any::<u16>(),
           data in payload(), trailer in proptest::collection::vec(any::<u8>(), 0..8)) {
        let lake = Lake::new();
        let mut u = UdpHeader::new_in(&lake, data.len()).unwrap();
        u.set_src_port(src_port);
        u.set_dst_port(dst_port);
        u.set_checksum(checksum);
        u.payload_mut().copy_from_slice(&data);
        let built = u.finish().unwrap();

        let mut want = Vec::new();
        want.extend_from_slice(&src_port.to_be_bytes());
        want.extend_from_slice(&dst_port.to_be_bytes());
        want.extend_from_slice(&(8 + data.len() as u16).to_be_bytes());
        want.extend_from_slice(&checksum.to_be_bytes());
        want.extend_from_slice(&data);
        prop_assert_eq!(built.as_bytes(), &want[..]);

        // Bytes after the datagram (padding) are left to the caller as `rest`.
        want.extend_from_slice(&trailer);
        let (p, rest) = UdpHeader::parse(&want).unwrap();
        prop_assert_eq!((p.src_port(), p.dst_port(), p.checksum()), (src_port, dst_port, checksum));
        prop_assert_eq!((usize::from(p.length()), p.payload()), (8 + data.len(), &data[..]));
        prop_assert_eq!(rest, &trailer[..]);
    }

    #[test]
    fn icmp_and_icmpv6(msg_type in any::<u8>(), code in any::<u8>(), checksum in any::<u16>(),
                       ident in any::<u16>(), seq in any::<u16>(), data in payload()) {
        let mut want = vec![msg_type, code];
        want.extend_from_slice(&checksum.to_be_bytes());
        want.extend_from_slice(&ident.to_be_bytes());
        want.extend_from_slice(&seq.to_be_bytes());
        want.extend_from_slice(&data);

        let lake = Lake::new();
        let mut m = IcmpHeader::new_in(&lake, data.len()).unwrap();
        m.set_msg_type(msg_type);
        m.set_code(code);
        m.set_checksum(checksum);
        m.set_ident(ident);
        m.set_seq(seq);
        m.payload_mut().copy_from_slice(&data);
        prop_assert_eq!(m.finish().unwrap().as_bytes(), &want[..]);
        let (p, _) = IcmpHeader::parse(&want).unwrap();
        prop_assert_eq!((p.msg_type(), p.code(), p.checksum(), p.ident(), p.seq()),
                        (msg_type, code, checksum, ident, seq));
        prop_assert_eq!(p.payload(), &data[..]);

        let mut m = Icmpv6Header::new_in(&lake, data.len()).unwrap();
        m.set_msg_type(msg_type);
        m.set_code(code);
        m.set_checksum(checksum);
        m.set_ident(ident);
        m.set_seq(seq);
        m.payload_mut().copy_from_slice(&data);
        prop_assert_eq!(m.finish().unwrap().as_bytes(), &want[..]);
        let (p, _) = Icmpv6Header::parse(&want).unwrap();
        prop_assert_eq!((p.msg_type(), p.code(), p.checksum(), p.ident(), p.seq()),
                        (msg_type, code, checksum, ident, seq));
        prop_assert_eq!(p.payload(), &data[..]);
    }
}

/// Lengths the fields cannot express are refused when building, not truncated.
#[test]
fn oversized_packets_are_refused() {
    let lake = Lake::new();
    assert!(UdpHeader::new_in(&lake, 65_535 - 8).is_ok());
    assert!(UdpHeader::new_in(&lake, 65_535 - 7).is_err());
    assert!(Ipv6Header::new_in(&lake, 65_535).is_ok());
    assert!(Ipv6Header::new_in(&lake, 65_536).is_err());
    assert!(lake.packet_with_options::<Ipv4Header>(40, 0).is_ok());
    assert!(
        lake.packet_with_options::<Ipv4Header>(44, 0).is_err(),
        "IHL is 4 bits"
    );
    assert!(
        lake.packet_with_options::<Ipv4Header>(2, 0).is_err(),
        "not a multiple of 4"
    );
    assert!(lake.packet_with_options::<TcpHeader>(40, 0).is_ok());
    assert!(
        lake.packet_with_options::<TcpHeader>(44, 0).is_err(),
        "data offset is 4 bits"
    );
}

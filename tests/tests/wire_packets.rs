//! `#[lake::packet]` end to end: known frames, round trips through `new_in` + setters +
//! `finish`, and one test per attribute that fails without that attribute's behaviour.

use lake::wire::{checksum, ErrorKind, Packet};
use lake::Lake;
use lake_tests::wire_protocols::{EthernetHeader, Ipv4Header, TcpHeader, Tlv, UdpHeader};

/// The RFC 1071 example IPv4 header (total length 0x73, UDP, 192.168.0.1 → 192.168.0.199),
/// followed by a UDP header and 87 payload bytes, inside an Ethernet frame.
fn known_frame() -> Vec<u8> {
    let mut f = vec![
        // Ethernet: dst, src, ethertype IPv4
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
        // IPv4
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00,
        0x01, 0xc0, 0xa8, 0x00, 0xc7, // UDP: 53 → 41379, length 95, checksum 0
        0x00, 0x35, 0xa1, 0xa3, 0x00, 0x5f, 0x00, 0x00,
    ];
    f.extend((0..87u8).map(|i| i.wrapping_mul(7)));
    f.extend([0xde, 0xad]); // Ethernet trailer / padding after the IP packet
    f
}

#[test]
fn known_frame_parses_layer_by_layer() {
    let frame = known_frame();
    let (eth, after_eth) = EthernetHeader::parse(&frame).unwrap();
    assert_eq!(eth.ethertype(), 0x0800);
    assert_eq!(eth.src(), &[0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]);
    // Ethernet has no length field: its payload is the rest of the frame.
    assert_eq!(eth.payload().len(), frame.len() - 14);
    assert!(after_eth.is_empty());

    let (ip, trailer) = Ipv4Header::parse(eth.payload()).unwrap();
    assert_eq!((ip.version(), ip.ihl(), ip.header_len()), (4, 5, 20));
    assert_eq!((ip.total_len(), ip.ttl(), ip.proto()), (115, 64, 17));
    assert_eq!((ip.flags(), ip.frag_offset()), (0b010, 0));
    assert_eq!(ip.src(), &[192, 168, 0, 1]);
    assert_eq!(ip.dst(), &[192, 168, 0, 199]);
    assert!(ip.options().is_empty());
    assert_eq!(trailer, &[0xde, 0xad]);
    assert_eq!(
        checksum(&ip.as_bytes()[..ip.header_len()]),
        0,
        "the real header's checksum verifies"
    );

    let (udp, rest) = UdpHeader::parse(ip.payload()).unwrap();
    assert_eq!(
        (udp.src_port(), udp.dst_port(), udp.length()),
        (53, 0xa1a3, 95)
    );
    assert_eq!(udp.payload().len(), 87);
    assert_eq!(udp.payload()[3], 21);
    assert!(rest.is_empty());
    assert_eq!(
        udp.as_bytes().as_ptr(),
        frame[34..].as_ptr(),
        "views point into the frame: no copy"
    );
}

#[test]
fn ipv4_udp_round_trip_through_the_lake() {
    let lake = Lake::new();
    let mut udp = UdpHeader::new_in(&lake, 5).unwrap();
    udp.set_src_port(4000);
    udp.set_dst_port(53);
    udp.payload_mut().copy_from_slice(b"hello");
    let udp = udp.finish().unwrap();
    assert_eq!(udp.length(), 13);

    let mut ip = Ipv4Header::new_in(&lake, udp.as_bytes().len()).unwrap();
    ip.set_ttl(63);
    ip.set_proto(17);
    ip.set_dscp(46);
    ip.set_ecn(1);
    ip.set_flags(0b010);
    ip.set_frag_offset(0x1abc);
    ip.set_id(0xbeef);
    ip.set_src([10, 0, 0, 1]);
    ip.set_dst([10, 0, 0, 2]);
    ip.payload_mut().copy_from_slice(udp.as_bytes());
    let sum = checksum(&ip.as_bytes()[..ip.header_len()]); // length already stamped by new_in
    ip.set_checksum(sum);
    let ip = ip.finish().unwrap();

    let (ip2, rest) = Ipv4Header::parse(ip.as_bytes()).unwrap();
    assert!(rest.is_empty());
    assert_eq!((ip2.version(), ip2.ihl(), ip2.total_len()), (4, 5, 33));
    assert_eq!(
        (ip2.ttl(), ip2.proto(), ip2.dscp(), ip2.ecn()),
        (63, 17, 46, 1)
    );
    assert_eq!(
        (ip2.flags(), ip2.frag_offset(), ip2.id()),
        (0b010, 0x1abc, 0xbeef)
    );
    assert_eq!((ip2.src(), ip2.dst()), (&[10, 0, 0, 1], &[10, 0, 0, 2]));
    assert_eq!(checksum(&ip2.as_bytes()[..20]), 0);
    let (udp2, _) = UdpHeader::parse(ip2.payload()).unwrap();
    assert_eq!(
        (udp2.src_port(), udp2.dst_port(), udp2.payload()),
        (4000, 53, &b"hello"[..])
    );
}

#[test]
fn ipv4_options_round_trip() {
    let lake = Lake::new();
    let mut ip = lake.packet_with_options::<Ipv4Header>(8, 3).unwrap();
    assert_eq!(
        (ip.ihl(), ip.total_len()),
        (7, 31),
        "new_in stamps header_len and length"
    );
    ip.options_mut()
        .copy_from_slice(&[1, 1, 1, 0, 0x94, 4, 0, 0]);
    ip.payload_mut().copy_from_slice(&[9, 8, 7]);
    let ip = ip.finish().unwrap();
    let (p, _) = Ipv4Header::parse(ip.as_bytes()).unwrap();
    assert_eq!((p.ihl(), p.header_len(), p.total_len()), (7, 28, 31));
    assert_eq!(p.options(), &[1, 1, 1, 0, 0x94, 4, 0, 0]);
    assert_eq!(p.payload(), &[9, 8, 7]);
}

#[test]
fn tcp_data_offset_gives_options_and_rest_is_payload() {
    let mut seg = vec![0u8; 20 + 4 + 6];
    seg[12] = 0x60 | 0x01; // data offset 6 (24 bytes), NS flag
    seg[13] = 0x12; // SYN + ACK
    seg[20..24].copy_from_slice(&[2, 4, 0x05, 0xb4]); // MSS option
    seg[24..].copy_from_slice(b"abcdef");
    let (tcp, rest) = TcpHeader::parse(&seg).unwrap();
    assert_eq!(
        (tcp.data_offset(), tcp.reserved(), tcp.flags()),
        (6, 0, 0x112)
    );
    assert_eq!(tcp.options(), &[2, 4, 0x05, 0xb4]);
    assert_eq!(tcp.payload(), b"abcdef");
    assert!(rest.is_empty());

    // Data offset below the fixed 20 bytes is an error, naming the sub-field.
    seg[12] = 0x40;
    let err = TcpHeader::parse(&seg).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::HeaderLen {
            field: "data_offset",
            value: 16,
            min: 20
        }
    );
    // Data offset past the buffer is truncation.
    seg[12] = 0xf0;
    let err = TcpHeader::parse(&seg).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Truncated {
            needed: 60,
            available: 30
        }
    );
}

#[test]
fn tcp_round_trip() {
    let lake = Lake::new();
    let mut tcp = lake.packet_with_options::<TcpHeader>(12, 4).unwrap();
    tcp.set_seq(0xdead_beef);
    tcp.set_ack(7);
    tcp.set_flags(0x018);
    tcp.set_window(65535);
    tcp.set_data_offset(0); // wrong on purpose: finish() restamps it from the real size
    tcp.payload_mut().copy_from_slice(b"GET ");
    let tcp = tcp.finish().unwrap();
    let (p, _) = TcpHeader::parse(tcp.as_bytes()).unwrap();
    assert_eq!(
        (p.seq(), p.ack(), p.flags(), p.window()),
        (0xdead_beef, 7, 0x018, 65535)
    );
    assert_eq!(
        (p.data_offset(), p.options().len(), p.payload()),
        (8, 12, &b"GET "[..])
    );
}

#[test]
fn truncated_error_text_and_offset() {
    let err = Ipv4Header::parse(&[0x45, 0, 0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Ipv4Header: truncated: need 20 bytes, buffer has 3"
    );
    let frame = known_frame();
    let err = UdpHeader::parse(&frame[34..36])
        .map_err(|e| e.at(34))
        .unwrap_err();
    assert_eq!(err.offset, 34);
    assert_eq!(
        err.to_string(),
        "UdpHeader at byte 34: truncated: need 8 bytes, buffer has 2"
    );
}

#[test]
fn attribute_value_is_checked_and_stamped() {
    // value(version = 4): an IPv6 version nibble is rejected, by name.
    let mut frame = known_frame();
    frame[14] = 0x65;
    let err = Ipv4Header::parse(&frame[14..]).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Value {
            field: "version",
            value: 6,
            expected: 4
        }
    );
    // value = 0x7e on a whole field, stamped by new_in.
    let lake = Lake::new();
    let tlv = Tlv::new_in(&lake, 1).unwrap();
    assert_eq!(tlv.kind(), 0x7e);
    let err = Tlv::parse(&[0x7f, 0, 0, 1, 0]).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Value {
            field: "kind",
            value: 0x7f,
            expected: 0x7e
        }
    );
}

#[test]
fn attribute_length_total_bounds() {
    let frame = known_frame();
    let mut ip = frame[14..].to_vec();
    ip[2..4].copy_from_slice(&19u16.to_be_bytes()); // below min = 20
    let err = Ipv4Header::parse(&ip).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::LengthField {
            field: "total_len",
            value: 19,
            min: 20,
            max: ip.len() as u64
        }
    );
    let past = ip.len() as u16 + 1;
    ip[2..4].copy_from_slice(&past.to_be_bytes()); // past the buffer
    assert!(matches!(
        Ipv4Header::parse(&ip).unwrap_err().kind,
        ErrorKind::LengthField { .. }
    ));
    // The length field bounds the payload, whatever the buffer holds after it.
    ip[2..4].copy_from_slice(&24u16.to_be_bytes());
    let (p, rest) = Ipv4Header::parse(&ip).unwrap();
    assert_eq!((p.payload().len(), rest.len()), (4, ip.len() - 24));
    let err = Ipv4Header::parse(&ip[..20]).map(|_| ()).unwrap_err();
    assert!(
        err.to_string()
            .contains("length field `total_len` = 24 outside 20..=20"),
        "{err}"
    );
}

#[test]
fn attribute_length_payload_bounds_and_stamping() {
    let (tlv, rest) = Tlv::parse(&[0x7e, 0, 0, 2, b'a', b'b', b'c']).unwrap();
    assert_eq!((tlv.len(), tlv.payload(), rest), (2, &b"ab"[..], &b"c"[..]));
    // min = 1
    let err = Tlv::parse(&[0x7e, 0, 0, 0]).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::LengthField {
            field: "len",
            value: 0,
            min: 1,
            max: 0
        }
    );
    // max = 16, also when building.
    let lake = Lake::new();
    let err = Tlv::new_in(&lake, 17).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::LengthField {
            field: "len",
            value: 17,
            min: 1,
            max: 16
        }
    );
    assert_eq!(Tlv::new_in(&lake, 16).unwrap().len(), 16);
}

#[test]
fn length_that_does_not_fit_its_field_overflows() {
    let lake = Lake::new();
    let err = UdpHeader::new_in(&lake, 70_000).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Overflow {
            field: "length",
            needed: 70_008
        }
    );
    let err = lake.packet_with_options::<Ipv4Header>(2, 0).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::HeaderLen {
            field: "ihl",
            value: 22,
            min: 20
        }
    );
}

#[test]
fn attribute_check_runs_last() {
    let err = Tlv::parse(&[0x7e, 0x80, 0, 1, 0]).unwrap_err();
    assert_eq!(
        err.kind,
        ErrorKind::Check {
            reason: "reserved flag bit 7 set"
        }
    );
    assert_eq!(
        err.to_string(),
        "Tlv: check failed: reserved flag bit 7 set"
    );
}

#[test]
fn bits_are_msb_first_and_setters_mask() {
    let lake = Lake::new();
    let mut ip = Ipv4Header::new_in(&lake, 0).unwrap();
    ip.set_flags(0xff); // 3-bit field: only 0b111 lands, the neighbour is untouched
    assert_eq!((ip.flags(), ip.frag_offset()), (0b111, 0));
    ip.set_frag_offset(1);
    assert_eq!(ip.as_bytes()[6..8], [0xe0, 0x01]);
    ip.set_dscp(0b10_1110);
    assert_eq!(ip.as_bytes()[1], 0b1011_1000);
}

#[test]
fn finish_restamps_fields_changed_through_setters() {
    let lake = Lake::new();
    let mut ip = Ipv4Header::new_in(&lake, 4).unwrap();
    ip.set_version(6);
    ip.set_ihl(15);
    let ip = ip.finish().unwrap();
    assert_eq!((ip.version(), ip.ihl(), ip.total_len()), (4, 5, 24));
    assert!(Ipv4Header::parse(ip.as_bytes()).is_ok());
}

#[test]
fn parse_mut_edits_in_place() {
    let mut frame = known_frame();
    {
        let (mut ip, _) = Ipv4Header::parse_mut(&mut frame[14..]).unwrap();
        ip.set_ttl(1);
        ip.payload_mut()[0] = 0xff;
    }
    assert_eq!(frame[14 + 8], 1);
    assert_eq!(frame[34], 0xff);
}

#[test]
fn view_aliases_and_packet_consts() {
    use lake_tests::wire_protocols::{UdpHeaderView, UdpHeaderViewMut};
    let lake = Lake::new();
    let v: UdpHeaderViewMut<'_> = UdpHeader::new_in(&lake, 0).unwrap();
    let v: UdpHeaderView<'_> = v.finish().unwrap();
    assert_eq!(v.length(), 8);
    assert_eq!(<UdpHeader as Packet>::NAME, "UdpHeader");
    assert_eq!(<Ipv4Header as Packet>::FIXED_LEN, 20);
    assert_eq!(<TcpHeader as Packet>::FIXED_LEN, 20);
    assert_eq!(
        core::mem::size_of::<lake::wire::View<'_, UdpHeader>>(),
        3 * core::mem::size_of::<usize>()
    );
}

#[test]
fn nested_packet_fields_are_borrowed() {
    use lake_tests::wire_protocols::Encapsulated;
    let lake = Lake::new();
    let mut e = Encapsulated::new_in(&lake, 2).unwrap();
    e.set_tag(9);
    e.inner_mut().set_dst_port(53);
    let e = e.finish().unwrap();
    assert_eq!(e.as_bytes(), &[9, 0, 0, 0, 53, 0, 0, 0, 0, 2, 0, 0]);
    let (p, _) = Encapsulated::parse(e.as_bytes()).unwrap();
    assert_eq!((p.tag(), p.inner().dst_port(), p.len()), (9, 53, 2));
}

#[test]
fn little_endian_fields() {
    use lake_tests::wire_protocols::PcapRecord;
    let rec = [
        0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00,
        0x00,
    ];
    let (r, rest) = PcapRecord::parse(&rec).unwrap();
    assert_eq!(
        (r.ts_sec(), r.ts_usec(), r.incl_len(), r.orig_len()),
        (1, 2, 60, 64)
    );
    assert!(r.payload().is_empty() && rest.is_empty());
    let mut bad = rec;
    bad[8] = 0x41;
    assert_eq!(
        PcapRecord::parse(&bad).unwrap_err().kind,
        ErrorKind::Check {
            reason: "incl_len exceeds orig_len"
        }
    );
    let lake = Lake::new();
    let mut w = PcapRecord::new_in(&lake, 0).unwrap();
    w.set_ts_sec(0x0102_0304);
    assert_eq!(&w.as_bytes()[..4], &[4, 3, 2, 1]);
}

#[test]
fn ipv6_u32_bit_fields_and_payload_length() {
    use lake_tests::wire_protocols::Ipv6Header;
    // version 6, traffic class 0xb8, flow label 0x12345; 4-byte payload, UDP, hop limit 64
    let mut frame = vec![0x6b, 0x81, 0x23, 0x45, 0x00, 0x04, 17, 64];
    frame.extend(
        [0xfe, 0x80]
            .iter()
            .chain([0u8; 13].iter())
            .chain([1u8].iter()),
    );
    frame.extend(
        [0xff, 0x02]
            .iter()
            .chain([0u8; 13].iter())
            .chain([2u8].iter()),
    );
    frame.extend([1, 2, 3, 4, 5]);
    let (ip, rest) = Ipv6Header::parse(&frame).unwrap();
    assert_eq!(
        (ip.version(), ip.traffic_class(), ip.flow_label()),
        (6, 0xb8, 0x12345)
    );
    assert_eq!(
        (ip.payload_len(), ip.next_header(), ip.hop_limit()),
        (4, 17, 64)
    );
    assert_eq!((ip.src()[0], ip.dst()[15]), (0xfe, 2));
    assert_eq!((ip.payload(), rest), (&[1, 2, 3, 4][..], &[5][..]));

    let lake = Lake::new();
    let mut b = Ipv6Header::new_in(&lake, 2).unwrap();
    b.set_flow_label(0xfffff);
    b.set_traffic_class(1);
    let b = b.finish().unwrap();
    assert_eq!(&b.as_bytes()[..6], &[0x60, 0x1f, 0xff, 0xff, 0, 2]);
}

/// IPv4's header length is bounded by its total-length field, which is bounded by the buffer:
/// an IHL past either is rejected (as a length-field error), never read past the buffer.
#[test]
fn ipv4_header_length_past_the_total_or_the_buffer_is_rejected() {
    // A valid 20-byte header with total length 40, in a 40-byte buffer.
    let mut buf = vec![0u8; 40];
    buf[..20].copy_from_slice(&[
        0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    assert!(Ipv4Header::parse(&buf).is_ok());
    // IHL 15 (60 bytes) > total 40 = buffer.
    buf[0] = 0x4f;
    let err = Ipv4Header::parse(&buf).unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::LengthField { min: 60, .. }),
        "{err}"
    );
    // IHL 15 with a total of 60 that the 40-byte buffer cannot hold.
    buf[3] = 60;
    let err = Ipv4Header::parse(&buf).unwrap_err();
    assert!(
        matches!(
            err.kind,
            ErrorKind::LengthField {
                value: 60,
                max: 40,
                ..
            }
        ),
        "{err}"
    );
    // IHL 4 (16 bytes) is below the fixed header.
    buf[0] = 0x44;
    let err = Ipv4Header::parse(&buf).unwrap_err();
    assert!(
        matches!(
            err.kind,
            ErrorKind::HeaderLen {
                value: 16,
                min: 20,
                ..
            }
        ),
        "{err}"
    );
}

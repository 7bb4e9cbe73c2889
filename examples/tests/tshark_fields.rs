//! Every decoded field of the committed captures against tshark's decode of the same files
//! (`examples/data/*.fields.tsv`, exported by `examples/data/make_captures.sh`; tshark is not
//! needed to run this test).

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use lake_examples::capture::Capture;
use lake_examples::decode::{decode_frame, Decoded};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Our value of tshark field `field` for one frame ("" when the frame has no such field).
fn ours(field: &str, number: u64, orig_len: u32, cap_len: usize, d: &Decoded<'_>) -> String {
    let s = |v: Option<String>| v.unwrap_or_default();
    match field {
        "frame.number" => number.to_string(),
        "frame.len" => orig_len.to_string(),
        "frame.cap_len" => cap_len.to_string(),
        "eth.type" => s(d.link_ethertype.map(|t| format!("{t:#06x}"))),
        "ip.src" => s(d.ipv4.map(|ip| Ipv4Addr::from(*ip.src()).to_string())),
        "ip.dst" => s(d.ipv4.map(|ip| Ipv4Addr::from(*ip.dst()).to_string())),
        "ip.ttl" => s(d.ipv4.map(|ip| ip.ttl().to_string())),
        "ip.id" => s(d.ipv4.map(|ip| format!("{:#06x}", ip.id()))),
        "ip.len" => s(d.ipv4.map(|ip| ip.total_len().to_string())),
        "ip.proto" => s(d.ipv4.map(|ip| ip.proto().to_string())),
        "ipv6.src" => s(d.ipv6.map(|ip| Ipv6Addr::from(*ip.src()).to_string())),
        "ipv6.dst" => s(d.ipv6.map(|ip| Ipv6Addr::from(*ip.dst()).to_string())),
        "ipv6.hlim" => s(d.ipv6.map(|ip| ip.hop_limit().to_string())),
        "ipv6.plen" => s(d.ipv6.map(|ip| ip.payload_len().to_string())),
        "ipv6.nxt" => s(d.ipv6.map(|ip| ip.next_header().to_string())),
        "tcp.srcport" => s(d.tcp.map(|t| t.src_port().to_string())),
        "tcp.dstport" => s(d.tcp.map(|t| t.dst_port().to_string())),
        "tcp.seq_raw" => s(d.tcp.map(|t| t.seq().to_string())),
        "tcp.ack_raw" => s(d.tcp.map(|t| t.ack().to_string())),
        "tcp.flags" => s(d
            .tcp
            .map(|t| format!("{:#06x}", (u16::from(t.reserved()) << 9) | t.flags()))),
        "tcp.window_size_value" => s(d.tcp.map(|t| t.window().to_string())),
        "tcp.hdr_len" => s(d.tcp.map(|t| (u32::from(t.data_offset()) * 4).to_string())),
        "udp.srcport" => s(d.udp.map(|u| u.src_port().to_string())),
        "udp.dstport" => s(d.udp.map(|u| u.dst_port().to_string())),
        "udp.length" => s(d.udp.map(|u| u.length().to_string())),
        "icmp.type" => s(d.icmp.map(|i| i.msg_type().to_string())),
        "icmp.code" => s(d.icmp.map(|i| i.code().to_string())),
        // tshark shows the identifier of echo messages only.
        "icmp.ident" => s(d
            .icmp
            .filter(|i| matches!(i.msg_type(), 0 | 8))
            .map(|i| i.ident().to_string())),
        "icmpv6.type" => s(d.icmpv6.map(|i| i.msg_type().to_string())),
        "icmpv6.code" => s(d.icmpv6.map(|i| i.code().to_string())),
        other => panic!("no decoder for field {other}"),
    }
}

/// Compares every field of every frame of `capture` with `tsv`; returns (frames, fields
/// compared non-empty).
fn compare(capture: &str, tsv: &str) -> (u64, u64) {
    let file = data(capture);
    let text = String::from_utf8(data(tsv)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let cap = Capture::open(&file).unwrap();
    let mut walker = cap.walker();
    let mut number = 0u64;
    let mut nonempty = 0u64;
    let mut mismatches = Vec::new();
    while let Some(rec) = walker.next_record().unwrap() {
        number += 1;
        let d = decode_frame(rec.linktype, rec.data, rec.missing());
        let row: &Vec<&str> = &rows[(number - 1) as usize];
        let expected: HashMap<&str, &str> =
            header.iter().copied().zip(row.iter().copied()).collect();
        for field in &header {
            let want = expected.get(field).copied().unwrap_or("");
            let got = ours(field, number, rec.orig_len, rec.data.len(), &d);
            if want != got {
                mismatches.push(format!(
                    "frame {number} {field}: tshark {want:?}, lake-pcap {got:?}"
                ));
            }
            if !want.is_empty() {
                nonempty += 1;
            }
        }
    }
    assert_eq!(number as usize, rows.len(), "{capture}: frame count");
    assert!(
        mismatches.is_empty(),
        "{capture}: {} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    (number, nonempty)
}

/// The embedded capture, against the export made without IP reassembly (a frame-by-frame
/// decoder sees the UDP header in a datagram's first fragment, as that export does).
#[test]
fn loopback_matches_tshark() {
    let (frames, fields) = compare("loopback.pcap", "loopback.nodefrag.fields.tsv");
    assert!(
        frames > 200 && fields > 2000,
        "{frames} frames, {fields} fields"
    );
}

/// Linux cooked v2 (`tcpdump -i any`).
#[test]
fn sll2_matches_tshark() {
    let (frames, _) = compare("any-sll2.pcap", "any-sll2.fields.tsv");
    assert!(frames > 10);
}

/// 802.1Q and 802.1ad tagged frames.
#[test]
fn vlan_matches_tshark() {
    let (frames, _) = compare("vlan.pcap", "vlan.fields.tsv");
    assert!(frames >= 3);
}

/// The default export (IP reassembly on) differs only in the fragments' UDP fields.
#[test]
fn default_export_differs_only_in_fragment_rows() {
    let a = String::from_utf8(data("loopback.fields.tsv")).unwrap();
    let b = String::from_utf8(data("loopback.nodefrag.fields.tsv")).unwrap();
    let differing: Vec<usize> = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, _)| i)
        .collect();
    assert!(
        !differing.is_empty() && differing.len() <= 4,
        "{differing:?}"
    );
}

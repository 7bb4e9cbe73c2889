//! Bad input: hand-made malformed frames are reported with the expected layer, reason and
//! kind; broken containers stop with one stderr line naming the byte offset and the record,
//! exit code 2, and no panic.

use std::process::Command;

use lake_examples::analyzer::analyze;
use lake_examples::capture::Capture;
use lake_examples::decode::decode_frame;

fn data_path(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn data(name: &str) -> Vec<u8> {
    let path = data_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Rows of a TSV file after its header line.
fn tsv(name: &str) -> Vec<Vec<String>> {
    String::from_utf8(data(name))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn each_malformed_frame_reports_its_layer_and_reason() {
    let expected = tsv("malformed.expected.tsv");
    assert!(expected.len() >= 20, "{}", expected.len());
    let file = data("malformed.pcap");
    let cap = Capture::open(&file).unwrap();
    let mut walker = cap.walker();
    let mut number = 0;
    let mut checked = 0;
    while let Some(rec) = walker.next_record().unwrap() {
        number += 1;
        let d = decode_frame(rec.linktype, rec.data, rec.missing());
        let want = expected.iter().find(|row| row[0] == number.to_string());
        let got = d
            .fault
            .map(|f| (f.layer.name(), f.reason.name(), f.kind.name()));
        match want {
            Some(row) => {
                assert_eq!(
                    got,
                    Some((row[1].as_str(), row[2].as_str(), row[3].as_str())),
                    "frame {number}"
                );
                checked += 1;
            }
            None => assert_eq!(got, None, "frame {number} is expected to be clean"),
        }
    }
    assert_eq!(checked, expected.len());
}

#[test]
fn malformed_summary_counts_by_layer_and_reason_with_packet_numbers() {
    let expected = tsv("malformed.expected.tsv");
    let file = data("malformed.pcap");
    let out = analyze(&Capture::open(&file).unwrap(), 1, None);
    assert!(out.error.is_none());
    for row in &expected {
        let table = if row[3] == "malformed" {
            &out.stats.malformed
        } else {
            &out.stats.truncated
        };
        let n: u64 = row[0].parse().unwrap();
        let hit = table
            .iter()
            .any(|((l, r), t)| l.name() == row[1] && r.name() == row[2] && t.first().contains(&n));
        assert!(
            hit,
            "frame {n} not listed under {} {} {}",
            row[3], row[1], row[2]
        );
    }
    let malformed = expected.iter().filter(|r| r[3] == "malformed").count() as u64;
    assert_eq!(out.stats.malformed_total(), malformed);
    let truncated = expected.len() as u64 - malformed;
    assert_eq!(out.stats.truncated_total(), truncated);
    assert_eq!(
        out.stats.protocols[lake_examples::stats::Proto::Malformed as usize].packets,
        malformed
    );
}

#[test]
fn broken_containers_fail_at_the_expected_offset_and_record() {
    let rows = tsv("broken/expected.tsv");
    assert!(rows.len() >= 5);
    for row in rows {
        let name = format!("broken/{}", row[0]);
        let (offset, record): (u64, u64) = (row[1].parse().unwrap(), row[2].parse().unwrap());
        let file = data(&name);
        let err = match Capture::open(&file) {
            Err(e) => e,
            Ok(cap) => {
                let out = analyze(&cap, 1, None);
                assert_eq!(
                    out.stats.packets + 1,
                    record,
                    "{name}: packets before the error"
                );
                out.error
                    .unwrap_or_else(|| panic!("{name}: read without error"))
            }
        };
        assert_eq!((err.offset, err.record), (offset, record), "{name}: {err}");
    }
}

#[test]
fn the_binary_prints_one_error_line_and_exits_2() {
    let bin = env!("CARGO_BIN_EXE_lake-pcap");
    for row in tsv("broken/expected.tsv") {
        let path = data_path(&format!("broken/{}", row[0]));
        let out = Command::new(bin).arg(&path).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        let line = lines[0];
        assert!(
            line.starts_with("lake-pcap: ") && line.contains(&path),
            "{line}"
        );
        assert!(
            line.contains(&format!("offset {}, record {}", row[1], row[2])),
            "{line}"
        );
    }
}

#[test]
fn the_binary_exits_0_on_malformed_frames_and_counts_from_1() {
    let bin = env!("CARGO_BIN_EXE_lake-pcap");
    let out = Command::new(bin)
        .args(["--json", "--threads", "2", &data_path("malformed.pcap")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "file",
        "format",
        "packets",
        "bytes",
        "threads",
        "elapsed_seconds",
        "packets_per_second",
        "megabytes_per_second",
        "protocols",
        "flow_count",
        "flows",
        "malformed",
        "truncated",
    ] {
        assert!(v.get(key).is_some(), "JSON lacks {key}");
    }
    assert_eq!(v["format"], "pcap");
    let first: Vec<u64> = v["malformed"]["by_reason"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["first_packets"].as_array().unwrap().clone())
        .map(|n| n.as_u64().unwrap())
        .collect();
    assert!(!first.contains(&0) && first.contains(&2), "{first:?}");
}

#[test]
fn empty_and_tiny_files_are_errors_not_panics() {
    for bytes in [
        &[][..],
        &[0xd4][..],
        &[0x0a, 0x0d, 0x0d, 0x0a][..],
        &b"GIF89a"[..],
    ] {
        match Capture::open(bytes) {
            Err(e) => assert_eq!(e.offset, 0),
            Ok(cap) => assert!(analyze(&cap, 1, None).error.is_some()),
        }
    }
}

/// A VLAN tag inside a Linux cooked (SLL2) frame is walked like one in an Ethernet frame.
#[test]
fn vlan_tag_in_a_cooked_frame() {
    let eth = lake_examples::sample::dns_query_frame();
    let mut sll2 = vec![
        0x81, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    sll2.extend_from_slice(&[0x00, 0x64, 0x08, 0x00]); // VLAN 100, then IPv4
    sll2.extend_from_slice(&eth[14..]);
    let d = decode_frame(lake_examples::decode::LINKTYPE_LINUX_SLL2, &sll2, 0);
    assert_eq!((d.vlan_id, d.fault), (Some(100), None));
    assert_eq!(d.udp.map(|u| u.dst_port()), Some(53));
    // The tag cut off: a vlan fault, as in Ethernet frames.
    let d = decode_frame(lake_examples::decode::LINKTYPE_LINUX_SLL2, &sll2[..22], 0);
    assert_eq!(d.fault.map(|f| f.layer.name()), Some("vlan"));
}

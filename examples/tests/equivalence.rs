//! The same traffic in every container gives the same summary; a snap-length-cut copy has
//! no malformed frame; and the summary does not depend on the number of threads.

use lake_examples::analyzer::{analyze, MIN_SPLIT_BYTES};
use lake_examples::capture::{Capture, PcapWriter};
use lake_examples::report::{Report, RunInfo};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The summary of `file` on `threads` threads, without what may differ between runs or
/// containers (timing, thread count, file name, format).
fn summary(file: &[u8], threads: usize) -> (Report, usize) {
    let cap = Capture::open(file).unwrap();
    let out = analyze(&cap, threads, None);
    let info = RunInfo {
        file: String::new(),
        format: "",
        file_bytes: file.len() as u64,
        threads: 1,
        elapsed_seconds: 1.0,
        top: 50,
        error: out.error.map(|e| e.to_string()),
    };
    (Report::new(&out.stats, &info).without_timing(), out.threads)
}

#[test]
fn pcapng_and_nanosecond_copies_give_the_same_summary() {
    let (us, _) = summary(&data("loopback.pcap"), 1);
    let (ng, _) = summary(&data("loopback.pcapng"), 1);
    let (ns, _) = summary(&data("loopback-ns.pcap"), 1);
    assert!(us.packets > 200 && us.flow_count > 10, "{us:?}");
    assert_eq!(us, ng);
    assert_eq!(us, ns);
}

#[test]
fn snap_length_cut_copy_has_no_malformed_frame() {
    let (full, _) = summary(&data("loopback.pcap"), 1);
    let (cut, _) = summary(&data("loopback-snap96.pcap"), 1);
    assert_eq!(cut.malformed.total, 0, "{:?}", cut.malformed);
    assert!(cut.truncated.total > 50, "{:?}", cut.truncated);
    assert_eq!(cut.packets, full.packets);
    assert_eq!(cut.wire_bytes, full.wire_bytes);
    assert!(cut.bytes < full.bytes);
    // Flows count wire bytes, so cutting the capture changes none of them.
    assert_eq!(cut.flows, full.flows);
    assert_eq!(cut.flow_count, full.flow_count);
    // The embedded capture itself is clean: every frame of it is well-formed and whole.
    assert_eq!((full.malformed.total, full.truncated.total), (0, 0));
}

/// `times` copies of the records of classic pcap `file` after its global header.
fn repeat_pcap(file: &[u8], times: usize) -> Vec<u8> {
    let mut out = file[..24].to_vec();
    for _ in 0..times {
        out.extend_from_slice(&file[24..]);
    }
    out
}

/// `times` copies of the packet blocks of pcapng `file` after its first packet block's
/// predecessors (section header and interface descriptions).
fn repeat_pcapng(file: &[u8], times: usize) -> Vec<u8> {
    // The first enhanced packet block (type 6, little-endian file) starts the repeated part.
    let mut pos = 0;
    while u32::from_le_bytes(file[pos..pos + 4].try_into().unwrap()) != 6 {
        pos += u32::from_le_bytes(file[pos + 4..pos + 8].try_into().unwrap()) as usize;
    }
    let mut out = file[..pos].to_vec();
    for _ in 0..times {
        out.extend_from_slice(&file[pos..]);
    }
    out
}

fn same_for_every_thread_count(file: &[u8]) {
    assert!(file.len() > 2 * MIN_SPLIT_BYTES);
    let (one, _) = summary(file, 1);
    for n in [2, 3, 4, 7] {
        let (many, used) = summary(file, n);
        assert!(used > 1, "{n} threads asked, the file was not split");
        assert_eq!(one, many, "{n} threads");
    }
}

#[test]
fn threads_give_identical_summaries_pcap() {
    let file = repeat_pcap(&data("loopback.pcap"), 20);
    same_for_every_thread_count(&file);
}

#[test]
fn threads_give_identical_summaries_pcapng() {
    let file = repeat_pcapng(&data("loopback.pcapng"), 20);
    same_for_every_thread_count(&file);
}

/// Malformed frames' packet numbers (counted from 1) are global, not per thread.
#[test]
fn threads_keep_global_packet_numbers() {
    let file = repeat_pcap(&data("malformed.pcap"), 30_000);
    same_for_every_thread_count(&file);
    let (one, _) = summary(&file, 1);
    let per_copy = Capture::open(&data("malformed.pcap"))
        .map(|c| analyze(&c, 1, None).stats.packets)
        .unwrap();
    assert_eq!(one.packets, per_copy * 30_000);
}

/// Records whose payloads are themselves chains of plausible record headers: the boundary
/// guesses land inside payloads, and the analyzer must notice and recover.
#[test]
fn wrong_boundary_guesses_are_caught() {
    let mut fake = Vec::new();
    for _ in 0..64 {
        // A plausible record header with no captured bytes.
        for v in [1_700_000_000u32, 0, 0, 0] {
            fake.extend_from_slice(&v.to_le_bytes());
        }
    }
    let mut w = PcapWriter::new(Vec::new(), 1).unwrap();
    let records = (3 * MIN_SPLIT_BYTES / (16 + fake.len()) + 1) as u32;
    let mut lcg = 12_345u32;
    for i in 0..records {
        // Payload lengths vary irregularly, so even splits of the file fall inside payloads.
        lcg = lcg.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let payload = &fake[..fake.len() - 16 * ((lcg >> 16) as usize % 32)];
        w.write_record(1_700_000_000, i, payload.len() as u32 + 7, payload)
            .unwrap();
    }
    let file = w.into_inner();
    let (one, _) = summary(&file, 1);
    assert_eq!(one.packets, u64::from(records));
    for n in [2, 3, 4] {
        let (many, used) = summary(&file, n);
        assert!(used > 1, "{n} threads asked, the file was not split");
        assert_eq!(many, one, "{n} threads");
    }
}

mod split_property {
    use super::*;
    use proptest::prelude::*;

    /// A capture of `n` records whose payloads are byte runs cut from the embedded capture
    /// (record headers included), so plausible headers sit inside payloads everywhere.
    fn tricky_capture(seeds: &[(usize, u16)]) -> Vec<u8> {
        let src = &data("loopback.pcap")[24..];
        let mut w = PcapWriter::new(Vec::new(), 1).unwrap();
        let mut i = 0u32;
        let mut size = 24;
        while size < MIN_SPLIT_BYTES + MIN_SPLIT_BYTES / 2 {
            for &(start, len) in seeds {
                let start = start % src.len();
                let end = (start + usize::from(len)).min(src.len());
                let payload = &src[start..end];
                w.write_record(1_700_000_000, i % 1_000_000, payload.len() as u32, payload)
                    .unwrap();
                size += 16 + payload.len();
                i += 1;
            }
        }
        w.into_inner()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 0 } else { 6 }))]

        #[test]
        fn any_split_gives_the_single_thread_summary(
            seeds in proptest::collection::vec((any::<usize>(), 0u16..30_000), 1..40),
            threads in 2usize..6,
        ) {
            let file = tricky_capture(&seeds);
            let (one, _) = summary(&file, 1);
            let (many, used) = summary(&file, threads);
            prop_assert!(used > 1, "the file was not split");
            prop_assert_eq!(one, many);
        }
    }
}

/// A pcapng writer for tests (either byte order): section headers, interfaces (with an
/// optional `if_tsresol`), enhanced packets.
struct Ng(Vec<u8>, bool);

impl Ng {
    fn u32(&mut self, v: u32) {
        let b = if self.1 {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.0.extend_from_slice(&b);
    }
    fn block(&mut self, kind: u32, body: &[u8]) {
        let len = 12 + body.len().next_multiple_of(4) as u32;
        self.u32(kind);
        self.u32(len);
        self.0.extend_from_slice(body);
        self.0.resize(
            self.0.len() + body.len().next_multiple_of(4) - body.len(),
            0,
        );
        self.u32(len);
    }
    fn words(&self, words: &[u32]) -> Vec<u8> {
        let mut b = Vec::new();
        for w in words {
            b.extend_from_slice(&if self.1 {
                w.to_be_bytes()
            } else {
                w.to_le_bytes()
            });
        }
        b
    }
    fn section(&mut self) {
        // Magic, version 1.0 (two u16 in one word), section length -1.
        let version = if self.1 { 0x0001_0000 } else { 0x0000_0001 };
        let body = self.words(&[0x1a2b_3c4d, version, u32::MAX, u32::MAX]);
        self.block(0x0a0d_0d0a, &body);
    }
    fn interface_with(&mut self, linktype: u16, tsresol: Option<u8>) {
        let lt = if self.1 {
            u32::from(linktype) << 16
        } else {
            u32::from(linktype)
        };
        let mut body = self.words(&[lt, 0]);
        if let Some(r) = tsresol {
            let opt = if self.1 { (9 << 16) | 1 } else { (1 << 16) | 9 };
            body.extend_from_slice(&self.words(&[opt]));
            body.extend_from_slice(&[r, 0, 0, 0]);
            body.extend_from_slice(&self.words(&[0])); // opt_endofopt
        }
        self.block(1, &body);
    }
    fn interface(&mut self, linktype: u16) {
        self.interface_with(linktype, None);
    }
    fn packet(&mut self, iface: u32, ts: u64, data: &[u8]) {
        let mut b = self.words(&[
            iface,
            (ts >> 32) as u32,
            ts as u32,
            data.len() as u32,
            data.len() as u32,
        ]);
        b.extend_from_slice(data);
        self.block(6, &b);
    }
}

/// The frames of the embedded capture with their timestamps in ns.
fn embedded_frames() -> Vec<(u64, Vec<u8>)> {
    let pcap = data("loopback.pcap");
    let cap = Capture::open(&pcap).unwrap();
    let mut frames = Vec::new();
    let mut w = cap.walker();
    while let Some(r) = w.next_record().unwrap() {
        frames.push((r.ts_nanos, r.data.to_vec()));
    }
    frames
}

/// Big-endian pcapng with nanosecond `if_tsresol`, and big-endian classic pcap: the same
/// summary as the little-endian microsecond original.
#[test]
fn big_endian_and_tsresol_copies_give_the_same_summary() {
    let (original, _) = summary(&data("loopback.pcap"), 1);
    for big in [false, true] {
        let mut ng = Ng(Vec::new(), big);
        ng.section();
        ng.interface_with(1, Some(9));
        for (ts, f) in embedded_frames() {
            ng.packet(0, ts, &f);
        }
        let (copy, _) = summary(&ng.0, 1);
        assert_eq!(copy, original, "pcapng, big-endian {big}");
    }
    // Classic pcap, big-endian: every header field swapped.
    let le = data("loopback.pcap");
    let mut be = Vec::new();
    let word = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap()).to_be_bytes();
    be.extend_from_slice(&word(&le[0..4]));
    be.extend_from_slice(&u16::from_le_bytes([le[4], le[5]]).to_be_bytes());
    be.extend_from_slice(&u16::from_le_bytes([le[6], le[7]]).to_be_bytes());
    for at in (8..24).step_by(4) {
        be.extend_from_slice(&word(&le[at..at + 4]));
    }
    let mut pos = 24;
    while pos < le.len() {
        for at in (pos..pos + 16).step_by(4) {
            be.extend_from_slice(&word(&le[at..at + 4]));
        }
        let incl = u32::from_le_bytes(le[pos + 8..pos + 12].try_into().unwrap()) as usize;
        be.extend_from_slice(&le[pos + 16..pos + 16 + incl]);
        pos += 16 + incl;
    }
    assert_eq!(&be[..4], &[0xa1, 0xb2, 0xc3, 0xd4]);
    assert_eq!(summary(&be, 1).0, original);
    let big = repeat_pcap(&be, 20);
    same_for_every_thread_count(&big);
}

/// A pcapng file whose second half is a new section with a raw-IP interface: ranges that
/// start after it cannot use the first section's interfaces, and the analyzer must notice.
#[test]
fn threads_respect_new_sections_and_interfaces() {
    let frames: Vec<(u64, Vec<u8>)> = embedded_frames()
        .into_iter()
        .map(|(ts, f)| (ts / 1000, f))
        .collect();
    let mut ng = Ng(Vec::new(), false);
    ng.section();
    ng.interface(1);
    for _ in 0..8 {
        for (ts, f) in &frames {
            ng.packet(0, *ts, f);
        }
    }
    // Section 2: interface 0 is raw IP, interface 1 Ethernet.
    ng.section();
    ng.interface(101);
    ng.interface(1);
    for round in 0..8 {
        for (ts, f) in &frames {
            let ip = matches!((f[12], f[13]), (0x08, 0x00) | (0x86, 0xdd));
            if round % 2 == 0 && ip {
                ng.packet(0, *ts, &f[14..]); // the same packet without its Ethernet header
            } else {
                ng.packet(1, *ts, f);
            }
        }
    }
    let file = ng.0;
    let (one, _) = summary(&file, 1);
    assert_eq!(one.packets, 16 * frames.len() as u64);
    assert_eq!(one.malformed.total, 0, "{:?}", one.malformed);
    for n in [2, 3, 4] {
        let (many, used) = summary(&file, n);
        assert!(used > 1);
        assert_eq!(many, one, "{n} threads");
    }
}

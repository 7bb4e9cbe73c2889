//! Property tests of the container walkers and the frame decoder on arbitrary and mutated
//! input: no panic, no hang, errors inside the file, and a frame cut at any length is never
//! called malformed.

use lake_examples::analyzer::analyze;
use lake_examples::capture::{Capture, Record};
use lake_examples::decode::{decode_frame, FaultKind};
use lake_examples::embedded::LOOPBACK_PCAP;
use proptest::prelude::*;

const CASES: u32 = if cfg!(miri) { 8 } else { 512 };

fn pcapng() -> Vec<u8> {
    let path = format!("{}/data/loopback.pcapng", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(path).unwrap()
}

/// The records of a capture that reads without error.
fn records(file: &[u8]) -> Vec<Record<'_>> {
    let cap = Capture::open(file).unwrap();
    let mut w = cap.walker();
    let mut out = Vec::new();
    while let Some(r) = w.next_record().unwrap() {
        out.push(r);
    }
    out
}

/// Reads `file` to the end or to its error; checks what every reader must guarantee.
fn read_all(file: &[u8]) {
    let Ok(cap) = Capture::open(file) else {
        return;
    };
    let mut walker = cap.walker();
    let mut n = 0u64;
    loop {
        match walker.next_record() {
            Ok(Some(r)) => {
                n += 1;
                assert!(r.offset < file.len() as u64);
                assert!(r.orig_len as usize >= r.data.len());
            }
            Ok(None) => break,
            Err(e) => {
                assert!(e.offset <= file.len() as u64, "{e}");
                assert_eq!(e.record, n + 1, "{e}");
                break;
            }
        }
        // Every record takes at least 12 bytes of the file: no endless loop.
        assert!(n <= file.len() as u64 / 12 + 1);
    }
    let out = analyze(&cap, 2, None);
    assert_eq!(out.stats.packets, n);
    let by_proto: u64 = out.stats.protocols.iter().map(|c| c.packets).sum();
    assert_eq!(by_proto, n);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_all(&bytes);
        for linktype in [1, 101, 113, 276, 0xdead] {
            for missing in [0, 1, 40, 65_535, usize::MAX] {
                let d = decode_frame(linktype, &bytes, missing);
                if missing == 0 {
                    prop_assert!(d.fault.is_none_or(|f| f.kind == FaultKind::Malformed));
                }
            }
        }
    }

    #[test]
    fn mutated_pcap_never_panics(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16),
        cut in any::<usize>(),
    ) {
        let mut file = LOOPBACK_PCAP.to_vec();
        for (at, byte) in flips {
            let at = at % file.len();
            file[at] = byte;
        }
        file.truncate(cut % (file.len() + 1));
        read_all(&file);
    }

    #[test]
    fn mutated_pcapng_never_panics(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16),
        cut in any::<usize>(),
    ) {
        let mut file = pcapng();
        for (at, byte) in flips {
            let at = at % file.len();
            file[at] = byte;
        }
        file.truncate(cut % (file.len() + 1));
        read_all(&file);
    }

    /// Any real frame cut to any length, with the rest declared missing (what a snap length
    /// does), is decoded without a malformed fault.
    #[test]
    fn a_cut_frame_is_never_malformed(index in any::<usize>(), keep in any::<usize>()) {
        let recs = records(LOOPBACK_PCAP);
        let rec = recs[index % recs.len()];
        let keep = keep % (rec.data.len() + 1);
        let d = decode_frame(rec.linktype, &rec.data[..keep], rec.data.len() - keep);
        prop_assert!(!d.is_malformed(), "frame {} cut at {keep}: {:?}", index % recs.len() + 1, d.fault);
        if keep < rec.data.len() && keep >= 14 {
            prop_assert!(d.fault.is_some_and(|f| f.kind == FaultKind::Truncated) || d.ipv4.is_none() && d.ipv6.is_none());
        }
    }
}

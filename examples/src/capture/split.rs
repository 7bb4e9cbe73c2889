//! Guessing record boundaries in the middle of a capture, so threads can start there.
//!
//! Neither format marks record starts, so a boundary is *guessed*: a position where several
//! consecutive plausible record headers (or pcapng packet blocks with matching trailing
//! lengths) chain together. A guess is only a guess: the analyzer accepts a thread's
//! results only when the thread before it, walking from a known boundary, lands exactly on
//! that thread's start (see `analyzer`), so a wrong guess costs time, never correctness.

use super::{Capture, Format, MAX_CAPTURED};

/// Bytes scanned after each even split point for a plausible boundary.
pub const SCAN_WINDOW: usize = 1 << 20;

/// Consecutive plausible headers a guessed boundary needs.
pub const CHAIN: usize = 8;

fn u32_at(data: &[u8], at: usize, big: bool) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    let b = [b[0], b[1], b[2], b[3]];
    Some(if big {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    })
}

/// Whether `CHAIN` plausible classic pcap record headers chain from `pos` (or reach the end
/// of the file exactly).
fn pcap_chain(data: &[u8], mut pos: usize, big: bool, nanos: bool, ts0: u32) -> bool {
    let frac_limit = if nanos { 1_000_000_000 } else { 1_000_000 };
    for _ in 0..CHAIN {
        if pos == data.len() {
            return true;
        }
        let (Some(sec), Some(frac), Some(incl), Some(orig)) = (
            u32_at(data, pos, big),
            u32_at(data, pos + 4, big),
            u32_at(data, pos + 8, big),
            u32_at(data, pos + 12, big),
        ) else {
            return false;
        };
        if frac >= frac_limit
            || incl > MAX_CAPTURED
            || orig > MAX_CAPTURED
            || incl > orig
            || sec.abs_diff(ts0) > 366 * 86_400
        {
            return false;
        }
        pos = match pos.checked_add(16 + incl as usize) {
            Some(p) if p <= data.len() => p,
            _ => return false,
        };
    }
    true
}

/// Whether `CHAIN` well-formed pcapng blocks chain from `pos`, the first a packet block.
fn pcapng_chain(data: &[u8], mut pos: usize, big: bool) -> bool {
    for i in 0..CHAIN {
        if pos == data.len() {
            return i > 0;
        }
        let (Some(kind), Some(len)) = (u32_at(data, pos, big), u32_at(data, pos + 4, big)) else {
            return false;
        };
        if i == 0 && kind != super::pcapng::ENHANCED_PACKET && kind != super::pcapng::SIMPLE_PACKET
        {
            return false;
        }
        if len < 12 || len % 4 != 0 || len > MAX_CAPTURED + 64 {
            return false;
        }
        let Some(end) = pos.checked_add(len as usize).filter(|&e| e <= data.len()) else {
            return false;
        };
        if u32_at(data, end - 4, big) != Some(len) {
            return false;
        }
        pos = end;
    }
    true
}

/// Up to `parts − 1` guessed record boundaries, ascending and after `start` (the position
/// the first part starts from), roughly splitting the rest of the file evenly.
///
/// ```
/// use lake_examples::capture::{split, Capture, PcapWriter};
///
/// let mut w = PcapWriter::new(Vec::new(), 1)?;
/// for i in 0..1000 {
///     w.write_record(1_700_000_000, i, 60, &[0; 60])?;
/// }
/// let file = w.into_inner();
/// let cap = Capture::open(&file)?;
/// let cuts = split::boundaries(&cap, 24, 4);
/// assert_eq!(cuts.len(), 3);
/// assert!(cuts.iter().all(|c| (c - 24) % 76 == 0)); // real record starts
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn boundaries(cap: &Capture<'_>, start: usize, parts: usize) -> Vec<usize> {
    let data = cap.bytes();
    let mut out = Vec::new();
    if parts < 2 || start >= data.len() {
        return out;
    }
    let span = data.len() - start;
    let (big, pcapng) = match cap.format() {
        Format::Pcap { big_endian, .. } => (big_endian, false),
        Format::Pcapng => (
            u32_at(data, 8, false) != Some(super::pcapng::BYTE_ORDER_MAGIC),
            true,
        ),
    };
    let (nanos, ts0) = match cap.format() {
        Format::Pcap { nanos, .. } => (nanos, u32_at(data, 24, big).unwrap_or(0)),
        Format::Pcapng => (false, 0),
    };
    for t in 1..parts {
        let guess = start + (span as u128 * t as u128 / parts as u128) as usize;
        let from = guess.max(out.last().map_or(start + 1, |&l: &usize| l + 1));
        let to = from.saturating_add(SCAN_WINDOW).min(data.len());
        let found = (from..to).find(|&p| {
            if pcapng {
                p % 4 == 0 && pcapng_chain(data, p, big)
            } else {
                pcap_chain(data, p, big, nanos, ts0)
            }
        });
        if let Some(p) = found {
            out.push(p);
        }
    }
    out
}

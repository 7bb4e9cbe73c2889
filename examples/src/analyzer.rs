//! Running an analysis over a whole capture: records decoded in batches whose scratch lives in
//! a [`Lake`] reset after each batch (one lake per thread, taken from a [`LakeCache`]), on one
//! thread or on several that each take a range of records and whose counters are merged in
//! file order.
//!
//! ```
//! use lake_examples::analyzer::analyze;
//! use lake_examples::capture::{Capture, PcapWriter};
//!
//! let mut w = PcapWriter::new(Vec::new(), 1)?;
//! let frame = lake_examples::sample::dns_query_frame();
//! for i in 0..100 {
//!     w.write_record(1, i, frame.len() as u32, &frame)?;
//! }
//! let file = w.into_inner();
//! let cap = Capture::open(&file)?;
//! let one = analyze(&cap, 1, None);
//! let four = analyze(&cap, 4, None);
//! assert_eq!((one.stats.packets, one.stats.flows.len()), (100, 1));
//! assert_eq!(one.stats.packets, four.stats.packets);
//! assert!(one.error.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use allocator_api2::vec::Vec as LakeVec;
use lake::{Lake, LakeCache};

use crate::capture::{split, Capture, ContainerError, Record, Walker};
use crate::decode::{decode_frame, Decoded};
use crate::stats::Stats;

/// Records decoded per batch (per lake reset).
pub const BATCH: usize = 256;

/// Files smaller than this are analysed on one thread whatever was asked.
pub const MIN_SPLIT_BYTES: usize = 1 << 20;

/// The result of an analysis: the counters of every record read, and the container error
/// that stopped reading, if any (its record number counts from the file's first record).
///
/// ```
/// # use lake_examples::analyzer::analyze;
/// # use lake_examples::capture::Capture;
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let out = analyze(&cap, 4, None);
/// assert_eq!((out.stats.packets, out.threads), (229, 1)); // too small to split
/// assert!(out.error.is_none());
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
#[derive(Debug)]
pub struct Outcome {
    /// Counters of the records read before any error.
    pub stats: Stats,
    /// Why reading stopped before the end of the file.
    pub error: Option<ContainerError>,
    /// Threads that did the work (1 when the file was too small to split).
    pub threads: usize,
}

/// One range's counters and where its walk ended.
struct Part<'a> {
    stats: Stats,
    walker: Walker<'a>,
    error: Option<ContainerError>,
}

/// Walks from `walker` until the next record would start at or after `stop` (or the end
/// of the file, or a container error), counting into fresh [`Stats`].
fn run_range<'a>(
    lakes: &LakeCache,
    mut walker: Walker<'a>,
    stop: Option<usize>,
    progress: Option<&AtomicU64>,
) -> Part<'a> {
    let mut stats = Stats::new();
    let mut lake = lakes.take();
    let start_read = walker.records_read();
    let mut error = None;
    loop {
        let start_pos = walker.position();
        let mut done = false;
        {
            // The batch's records: views into the file, gathered before any is decoded so the
            // walk over record headers runs ahead of the decoding.
            let mut batch: LakeVec<Record<'a>, &Lake> = LakeVec::with_capacity_in(BATCH, &*lake);
            while batch.len() < BATCH {
                if stop.is_some_and(|s| walker.position() >= s) {
                    done = true;
                    break;
                }
                match walker.next_record() {
                    Ok(Some(record)) => batch.push(record),
                    Ok(None) => {
                        done = true;
                        break;
                    }
                    Err(mut e) => {
                        e.record -= start_read;
                        error = Some(e);
                        done = true;
                        break;
                    }
                }
            }
            let first = walker.records_read() - start_read - batch.len() as u64 + 1;
            for (number, record) in (first..).zip(batch.iter()) {
                let decoded: Decoded<'a> =
                    decode_frame(record.linktype, record.data, record.missing());
                stats.add(number, record, &decoded);
            }
        }
        lake.reset();
        if let Some(p) = progress {
            p.fetch_add((walker.position() - start_pos) as u64, Ordering::Relaxed);
        }
        if done {
            break;
        }
    }
    Part {
        stats,
        walker,
        error,
    }
}

/// Analyses every record of `cap` on up to `threads` threads (at least 1). The result is the
/// same for every thread count. `progress`, if given, is advanced by the bytes walked.
///
/// ```
/// # use lake_examples::analyzer::analyze;
/// # use lake_examples::capture::Capture;
/// let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
/// let walked = std::sync::atomic::AtomicU64::new(0);
/// let out = analyze(&cap, 1, Some(&walked));
/// assert_eq!(walked.into_inner() as usize, cap.bytes().len() - 24);
/// assert_eq!(out.stats.flows.len(), 24);
/// # Ok::<(), lake_examples::capture::ContainerError>(())
/// ```
pub fn analyze(cap: &Capture<'_>, threads: usize, progress: Option<&AtomicU64>) -> Outcome {
    // One warm lake per thread; the range that finishes a run after a wrong boundary guess
    // takes one of them back from the cache.
    let lakes = LakeCache::new(threads.max(1));
    let start = cap.walker();
    if threads <= 1 || cap.bytes().len() < MIN_SPLIT_BYTES {
        let part = run_range(&lakes, start, None, progress);
        return Outcome {
            stats: part.stats,
            error: part.error,
            threads: 1,
        };
    }
    // The section context (pcapng interfaces) after the first record; ranges after the
    // first start in it.
    let mut probe = start.clone();
    if !matches!(probe.next_record(), Ok(Some(_))) {
        let part = run_range(&lakes, start, None, progress);
        return Outcome {
            stats: part.stats,
            error: part.error,
            threads: 1,
        };
    }
    let cuts = split::boundaries(cap, probe.position(), threads);
    let mut starts = vec![start];
    starts.extend(cuts.iter().map(|&c| probe.resumed_at(c)));
    let stops: Vec<Option<usize>> = cuts.iter().map(|&c| Some(c)).chain([None]).collect();
    let parts: Vec<Part<'_>> = std::thread::scope(|s| {
        let handles: Vec<_> = starts
            .into_iter()
            .zip(stops)
            .map(|(w, stop)| {
                let lakes = &lakes;
                s.spawn(move || run_range(lakes, w, stop, progress))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(part) => part,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let used = parts.len();
    let context = probe.epoch();
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        unreachable!("at least the first range runs")
    };
    let mut stats = first.stats;
    let mut last_walker = first.walker;
    let mut error = first.error;
    for (part, &cut) in parts.zip(&cuts) {
        if error.is_some() {
            break;
        }
        // The previous range ended exactly on this range's start, in the context this range
        // assumed: its start was a true record boundary and its counts stand.
        if last_walker.position() != cut || last_walker.epoch() != context {
            break;
        }
        let before = stats.packets;
        stats.merge(part.stats, before);
        error = part.error.map(|mut e| {
            e.record += before;
            e
        });
        last_walker = part.walker;
    }
    if error.is_none() && last_walker.position() < cap.bytes().len() {
        // A guessed start was wrong: go on from where the last trusted range ended.
        let before = stats.packets;
        let from = last_walker.resumed_at(last_walker.position());
        let part = run_range(&lakes, from, None, progress);
        stats.merge(part.stats, before);
        error = part.error.map(|mut e| {
            e.record += before;
            e
        });
    }
    Outcome {
        stats,
        error,
        threads: used,
    }
}

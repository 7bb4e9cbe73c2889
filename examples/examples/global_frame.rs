//! A per-request loop on `GlobalLake`, the global allocator that serves allocations from a lake
//! inside a region and from the system allocator outside it. Run it with
//! `cargo run -p lake-examples --example global_frame`.
//!
//! Each "request" parses a line of text with ordinary `String`, `Vec`, `Box` and `HashMap` —
//! no allocator parameter anywhere — inside a region; `end` then frees all of it in one step
//! and the next request reuses the same memory. A small counting wrapper around the
//! `GlobalLake` reports, per request, how many allocations the lake served and how many went
//! to the system allocator.
//!
//! The rules this program follows (they are `GlobalRegion::end`'s safety contract):
//! - nothing allocated inside a region survives it: a request's results are copied into plain
//!   integers (`Summary`) before `end`;
//! - it never prints inside a region (stdout's buffer is allocated on first use; if that
//!   happened inside a region it would be freed by `end` and written to afterwards), and it
//!   prints once before the first region so that the buffer comes from the system allocator;
//! - it has no other threads while a region is active.

use std::alloc::{GlobalAlloc, Layout};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use lake::GlobalLake;

/// `GlobalLake` plus two counters: allocations (and moving reallocations) served by the lake,
/// and by the system allocator. Forwarding keeps `GlobalLake`'s routing; `owns` tells which
/// allocator served a block.
struct Counting {
    lake: GlobalLake,
    from_lake: AtomicUsize,
    from_system: AtomicUsize,
}

impl Counting {
    fn count(&self, block: *mut u8) {
        if block.is_null() {
            return;
        }
        let counter = if self.lake.owns(block) {
            &self.from_lake
        } else {
            &self.from_system
        };
        counter.fetch_add(1, Relaxed);
    }

    /// (lake, system) allocation counts so far.
    fn counts(&self) -> (usize, usize) {
        (self.from_lake.load(Relaxed), self.from_system.load(Relaxed))
    }
}

// SAFETY: every method forwards to `GlobalLake`, which implements `GlobalAlloc`, with the
// caller's arguments unchanged; the counters only look at the returned addresses.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is forwarded unchanged.
        let block = unsafe { self.lake.alloc(layout) };
        self.count(block);
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is forwarded unchanged.
        let block = unsafe { self.lake.alloc_zeroed(layout) };
        self.count(block);
        block
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is forwarded unchanged.
        unsafe { self.lake.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract is forwarded unchanged.
        let block = unsafe { self.lake.realloc(ptr, layout, new_size) };
        if block != ptr {
            self.count(block); // moved: a new block was allocated
        }
        block
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting {
    lake: GlobalLake::new(),
    from_lake: AtomicUsize::new(0),
    from_system: AtomicUsize::new(0),
};

/// What a request produced, as plain integers: it survives the region.
#[derive(Debug, Default, Clone, Copy)]
struct Summary {
    words: usize,
    reply_len: usize,
    distinct: usize,
    longest: usize,
    lake_allocs: usize,
    system_allocs: usize,
    lake_bytes: usize,
    lake_chunks: usize,
    first_block: usize,
}

/// The work of one request: tokenise, count words, build a reply. Everything it allocates is
/// dead when it returns; it returns (words, distinct words, longest word, reply length, address
/// of its first block).
fn handle(request: &str, repeat: usize) -> (usize, usize, usize, usize, usize) {
    // The request's first allocation: at the start of the lake's current chunk every time the
    // lake did not have to grow.
    let id = Box::new(repeat);
    let first_block = (&*id as *const usize).addr();
    let text: String = std::iter::repeat_n(request, repeat)
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in &words {
        *counts.entry(w).or_default() += 1;
    }
    let longest = words.iter().map(String::len).max().unwrap_or(0);
    let reply: Box<str> = format!("{} words, {} distinct", words.len(), counts.len()).into();
    (words.len(), counts.len(), longest, reply.len(), first_block)
}

fn main() {
    const REQUESTS: [&str; 5] = [
        "GET /index.html: the quick brown fox jumps over the lazy dog",
        "POST /api/items: {\"name\": \"lake\", \"kind\": \"arena\", \"safe\": true}",
        "GET /search?q=bump+arena+global+allocator+per+frame",
        "PUT /items/42: the lake frees a whole request in one step",
        "GET /index.html: the quick brown fox jumps over the lazy dog again",
    ];

    // Before any region: stdout's buffer, the HashMap's random keys (thread-local) and this
    // history vector come from the system allocator and live for the whole program.
    println!("GlobalLake: per-request regions over the process's global allocator\n");
    drop(HashMap::<u8, u8>::new());
    let mut history: Vec<Summary> = Vec::with_capacity(REQUESTS.len() * 2);
    let (lake0, sys0) = GLOBAL.counts();
    let startup = Box::new([0u8; 64]);
    let (_, sys1) = GLOBAL.counts();
    println!(
        "outside any region: a Box at {:#x} came from the system allocator ({}), lake owns it: {}",
        (&*startup as *const [u8; 64]).addr(),
        if sys1 > sys0 {
            "counted"
        } else {
            "not counted"
        },
        GLOBAL.lake.owns(&*startup),
    );
    assert_eq!(lake0, 0);

    for round in 0..2 {
        for (i, request) in REQUESTS.iter().enumerate() {
            let repeat = 20 + 30 * i + 200 * round;
            let (lake_before, sys_before) = GLOBAL.counts();
            let region = GLOBAL
                .lake
                .begin_region()
                .expect("no other region is active");
            // ---- inside the region: no printing, nothing escapes ----
            let (words, distinct, longest, reply_len, first_block) = handle(request, repeat);
            let stats = GLOBAL.lake.stats();
            // SAFETY: everything `handle` allocated is dead (it returned plain integers), this
            // block allocated nothing else, and the program has no other thread.
            unsafe { region.end() };
            // ---- outside again ----
            let (lake_after, sys_after) = GLOBAL.counts();
            history.push(Summary {
                words,
                reply_len,
                distinct,
                longest,
                lake_allocs: lake_after - lake_before,
                system_allocs: sys_after - sys_before,
                lake_bytes: stats.used,
                lake_chunks: stats.chunks,
                first_block,
            });
        }
    }

    println!(
        "\nrequest  words  distinct  lake allocs  system allocs  lake bytes  chunks  first block"
    );
    for (n, s) in history.iter().enumerate() {
        println!(
            "{n:>7}  {:>5}  {:>8}  {:>11}  {:>13}  {:>10}  {:>6}  {:#x}",
            s.words,
            s.distinct,
            s.lake_allocs,
            s.system_allocs,
            s.lake_bytes,
            s.lake_chunks,
            s.first_block
        );
    }
    let stats = GLOBAL.lake.stats();
    let reused = history
        .windows(2)
        .filter(|w| w[0].first_block == w[1].first_block)
        .count();
    println!(
        "\n{} requests; {} of {} consecutive requests started at the same address as the one \
         before (memory reused; a change means the lake grew into a bigger chunk)",
        history.len(),
        reused,
        history.len() - 1
    );
    println!(
        "lake now: {} chunk(s), {} bytes reserved, {} in use, {} regions ended",
        stats.chunks, stats.capacity, stats.used, stats.regions_ended
    );

    // Outside the region, allocations go to the system allocator again.
    let (_, sys_before) = GLOBAL.counts();
    let report: Vec<String> = history.iter().map(|s| format!("{}", s.words)).collect();
    let (_, sys_after) = GLOBAL.counts();
    println!(
        "after the loop: {} allocations for a report, all from the system allocator (lake owns \
         the report: {})",
        sys_after - sys_before,
        GLOBAL.lake.owns(report.as_ptr())
    );
    let total_lake: usize = history.iter().map(|s| s.lake_allocs).sum();
    let total_system: usize = history.iter().map(|s| s.system_allocs).sum();
    println!(
        "inside regions: {total_lake} allocations from the lake, {total_system} from the system \
         allocator (the history vector's pushes happen outside regions)"
    );
    assert!(history
        .iter()
        .all(|s| s.lake_allocs > 0 && s.lake_bytes > 0 && s.reply_len > 0 && s.longest > 0));
    assert_eq!(stats.used, 0);
}

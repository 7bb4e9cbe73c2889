//! A guided tour of `lake`: run it with `cargo run -p lake-examples --example tour` and read
//! the output next to the code. Each step prints what it does and what the lake reports.

use allocator_api2::vec::Vec as LakeVec;
use lake::{AllocError, Lake, LakeBox, LakeStats};

/// A plain struct to allocate.
#[derive(Debug)]
struct Point {
    x: i32,
    y: i32,
}

/// A value that announces when its destructor runs.
#[derive(Debug)]
struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("    Drop runs for Noisy({:?})", self.0);
    }
}

fn main() {
    step("1. values, strings, text and slices in one lake");
    basics();
    step("2. a fixed lake fills up and says why");
    fixed_lake();
    step("3. LakeBox runs destructors; plain alloc does not");
    boxes();
    step("4. allocator_api2::vec::Vec<u32, &Lake> grows in place");
    vec_in_lake();
    step("5. a request loop: reset per request, capacity settles");
    request_loop();
    step("6. scopes, drop lists and sandboxes");
    scopes_and_sandboxes();
    step("7. droplets and snapshots: keys checked on every use");
    droplets();
    step("8. views: one lake split for two workers");
    views();
    println!("\nEnd of the tour.");
}

fn basics() {
    let mut lake = Lake::new();
    show("new lake (nothing allocated yet)", lake.stats());

    let p = lake.alloc(Point { x: 1, y: 2 });
    p.x += 10;
    p.y *= 3;
    println!("  alloc(Point)        -> {p:?} (mutated through the &mut)");

    let name = lake.alloc_str("origin");
    name.make_ascii_uppercase();
    println!("  alloc_str           -> {name:?}");

    let line = lake.alloc_fmt(format_args!("{} packets, {:.1}% loss", 7, 0.25));
    println!("  alloc_fmt           -> {line:?} (no heap String)");

    let evens = lake.alloc_iter((0..20).filter(|n| n % 4 == 0));
    println!("  alloc_iter          -> {evens:?} (length unknown up front)");

    let bytes = lake.alloc_slice_copy(b"GET / HTTP/1.1");
    bytes[..3].copy_from_slice(b"PUT");
    println!(
        "  alloc_slice_copy    -> {:?}",
        String::from_utf8_lossy(bytes)
    );

    let squares = lake.alloc_slice_fill_with(6, |i| i * i);
    println!("  alloc_slice_fill    -> {squares:?}");

    show("before reset", lake.stats());
    // Every reference above is dead from here on; using one after `reset` would not compile.
    lake.reset();
    show("after reset", lake.stats());
}

fn fixed_lake() {
    let lake = Lake::fixed(64);
    let mut stored = 0;
    let err: AllocError = loop {
        match lake.try_alloc([0u8; 24]) {
            Ok(_) => stored += 1,
            Err(e) => break e,
        }
    };
    println!("  Lake::fixed(64) took {stored} blocks of 24 bytes, then try_alloc returned:");
    println!("    Err({err:?})");
    println!("  its message: {err}");
    show("fixed lake", lake.stats());
}

fn boxes() {
    let lake = Lake::new();
    {
        let b = lake.alloc_box(Noisy("boxed"));
        println!(
            "  alloc_box(Noisy(\"boxed\")) -> {:?}; leaving its scope...",
            *b
        );
    }
    let b = lake.alloc_box(Noisy("moved out"));
    let owned: Noisy = LakeBox::into_inner(b);
    println!("  LakeBox::into_inner moved {owned:?} out of the lake; dropping it...");
    drop(owned);
    lake.alloc(Noisy("plain alloc"));
    println!("  alloc(Noisy(\"plain alloc\")) is never dropped: the lake only frees memory");
    drop(lake);
    println!("  (lake dropped: no Drop message above for the plain alloc)");
}

fn vec_in_lake() {
    let lake = Lake::with_capacity(4096);
    let mut v: LakeVec<u32, &Lake> = LakeVec::with_capacity_in(4, &lake);
    let first = v.as_ptr();
    let mut moves = 0;
    for i in 0..1000 {
        let before = v.as_ptr();
        v.push(i);
        if v.as_ptr() != before {
            moves += 1;
        }
    }
    println!(
        "  pushed 1000 u32s: capacity 4 -> {}, buffer moved {moves} times",
        v.capacity()
    );
    println!(
        "  pointer stayed the same: {} ({first:p} -> {:p})",
        first == v.as_ptr(),
        v.as_ptr()
    );
    show("after the pushes", lake.stats());
}

fn request_loop() {
    let mut lake = Lake::new();
    let mut last_capacity = 0;
    for request in 1..=6 {
        // Pretend to handle a request: a path, its segments, and some per-request scratch.
        let path = lake.alloc_fmt(format_args!("/users/{request}/orders/{}", request * 7));
        let segments = lake
            .alloc_iter(path.split('/').filter(|s| !s.is_empty()))
            .len();
        let scratch = lake.alloc_slice_fill_with(400, |i| (i * request) as u32);
        let checksum: u32 = scratch.iter().fold(0, |a, &b| a.wrapping_add(b));
        let during = lake.stats();
        lake.reset();
        let after = lake.stats();
        let note = if after.capacity == last_capacity {
            "steady: no new chunk"
        } else {
            "warming up"
        };
        last_capacity = after.capacity;
        println!(
            "  request {request}: {} segments, checksum {checksum:>6}; used {:>4} B in {} chunk(s), \
             after reset {} B in {} chunk ({note})",
            segments,
            during.used,
            during.chunks,
            after.capacity,
            after.chunks,
        );
    }
    show("after the loop", lake.stats());
}

/// Prints a step heading.
fn scopes_and_sandboxes() {
    let mut lake = Lake::new();
    lake.scope(|s| {
        let session = s.alloc_str("session-42");
        for line in ["user=ada", "role=admin"] {
            s.scope(|inner| {
                let parts = inner.alloc_iter(line.split('='));
                inner.alloc_dropping(Noisy("scratch buffer"));
                println!("  inner scope parsed {parts:?} (outer {session:?} still usable)");
            });
        }
        println!(
            "  after the inner scopes: {} B used (only the outer allocations)",
            s.stats().used
        );
    });
    println!("  after the outer scope: {} B used", lake.stats().used);
    let committed: Result<usize, &str> =
        lake.sandboxed(|s| Ok(s.alloc_slice_copy(&[1u8; 100]).len()));
    let rolled_back: Result<usize, &str> = lake.sandboxed(|s| {
        s.alloc_slice_copy(&[2u8; 4000]);
        Err("parse error")
    });
    println!("  sandboxes: committed {committed:?}, rolled back {rolled_back:?}");
    println!(
        "  used now: {} B (the committed 100, not the rolled-back 4000)",
        lake.stats().used
    );
}

fn droplets() {
    let mut lake = Lake::new();
    let header = lake.droplet_copy(b"HTTP/1.1 200 OK");
    let before_body = lake.snapshot();
    let body = lake.droplet_with(|w| w.extend_from_slice(b"{\"ok\":true}"));
    println!(
        "  header {:?}",
        header.get(&lake).map(String::from_utf8_lossy)
    );
    println!(
        "  body   {:?}",
        body.get(&lake).map(String::from_utf8_lossy)
    );
    lake.rewind(&before_body).unwrap();
    println!(
        "  after rewinding to the snapshot: header valid {}, body valid {} ({:?})",
        header.is_valid(&lake),
        body.is_valid(&lake),
        body.status(&lake)
    );
    lake.reset();
    println!(
        "  after reset: header valid {}; rewinding to the old snapshot: {:?}",
        header.is_valid(&lake),
        lake.rewind(&before_body)
    );
}

fn views() {
    let mut lake = Lake::new();
    let parts: Vec<_> = (0..2).map(|_| lake.split(4096)).collect();
    let totals: Vec<u64> = std::thread::scope(|t| {
        let workers: Vec<_> = parts
            .into_iter()
            .enumerate()
            .map(|(w, view)| {
                t.spawn(move || {
                    view.alloc_iter((0..100u64).map(|i| i * (w as u64 + 1)))
                        .iter()
                        .sum::<u64>()
                })
            })
            .collect();
        workers.into_iter().map(|h| h.join().unwrap()).collect()
    });
    println!("  two worker threads each filled their own view: sums {totals:?}");
    lake.reset();
    println!("  views gone, parent reset: {} B used", lake.stats().used);
}

fn step(title: &str) {
    println!("\n== {title}");
}

/// Prints a lake's statistics on one line.
fn show(label: &str, s: LakeStats) {
    // The allocation count needs lake's `count-allocations` feature (it costs a store per
    // allocation); without it `allocations` is `None`.
    let allocations = s
        .allocations
        .map_or_else(|| "not counted".to_string(), |n| n.to_string());
    println!(
        "  [{label}] used {} B, capacity {} B, chunks {}, high water {} B, allocations {allocations}",
        s.used, s.capacity, s.chunks, s.high_water
    );
}

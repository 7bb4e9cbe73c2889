//! `GlobalLake` driven through `GlobalAlloc` calls on local instances (this binary keeps the
//! default global allocator, so the harness is unaffected and tests may run in parallel):
//! impossible sizes, growth and the chunk table, routing of every block to its allocator,
//! `realloc` in every direction, concurrent allocation and growth (checked by miri's data race
//! detector), and `Drop` freeing every chunk (miri's leak check).

use std::alloc::{GlobalAlloc, Layout};
use std::sync::Barrier;
use std::thread;

use lake::GlobalLake;
use lake_tests::scaled;

/// Small chunks (1 KiB doubling to 4 KiB; requests over 1 KiB go to `System`) so that a few
/// allocations exercise growth.
fn small_lake() -> GlobalLake {
    GlobalLake::with_chunk_sizes(1024, 4096)
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// Impossible requests return null, never panic, inside and outside a region; a failed
/// `realloc` leaves the block valid; the allocator keeps working afterwards.
///
/// Not under miri: every impossible request ends in `System`, and miri aborts the program
/// ("resource exhaustion") instead of returning null from a host allocation it cannot make.
/// `realloc_with_an_invalid_size_returns_null` covers the lake's own rejection under miri.
#[test]
#[cfg_attr(
    miri,
    ignore = "miri aborts instead of returning null for huge host allocations"
)]
fn impossible_requests_return_null() {
    let lake = small_lake();
    let huge = [
        layout(isize::MAX as usize - 4095, 4096),
        layout(isize::MAX as usize / 2, 1),
        layout(1 << 40, 1 << 20),
    ];
    for in_region in [false, true] {
        let region = in_region.then(|| lake.begin_region().unwrap());
        for l in huge {
            // SAFETY: non-zero layouts; null results are only compared.
            unsafe {
                assert!(lake.alloc(l).is_null(), "{l:?}");
                assert!(lake.alloc_zeroed(l).is_null(), "{l:?}");
            }
        }
        let small = layout(16, 8);
        // SAFETY: non-zero layout.
        let p = unsafe { lake.alloc(small) };
        assert!(!p.is_null());
        assert_eq!(lake.owns(p), in_region);
        // SAFETY: `p` is a live 16-byte block.
        unsafe { p.write_bytes(0x5A, 16) };
        for new_size in [isize::MAX as usize - 64, 1 << 40] {
            // SAFETY: `p` was allocated with `small`; `new_size` rounded to 8 fits `isize`.
            let q = unsafe { lake.realloc(p, small, new_size) };
            assert!(q.is_null());
        }
        // SAFETY: `p` is still live (failed reallocs leave it) and 16 bytes long.
        assert!((0..16).all(|i| unsafe { p.add(i).read() } == 0x5A));
        // SAFETY: `p` is live, allocated with `small`.
        unsafe { lake.dealloc(p, small) };
        if let Some(region) = region {
            // SAFETY: every block of the region was freed and is not used again.
            unsafe { region.end() };
        }
    }
}

/// A `realloc` whose new size overflows `isize` once rounded to the alignment (outside
/// `GlobalAlloc`'s contract, but a wrong caller must not make the allocator panic, which would
/// abort) returns null before reaching `System`, and leaves the block intact.
#[test]
fn realloc_with_an_invalid_size_returns_null() {
    let lake = small_lake();
    let region = lake.begin_region().unwrap();
    let l = layout(16, 8);
    // SAFETY: non-zero layout.
    let p = unsafe { lake.alloc(l) };
    // SAFETY: `p` is live with layout `l`; the new size violates only the rounding rule, which
    // the implementation checks.
    let q = unsafe { lake.realloc(p, l, isize::MAX as usize) };
    assert!(q.is_null() && lake.owns(p));
    // SAFETY: `p` is still live.
    unsafe { lake.dealloc(p, l) };
    // SAFETY: the region's block was freed.
    unsafe { region.end() };
}

/// Chunks double from the first size to the cap; `end` keeps only the largest, rewound; the
/// next region reuses it from its start.
#[test]
fn growth_and_end_keep_the_largest_chunk() {
    let lake = small_lake();
    let l = layout(64, 16);
    let region = lake.begin_region().unwrap();
    let mut blocks = Vec::new(); // this binary's allocator is System: fine to keep
    for i in 0..200u8 {
        // SAFETY: non-zero layout.
        let p = unsafe { lake.alloc(l) };
        assert!(!p.is_null() && lake.owns(p) && p.addr() % 16 == 0);
        // SAFETY: a fresh 64-byte block.
        unsafe { p.write_bytes(i, 64) };
        blocks.push(p);
    }
    // 200 × 64 B = 12.5 KiB: 1 + 2 + 4 + 4 + 4 KiB chunks at least.
    let stats = lake.stats();
    assert!(stats.chunks >= 4, "{stats:?}");
    assert!(stats.used >= 200 * 64 && stats.capacity >= stats.used);
    // Every block still holds its own byte: blocks are disjoint.
    for (i, &p) in blocks.iter().enumerate() {
        // SAFETY: live 64-byte blocks.
        assert!((0..64).all(|k| unsafe { p.add(k).read() } == i as u8));
    }
    let mut sorted: Vec<usize> = blocks.iter().map(|p| p.addr()).collect();
    sorted.sort_unstable();
    assert!(sorted.windows(2).all(|w| w[1] - w[0] >= 64));
    let (first_block, last_block) = (blocks[0], *blocks.last().unwrap());
    // SAFETY: no block of the region is used after this (only addresses are compared below).
    unsafe { region.end() };
    blocks.clear();
    let stats = lake.stats();
    assert_eq!((stats.chunks, stats.capacity, stats.used), (1, 4096, 0));
    // Only the current (largest) chunk is kept: the first chunk is gone.
    assert!(lake.owns(last_block) && !lake.owns(first_block));
    // The next region starts at the kept chunk's start and fits 64 blocks without growing.
    let region = lake.begin_region().unwrap();
    let mut first = None;
    for _ in 0..64 {
        // SAFETY: non-zero layout.
        let p = unsafe { lake.alloc(l) };
        first.get_or_insert(p);
        assert!(lake.owns(p));
    }
    assert_eq!(lake.stats().chunks, 1);
    assert_eq!(lake.stats().used, 4096);
    // SAFETY: the region's blocks are not used again.
    unsafe { region.end() };
    let region = lake.begin_region().unwrap();
    // SAFETY: non-zero layout.
    let again = unsafe { lake.alloc(l) };
    assert_eq!(Some(again), first, "memory is reused across regions");
    // SAFETY: `again` is not used again.
    unsafe { region.end() };
}

/// When every slot holds a chunk, further requests are served by `System` (inside the region)
/// and each block is still freed by its own allocator.
#[test]
fn full_chunk_table_falls_back_to_system() {
    let lake = GlobalLake::with_chunk_sizes(1024, 1024); // one block of 256 B per quarter chunk
    let l = layout(256, 8);
    let region = lake.begin_region().unwrap();
    let mut lake_blocks = Vec::new();
    let mut system_blocks = Vec::new();
    for _ in 0..(32 * 4 + 10) {
        // SAFETY: non-zero layout.
        let p = unsafe { lake.alloc(l) };
        assert!(!p.is_null());
        if lake.owns(p) {
            lake_blocks.push(p);
        } else {
            system_blocks.push(p);
        }
    }
    assert_eq!(lake_blocks.len(), 32 * 4, "32 chunks of four blocks");
    assert_eq!(system_blocks.len(), 10);
    assert_eq!(lake.stats().chunks, 32);
    for p in system_blocks.drain(..).chain(lake_blocks.drain(..)) {
        // SAFETY: each block is live and was allocated with `l`; the routing sends `System`
        // blocks to `System` (miri would report a foreign free otherwise).
        unsafe { lake.dealloc(p, l) };
    }
    // SAFETY: every block was freed above.
    unsafe { region.end() };
    assert_eq!(lake.stats().chunks, 1);
}

/// `realloc` in every direction preserves the data: lake → lake in place and moved, lake →
/// `System` after leaving the region, `System` → `System` inside a region.
#[test]
fn realloc_routes_and_preserves_data() {
    let lake = small_lake();
    let fill = |p: *mut u8, n: usize| {
        for i in 0..n {
            // SAFETY: callers pass live blocks of at least `n` bytes.
            unsafe { p.add(i).write(i as u8) };
        }
    };
    let check = |p: *mut u8, n: usize| {
        // SAFETY: callers pass live blocks of at least `n` bytes.
        (0..n).all(|i| unsafe { p.add(i).read() } == i as u8)
    };
    // A System block from before the region.
    // SAFETY: non-zero layout.
    let sys = unsafe { lake.alloc(layout(32, 8)) };
    fill(sys, 32);
    let region = lake.begin_region().unwrap();
    // SAFETY: `sys` came from `lake` with this layout.
    let sys = unsafe { lake.realloc(sys, layout(32, 8), 200) };
    assert!(
        !lake.owns(sys) && check(sys, 32),
        "System blocks stay in System"
    );

    // SAFETY: non-zero layout.
    let a = unsafe { lake.alloc(layout(40, 8)) };
    fill(a, 40);
    // SAFETY: `a` was allocated with this layout; it is the last block: grows in place.
    let a2 = unsafe { lake.realloc(a, layout(40, 8), 100) };
    assert_eq!(a2, a);
    // SAFETY: non-zero layout.
    let blocker = unsafe { lake.alloc(layout(8, 8)) };
    // SAFETY: `a2` has 100 bytes now; not last any more: moves within the lake.
    let a3 = unsafe { lake.realloc(a2, layout(100, 8), 300) };
    assert!(a3 != a2 && lake.owns(a3) && check(a3, 40));
    // Shrinking never moves.
    // SAFETY: `a3` has 300 bytes.
    let a4 = unsafe { lake.realloc(a3, layout(300, 8), 10) };
    assert_eq!(a4, a3);

    region.leave(); // blocks stay valid
                    // SAFETY: `a4` has 10 bytes; outside a region it moves to System.
    let a5 = unsafe { lake.realloc(a4, layout(10, 8), 2000) };
    assert!(!lake.owns(a5) && check(a5, 10));
    // SAFETY: each pointer is live with the given layout; `blocker` is a lake block (no-op
    // free), the others System blocks.
    unsafe {
        lake.dealloc(a5, layout(2000, 8));
        lake.dealloc(blocker, layout(8, 8));
        lake.dealloc(sys, layout(200, 8));
    }
}

/// `alloc_zeroed` zeroes reused lake memory.
#[test]
fn zeroed_blocks_are_zero_after_reuse() {
    let lake = small_lake();
    let l = layout(512, 8);
    for round in 0..3u8 {
        let region = lake.begin_region().unwrap();
        // SAFETY: non-zero layout.
        let p = unsafe { lake.alloc_zeroed(l) };
        assert!(lake.owns(p));
        // SAFETY: a live 512-byte block.
        let zero = (0..512).all(|i| unsafe { p.add(i).read() } == 0);
        assert!(zero, "round {round}");
        // SAFETY: as above.
        unsafe { p.write_bytes(0xFF, 512) };
        // SAFETY: `p` is dead after this.
        unsafe { region.end() };
    }
}

/// Over-aligned and large requests go to `System` inside a region.
#[test]
fn large_and_over_aligned_go_to_system() {
    let lake = small_lake();
    let region = lake.begin_region().unwrap();
    for l in [layout(1025, 8), layout(64, 256), layout(8, 4096)] {
        // SAFETY: non-zero layout.
        let p = unsafe { lake.alloc(l) };
        assert!(
            !p.is_null() && !lake.owns(p) && p.addr() % l.align() == 0,
            "{l:?}"
        );
        // SAFETY: live block with this layout.
        unsafe { lake.dealloc(p, l) };
    }
    for l in [layout(1024, 128), layout(1, 1)] {
        // SAFETY: non-zero layout.
        let p = unsafe { lake.alloc(l) };
        assert!(lake.owns(p) && p.addr() % l.align() == 0, "{l:?}");
    }
    // SAFETY: the lake blocks above are not used again.
    unsafe { region.end() };
}

/// Threads allocate concurrently in one region of a small lake, racing on the CAS bump and on
/// growth; blocks are disjoint and intact. Miri's data race detector checks the orderings.
#[test]
fn threads_allocate_and_grow_concurrently() {
    // 1 KiB doubling to 64 KiB: growth happens under contention, and the table never fills.
    let lake = GlobalLake::with_chunk_sizes(1024, 64 << 10);
    let threads = scaled(4, 3);
    let per_thread = scaled(500, 25);
    let barrier = Barrier::new(threads);
    let region = lake.begin_region().unwrap();
    let ranges: Vec<Vec<(usize, usize)>> = thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (lake, barrier) = (&lake, &barrier);
                s.spawn(move || {
                    barrier.wait();
                    let mut mine = Vec::new();
                    for i in 0..per_thread {
                        let size = 8 + (i * 24 + t * 8) % 200;
                        let l = layout(size, 8);
                        // SAFETY: non-zero layout.
                        let p = unsafe { lake.alloc(l) };
                        assert!(lake.owns(p));
                        // SAFETY: a fresh block of `size` bytes.
                        unsafe { p.write_bytes(t as u8, size) };
                        mine.push((p, size));
                        if i % 5 == 4 {
                            // Free the newest: rewinds if no other thread bumped since.
                            let (p, size) = mine.pop().unwrap();
                            // SAFETY: live block with this layout, not used again.
                            unsafe { lake.dealloc(p, layout(size, 8)) };
                        }
                    }
                    for &(p, size) in &mine {
                        // SAFETY: live blocks of `size` bytes.
                        assert!((0..size).all(|k| unsafe { p.add(k).read() } == t as u8));
                    }
                    mine.iter().map(|&(p, n)| (p.addr(), n)).collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<(usize, usize)> = ranges.into_iter().flatten().collect();
    all.sort_unstable();
    assert!(
        all.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0),
        "overlapping blocks"
    );
    // SAFETY: every thread is joined; no block is used again.
    unsafe { region.end() };
    assert_eq!(lake.stats().chunks, 1);
}

/// Leaving a region frees nothing; only `end` does; dropping a lake with live chunks frees
/// them (miri's leak check would report them otherwise).
#[test]
fn leave_keeps_blocks_and_drop_frees_chunks() {
    let lake = small_lake();
    let l = layout(100, 4);
    let region = lake.begin_region().unwrap();
    // SAFETY: non-zero layout.
    let p = unsafe { lake.alloc(l) };
    drop(region);
    assert!(!lake.in_region() && lake.owns(p));
    // SAFETY: `p` is still a live 100-byte block after `leave`.
    unsafe { p.write_bytes(1, 100) };
    let used = lake.stats().used;
    assert!(used >= 100);
    // Dealloc outside a region still rewinds the last block.
    // SAFETY: live block with this layout.
    unsafe { lake.dealloc(p, l) };
    assert_eq!(lake.stats().used, used - 100);
    let text = format!("{lake:?}");
    assert!(
        text.contains("GlobalLake") && text.contains("chunks: 1"),
        "{text}"
    );
    drop(lake); // frees the chunk
}

/// Regions are exclusive, and a region can be ended from another thread than the one that
/// began it (the token is `Send`).
#[test]
fn region_token_is_unique_and_sendable() {
    let lake = GlobalLake::new();
    let region = lake.begin_region().unwrap();
    assert!(lake.begin_region().is_none());
    thread::scope(|s| {
        s.spawn(move || {
            // SAFETY: the region served nothing.
            unsafe { region.end() };
        });
    });
    assert!(!lake.in_region());
    assert_eq!(lake.stats().regions_ended, 1);
    assert!(lake.begin_region().is_some());
}

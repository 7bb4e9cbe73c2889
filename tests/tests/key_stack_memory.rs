//! Snapshot, mark and rewind loops run in constant memory: the key stack does not grow with the
//! number of iterations. A counting global allocator measures the heap; it is this binary's
//! own, so no other test is affected, and the loops run in one test so that no other test's
//! allocations are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

use lake::{Lake, RewindError};

/// Bytes currently allocated through the global allocator.
static LIVE: AtomicIsize = AtomicIsize::new(0);

struct Counting;

// SAFETY: forwards every call to `System` unchanged; only counts the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, forwarded.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Iterations per loop (a million natively, as the issue measured).
const ITERATIONS: usize = if cfg!(miri) { 2_000 } else { 1_000_000 };

/// Runs `step` a few times to warm up, then `ITERATIONS` times, and returns how many heap
/// bytes the measured iterations added.
fn growth(lake: &mut Lake, mut step: impl FnMut(&mut Lake)) -> isize {
    for _ in 0..64 {
        step(lake);
    }
    let before = LIVE.load(Relaxed);
    for _ in 0..ITERATIONS {
        step(lake);
    }
    LIVE.load(Relaxed) - before
}

#[test]
fn snapshot_mark_and_rewind_loops_keep_the_heap_flat() {
    // snapshot + rewind, with an allocation between.
    let mut lake = Lake::new();
    lake.alloc(1u64);
    let grew = growth(&mut lake, |lake| {
        let s = lake.snapshot();
        lake.alloc([0u8; 24]);
        lake.rewind(&s).unwrap();
    });
    assert_eq!(grew, 0, "snapshot + rewind");
    assert_eq!(lake.stats().used, 8);

    // snapshot + rewind to an older snapshot, with a droplet between.
    let mut lake = Lake::new();
    let base = lake.snapshot();
    let grew = growth(&mut lake, |lake| {
        let s = lake.snapshot();
        let d = lake.droplet::<8>();
        assert!(d.is_valid(lake));
        lake.rewind(&base).unwrap();
        assert_eq!(lake.rewind(&s), Err(RewindError::Stale));
    });
    assert_eq!(grew, 0, "snapshot + droplet + rewind to an older snapshot");

    // move_mark + reset_to_mark.
    let mut lake = Lake::new();
    lake.mark();
    let grew = growth(&mut lake, |lake| {
        lake.move_mark().unwrap();
        lake.alloc([0u8; 100]);
        lake.reset_to_mark().unwrap();
    });
    assert_eq!(grew, 0, "move_mark + reset_to_mark");
    assert_eq!(lake.marks(), 1);

    // mark + pop_mark.
    let mut lake = Lake::new();
    let grew = growth(&mut lake, |lake| {
        lake.mark();
        lake.pop_mark().unwrap();
    });
    assert_eq!(grew, 0, "mark + pop_mark");
    assert_eq!(lake.marks(), 0);

    // mark + snapshot + reset_to_mark + pop_mark.
    let mut lake = Lake::new();
    let grew = growth(&mut lake, |lake| {
        lake.mark();
        let s = lake.snapshot();
        lake.alloc(5u16);
        lake.reset_to_mark().unwrap();
        assert_eq!(lake.rewind(&s), Err(RewindError::Stale));
        lake.pop_mark().unwrap();
    });
    assert_eq!(grew, 0, "mark + snapshot + reset_to_mark + pop_mark");

    // A scope with a droplet in it, and a drop-list value, per iteration.
    let mut lake = Lake::new();
    let grew = growth(&mut lake, |lake| {
        let s = lake.snapshot();
        lake.scope(|scope| {
            scope.droplet_copy(b"scratch");
        });
        lake.alloc_dropping(7u64);
        lake.rewind(&s).unwrap();
    });
    assert_eq!(grew, 0, "scopes, snapshots and alloc_dropping");
}

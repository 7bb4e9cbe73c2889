//! `BuddyArena`: split and coalesce against a reference allocator, exact stats, geometry
//! errors, and the region whole again once every buffer and every `Bytes` is dropped, also
//! after many threads allocate, freeze and drop on other threads.

use bytes::{BufMut, Bytes};
use lake::bytes::{ArenaError, BuddyArena, Buffer};
use proptest::prelude::*;

/// Memory for a caller-supplied region, as `&'static mut`, and the pointer that frees it.
struct Static(*mut [u8]);

impl Static {
    fn new(len: usize) -> (Static, &'static mut [u8]) {
        let raw = Box::into_raw(vec![0u8; len].into_boxed_slice());
        // SAFETY: `raw` is a fresh, unique allocation; the reference is the only access to it
        // until `Static::drop`, which runs after the arena using it is gone (see the callers).
        (Static(raw), unsafe { &mut *raw })
    }
}

impl Drop for Static {
    fn drop(&mut self) {
        // SAFETY: from `Box::into_raw` in `new`; every arena built over it (and its buffers)
        // was dropped before this (declared after the `Static`, dropped first).
        unsafe { drop(Box::from_raw(self.0)) }
    }
}

fn cases(n: u32) -> u32 {
    if cfg!(miri) {
        4
    } else {
        n
    }
}

#[derive(Debug, Clone)]
enum Op {
    Alloc(usize),
    Freeze(usize),
    Drop(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..1100).prop_map(Op::Alloc),
        any::<usize>().prop_map(Op::Freeze),
        any::<usize>().prop_map(Op::Drop),
    ]
}

enum Held {
    Buf(Buffer),
    Frozen(Bytes),
}

struct Live {
    off: usize,
    cap: usize,
    len: usize,
    fill: u8,
    held: Held,
}

impl Live {
    fn bytes(&self) -> &[u8] {
        match &self.held {
            Held::Buf(b) => b.as_slice(),
            Held::Frozen(b) => b,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(200),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Against a reference allocator (a byte-occupancy map of the region): every block is
    /// the smallest power of two ≥ max(len, min_block), aligned to its size, inside the
    /// region and disjoint from every held block; a request fails with `Full` only if no
    /// aligned free run of that size exists, and with `TooLarge` only if it exceeds the
    /// region; buffers keep their bytes; the stats (splits and coalesces included) match a
    /// count kept here; at the end the region is one block again.
    #[test]
    fn buddy_arena_matches_a_reference_allocator(
        min_shift in 3u32..7,
        extra in 0u32..6,
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let min = 1usize << min_shift;
        let region = min << extra;
        let arena = BuddyArena::builder(region, min).build().unwrap();
        let mut used = vec![false; region];
        let mut live: Vec<Live> = Vec::new();
        let base = {
            let probe = arena.allocate(region);
            probe.as_slice().as_ptr() as usize
        };
        let (mut allocations, mut failures) = (1u64, 0u64);
        let (mut live_bytes, mut high) = (0usize, region);
        let mut fill = 0u8;
        for op in ops {
            match op {
                Op::Alloc(len) => {
                    let cap = len.max(min).next_power_of_two();
                    match arena.try_allocate(len) {
                        Ok(mut b) => {
                            let off = b.as_slice().as_ptr() as usize - base;
                            prop_assert_eq!(b.capacity(), cap);
                            prop_assert!(off % cap == 0 && off + cap <= region);
                            prop_assert!(used[off..off + cap].iter().all(|u| !u), "overlap");
                            used[off..off + cap].iter_mut().for_each(|u| *u = true);
                            fill = fill.wrapping_add(1);
                            b.put_bytes(fill, len);
                            live.push(Live { off, cap, len, fill, held: Held::Buf(b) });
                            allocations += 1;
                            live_bytes += cap;
                            high = high.max(live_bytes);
                        }
                        Err(ArenaError::TooLarge { requested, max }) => {
                            prop_assert!(len > region);
                            prop_assert_eq!((requested, max), (len, region));
                            failures += 1;
                        }
                        Err(ArenaError::Full { requested, .. }) => {
                            prop_assert_eq!(requested, len);
                            prop_assert!(cap <= region);
                            let fits = (0..region / cap)
                                .any(|k| used[k * cap..(k + 1) * cap].iter().all(|u| !u));
                            prop_assert!(!fits, "Full although an aligned free run of {} exists", cap);
                            failures += 1;
                        }
                        Err(e) => prop_assert!(false, "unexpected {:?}", e),
                    }
                }
                Op::Freeze(i) if !live.is_empty() => {
                    let i = i % live.len();
                    let l = &mut live[i];
                    if let Held::Buf(_) = l.held {
                        let Held::Buf(b) = std::mem::replace(&mut l.held, Held::Frozen(Bytes::new())) else {
                            unreachable!()
                        };
                        let frozen = b.freeze();
                        prop_assert_eq!(frozen.as_ptr() as usize - base, l.off, "freeze copied");
                        // Keep only a slice of a clone: it must still hold the block.
                        l.held = Held::Frozen(frozen.clone().slice(..));
                        if l.len == 0 {
                            // An empty slice refers to no owner (`Bytes::new()`): the block
                            // went back when `frozen` dropped.
                            let l = live.swap_remove(i);
                            used[l.off..l.off + l.cap].iter_mut().for_each(|u| *u = false);
                            live_bytes -= l.cap;
                        }
                    }
                }
                Op::Drop(i) if !live.is_empty() => {
                    let l = live.swap_remove(i % live.len());
                    used[l.off..l.off + l.cap].iter_mut().for_each(|u| *u = false);
                    live_bytes -= l.cap;
                }
                _ => {}
            }
            for l in &live {
                prop_assert_eq!(l.bytes().len(), l.len);
                prop_assert!(l.bytes().iter().all(|&b| b == l.fill), "a buffer's bytes changed");
            }
            let s = arena.stats();
            prop_assert_eq!((s.allocations, s.failures), (allocations, failures));
            prop_assert_eq!((s.live_bytes, s.high_water, s.capacity), (live_bytes, high, region));
            // The largest free block: the largest aligned free run of a power-of-two size.
            let largest = (0..=extra).rev().map(|k| min << k).find(|&c| {
                (0..region / c).any(|j| used[j * c..(j + 1) * c].iter().all(|u| !u))
            }).unwrap_or(0);
            prop_assert_eq!(s.largest_free_block, largest);
        }
        drop(live);
        let s = arena.stats();
        prop_assert_eq!(s.splits, s.coalesces, "every split merged back");
        prop_assert_eq!(arena.try_allocate(region).map(|b| b.capacity()), Ok(region));
    }
}

#[test]
fn stats_count_splits_and_coalesces_exactly() {
    let arena = BuddyArena::builder(1 << 12, 64).build().unwrap();
    let a = arena.allocate(64); // 4096 → 2048 → 1024 → 512 → 256 → 128 → 64: 6 splits
    let b = arena.allocate(64); // the free 64-byte buddy: no split
    let c = arena.allocate(1000); // the free 1024: no split
    let s = arena.stats();
    assert_eq!((s.splits, s.coalesces), (6, 0));
    assert_eq!(
        (s.live_bytes, s.high_water),
        (64 + 64 + 1024, 64 + 64 + 1024)
    );
    assert_eq!(s.largest_free_block, 2048);
    drop(a); // its buddy `b` is held: no merge
    assert_eq!(arena.stats().coalesces, 0);
    drop(b); // 64+64 → 128 → 256 → 512 → 1024 (its buddy, 1024, is `c`): 4 merges
    assert_eq!(arena.stats().coalesces, 4);
    drop(c); // 1024+1024 → 2048, 2048+2048 → 4096
    let s = arena.stats();
    assert_eq!((s.splits, s.coalesces, s.live_bytes), (6, 6, 0));
    assert_eq!(s.largest_free_block, 4096);
}

#[test]
fn geometry_errors_are_typed() {
    for (region, min, align) in [
        (0usize, 64usize, 8usize),
        (1000, 64, 8),
        (1024, 48, 8),
        (1024, 2048, 8),
        (1024, 16, 32),
        (1024, 64, 3),
    ] {
        let r = BuddyArena::builder(region, min).align(align).build();
        assert!(
            matches!(r, Err(ArenaError::InvalidGeometry { .. })),
            "{region} {min} {align}: {r:?}"
        );
    }
    let (_owner, memory) = Static::new(1000);
    assert!(BuddyArena::builder(1024, 64)
        .region(memory)
        .build()
        .is_err());
    let (_owner2, memory) = Static::new(2048);
    let arena = BuddyArena::builder(1024, 64)
        .align(64)
        .region(memory)
        .build()
        .unwrap();
    assert_eq!(arena.allocate(1).as_slice().as_ptr() as usize % 64, 0);
}

/// A proptest regression (`min_shift = 3, extra = 0, ops = [Alloc(0), Freeze(0)]`): freezing
/// an empty buffer that holds the region's only block gives an empty `Bytes` that holds it;
/// an empty slice of it refers to no owner, so the block is back once that `Bytes` drops.
#[test]
fn freezing_an_empty_buffer_of_a_one_block_region_gives_the_block_back() {
    let arena = BuddyArena::builder(8, 8).build().unwrap();
    let b = arena.allocate(0);
    assert_eq!(b.capacity(), 8);
    assert!(arena.try_allocate(0).is_err());
    let frozen = b.freeze();
    assert!(frozen.is_empty());
    let kept = frozen.clone().slice(..);
    assert!(arena.try_allocate(0).is_err());
    drop(frozen);
    assert!(kept.is_empty());
    assert_eq!(arena.stats().live_bytes, 0);
    assert_eq!(arena.try_allocate(8).map(|b| b.capacity()), Ok(8));
    let s = arena.stats();
    assert_eq!((s.live_bytes, s.largest_free_block), (0, 8));
}

#[test]
fn too_large_is_not_full() {
    let arena = BuddyArena::builder(1024, 64).build().unwrap();
    assert_eq!(
        arena.try_allocate(usize::MAX).unwrap_err(),
        ArenaError::TooLarge {
            requested: usize::MAX,
            max: 1024
        }
    );
    let msg = arena.try_allocate(2000).unwrap_err().to_string();
    assert!(msg.contains("never"), "{msg}");
}

/// Many threads allocate mixed sizes, fill each buffer with a pattern, freeze it, send it to
/// another thread that verifies and drops it; at the end the region is whole again.
#[test]
fn cross_thread_freeze_and_drop_leaves_the_region_whole() {
    let rounds = if cfg!(miri) { 4 } else { 400 };
    let arena = BuddyArena::builder(1 << 16, 64).build().unwrap();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(u8, Bytes)>(16);
    std::thread::scope(|s| {
        s.spawn(move || {
            for (tag, bytes) in rx {
                assert!(bytes.iter().all(|&b| b == tag), "corrupted buffer");
            }
        });
        for t in 0..3u8 {
            let (arena, tx) = (arena.clone(), tx.clone());
            s.spawn(move || {
                for i in 0..rounds {
                    let len = 1 + (i * 97 + usize::from(t) * 31) % 5000;
                    let mut b = loop {
                        match arena.try_allocate(len) {
                            Ok(b) => break b,
                            Err(ArenaError::Full { .. }) => std::thread::yield_now(),
                            Err(e) => panic!("{e}"),
                        }
                    };
                    let tag = t.wrapping_mul(50).wrapping_add(i as u8);
                    b.put_bytes(tag, len);
                    let frozen = b.freeze();
                    tx.send((tag, frozen.slice(..))).unwrap();
                }
            });
        }
        drop(tx);
    });
    let s = arena.stats();
    assert_eq!(s.live_bytes, 0);
    assert_eq!(s.splits, s.coalesces);
    assert_eq!(s.allocations, 3 * rounds as u64);
    assert_eq!(
        arena.try_allocate(1 << 16).map(|b| b.capacity()),
        Ok(1 << 16)
    );
}

//! `SizeClassArena`: a model test against a reference allocator, plus errors, options and the
//! thread paths (remote frees, heap hand-over at thread exit, the overflow heap).

use std::collections::BTreeMap;

use bytes::{BufMut, Bytes};
use lake::bytes::{ArenaError, Buffer, InitPolicy, SizeClassArena};
use proptest::prelude::*;

/// The reference: the class ladder written out (64, then a quarter step per doubling).
fn reference_capacity(len: usize) -> Option<usize> {
    let mut sizes = vec![64usize];
    let mut base = 64;
    while base < 65536 {
        for q in 1..=4 {
            sizes.push(base + q * base / 4);
        }
        base *= 2;
    }
    sizes.into_iter().find(|&s| s >= len)
}

#[derive(Debug, Clone)]
enum Op {
    /// Allocate a buffer of this length and fill it.
    Alloc(usize),
    /// Freeze live buffer `i % live` (keep the `Bytes`).
    Freeze(usize),
    /// Drop live buffer or `Bytes` `i % live`.
    Drop(usize),
    /// Drop live `i % live` on another thread.
    DropRemote(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..=20_000).prop_map(Op::Alloc),
        1 => (0usize..=70_000).prop_map(Op::Alloc),
        2 => any::<usize>().prop_map(Op::Freeze),
        3 => any::<usize>().prop_map(Op::Drop),
        2 => any::<usize>().prop_map(Op::DropRemote),
    ]
}

enum Live {
    Buf(Buffer),
    Frozen(Bytes),
}

impl Live {
    fn bytes(&self) -> &[u8] {
        match self {
            Live::Buf(b) => b.as_slice(),
            Live::Frozen(b) => b,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 96 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random allocate / freeze / drop (here or on another thread) sequences: every buffer
    /// gets the reference capacity, live blocks never overlap, contents survive, `TooLarge`
    /// exactly above 64 KiB, and the stats match the reference's live bytes exactly.
    #[test]
    fn model_against_a_reference(ops in prop::collection::vec(op(), 1..if cfg!(miri) { 12 } else { 120 })) {
        // 32 pages: more than the sequence can hold at once, so `Full` never happens.
        let arena = SizeClassArena::builder(if cfg!(miri) { 1 << 21 } else { 1 << 24 }).build().unwrap();
        let mut live: Vec<(u64, usize, Live)> = Vec::new(); // (seq, capacity, buffer)
        let mut allocations = 0u64;
        let mut failures = 0u64;
        for (seq, op) in ops.into_iter().enumerate() {
            let seq = seq as u64;
            match op {
                Op::Alloc(len) => {
                    // Short buffers under miri (every byte is written and re-checked); the
                    // too-large lengths stay.
                    let len = if cfg!(miri) && len <= 65536 { len % 300 } else { len };
                    match (arena.try_allocate(len), reference_capacity(len)) {
                    (Ok(mut b), Some(cap)) => {
                        prop_assert_eq!(b.capacity(), cap);
                        for i in 0..len {
                            b.put_u8((seq as usize * 13 + i) as u8);
                        }
                        allocations += 1;
                        live.push((seq, cap, Live::Buf(b)));
                    }
                    (Err(ArenaError::TooLarge { requested, max }), None) => {
                        prop_assert_eq!((requested, max), (len, 65536));
                        failures += 1;
                    }
                    (got, want) => prop_assert!(false, "len {}: got {:?}, want {:?}", len, got.map(|b| b.capacity()), want),
                    }
                }
                Op::Freeze(i) if !live.is_empty() => {
                    let i = i % live.len();
                    let (seq, cap, l) = live.swap_remove(i);
                    let l = match l {
                        Live::Buf(b) => Live::Frozen(b.freeze()),
                        f => f,
                    };
                    live.push((seq, cap, l));
                }
                Op::Drop(i) if !live.is_empty() => {
                    live.swap_remove(i % live.len());
                }
                Op::DropRemote(i) if !live.is_empty() => {
                    let (_, _, l) = live.swap_remove(i % live.len());
                    let l = match l {
                        Live::Buf(b) => b.freeze(), // a Buffer is Send too; freeze to send Bytes
                        Live::Frozen(b) => b,
                    };
                    std::thread::spawn(move || drop(l)).join().unwrap();
                }
                _ => {}
            }
            // Contents intact, blocks disjoint.
            let mut ranges = BTreeMap::new();
            for (seq, cap, l) in &live {
                let bytes = l.bytes();
                for (i, &b) in bytes.iter().enumerate() {
                    prop_assert_eq!(b, (*seq as usize * 13 + i) as u8);
                }
                if !bytes.is_empty() {
                    ranges.insert(bytes.as_ptr() as usize, bytes.as_ptr() as usize + *cap);
                }
            }
            let mut end = 0;
            for (&s, &e) in &ranges {
                prop_assert!(s >= end, "overlapping blocks");
                end = e;
            }
            let s = arena.stats();
            prop_assert_eq!(s.live_bytes, live.iter().map(|(_, c, _)| c).sum::<usize>());
            prop_assert_eq!((s.allocations, s.failures), (allocations, failures));
        }
    }
}

#[test]
fn geometry_errors_are_typed() {
    for (builder, what) in [
        (SizeClassArena::builder(1000), "region below one page"),
        (
            SizeClassArena::builder(1 << 20).page_size(3 << 16),
            "page not a power of two",
        ),
        (
            SizeClassArena::builder(1 << 24).page_size(4 << 20),
            "page above 2 MiB",
        ),
        (
            SizeClassArena::builder(1 << 20).page_size(1 << 12),
            "page below 64 KiB",
        ),
        (SizeClassArena::builder(1 << 20).max_threads(0), "no heaps"),
        (
            SizeClassArena::builder(1 << 20).align(3),
            "alignment not a power of two",
        ),
        (
            SizeClassArena::builder(usize::MAX),
            "region above isize::MAX",
        ),
    ] {
        match builder.build() {
            Err(ArenaError::InvalidGeometry { reason }) => assert!(!reason.is_empty(), "{what}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn full_too_large_and_closed_are_told_apart() {
    let arena = SizeClassArena::builder(1 << 17).build().unwrap(); // two pages
    let a = arena.try_allocate(65536).unwrap();
    let b = arena.try_allocate(65536).unwrap();
    assert!(matches!(
        arena.try_allocate(1),
        Err(ArenaError::Full {
            requested: 1,
            largest_free: 0
        })
    ));
    assert!(matches!(
        arena.try_allocate(65537),
        Err(ArenaError::TooLarge {
            requested: 65537,
            max: 65536
        })
    ));
    drop(a);
    // The page of `a` goes back at the next allocation's sweep (it was the class's current one).
    assert_eq!(arena.try_allocate(1).unwrap().capacity(), 64);
    arena.close();
    assert_eq!(arena.try_allocate(1).unwrap_err(), ArenaError::Closed);
    assert_eq!(arena.stats().failures, 3);
    drop(b);
    assert_eq!(arena.stats().live_bytes, 0);
}

#[test]
fn alignment_and_zeroing() {
    let arena = SizeClassArena::builder(1 << 20)
        .align(256)
        .init(InitPolicy::Zero)
        .build()
        .unwrap();
    for len in [1, 80, 100, 300, 1000, 5000] {
        let mut b = arena.try_allocate(len).unwrap();
        assert_eq!(b.as_slice().as_ptr() as usize % 256, 0, "len {len}");
        assert_eq!(b.capacity() % 256, 0);
        b.put_bytes(0xAB, len);
        drop(b);
        let mut again = arena.try_allocate(len).unwrap();
        // SAFETY: `InitPolicy::Zero` initialises every byte of a handed-out block.
        unsafe { again.advance_mut(len) };
        assert!(
            again.as_slice().iter().all(|&x| x == 0),
            "len {len}: reused block not zeroed"
        );
    }
}

#[test]
fn auto_spill_gives_the_block_back() {
    let arena = SizeClassArena::builder(1 << 16)
        .auto_spill()
        .build()
        .unwrap();
    let mut b = arena.try_allocate(100).unwrap();
    b.put_bytes(1, 100_000);
    assert!(b.is_spilled());
    assert_eq!(arena.stats().live_bytes, 0);
    assert_eq!(arena.stats().spills, 1);
    assert_eq!(b.freeze().len(), 100_000);
}

#[test]
fn many_threads_share_few_heaps() {
    // 2 heaps for good, 8 threads: the others borrow the overflow heap (or a free one) per call.
    let arena = SizeClassArena::builder(16 << 20)
        .max_threads(2)
        .build()
        .unwrap();
    let threads = if cfg!(miri) { 3 } else { 8 };
    let per = if cfg!(miri) { 5 } else { 2000 };
    std::thread::scope(|s| {
        for t in 0..threads {
            let arena = &arena;
            s.spawn(move || {
                let mut keep = Vec::new();
                for i in 0..per {
                    let mut b = arena.try_allocate(64 + (i * 37 + t) % 3000).unwrap();
                    b.put_u64(((t << 32) | i) as u64);
                    let f = b.freeze();
                    assert_eq!(&f[..8], &(((t << 32) | i) as u64).to_be_bytes());
                    // Some buffers stay alive a while, so frees interleave with allocations.
                    keep.push(f);
                    if keep.len() > 64 {
                        keep.swap_remove(i % 64);
                    }
                }
            });
        }
    });
    assert_eq!(arena.stats().live_bytes, 0);
    assert_eq!(arena.stats().allocations, (threads * per) as u64);
}

#[test]
fn a_buffer_outlives_its_arena_handle() {
    let arena = SizeClassArena::builder(1 << 16).build().unwrap();
    let mut b = arena.try_allocate(10).unwrap();
    drop(arena);
    b.put_slice(b"still here");
    let f = b.freeze();
    std::thread::spawn(move || assert_eq!(&f[..], b"still here"))
        .join()
        .unwrap();
}

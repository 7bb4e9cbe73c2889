//! `FixedArena`: claim/release against a reference allocator, stats, errors, geometry,
//! regions, alignment, `InitPolicy`, and buffers frozen and dropped on other threads.

use std::collections::HashSet;

use bytes::{BufMut, Bytes};
use lake::bytes::{ArenaError, FixedArena, InitPolicy};
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
    Alloc(u8),
    Freeze(usize),
    Drop(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u8>().prop_map(Op::Alloc),
        any::<usize>().prop_map(Op::Freeze),
        any::<usize>().prop_map(Op::Drop),
    ]
}

enum Held {
    Buf(lake::bytes::Buffer, u8),
    Frozen(Bytes, Bytes, u8),
}

impl Held {
    fn check(&self, slot: usize) {
        let (bytes, fill): (&[u8], u8) = match self {
            Held::Buf(b, f) => (b.as_slice(), *f),
            Held::Frozen(a, b, f) => {
                assert_eq!(a, b);
                (a, *f)
            }
        };
        assert_eq!(bytes.len(), slot);
        assert!(bytes.iter().all(|&x| x == fill), "a buffer's bytes changed");
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(200),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Against a reference allocator (a set of free slot addresses): an allocation succeeds
    /// iff a slot is free, never hands out a held slot, every buffer keeps its bytes (each is
    /// filled with its own byte), frozen clones keep the slot, stats match exactly, and the
    /// arena is whole at the end.
    #[test]
    fn fixed_arena_matches_a_reference_allocator(
        slots in 1usize..9,
        slot in 1usize..48,
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let arena = FixedArena::builder(slot, slots).build().unwrap();
        let mut held: Vec<(usize, Held)> = Vec::new();
        let (mut allocations, mut failures) = (0u64, 0u64);
        let mut high = 0;
        for op in ops {
            match op {
                Op::Alloc(fill) => match arena.try_allocate() {
                    Ok(mut b) => {
                        prop_assert!(held.len() < slots, "more buffers than slots");
                        let addr = b.as_slice().as_ptr() as usize;
                        prop_assert!(held.iter().all(|(a, _)| *a != addr), "slot handed out twice");
                        b.put_bytes(fill, slot);
                        held.push((addr, Held::Buf(b, fill)));
                        allocations += 1;
                        high = high.max(held.len());
                    }
                    Err(e) => {
                        prop_assert_eq!(held.len(), slots, "failed with a free slot");
                        prop_assert_eq!(e, ArenaError::Full { requested: slot, largest_free: 0 });
                        failures += 1;
                    }
                },
                Op::Freeze(i) if !held.is_empty() => {
                    let i = i % held.len();
                    let (addr, h) = held.swap_remove(i);
                    let h = match h {
                        Held::Buf(b, f) => {
                            let a = b.freeze();
                            prop_assert_eq!(a.as_ptr() as usize, addr, "freeze copied");
                            let c = a.clone();
                            Held::Frozen(a, c, f)
                        }
                        // Drop one of the two clones: the other keeps the slot.
                        Held::Frozen(a, _, f) => Held::Frozen(a.slice(..), a, f),
                    };
                    held.push((addr, h));
                }
                Op::Drop(i) if !held.is_empty() => {
                    let (_, h) = held.swap_remove(i % held.len());
                    drop(h);
                }
                _ => {}
            }
            for (_, h) in &held {
                h.check(slot);
            }
            let s = arena.stats();
            prop_assert_eq!((s.allocations, s.failures), (allocations, failures));
            prop_assert_eq!((s.live_bytes, s.high_water), (held.len() * slot, high * slot));
            prop_assert_eq!(s.largest_free_block, if held.len() < slots { slot } else { 0 });
        }
        drop(held);
        let all: Vec<_> = (0..slots).map(|_| arena.try_allocate().unwrap()).collect();
        let addrs: HashSet<usize> = all.iter().map(|b| b.as_slice().as_ptr() as usize).collect();
        prop_assert_eq!(addrs.len(), slots);
    }
}

#[test]
fn geometry_errors_are_typed() {
    let invalid =
        |r: Result<FixedArena, ArenaError>| matches!(r, Err(ArenaError::InvalidGeometry { .. }));
    assert!(invalid(FixedArena::builder(0, 1).build()));
    assert!(invalid(FixedArena::builder(1, 0).build()));
    assert!(invalid(FixedArena::builder(64, 1).align(0).build()));
    assert!(invalid(FixedArena::builder(64, 1).align(24).build()));
    assert!(invalid(FixedArena::builder(64, 1).align(8192).build()));
    assert!(invalid(FixedArena::builder(usize::MAX, 2).build()));
    assert!(invalid(
        FixedArena::builder(usize::MAX - 2, 1).align(8).build()
    ));
    assert!(invalid(FixedArena::builder(1, 1usize << 33).build()));
    let msg = FixedArena::builder(0, 1).build().unwrap_err().to_string();
    assert!(msg.contains("non-zero slot size"), "{msg}");
}

#[test]
fn allocate_panics_with_the_error_message() {
    let arena = FixedArena::builder(16, 1).build().unwrap();
    let _held = arena.allocate();
    let err =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| arena.allocate())).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert_eq!(*msg, arena.try_allocate().unwrap_err().to_string());
    assert!(msg.contains("full"));
}

#[test]
fn alignment_and_stride() {
    for align in [1usize, 8, 64, 4096] {
        let arena = FixedArena::builder(10, 5).align(align).build().unwrap();
        let bufs: Vec<_> = (0..5).map(|_| arena.allocate()).collect();
        let mut addrs: Vec<usize> = bufs
            .iter()
            .map(|b| b.as_slice().as_ptr() as usize)
            .collect();
        addrs.sort_unstable();
        for w in addrs.windows(2) {
            assert!(w[1] - w[0] >= 10, "slots overlap");
        }
        assert!(addrs.iter().all(|a| a % align == 0), "align {align}");
        assert!(bufs.iter().all(|b| b.capacity() == 10));
    }
}

#[test]
fn static_region_is_used_and_aligned() {
    let (_owner, memory) = Static::new(1100);
    let (lo, hi) = (memory.as_ptr() as usize, memory.as_ptr() as usize + 1100);
    let arena = FixedArena::builder(100, 8)
        .align(64)
        .region(memory)
        .build()
        .unwrap();
    let bufs: Vec<_> = (0..8).map(|_| arena.allocate()).collect();
    for b in &bufs {
        let a = b.as_slice().as_ptr() as usize;
        assert!(a >= lo && a + 100 <= hi, "slot outside the supplied memory");
        assert_eq!(a % 64, 0);
    }
    // Too small: 10 slots of 100 bytes, 8-aligned, need 10 × 104 bytes.
    let (_owner2, memory) = Static::new(999);
    assert!(matches!(
        FixedArena::builder(100, 10).region(memory).build(),
        Err(ArenaError::InvalidGeometry { .. })
    ));
}

#[test]
fn init_zero_clears_reused_blocks_and_uninit_does_not_expose_them() {
    let arena = FixedArena::builder(32, 1)
        .init(InitPolicy::Zero)
        .build()
        .unwrap();
    let mut b = arena.allocate();
    b.put_bytes(0xAA, 32);
    drop(b);
    let mut b = arena.allocate();
    assert!(b.is_empty(), "a new buffer shows no old bytes");
    // SAFETY: `InitPolicy::Zero` initialises the whole block.
    unsafe { b.advance_mut(32) };
    assert_eq!(b.as_slice(), [0u8; 32]);
    // Without the policy the old bytes are still there, but no safe API reads them.
    let arena = FixedArena::builder(32, 1).build().unwrap();
    let mut b = arena.allocate();
    b.put_bytes(0xAA, 32);
    drop(b);
    let mut b = arena.allocate();
    assert_eq!(b.as_slice(), b"");
    assert_eq!(b.extend_zeroed(4), [0u8; 4]);
}

#[test]
fn close_fails_new_allocations_only() {
    let arena = FixedArena::builder(8, 2).build().unwrap();
    let mut held = arena.allocate();
    arena.close();
    assert_eq!(arena.try_allocate().unwrap_err(), ArenaError::Closed);
    held.put_u8(1);
    let frozen = held.freeze();
    assert_eq!(&frozen[..], [1]);
    assert_eq!(arena.stats().failures, 1);
}

#[test]
fn buffers_frozen_and_dropped_on_other_threads_come_back() {
    let threads = 4;
    let rounds = if cfg!(miri) { 3 } else { 300 };
    let arena = FixedArena::builder(64, 8).build().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<(u32, Bytes)>();
    std::thread::scope(|s| {
        let checker = s.spawn(move || {
            let mut n = 0;
            for (tag, bytes) in rx {
                assert_eq!(bytes.len(), 64);
                assert!(bytes.chunks(4).all(|c| c == tag.to_le_bytes()), "corrupted");
                n += 1;
            }
            n
        });
        for t in 0..threads {
            let (arena, tx) = (arena.clone(), tx.clone());
            s.spawn(move || {
                for i in 0..rounds {
                    let tag = t * 1_000_000 + i;
                    let mut b = loop {
                        match arena.try_allocate() {
                            Ok(b) => break b,
                            Err(ArenaError::Full { .. }) => std::thread::yield_now(),
                            Err(e) => panic!("{e}"),
                        }
                    };
                    for _ in 0..16 {
                        b.put_u32_le(tag);
                    }
                    tx.send((tag, b.freeze())).unwrap();
                }
            });
        }
        drop(tx);
        assert_eq!(checker.join().unwrap(), threads * rounds);
    });
    let s = arena.stats();
    assert_eq!(s.live_bytes, 0);
    assert_eq!(s.allocations, u64::from(threads * rounds));
    assert!(s.high_water <= 8 * 64);
    let all: Vec<_> = (0..8).map(|_| arena.try_allocate().unwrap()).collect();
    assert_eq!(all.len(), 8, "every slot came back");
}

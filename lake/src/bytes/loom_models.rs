//! Loom models of the byte arenas' lock-free protocols (`.ci/loom.sh`:
//! `RUSTFLAGS="--cfg loom" cargo test --release -p lake --features async --lib loom_`).
//!
//! Each model is two threads and a handful of operations on an arena of two to four blocks,
//! so loom explores every interleaving with `LOOM_MAX_PREEMPTIONS=2`. The arena's atomics
//! (`crate::sync`) and its region (`sync::heap`, leak-checked) are loom's.

use alloc::vec::Vec;

use loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

use super::{ArenaError, BuddyArena, Buffer, FixedArena};

/// Marks a block owned by the caller while it holds it: two owners at once fail the model.
struct Owners(Vec<AtomicUsize>);

impl Owners {
    fn new(blocks: usize) -> Arc<Self> {
        Arc::new(Owners((0..blocks).map(|_| AtomicUsize::new(0)).collect()))
    }

    fn take(&self, block: usize) {
        assert_eq!(
            self.0[block].swap(1, Ordering::Relaxed),
            0,
            "a block handed to two owners at once"
        );
    }

    fn give(&self, block: usize) {
        self.0[block].store(0, Ordering::Relaxed);
    }
}

/// The whole region can be allocated as one block: no merge was lost.
fn assert_whole(arena: &BuddyArena, region: usize) {
    let whole = arena.try_allocate(region);
    assert!(
        whole.is_ok(),
        "no live buffers, yet the whole region cannot be allocated: a merge was lost ({:?})",
        whole.err()
    );
}

/// Two concurrent frees of buddies: whichever `fetch_or` comes second sees the other's bit and
/// merges, so the region is whole again. (A check-then-set free — claim the buddy, else set
/// our bit — loses this merge; see `loom_check_then_set_free_loses_a_merge`.)
#[test]
fn loom_buddy_concurrent_frees_always_coalesce() {
    loom::model(|| {
        let arena = BuddyArena::builder(16, 8).build().unwrap();
        let a = arena.try_allocate(8).unwrap();
        let b = arena.try_allocate(8).unwrap();
        let t = thread::spawn(move || drop(a));
        drop(b);
        t.join().unwrap();
        assert_eq!(arena.stats().live_bytes, 0);
        assert_whole(&arena, 16);
        assert_eq!(arena.stats().coalesces, 1);
    });
}

/// Merges cascade across orders while both threads free: four 8-byte blocks freed two by two
/// from two threads (the order-0 pairs and then the order-1 pair must all merge).
#[test]
fn loom_buddy_split_and_merge_across_orders() {
    loom::model(|| {
        let arena = BuddyArena::builder(32, 8).build().unwrap();
        let mut blocks: Vec<Buffer> = (0..4).map(|_| arena.try_allocate(8).unwrap()).collect();
        let (d, c) = (blocks.pop().unwrap(), blocks.pop().unwrap());
        let (b, a) = (blocks.pop().unwrap(), blocks.pop().unwrap());
        // One thread frees one block of each pair, the other thread the buddies.
        let t = thread::spawn(move || {
            drop(a);
            drop(c);
        });
        drop(d);
        drop(b);
        t.join().unwrap();
        assert_whole(&arena, 32);
        assert_eq!(arena.stats().coalesces, 3);
    });
}

/// A free racing an allocation of the same size: the allocation gets the freed block or
/// fails with `Full`, never a block someone else holds, and once everything is dropped the
/// region is whole.
#[test]
fn loom_buddy_free_races_allocate() {
    loom::model(|| {
        let arena = BuddyArena::builder(16, 8).build().unwrap();
        let owners = Owners::new(2);
        let a = arena.try_allocate(8).unwrap();
        let b = arena.try_allocate(8).unwrap();
        let slot =
            |buf: &Buffer, arena_base: usize| (buf.as_slice().as_ptr() as usize - arena_base) / 8;
        let base = (a.as_slice().as_ptr() as usize).min(b.as_slice().as_ptr() as usize);
        owners.take(slot(&a, base));
        owners.take(slot(&b, base));
        let arena2 = arena.clone();
        let o2 = owners.clone();
        let t = thread::spawn(move || {
            let got = arena2.try_allocate(8);
            match &got {
                Ok(buf) => o2.take(slot(buf, base)),
                Err(e) => assert!(matches!(e, ArenaError::Full { .. })),
            }
            if let Ok(buf) = got {
                o2.give(slot(&buf, base));
                drop(buf);
            }
        });
        owners.give(slot(&a, base));
        drop(a);
        t.join().unwrap();
        owners.give(slot(&b, base));
        drop(b);
        assert_eq!(arena.stats().live_bytes, 0);
        assert_whole(&arena, 16);
    });
}

/// The protocol the buddy arena must not use, modelled on two atomic bits: free = "try to
/// claim the buddy (fetch_and); if that failed, publish our own bit (fetch_or)". Two frees of
/// buddies can both fail to claim the other (neither bit is published yet) and then both
/// publish: the pair stays split forever. The same assertion as the arena's models catches it.
#[test]
#[should_panic(expected = "merge was lost")]
fn loom_check_then_set_free_loses_a_merge() {
    loom::model(|| {
        // Bit 0 and bit 1: the two buddies; bit 2: their parent.
        let word = Arc::new(AtomicU64::new(0));
        let free = |word: &AtomicU64, mine: u64, buddy: u64| {
            if word.fetch_and(!buddy, Ordering::AcqRel) & buddy != 0 {
                word.fetch_or(0b100, Ordering::AcqRel); // merged: the parent is free
            } else {
                word.fetch_or(mine, Ordering::AcqRel);
            }
        };
        let w2 = word.clone();
        let t = thread::spawn(move || free(&w2, 0b01, 0b10));
        free(&word, 0b10, 0b01);
        t.join().unwrap();
        assert_eq!(
            word.load(Ordering::Relaxed),
            0b100,
            "both buddies free but unmerged: a merge was lost"
        );
    });
}

/// Two threads claim and return the only slot of a fixed arena twice each: never two owners,
/// and the slot is free at the end.
#[test]
fn loom_fixed_claim_is_exclusive() {
    loom::model(|| {
        let arena = FixedArena::builder(8, 1).build().unwrap();
        let owners = Owners::new(1);
        let run = |arena: FixedArena, owners: Arc<Owners>| {
            let mut got = 0;
            for _ in 0..2 {
                if let Ok(buf) = arena.try_allocate() {
                    owners.take(0);
                    got += 1;
                    owners.give(0);
                    drop(buf);
                }
            }
            got
        };
        let (a2, o2) = (arena.clone(), owners.clone());
        let t = thread::spawn(move || run(a2, o2));
        let mine = run(arena.clone(), owners);
        let theirs = t.join().unwrap();
        assert!(mine + theirs >= 2);
        let s = arena.stats();
        assert_eq!((s.live_bytes, s.largest_free_block), (0, 8));
        assert_eq!(s.allocations, (mine + theirs) as u64);
    });
}

/// A waiter on a full fixed arena is woken by a free on another thread (no lost wake-up: loom
/// reports a deadlock if the waiter parks forever).
#[cfg(feature = "async")]
#[test]
fn loom_fixed_async_wakeup_is_not_lost() {
    loom::model(|| {
        let arena = FixedArena::builder(8, 1).build().unwrap();
        let held = arena.try_allocate().unwrap();
        let a2 = arena.clone();
        let t = thread::spawn(move || {
            let buf = loom::future::block_on(a2.allocate_async()).unwrap();
            assert_eq!(buf.capacity(), 8);
        });
        drop(held);
        t.join().unwrap();
        assert_eq!(arena.stats().live_bytes, 0);
    });
}

/// A waiter for the whole region of a buddy arena while the last held block is freed on
/// another thread: the free merges the pair, then wakes every waiter, so the waiter gets the
/// merged region (a waiter woken before the merge, or a merge after the wake-up check, would
/// park forever and loom would report the deadlock).
#[cfg(feature = "async")]
#[test]
fn loom_buddy_async_waiter_gets_the_merged_region() {
    loom::model(|| {
        let arena = BuddyArena::builder(16, 8).build().unwrap();
        let a = arena.try_allocate(8).unwrap();
        drop(arena.try_allocate(8).unwrap()); // b: freed, waiting for its buddy
        let w = arena.clone();
        let waiter = thread::spawn(move || {
            let buf = loom::future::block_on(w.allocate_async(16)).unwrap();
            assert_eq!(buf.capacity(), 16);
        });
        drop(a);
        waiter.join().unwrap();
        assert_eq!(arena.stats().live_bytes, 0);
    });
}

/// `close` while a waiter waits: it fails with `Closed` instead of hanging.
#[cfg(feature = "async")]
#[test]
fn loom_close_wakes_waiters() {
    loom::model(|| {
        let arena = FixedArena::builder(8, 1).build().unwrap();
        let _held = arena.try_allocate().unwrap();
        let a2 = arena.clone();
        let t = thread::spawn(move || loom::future::block_on(a2.allocate_async()).map(|_| ()));
        arena.close();
        assert_eq!(t.join().unwrap(), Err(ArenaError::Closed));
    });
}

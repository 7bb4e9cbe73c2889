//! Loom models of the [`SharedPool`] protocol. Run with `.ci/loom.sh`
//! (`RUSTFLAGS="--cfg loom" cargo test --release -p lake --lib loom`).
//!
//! Every model is two threads and a handful of operations on a pool of one or two slots, so
//! loom explores all interleavings with `LOOM_MAX_PREEMPTIONS=2` in seconds. Besides the
//! assertions in each model, loom itself checks that no access to a slot's value cell races
//! another (`crate::sync::cell::UnsafeCell` is loom's under `cfg(loom)`): a value written by
//! two claimers, or read by a `Ref` while being dropped, fails the model.

use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use loom::sync::Arc;
use loom::thread;

use super::SharedPool;

/// A value that counts its drops and checks it is alive whenever it is read.
struct Tracked {
    id: usize,
    alive: AtomicBool,
    drops: Arc<AtomicUsize>,
}

impl Tracked {
    fn new(id: usize, drops: &Arc<AtomicUsize>) -> Self {
        Tracked {
            id,
            alive: AtomicBool::new(true),
            drops: drops.clone(),
        }
    }

    /// Reads the value; fails if it was dropped (use after free).
    fn read(&self) -> usize {
        assert!(
            self.alive.load(Ordering::Relaxed),
            "read of a dropped value"
        );
        self.id
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        assert!(self.alive.swap(false, Ordering::Relaxed), "dropped twice");
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
}

/// ABA on the free bitmap: one slot, two threads each claiming and returning it twice
/// (`try_acquire`, write, read back, drop). Whatever happens to the bitmap word between one
/// thread's load and its `fetch_and`, no two threads ever own the slot at once (loom would see
/// their writes race; each also reads back its own id), no claim is lost (the slot is free at
/// the end), and each value is dropped exactly once.
#[test]
fn loom_bitmap_claim_is_aba_free() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(1));
        let drops = Arc::new(AtomicUsize::new(0));
        let run = |pool: Arc<SharedPool<Tracked>>, drops: Arc<AtomicUsize>, id: usize| {
            let mut owned = 0;
            for round in 0..2 {
                let id = id * 10 + round;
                if let Ok(g) = pool.try_acquire(|| Tracked::new(id, &drops)) {
                    assert_eq!(g.read(), id);
                    owned += 1;
                }
            }
            owned
        };
        let (p, d) = (pool.clone(), drops.clone());
        let t = thread::spawn(move || run(p, d, 1));
        let mine = run(pool.clone(), drops.clone(), 2);
        let theirs = t.join().unwrap();
        assert!(mine + theirs >= 2, "at least one claim per free period");
        assert_eq!(drops.load(Ordering::Relaxed), 4, "each value dropped once");
        let s = pool.stats();
        assert_eq!((s.live, s.free), (0, 1), "no slot lost");
    });
}

/// Concurrent remove + insert of the same slot: a full one-slot pool holding `h`; both threads
/// `remove(h)` and then `try_insert`. Exactly one remove succeeds, exactly one insert does (the
/// winner of the remove finds the slot vacated, unless the other thread already took it), the
/// new value is found under its own handle, `h` stays stale, and every value is dropped once.
#[test]
fn loom_remove_and_insert_same_slot() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = Arc::new(SharedPool::fixed(1));
        let h = pool.insert(Tracked::new(0, &drops));
        let run = move |pool: Arc<SharedPool<Tracked>>, drops: Arc<AtomicUsize>, id: usize| {
            let removed = pool.discard(h);
            let inserted = pool.try_insert(Tracked::new(id, &drops)).ok();
            (removed, inserted.map(|h2| (h2, id)))
        };
        let (p, d) = (pool.clone(), drops.clone());
        let t = thread::spawn(move || run(p, d, 1));
        let mine = run(pool.clone(), drops.clone(), 2);
        let theirs = t.join().unwrap();
        assert!(mine.0 ^ theirs.0, "exactly one remove of h succeeds");
        let inserted: alloc::vec::Vec<_> = [mine.1, theirs.1].into_iter().flatten().collect();
        assert_eq!(inserted.len(), 1, "exactly one insert succeeds");
        let (h2, id) = inserted[0];
        assert_eq!(h2.index(), h.index());
        assert_ne!(h2.generation(), h.generation());
        assert_eq!(pool.get(h2).map(|r| r.read()), Some(id));
        assert!(pool.get(h).is_none() && !pool.contains(h));
        assert_eq!(
            drops.load(Ordering::Relaxed),
            2,
            "h's value and the loser's"
        );
        drop(pool);
        assert_eq!(drops.load(Ordering::Relaxed), 3);
    });
}

/// A guard dropping its slot races another thread's `try_acquire` on a full one-slot pool:
/// the acquirer either gets `Full` back or the slot, and then only after the guard's value was
/// dropped (loom checks the cell accesses are ordered by the bitmap's Release/Acquire).
#[test]
fn loom_guard_drop_races_acquire() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = Arc::new(SharedPool::fixed(1));
        let g = pool.acquire(|| Tracked::new(1, &drops));
        let (p, d) = (pool.clone(), drops.clone());
        let t = thread::spawn(move || match p.try_acquire(|| Tracked::new(2, &d)) {
            Ok(g2) => {
                assert_eq!(d.load(Ordering::Relaxed), 1, "the old value went first");
                g2.read()
            }
            Err(full) => full.into_inner().read(),
        });
        assert_eq!(g.read(), 1);
        drop(g);
        assert_eq!(t.join().unwrap(), 2);
        assert_eq!(drops.load(Ordering::Relaxed), 2);
        let s = pool.stats();
        assert_eq!((s.live, s.free), (0, 1));
    });
}

/// `get` racing `discard`: the reader either sees `None` or a live value that stays alive
/// until its `Ref` drops (then the reader's drop is the one that frees it); the value is
/// dropped exactly once, and never while read.
#[test]
fn loom_get_races_discard() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = Arc::new(SharedPool::fixed(1));
        let h = pool.insert(Tracked::new(7, &drops));
        let p = pool.clone();
        let t = thread::spawn(move || p.get(h).map(|r| r.read()));
        assert!(pool.discard(h));
        // The reader's `read` asserts the value is alive whenever it got one.
        t.join().unwrap();
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        assert_eq!(pool.stats().free, 1, "the slot is free again");
    });
}

/// `remove` racing `get`: the remover gets the value back only if no reader got in first;
/// otherwise `remove` returns `None`, the reader still reads a live value, and its `Ref`
/// drops it. Either way the handle is stale after `remove`, the value is dropped exactly once
/// (never while read, never after being moved out), and the slot is free at the end.
#[test]
fn loom_remove_returns_value_or_leaves_it_to_the_reader() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = Arc::new(SharedPool::fixed(1));
        let h = pool.insert(Tracked::new(11, &drops));
        let p = pool.clone();
        let t = thread::spawn(move || p.get(h).map(|r| r.read()));
        let removed = pool.remove(h);
        assert!(
            !pool.contains(h),
            "stale after remove, whatever it returned"
        );
        let got = removed.as_ref().map(Tracked::read);
        drop(removed);
        let seen = t.join().unwrap();
        if got.is_none() {
            assert_eq!(seen, Some(11), "only a reader makes remove return None");
        }
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        assert_eq!(pool.stats().free, 1, "the slot is free again");
    });
}

/// `try_remove` racing `get`: the remover gets the value only if no reader holds it (else
/// `Borrowed`, and a second `try_remove` after the reader is done succeeds); a reader that
/// comes after sees `None`. The value is never read after it was moved out and dropped,
/// and it is dropped exactly once.
#[test]
fn loom_try_remove_races_get() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = Arc::new(SharedPool::fixed(1));
        let h = pool.insert(Tracked::new(9, &drops));
        let p = pool.clone();
        let t = thread::spawn(move || p.get(h).map(|r| r.read()));
        let first = pool.try_remove(h);
        let busy = first.is_err();
        if let Err(e) = &first {
            assert_eq!(*e, crate::RemoveError::Borrowed);
        }
        drop(first); // drops the taken value, if any
        let seen = t.join().unwrap();
        if busy {
            assert_eq!(seen, Some(9), "only a reader makes try_remove refuse");
            assert_eq!(pool.try_remove(h).map(|v| v.read()).ok(), Some(9));
        }
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        assert_eq!(pool.stats().free, 1, "the slot is free again");
    });
}

/// `stats` while the last reader of a removed value finishes before the remover has counted
/// the value as pending: `pending` must never dip below zero (it did once: `remove` counted
/// after its CAS, so `retired + pending` overflowed in `stats`, a panic in debug builds).
#[test]
fn loom_stats_never_see_pending_below_zero() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        // Generation 1 is the last: the removal retires the slot, so `retired` is 1.
        let pool = Arc::new(
            SharedPool::builder()
                .capacity(1)
                .fixed()
                .max_generation(core::num::NonZeroU32::MIN)
                .build(),
        );
        let h = pool.insert(Tracked::new(5, &drops));
        let r = pool.get(h).unwrap();
        let p = pool.clone();
        let t = thread::spawn(move || assert!(p.discard(h)));
        assert_eq!(r.read(), 5);
        drop(r);
        // Mid-race, on this thread: `retired + pending` overflowed here before the fix (a
        // debug-build panic, which loom reports); the values are checked after the join.
        let _ = pool.stats();
        t.join().unwrap();
        let after = pool.stats();
        assert_eq!((after.live, after.retired), (0, 1));
        assert_eq!(drops.load(Ordering::Relaxed), 1);
    });
}

/// Two readers and a remover: the value is dropped by whichever party is last (a reader or
/// the remover), exactly once, and a new insert can reuse the slot only afterwards.
#[test]
fn loom_last_reader_drops_removed_value() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let pool = Arc::new(SharedPool::fixed(1));
        let h = pool.insert(Tracked::new(3, &drops));
        let r = pool.get(h).unwrap();
        let p = pool.clone();
        let t = thread::spawn(move || {
            let removed = p.discard(h);
            let reinserted = p.try_insert(Tracked::new(4, &Arc::new(AtomicUsize::new(0))));
            (removed, reinserted.is_ok())
        });
        assert_eq!(r.read(), 3);
        drop(r);
        let (removed, reinserted) = t.join().unwrap();
        assert!(removed);
        assert_eq!(drops.load(Ordering::Relaxed), 1);
        // The reinsert can only succeed once the reader let go of the removed value.
        assert_eq!(pool.len(), usize::from(reinserted));
    });
}

/// Two threads grow a full pool at once: exactly one page is installed per race (the loser
/// frees its own), both values land in it and are found.
#[test]
fn loom_racing_growers_install_one_page() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::with_capacity(1));
        let first = pool.insert(0usize);
        let p = pool.clone();
        let t = thread::spawn(move || p.insert(1));
        let mine = pool.insert(2);
        let theirs = t.join().unwrap();
        assert_eq!(pool.capacity(), 3);
        assert_eq!(pool.stats().pages, 2);
        for (h, v) in [(first, 0), (theirs, 1), (mine, 2)] {
            assert_eq!(pool.get(h).as_deref(), Some(&v));
        }
    });
}

/// Async wake-up not lost: a waiter on a full one-slot pool and a guard dropping on another
/// thread. Whatever the interleaving of the waiter's "try, register, try again" with the
/// freer's "set bit, read waiter count", the waiter completes (a lost wake-up would leave
/// `block_on` parked forever, which loom reports as a deadlock).
#[cfg(feature = "async")]
#[test]
fn loom_async_wakeup_is_not_lost() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(1));
        let g = pool.acquire(|| 1usize);
        let p = pool.clone();
        let t = thread::spawn(move || {
            let g = loom::future::block_on(p.acquire_async(|| 2)).unwrap();
            *g
        });
        drop(g);
        assert_eq!(t.join().unwrap(), 2);
        assert_eq!(pool.stats().free, 1);
    });
}

/// Closing wakes a waiter with an error instead of leaving it parked.
#[cfg(feature = "async")]
#[test]
fn loom_close_wakes_waiters() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(1));
        let _g = pool.acquire(|| 1usize);
        let p = pool.clone();
        let t = thread::spawn(move || loom::future::block_on(p.acquire_async(|| 2)).map(|g| *g));
        pool.close();
        assert_eq!(t.join().unwrap(), Err(super::super::AcquireError::Closed));
    });
}

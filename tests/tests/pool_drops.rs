//! Drop accounting for `Pool`: every value is dropped exactly once — on remove, clear, drain,
//! retain, pool drop, guard drop, beyond the recycle cap — and a panicking `Drop`, `Recycle`
//! or `acquire` initialiser leaves the pool consistent and usable.

use std::cell::Cell;

use lake::{Pool, Recycle};
use lake_tests::{expect_panic, DropLog, DropSpy};

/// After a panic the pool still inserts, finds and removes values.
fn assert_usable<'l>(pool: &mut Pool<DropSpy<'l>>, log: &'l DropLog) {
    let before = pool.len();
    let h = pool.insert(log.spy(9_999));
    assert_eq!(pool.get(h).map(DropSpy::id), Some(9_999));
    assert_eq!(pool.len(), before + 1);
    drop(pool.remove(h));
    assert_eq!(pool.len(), before);
    let g = pool.acquire(|| log.spy(9_998));
    assert_eq!(g.id(), 9_998);
    drop(g);
}

#[test]
fn remove_returns_the_value_and_the_pool_never_drops_it_again() {
    let log = DropLog::new();
    let mut pool = Pool::with_capacity(2);
    let h = pool.insert(log.spy(1));
    let v = pool.remove(h).unwrap();
    assert_eq!(log.count(), 0);
    drop(v);
    assert_eq!(log.dropped(), [1]);
    drop(pool);
    assert_eq!(log.dropped(), [1]);
}

#[test]
fn into_inner_moves_the_value_out_and_frees_the_slot() {
    let log = DropLog::new();
    let mut pool = Pool::fixed(1);
    let v = pool.acquire(|| log.spy(1)).into_inner();
    assert_eq!((v.id(), log.count(), pool.len()), (1, 0, 0));
    // The slot is free for the next value, which gets the slot's current generation.
    let h = pool.insert(log.spy(2));
    assert_eq!(h.generation().get(), 1);
    if cfg!(feature = "count-allocations") {
        assert_eq!(pool.stats().removes, Some(1));
    }
    drop(v);
    assert_eq!(log.dropped(), [1]);
    assert_eq!(pool.remove(h).map(|s| s.id()), Some(2));
    assert_eq!(log.dropped_sorted(), [1, 2]);
    // A recycling pool does not keep a value taken out of a guard.
    let mut recycling: Pool<Vec<u8>> = Pool::builder().capacity(1).build_recycling(4);
    let kept = recycling.acquire(|| vec![1, 2]).into_inner();
    assert_eq!((kept, recycling.stats().recycled), (vec![1, 2], 0));
    assert!(recycling.try_insert(vec![]).is_ok());
}

#[test]
fn clear_drain_retain_and_pool_drop_drop_each_value_once() {
    let log = DropLog::new();
    let mut pool = Pool::with_capacity(2); // grows while inserting
    let hs = pool.insert_batch((0..10).map(|i| log.spy(i)));
    pool.retain(|_, v| v.id() % 2 == 0);
    assert_eq!(log.dropped_sorted(), [1, 3, 5, 7, 9]);
    let first_two: Vec<usize> = pool.drain().take(2).map(|v| v.id()).collect();
    assert_eq!(first_two, [0, 2]); // drained values dropped by the caller; the rest by Drain's drop
    assert_eq!(log.dropped_sorted(), (0..10).collect::<Vec<_>>());
    assert!(pool.is_empty());
    for h in hs {
        assert!(pool.get(h).is_none());
    }
    pool.insert_batch((10..15).map(|i| log.spy(i)));
    pool.clear();
    assert_eq!(log.count(), 15);
    pool.insert_batch((15..20).map(|i| log.spy(i)));
    drop(pool);
    assert_eq!(log.dropped_sorted(), (0..20).collect::<Vec<_>>());
}

#[test]
fn guards_drop_their_values_once_and_detached_ones_stay() {
    let log = DropLog::new();
    let pool = Pool::with_capacity(1); // acquire grows through `&self` (chunks)
    let a = pool.acquire(|| log.spy(1));
    let b = pool.acquire(|| log.spy(2));
    let c = pool.acquire(|| log.spy(3));
    drop(b);
    assert_eq!(log.dropped(), [2]);
    let h = c.into_handle();
    drop(a);
    assert_eq!(log.dropped(), [2, 1]);
    assert_eq!(pool.get(h).map(DropSpy::id), Some(3));
    drop(pool);
    assert_eq!(log.dropped(), [2, 1, 3]);
}

#[test]
fn a_forgotten_guard_leaks_nothing_and_is_dropped_with_the_pool() {
    let log = DropLog::new();
    let pool = Pool::with_capacity(1);
    std::mem::forget(pool.acquire(|| log.spy(1)));
    assert_eq!(pool.len(), 1);
    drop(pool);
    assert_eq!(log.dropped(), [1]);
}

#[test]
fn panicking_init_claims_nothing() {
    let log = DropLog::new();
    let mut pool: Pool<DropSpy<'_>> = Pool::fixed(1);
    expect_panic(|| pool.acquire(|| panic!("init fails")));
    assert_eq!(pool.len(), 0);
    assert_usable(&mut pool, &log);
}

#[test]
fn panicking_drop_on_remove_clear_guard_and_drain_leaves_the_pool_usable() {
    let log = DropLog::new();
    let mut pool = Pool::with_capacity(4);

    let h = pool.insert(log.panicking_spy(1));
    expect_panic(|| drop(pool.remove(h)));
    assert!(pool.get(h).is_none());
    assert_usable(&mut pool, &log);

    pool.insert(log.spy(2));
    pool.insert(log.panicking_spy(3));
    pool.insert(log.spy(4));
    expect_panic(|| pool.clear());
    // Values after the panicking one are still in the pool, consistent; a second clear
    // finishes the job.
    pool.clear();
    assert!(pool.is_empty());
    assert_usable(&mut pool, &log);

    expect_panic(|| drop(pool.acquire(|| log.panicking_spy(5))));
    assert!(pool.is_empty());
    assert_usable(&mut pool, &log);

    pool.insert(log.panicking_spy(6));
    pool.insert(log.spy(7));
    expect_panic(|| drop(pool.drain()));
    pool.clear();
    assert!(pool.is_empty());
    assert_usable(&mut pool, &log);

    drop(pool);
    let mut ids = log.dropped_sorted();
    ids.retain(|&id| id < 9_000);
    assert_eq!(
        ids,
        [1, 2, 3, 4, 5, 6, 7],
        "each value dropped exactly once"
    );
}

/// A recyclable value: counts recycles and drops, panics in `recycle` on request.
struct Buf<'a> {
    data: Vec<u8>,
    drops: &'a Cell<usize>,
    recycles: &'a Cell<usize>,
    panic_in_recycle: bool,
}

impl Recycle for Buf<'_> {
    fn recycle(&mut self) {
        self.recycles.set(self.recycles.get() + 1);
        self.data.clear();
        if self.panic_in_recycle {
            panic!("recycle fails (on purpose)");
        }
    }
}

impl Drop for Buf<'_> {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
    }
}

#[test]
fn recycling_keeps_up_to_the_cap_and_drops_the_rest_once() {
    let (drops, recycles) = (Cell::new(0), Cell::new(0));
    let buf = || Buf {
        data: Vec::with_capacity(64),
        drops: &drops,
        recycles: &recycles,
        panic_in_recycle: false,
    };
    let pool: Pool<Buf<'_>> = Pool::builder().capacity(4).build_recycling(2);
    let guards: Vec<_> = (0..4).map(|_| pool.acquire(buf)).collect();
    assert_eq!(pool.stats().recycle_misses, 4);
    drop(guards);
    assert_eq!(recycles.get(), 2, "only up to the cap is recycled");
    assert_eq!(drops.get(), 2, "the rest is dropped");
    assert_eq!(pool.stats().recycled, 2);
    let mut g = pool.acquire(|| unreachable!("a recycled value is reused"));
    assert!(g.data.is_empty() && g.data.capacity() >= 64);
    g.data.push(1);
    let s = pool.stats();
    assert_eq!((s.recycle_hits, s.recycled, s.live), (1, 1, 1));
    drop(g);
    drop(pool);
    assert_eq!(
        drops.get(),
        4,
        "recycled values dropped with the pool, once"
    );
}

#[test]
fn a_full_fixed_pool_evicts_recycled_values_once() {
    let (drops, recycles) = (Cell::new(0), Cell::new(0));
    let buf = || Buf {
        data: Vec::new(),
        drops: &drops,
        recycles: &recycles,
        panic_in_recycle: false,
    };
    let mut pool: Pool<Buf<'_>> = Pool::builder().capacity(2).fixed().build_recycling(2);
    let (a, b) = (pool.acquire(buf), pool.acquire(buf));
    drop((a, b));
    drop(pool.acquire(buf)); // reuses a recycled one
    assert_eq!(pool.stats().recycled, 2);
    assert_eq!(pool.stats().recycle_hits, 1);
    let h1 = pool.try_insert(buf()).ok().unwrap(); // evicts one recycled value
    let h2 = pool.try_insert(buf()).ok().unwrap(); // and the other
    assert_eq!(drops.get(), 2);
    assert!(pool.try_insert(buf()).is_err());
    assert_eq!(
        drops.get(),
        3,
        "the rejected value was handed back and dropped by us"
    );
    assert!(pool.discard(h1)); // recycled
    assert_eq!(pool.remove(h2).map(|b| b.data.len()), Some(0));
    assert_eq!(drops.get(), 4);
    pool.clear(); // drops the recycled one
    assert_eq!(drops.get(), 5);
    assert_eq!(pool.stats().recycled, 0);
}

#[test]
fn panicking_recycle_drops_the_value_once_and_frees_the_slot() {
    let (drops, recycles) = (Cell::new(0), Cell::new(0));
    let mut pool: Pool<Buf<'_>> = Pool::builder().capacity(1).fixed().build_recycling(4);
    let g = pool.acquire(|| Buf {
        data: vec![1, 2, 3],
        drops: &drops,
        recycles: &recycles,
        panic_in_recycle: true,
    });
    expect_panic(|| drop(g));
    assert_eq!((recycles.get(), drops.get()), (1, 1));
    assert_eq!(pool.stats().recycled, 0);
    assert!(pool.is_empty());
    // The slot is free again: a fixed pool of one accepts a new value.
    let h = pool
        .try_insert(Buf {
            data: Vec::new(),
            drops: &drops,
            recycles: &recycles,
            panic_in_recycle: true,
        })
        .ok()
        .unwrap();
    expect_panic(|| pool.discard(h));
    assert_eq!((recycles.get(), drops.get()), (2, 2));
    assert!(pool.get(h).is_none());
    assert!(pool.is_empty());
    drop(pool);
    assert_eq!(drops.get(), 2);
}

/// A value whose `recycle` drops a child guard of the same pool, re-entering the pool.
struct Node<'p> {
    id: usize,
    child: Option<lake::PoolBox<'p, Node<'p>>>,
}

impl lake::Recycle for Node<'_> {
    fn recycle(&mut self) {
        self.child = None; // drops the child's guard: a nested release
    }
}

#[test]
fn a_reentrant_recycle_never_keeps_more_than_the_cap() {
    // A pool whose values hold guards of the pool itself: it must outlive every borrow of it,
    // so it lives on the heap and is freed explicitly at the end.
    let raw: *mut Pool<Node<'_>> =
        Box::into_raw(Box::new(Pool::builder().capacity(8).build_recycling(1)));
    // SAFETY: `raw` comes from `Box::into_raw` and is freed only at the end of this test.
    let pool = unsafe { &*raw };
    let child = pool.acquire(|| Node { id: 2, child: None });
    let parent = pool.acquire(|| Node {
        id: 1,
        child: Some(child),
    });
    drop(parent); // recycles the parent, whose recycle releases the child
    let stats = pool.stats();
    assert_eq!(stats.recycled, 1, "the cap is 1: {stats:?}");
    assert_eq!(pool.len(), 0);
    // The kept value is the parent (the child found the cap already taken and was dropped).
    let again = pool.acquire(|| unreachable!("a recycled value is reused"));
    assert_eq!((again.id, again.child.is_none()), (1, true));
    drop(again);
    // SAFETY: every guard is dropped and `pool` is not used again; `raw` came from
    // `Box::into_raw` above.
    drop(unsafe { Box::from_raw(raw) });
}

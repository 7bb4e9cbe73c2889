//! `Pool` API behaviour: full fixed pools, growth (including through `&self` in `acquire`),
//! generation retirement, foreign handles, stats, auto traits.

use std::num::NonZeroU32;

use lake::Full;
use lake::{Handle, Pool, PoolBox};
use lake_tests::expect_panic;

#[test]
fn handles_are_8_bytes_in_every_build() {
    assert_eq!(std::mem::size_of::<Handle>(), 8);
    assert_eq!(std::mem::size_of::<Option<Handle>>(), 8);
}

#[test]
fn auto_traits_follow_the_fields() {
    fn send<T: Send>() {}
    send::<Pool<String>>();
    send::<Handle>();
    fn sync<T: Sync>() {}
    sync::<Handle>();
    // `Pool: !Sync` and `PoolBox: !Send` are compile-fail tests in ui-tests.
}

#[test]
fn fixed_pool_full_returns_the_value() {
    let mut pool = Pool::fixed(2);
    let a = pool.insert(String::from("a"));
    pool.insert(String::from("b"));
    let err: Full<String> = pool.try_insert(String::from("c")).unwrap_err();
    assert!(err.to_string().contains("pool is full"), "{err}");
    assert_eq!(format!("{err:?}"), "Full(..)");
    assert_eq!(err.into_inner(), "c");
    assert_eq!(pool.capacity(), 2, "a fixed pool never grows");
    let msg = expect_panic(|| pool.insert(String::from("d")));
    assert!(msg.contains("full"), "{msg}");
    let msg = expect_panic(|| pool.acquire(|| String::from("e")));
    assert!(msg.contains("full"), "{msg}");
    pool.remove(a);
    assert!(pool.try_insert(String::from("f")).is_ok());
    let zero: Pool<u8> = Pool::fixed(0);
    assert_eq!(zero.capacity(), 0);
}

#[test]
fn max_capacity_and_increment_growth() {
    let mut pool = Pool::builder()
        .capacity(1)
        .increment(2)
        .max_capacity(4)
        .build();
    for i in 0..4 {
        pool.insert(i);
    }
    assert_eq!(pool.capacity(), 4);
    assert_eq!(pool.try_insert(9).unwrap_err().0, 9);
    let mut doubling = Pool::with_capacity(3);
    doubling.insert_batch(0..4);
    assert_eq!(doubling.capacity(), 6);
}

#[test]
fn a_slot_whose_generation_would_wrap_is_retired() {
    let mut pool = Pool::builder()
        .capacity(1)
        .fixed()
        .max_generation(NonZeroU32::new(3).unwrap())
        .build();
    let mut old = Vec::new();
    for i in 0..3 {
        let h = pool.insert(i);
        assert_eq!(h.generation().get(), i + 1);
        assert_eq!(pool.remove(h), Some(i));
        old.push(h);
    }
    assert_eq!(pool.stats().retired, 1);
    assert_eq!(
        pool.try_insert(7).unwrap_err().0,
        7,
        "a retired slot is never reused"
    );
    for h in old {
        assert!(pool.get(h).is_none());
    }
    // A growing pool retires the slot and grows instead.
    let mut pool = Pool::builder()
        .capacity(1)
        .max_generation(NonZeroU32::new(1).unwrap())
        .build();
    let h = pool.insert(1);
    pool.remove(h);
    let h2 = pool.insert(2);
    assert_ne!(h2.index(), h.index());
    assert!(pool.get(h).is_none());
}

#[test]
fn stale_handles_never_see_new_values() {
    let mut pool = Pool::with_capacity(1);
    let h1 = pool.insert(1);
    pool.remove(h1);
    let h2 = pool.insert(2);
    assert_eq!(h1.index(), h2.index());
    assert_eq!(pool.get(h1), None);
    assert_eq!(pool.get_mut(h1), None);
    assert_eq!(pool.remove(h1), None);
    assert!(!pool.discard(h1));
    assert_eq!(pool[h2], 2);
    let msg = expect_panic(|| pool[h1]);
    assert!(msg.contains("stale"), "{msg}");
}

#[cfg(debug_assertions)]
#[test]
fn a_foreign_handle_panics_in_debug_builds() {
    let mut a = Pool::new();
    let b: Pool<i32> = Pool::new();
    let h = a.insert(1);
    let msg = expect_panic(|| b.get(h));
    assert!(msg.contains("another pool"), "{msg}");
}

#[cfg(not(debug_assertions))]
#[test]
fn a_foreign_handle_resolves_only_within_the_other_pool_in_release() {
    let mut a = Pool::new();
    let mut b: Pool<i32> = Pool::new();
    let h = a.insert(1);
    assert_eq!(b.get(h), None);
    b.insert(2);
    assert_eq!(b.get(h), Some(&2)); // same index and generation: a logic error, not UB
}

#[test]
fn many_guards_grow_the_pool_through_shared_borrows() {
    let mut pool = Pool::with_capacity(2);
    let kept: Vec<Handle> = (0..2).map(|i| pool.insert(i * 1000)).collect();
    {
        let n = if cfg!(miri) { 40 } else { 500 };
        let mut guards: Vec<PoolBox<'_, i32>> = (0..n).map(|i| pool.acquire(|| i)).collect();
        assert!(pool.capacity() >= n as usize + 2);
        // References obtained before more growth stay valid across it.
        let first: &i32 = pool.get(kept[0]).unwrap();
        let g0: &PoolBox<'_, i32> = &guards[0];
        let extra = pool.acquire(|| -1);
        assert_eq!((*first, **g0, *extra), (0, 0, -1));
        for (i, g) in guards.iter_mut().enumerate() {
            assert_eq!(**g, i as i32);
            **g += 1;
        }
        assert_eq!(pool.len(), n as usize + 3);
        assert_eq!(pool.iter().count(), 2, "guarded values are not iterated");
        let detached: Vec<Handle> = guards.drain(..10).map(PoolBox::into_handle).collect();
        assert_eq!(pool.iter().count(), 12);
        for (i, h) in detached.iter().enumerate() {
            assert_eq!(pool.get(*h), Some(&(i as i32 + 1)));
        }
    }
    // `&mut self` growth folds the chunks back; every handle still resolves.
    let before = pool.capacity();
    let hs = pool.insert_batch(0..before as i32);
    assert!(pool.capacity() > before);
    assert_eq!(pool.get(kept[1]), Some(&1000));
    for (i, h) in hs.iter().enumerate() {
        assert_eq!(pool[*h], i as i32);
    }
    assert_eq!(pool.len(), 12 + before);
}

#[test]
fn stats_count_inserts_removes_and_high_water() {
    let mut pool = Pool::with_capacity(4);
    let hs = pool.insert_batch([1, 2, 3]);
    let g = pool.acquire(|| 4);
    drop(g);
    pool.remove(hs[0]);
    let s = pool.stats();
    assert_eq!((s.live, s.capacity, s.high_water), (2, 4, 4));
    if cfg!(feature = "count-allocations") {
        assert_eq!((s.inserts, s.removes), (Some(4), Some(2)));
    } else {
        assert_eq!((s.inserts, s.removes), (None, None));
    }
    assert_eq!((s.recycle_hits, s.recycle_misses, s.retired), (0, 0, 0));
    assert_eq!(format!("{pool:?}"), "Pool { len: 2, capacity: 4, .. }");
}

/// `high_water` counts slots in use, recycled values included: a recycled value keeps its
/// slot, so a new value takes a never-used one.
#[test]
fn high_water_counts_slots_holding_recycled_values() {
    let mut pool: Pool<Vec<u8>> = Pool::builder().capacity(8).build_recycling(4);
    drop(pool.acquire_batch(2, Vec::new)); // both values recycled and kept
    assert_eq!((pool.len(), pool.stats().recycled), (0, 2));
    let h = pool.insert(vec![1]);
    assert!(h.index() >= 2, "a recycled slot was reused by insert");
    let s = pool.stats();
    assert_eq!((s.live, s.high_water), (1, 3));
    pool.remove(h);
    pool.insert(vec![2]); // reuses the freed slot: no new slot in use
    assert_eq!(pool.stats().high_water, 3);
}

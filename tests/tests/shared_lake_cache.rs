//! `LakeCache`: warm lakes for tasks, reset and returned on drop, with a cap on idle lakes.

use std::thread;

use lake::{Lake, LakeCache};
use lake_tests::scaled;

#[test]
fn lakes_are_reset_and_reused() {
    let cache = LakeCache::new(2);
    let (first_block, capacity) = {
        let lake = cache.take();
        let block = lake.alloc_slice_copy(&[1u8; 3000]).as_ptr() as usize;
        (block, lake.stats().capacity)
    };
    assert_eq!(cache.idle(), 1);
    let lake = cache.take();
    assert_eq!(lake.stats().used, 0, "reset before reuse");
    assert_eq!(lake.stats().capacity, capacity, "warm: the chunk was kept");
    let again = lake.alloc_slice_copy(&[2u8; 3000]).as_ptr() as usize;
    assert_eq!(again, first_block, "the same memory is handed out again");
    assert_eq!(cache.idle(), 0);
}

#[test]
fn at_most_max_retained_idle_lakes() {
    let cache = LakeCache::new(2);
    let guards: Vec<_> = (0..5).map(|_| cache.take()).collect();
    drop(guards);
    assert_eq!(cache.idle(), 2);
    cache.clear();
    assert_eq!(cache.idle(), 0);
    assert_eq!(cache.max_retained(), 2);
}

#[test]
fn zero_capacity_cache_retains_nothing() {
    let cache = LakeCache::new(0);
    drop(cache.take());
    assert_eq!(cache.idle(), 0);
}

#[test]
fn detached_lakes_do_not_return() {
    let cache = LakeCache::with_builder(4, Lake::builder().capacity(1024));
    let mut lake = cache.take().detach();
    lake.alloc(1u32);
    lake.reset();
    assert_eq!(cache.idle(), 0);
}

#[test]
fn tasks_on_many_threads_share_a_cache() {
    let cache = LakeCache::new(4);
    thread::scope(|s| {
        for t in 0..if cfg!(miri) { 3 } else { 8 } {
            let cache = &cache;
            s.spawn(move || {
                for round in 0..scaled(50, 3) {
                    let lake = cache.take();
                    let v = lake.alloc_slice_fill_with(64, |i| i * t + round);
                    assert_eq!(v[63], 63 * t + round);
                }
            });
        }
    });
    assert!(cache.idle() <= 4);
    assert!(format!("{cache:?}").contains("LakeCache"));
}

#[test]
fn failing_builds_are_errors() {
    let cache = LakeCache::with_builder(1, Lake::builder().capacity(usize::MAX));
    assert!(cache.try_take().is_err());
}

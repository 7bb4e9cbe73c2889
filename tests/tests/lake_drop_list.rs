//! `Lake::alloc_dropping`: every rewind kind drops exactly the values registered after its
//! target, once, newest first; `reset` and the lake's drop drop the rest; panicking destructors
//! neither skip the others nor keep the memory.

use std::sync::{Arc, Mutex};

use lake::{Lake, RewindError};
use lake_tests::expect_panic;

/// Records the ids of dropped values, in drop order. `Send + 'static`, as `alloc_dropping`
/// requires.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<usize>>>);

impl Log {
    fn value(&self, id: usize) -> Logged {
        Logged {
            id,
            log: self.clone(),
            panics: false,
        }
    }
    fn panicking(&self, id: usize) -> Logged {
        Logged {
            id,
            log: self.clone(),
            panics: true,
        }
    }
    fn dropped(&self) -> Vec<usize> {
        self.0.lock().unwrap().clone()
    }
}

struct Logged {
    id: usize,
    log: Log,
    panics: bool,
}

impl Drop for Logged {
    fn drop(&mut self) {
        self.log.0.lock().unwrap().push(self.id);
        if self.panics {
            panic!("destructor {} panicked", self.id);
        }
    }
}

#[test]
fn reset_drops_every_value_newest_first_once() {
    let log = Log::default();
    let mut lake = Lake::new();
    for id in 0..5 {
        assert_eq!(lake.alloc_dropping(log.value(id)).id, id);
    }
    assert!(log.dropped().is_empty());
    lake.reset();
    assert_eq!(log.dropped(), [4, 3, 2, 1, 0]);
    assert_eq!(lake.stats().used, 0);
    lake.reset();
    drop(lake);
    assert_eq!(log.dropped(), [4, 3, 2, 1, 0], "dropped again");
}

#[test]
fn dropping_the_lake_drops_the_values() {
    let log = Log::default();
    let lake = Lake::new();
    lake.alloc_dropping(log.value(1));
    lake.alloc(0u64); // a plain value in between is never dropped
    lake.alloc_dropping(log.value(2));
    drop(lake);
    assert_eq!(log.dropped(), [2, 1]);
}

#[test]
fn rewind_drops_exactly_the_values_after_the_snapshot() {
    let log = Log::default();
    let mut lake = Lake::new();
    lake.alloc_dropping(log.value(1));
    let outer = lake.snapshot();
    lake.alloc_dropping(log.value(2));
    let inner = lake.snapshot();
    lake.alloc_dropping(log.value(3));
    lake.alloc_dropping(log.value(4));
    lake.rewind(&inner).unwrap();
    assert_eq!(log.dropped(), [4, 3]);
    lake.rewind(&inner).unwrap();
    assert_eq!(log.dropped(), [4, 3], "a second rewind drops nothing more");
    lake.alloc_dropping(log.value(5));
    lake.rewind(&outer).unwrap();
    assert_eq!(log.dropped(), [4, 3, 5, 2]);
    assert_eq!(lake.rewind(&inner), Err(RewindError::Stale));
    assert_eq!(log.dropped(), [4, 3, 5, 2], "a stale rewind drops nothing");
    drop(lake);
    assert_eq!(log.dropped(), [4, 3, 5, 2, 1]);
}

#[test]
fn a_foreign_snapshot_drops_nothing() {
    let log = Log::default();
    let mut lake = Lake::new();
    let other = Lake::new();
    let foreign = other.snapshot();
    lake.alloc_dropping(log.value(1));
    assert_eq!(lake.rewind(&foreign), Err(RewindError::ForeignLake));
    assert!(log.dropped().is_empty());
}

#[test]
fn rewind_across_chunks_drops_the_values_in_later_chunks() {
    let log = Log::default();
    let mut lake = Lake::builder().capacity(256).max_chunk_size(256).build();
    lake.alloc_dropping(log.value(0));
    let snap = lake.snapshot();
    for id in 1..=20 {
        lake.alloc_dropping(log.value(id));
        lake.alloc_slice_copy(&[0u8; 100]);
    }
    assert!(lake.stats().chunks > 1);
    lake.rewind(&snap).unwrap();
    assert_eq!(log.dropped(), (1..=20).rev().collect::<Vec<_>>());
    let used = lake.stats().used;
    lake.alloc_dropping(log.value(21));
    assert!(lake.stats().used > used);
    lake.reset();
    assert_eq!(log.dropped().len(), 22);
}

#[test]
fn reset_to_mark_drops_the_values_after_the_top_mark() {
    let log = Log::default();
    let mut lake = Lake::new();
    lake.alloc_dropping(log.value(1));
    lake.mark();
    for round in 0..3 {
        lake.alloc_dropping(log.value(10 + round));
        lake.alloc_dropping(log.value(20 + round));
        lake.reset_to_mark().unwrap();
    }
    assert_eq!(log.dropped(), [20, 10, 21, 11, 22, 12]);
    lake.alloc_dropping(log.value(2));
    lake.move_mark().unwrap();
    lake.alloc_dropping(log.value(3));
    lake.reset_to_mark().unwrap();
    assert_eq!(log.dropped(), [20, 10, 21, 11, 22, 12, 3]);
    lake.pop_mark().unwrap();
    lake.reset();
    assert_eq!(log.dropped(), [20, 10, 21, 11, 22, 12, 3, 2, 1]);
}

#[test]
fn reset_to_drops_the_values_after_the_snapshot() {
    let log = Log::default();
    let lake = Lake::new();
    let kept = lake.alloc_dropping(log.value(1));
    let snap = lake.snapshot();
    let scratch = lake.alloc_dropping(log.value(2));
    assert_eq!(scratch.id, 2); // last use of `scratch`
                               // SAFETY: nothing allocated after `snap` is used from here on.
    unsafe { lake.reset_to(&snap) }.unwrap();
    assert_eq!(log.dropped(), [2]);
    assert_eq!(kept.id, 1);
    drop(lake);
    assert_eq!(log.dropped(), [2, 1]);
}

#[test]
fn a_scope_drops_the_lake_values_registered_in_it() {
    let log = Log::default();
    let mut lake = Lake::new();
    lake.alloc_dropping(log.value(1));
    lake.scope(|s| {
        s.alloc_dropping(log.value(2)); // the scope's own list
        s.as_lake().alloc_dropping(log.value(3)); // the lake's list, in the scope's memory
        s.alloc_slice_copy(&[0u8; 64]);
    });
    let mut dropped = log.dropped();
    dropped.sort_unstable();
    assert_eq!(dropped, [2, 3]);
    let mut sb = lake.sandbox();
    sb.scope().as_lake().alloc_dropping(log.value(4));
    drop(sb); // rolled back
    assert_eq!(log.dropped().len(), 3);
    let mut sb = lake.sandbox();
    sb.scope().as_lake().alloc_dropping(log.value(5));
    sb.commit(); // kept: its value lives on in the lake
    assert_eq!(log.dropped().len(), 3);
    lake.reset();
    assert_eq!(&log.dropped()[3..], [5, 1]);
}

#[test]
fn a_panicking_destructor_in_reset_still_drops_the_rest_and_frees_the_memory() {
    let log = Log::default();
    let mut lake = Lake::new();
    lake.alloc_dropping(log.value(1));
    lake.alloc_dropping(log.panicking(2));
    lake.alloc_dropping(log.value(3));
    lake.alloc_dropping(log.panicking(4));
    lake.alloc_slice_copy(&[0u8; 1000]);
    let message = expect_panic(|| lake.reset());
    assert_eq!(
        message, "destructor 4 panicked",
        "the first panic propagates"
    );
    assert_eq!(log.dropped(), [4, 3, 2, 1]);
    assert_eq!(lake.stats().used, 0);
    lake.alloc_dropping(log.value(5));
    lake.reset();
    assert_eq!(log.dropped(), [4, 3, 2, 1, 5]);
}

#[test]
fn a_panicking_destructor_in_a_rewind_still_drops_the_rest_and_rewinds() {
    let log = Log::default();
    let mut lake = Lake::new();
    lake.alloc_dropping(log.value(1));
    let snap = lake.snapshot();
    let used = lake.stats().used;
    lake.alloc_dropping(log.panicking(2));
    lake.alloc_slice_copy(&[0u8; 1000]);
    lake.alloc_dropping(log.panicking(3));
    expect_panic(|| lake.rewind(&snap));
    assert_eq!(log.dropped(), [3, 2]);
    assert_eq!(lake.stats().used, used);
    lake.rewind(&snap).unwrap(); // the snapshot is still valid
    lake.mark();
    lake.alloc_dropping(log.panicking(4));
    expect_panic(|| lake.reset_to_mark());
    assert_eq!(lake.stats().used, used);
    assert_eq!(log.dropped(), [3, 2, 4]);
}

#[test]
fn a_panicking_destructor_when_the_lake_drops_still_drops_the_rest() {
    let log = Log::default();
    let lake = Lake::new();
    lake.alloc_dropping(log.value(1));
    lake.alloc_dropping(log.panicking(2));
    lake.alloc_dropping(log.panicking(3));
    expect_panic(move || drop(lake));
    assert_eq!(log.dropped(), [3, 2, 1]);
}

#[test]
fn a_failed_try_alloc_dropping_drops_the_value_once() {
    let log = Log::default();
    let lake = Lake::fixed(8);
    assert!(lake.try_alloc_dropping(log.value(1)).is_err());
    assert_eq!(log.dropped(), [1]);
    drop(lake);
    assert_eq!(log.dropped(), [1]);
}

#[test]
fn the_lake_stays_send_and_moves_its_values_with_it() {
    let log = Log::default();
    let lake = Lake::new();
    lake.alloc_dropping(log.value(7));
    std::thread::spawn(move || {
        let lake = lake;
        assert_eq!(lake.alloc_dropping(log.value(8)).id, 8);
        drop(lake);
    })
    .join()
    .unwrap();
}

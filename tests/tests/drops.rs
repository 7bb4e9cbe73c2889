//! Destructors: `LakeBox` drops its value exactly once; plain `alloc*` never drops; panics in
//! user code (a destructor, a fill closure, `clone`, an iterator) leave every value dropped at
//! most once and the lake consistent and usable.

use std::cell::Cell;

use lake::{AllocError, Lake, LakeBox};
use lake_tests::{expect_panic, DropLog, DropSpy, CLONE_OFFSET};

/// After a panic, the lake still serves allocations, they do not overlap anything the caller
/// still holds, and its statistics are coherent.
fn assert_usable(lake: &Lake) {
    let before = lake.stats();
    assert!(before.capacity >= before.used, "{before:?}");
    let a = lake.alloc_slice_copy(&[7u8; 40]);
    let b = lake.alloc(0xfeed_u64);
    let c = lake.alloc_str("still alive");
    assert_eq!(a, &[7u8; 40]);
    assert_eq!(*b, 0xfeed);
    assert_eq!(c, "still alive");
    let after = lake.stats();
    if let Some(n) = lake_tests::allocations(before) {
        lake_tests::assert_allocations(after, n + 3);
    }
    assert!(
        after.used >= before.used + 40 + 8 + 11,
        "{before:?} -> {after:?}"
    );
    assert!(after.capacity >= after.used);
}

#[test]
fn lake_box_drops_its_value_exactly_once() {
    let log = DropLog::new();
    let lake = Lake::new();
    let b = lake.alloc_box(log.spy(1));
    assert_eq!(b.id(), 1);
    assert_eq!(log.count(), 0, "dropped while the box is alive");
    drop(b);
    assert_eq!(log.dropped(), [1]);
    drop(lake);
    assert_eq!(log.dropped(), [1], "the lake dropped the value again");
}

#[test]
fn lake_boxes_drop_in_scope_order_and_independently() {
    let log = DropLog::new();
    let mut lake = Lake::new();
    {
        let a = lake.alloc_box(log.spy(1));
        let b = lake.alloc_box(log.spy(2));
        let c = lake.alloc_box(log.spy(3));
        drop(b);
        assert_eq!(log.dropped(), [2]);
        assert_eq!((a.id(), c.id()), (1, 3));
    }
    // Locals drop in reverse declaration order.
    assert_eq!(log.dropped(), [2, 3, 1]);
    lake.reset();
    assert_eq!(log.count(), 3, "reset dropped something");
}

#[test]
fn into_inner_moves_the_value_out_without_dropping_it() {
    let log = DropLog::new();
    let lake = Lake::new();
    let b = lake.alloc_box(log.spy(5));
    let spy: DropSpy<'_> = LakeBox::into_inner(b);
    assert_eq!(log.count(), 0);
    assert_eq!(spy.id(), 5);
    drop(spy);
    assert_eq!(log.dropped(), [5]);
    drop(lake);
    assert_eq!(log.dropped(), [5]);
}

#[test]
fn leak_never_drops_the_value() {
    let log = DropLog::new();
    let mut lake = Lake::new();
    {
        let leaked: &mut DropSpy<'_> = LakeBox::leak(lake.alloc_box(log.spy(9)));
        assert_eq!(leaked.id(), 9);
    }
    lake.reset();
    lake.alloc(1u8);
    drop(lake);
    assert_eq!(log.count(), 0);
}

#[test]
fn plain_alloc_never_runs_destructors_not_even_on_reset_or_drop() {
    let log = DropLog::new();
    let mut lake = Lake::new();
    lake.alloc(log.spy(1));
    lake.alloc_with(|| log.spy(2));
    lake.alloc_slice_fill_with(3, |i| log.spy(10 + i));
    lake.alloc_iter((20..23).map(|i| log.spy(i)));
    lake.alloc_slice_clone(&[log.spy(30)]); // the temporary original is dropped here
    assert_eq!(log.dropped(), [30]);
    lake.reset();
    lake.alloc(log.spy(40));
    drop(lake);
    assert_eq!(log.dropped(), [30], "an `alloc`ed value was dropped");
}

thread_local! {
    static ZST_DROPS: Cell<usize> = const { Cell::new(0) };
}

/// A zero-sized type whose destructor counts (per test thread).
struct Zst;

impl Drop for Zst {
    fn drop(&mut self) {
        ZST_DROPS.with(|c| c.set(c.get() + 1));
    }
}

fn zst_drops() -> usize {
    ZST_DROPS.with(Cell::get)
}

#[test]
fn zero_sized_values_with_drop_are_dropped_by_their_box_only() {
    let lake = Lake::new();
    let start = zst_drops();
    let boxes: Vec<LakeBox<'_, Zst>> = (0..5).map(|_| lake.alloc_box(Zst)).collect();
    assert_eq!(zst_drops(), start);
    drop(boxes);
    assert_eq!(zst_drops(), start + 5);
    lake.alloc(Zst);
    lake.alloc_iter((0..3).map(|_| Zst));
    let inner = LakeBox::into_inner(lake.alloc_box(Zst));
    assert_eq!(zst_drops(), start + 5);
    drop(inner);
    assert_eq!(zst_drops(), start + 6);
    drop(lake);
    assert_eq!(zst_drops(), start + 6);
}

#[test]
fn zero_sized_items_made_before_a_panic_are_dropped_once() {
    let lake = Lake::new();
    let start = zst_drops();
    expect_panic(|| {
        lake.alloc_iter((0..10).map(|i| {
            assert!(i != 4, "iterator fails at 4");
            Zst
        }))
    });
    assert_eq!(zst_drops(), start + 4);
    assert_usable(&lake);
}

#[test]
fn a_panicking_destructor_in_a_box_runs_once_and_the_lake_survives() {
    let log = DropLog::new();
    let mut lake = Lake::with_capacity(256);
    let keep = lake.alloc_slice_copy(b"before the panic");
    let b = lake.alloc_box(log.panicking_spy(1));
    let message = expect_panic(move || drop(b));
    assert!(message.contains("on purpose"), "{message}");
    assert_eq!(log.dropped(), [1]);
    assert_eq!(keep, b"before the panic");
    assert_usable(&lake);
    lake.reset();
    assert_eq!(lake.stats().used, 0);
    assert_usable(&lake);
    assert_eq!(log.dropped(), [1]);
}

#[test]
fn a_panicking_fill_closure_drops_exactly_the_values_made_so_far() {
    let log = DropLog::new();
    let lake = Lake::new();
    let keep = lake.alloc(123u32);
    let calls = Cell::new(0);
    expect_panic(|| {
        lake.alloc_slice_fill_with(8, |i| {
            calls.set(calls.get() + 1);
            assert!(i != 5, "fill fails at 5");
            log.spy(i)
        })
    });
    assert_eq!(calls.get(), 6);
    assert_eq!(log.dropped_sorted(), [0, 1, 2, 3, 4]);
    assert_eq!(*keep, 123);
    assert_usable(&lake);
    assert_eq!(log.count(), 5);
}

/// Panics on the `n`-th clone; clones are spies with `CLONE_OFFSET` added to the id.
#[derive(Debug)]
struct CloneBomb<'a> {
    spy: DropSpy<'a>,
    fuse: &'a Cell<usize>,
}

impl Clone for CloneBomb<'_> {
    fn clone(&self) -> Self {
        let left = self.fuse.get();
        assert!(left > 0, "clone of {} fails (on purpose)", self.spy.id());
        self.fuse.set(left - 1);
        CloneBomb {
            spy: self.spy.clone(),
            fuse: self.fuse,
        }
    }
}

#[test]
fn a_panicking_clone_drops_exactly_the_clones_made_so_far() {
    let log = DropLog::new();
    let fuse = Cell::new(3);
    let originals: Vec<CloneBomb<'_>> = (0..6)
        .map(|i| CloneBomb {
            spy: log.spy(i),
            fuse: &fuse,
        })
        .collect();
    let lake = Lake::new();
    let message = expect_panic(|| lake.alloc_slice_clone(&originals));
    assert!(message.contains("clone of 3 fails"), "{message}");
    assert_eq!(
        log.dropped_sorted(),
        [CLONE_OFFSET, CLONE_OFFSET + 1, CLONE_OFFSET + 2],
        "exactly the three clones made before the panic are dropped"
    );
    assert_usable(&lake);
    // The originals are untouched and still owned by the Vec.
    fuse.set(usize::MAX);
    let copies = lake.alloc_slice_clone(&originals);
    assert_eq!(copies.len(), 6);
    assert!(copies
        .iter()
        .zip(&originals)
        .all(|(c, o)| c.spy.id() == o.spy.id() + CLONE_OFFSET));
    drop(originals);
    assert_eq!(log.count(), 3 + 6, "each original dropped once, by the Vec");
}

#[test]
fn a_panicking_iterator_drops_exactly_the_items_collected_so_far() {
    for exact in [true, false] {
        let log = DropLog::new();
        let lake = Lake::with_capacity(64);
        let make = |i: usize| {
            assert!(i != 7, "iterator fails at 7");
            log.spy(i)
        };
        if exact {
            expect_panic(|| lake.alloc_iter((0..20).map(make)));
        } else {
            // Not exact-size: the collection grows (and, in a 64-byte lake, moves chunks).
            expect_panic(|| lake.alloc_iter((0..40).filter(|i| i % 2 == 0).map(|i| make(i / 2))));
        }
        assert_eq!(
            log.dropped_sorted(),
            [0, 1, 2, 3, 4, 5, 6],
            "exact: {exact}"
        );
        assert_usable(&lake);
        assert_eq!(log.count(), 7);
    }
}

#[test]
fn a_failed_try_alloc_drops_the_value_once() {
    let log = DropLog::new();
    let lake = Lake::fixed(0);
    let err = lake.try_alloc(log.spy(1)).unwrap_err();
    assert!(
        matches!(err, AllocError::CapacityExceeded { .. }),
        "{err:?}"
    );
    assert_eq!(log.dropped(), [1]);
    let err = lake.try_alloc_box(log.spy(2)).unwrap_err();
    assert!(
        matches!(err, AllocError::CapacityExceeded { .. }),
        "{err:?}"
    );
    assert_eq!(log.dropped(), [1, 2]);
}

#[test]
fn a_failed_try_alloc_iter_drops_every_item_exactly_once() {
    let log = DropLog::new();
    // Room for a few spies, not for 50.
    let lake = Lake::fixed(4 * std::mem::size_of::<DropSpy<'_>>());
    let items: Vec<DropSpy<'_>> = (0..50).map(|i| log.spy(i)).collect();
    let err = lake.try_alloc_iter(items).unwrap_err();
    assert!(
        matches!(err, AllocError::CapacityExceeded { .. }),
        "{err:?}"
    );
    assert_eq!(log.dropped_sorted(), (0..50).collect::<Vec<_>>());
    // Not exact-size: some items are collected before the lake runs out.
    let items: Vec<DropSpy<'_>> = (100..150).map(|i| log.spy(i)).collect();
    let err = lake
        .try_alloc_iter(items.into_iter().filter(|_| true))
        .unwrap_err();
    assert!(
        matches!(err, AllocError::CapacityExceeded { .. }),
        "{err:?}"
    );
    let mut want: Vec<usize> = (0..50).chain(100..150).collect();
    want.sort_unstable();
    assert_eq!(log.dropped_sorted(), want);
    assert_eq!(
        lake.stats().used,
        0,
        "the abandoned block was not given back"
    );
}

#[test]
fn a_failed_try_alloc_slice_fill_with_drops_nothing_and_calls_nothing() {
    let log = DropLog::new();
    let lake = Lake::fixed(16);
    let calls = Cell::new(0);
    let err = lake
        .try_alloc_slice_fill_with(100, |i| {
            calls.set(calls.get() + 1);
            log.spy(i)
        })
        .unwrap_err();
    assert!(
        matches!(err, AllocError::CapacityExceeded { .. }),
        "{err:?}"
    );
    assert_eq!(calls.get(), 0);
    assert_eq!(log.count(), 0);
}

#[test]
fn lake_box_in_a_lake_box_drops_both_once() {
    let log = DropLog::new();
    let lake = Lake::new();
    let inner = lake.alloc_box(log.spy(1));
    let outer = lake.alloc_box((inner, log.spy(2)));
    assert_eq!(log.count(), 0);
    drop(outer);
    assert_eq!(log.dropped_sorted(), [1, 2]);
}

//! A destructor that panics in a scope's, scope guard's or sandbox's drop list: every other
//! registered destructor still runs, exactly once, the region's memory is given back (unless a
//! sandbox committed it), a second panicking destructor does not abort the process, and the
//! lake stays usable.

use std::cell::Cell;
use std::rc::Rc;

use lake::Lake;
use lake_tests::expect_panic;

/// Counts its drops in a shared counter and panics in `Drop` when asked to. `'static`, as
/// `alloc_dropping` requires.
struct Noisy {
    drops: Rc<Cell<usize>>,
    panics: bool,
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.drops.set(self.drops.get() + 1);
        if self.panics {
            panic!("destructor panicked");
        }
    }
}

fn noisy(drops: &Rc<Cell<usize>>, panics: bool) -> Noisy {
    Noisy {
        drops: Rc::clone(drops),
        panics,
    }
}

/// The lake can still allocate, and from where its statistics say it is.
fn assert_usable(lake: &Lake, used: usize) {
    assert_eq!(lake.stats().used, used);
    let v = lake.alloc(0x5eed_u64);
    assert_eq!(*v, 0x5eed);
    assert!(lake.stats().used >= used + 8);
}

#[test]
fn scope_guard_gives_its_memory_back_when_a_destructor_panics() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    let message = expect_panic(|| {
        let mut guard = lake.scope_guard();
        let s = guard.scope();
        s.alloc_slice_copy(&[0u8; 1000]);
        s.alloc_dropping(noisy(&drops, false));
        s.alloc_dropping(noisy(&drops, true));
        s.alloc_dropping(noisy(&drops, false));
        drop(guard);
    });
    assert_eq!(message, "destructor panicked");
    assert_eq!(drops.get(), 3, "every destructor runs exactly once");
    assert_usable(&lake, 0);
}

#[test]
fn scope_guard_survives_two_panicking_destructors() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    lake.alloc(1u64);
    expect_panic(|| {
        let mut guard = lake.scope_guard();
        let s = guard.scope();
        s.alloc_slice_copy(&[0u8; 500]);
        s.alloc_dropping(noisy(&drops, true));
        s.alloc_dropping(noisy(&drops, false));
        s.alloc_dropping(noisy(&drops, true));
        drop(guard);
    });
    assert_eq!(drops.get(), 3);
    assert_usable(&lake, 8);
}

#[test]
fn nested_scope_guard_gives_its_memory_back_when_a_destructor_panics() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    lake.scope(|outer| {
        outer.alloc(7u32);
        expect_panic(|| {
            let mut guard = outer.scope_guard();
            let s = guard.scope();
            s.alloc_slice_copy(&[0u8; 1000]);
            s.alloc_dropping(noisy(&drops, true));
        });
        assert_eq!(drops.get(), 1);
        assert_eq!(outer.stats().used, 4);
    });
    assert_usable(&lake, 0);
}

#[test]
fn rolled_back_sandbox_gives_its_memory_back_when_a_destructor_panics() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    expect_panic(|| {
        let mut sb = lake.sandbox();
        let s = sb.scope();
        s.alloc_slice_copy(&[0u8; 1000]);
        s.alloc_dropping(noisy(&drops, false));
        s.alloc_dropping(noisy(&drops, true));
        drop(sb);
    });
    assert_eq!(drops.get(), 2);
    assert_usable(&lake, 0);
}

#[test]
fn committed_sandbox_keeps_exactly_its_memory_when_a_destructor_panics() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    let mut kept = 0;
    expect_panic(|| {
        let mut sb = lake.sandbox();
        let s = sb.scope();
        s.alloc_slice_copy(&[0u8; 1000]);
        s.alloc_dropping(noisy(&drops, true));
        s.alloc_dropping(noisy(&drops, false));
        kept = s.stats().used;
        sb.commit();
    });
    assert_eq!(drops.get(), 2);
    assert!(kept >= 1000);
    assert_usable(&lake, kept);
}

#[test]
fn sandbox_committed_into_a_scope_guard_is_given_back_with_it_after_a_panic() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    expect_panic(|| {
        let mut guard = lake.scope_guard();
        let mut s = guard.scope();
        {
            let mut sb = s.sandbox();
            let inner = sb.scope();
            inner.alloc_slice_copy(&[0u8; 1000]);
            inner.alloc_dropping(noisy(&drops, true));
            sb.commit(); // the destructor moves to the guard's scope
        }
        assert_eq!(drops.get(), 0);
        s.alloc_dropping(noisy(&drops, false));
        drop(guard);
    });
    assert_eq!(drops.get(), 2);
    assert_usable(&lake, 0);
}

#[test]
fn closure_scope_gives_its_memory_back_when_destructors_panic() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    expect_panic(|| {
        lake.scope(|s| {
            s.alloc_slice_copy(&[0u8; 1000]);
            s.alloc_dropping(noisy(&drops, true));
            s.alloc_dropping(noisy(&drops, false));
            s.alloc_dropping(noisy(&drops, true));
        })
    });
    assert_eq!(drops.get(), 3);
    assert_usable(&lake, 0);
}

#[test]
fn closure_sandboxes_give_back_or_keep_their_memory_when_destructors_panic() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    expect_panic(|| {
        lake.sandboxed(|s| -> Result<(), ()> {
            s.alloc_slice_copy(&[0u8; 1000]);
            s.alloc_dropping(noisy(&drops, true));
            Err(())
        })
    });
    assert_eq!(drops.get(), 1);
    assert_eq!(lake.stats().used, 0);
    let mut kept = 0;
    expect_panic(|| {
        lake.sandboxed(|s| -> Result<(), ()> {
            s.alloc_slice_copy(&[0u8; 1000]);
            s.alloc_dropping(noisy(&drops, true));
            s.alloc_dropping(noisy(&drops, true));
            kept = s.stats().used;
            Ok(())
        })
    });
    assert_eq!(drops.get(), 3);
    assert!(kept >= 1000);
    assert_usable(&lake, kept);
}

#[test]
fn nested_closure_scopes_unwind_through_panicking_destructors() {
    let drops = Rc::new(Cell::new(0));
    let mut lake = Lake::new();
    expect_panic(|| {
        lake.scope(|outer| {
            outer.alloc_dropping(noisy(&drops, true));
            outer.alloc_slice_copy(&[1u8; 300]);
            outer.scope(|inner| {
                inner.alloc_slice_copy(&[2u8; 300]);
                inner.alloc_dropping(noisy(&drops, true));
            });
        })
    });
    // The outer scope's guard ran its list while the inner panic unwound, and its own panic
    // was swallowed rather than aborting.
    assert_eq!(drops.get(), 2);
    assert_usable(&lake, 0);
}

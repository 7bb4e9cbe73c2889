//! Scopes, scope guards, sandboxes and drop lists: what each keeps, what each discards, and that
//! every registered destructor runs exactly once, newest first, on every way out.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use lake::Lake;

/// Records the order destructors run in.
struct Noisy {
    id: u32,
    log: Rc<RefCell<Vec<u32>>>,
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.id);
    }
}

fn noisy(id: u32, log: &Rc<RefCell<Vec<u32>>>) -> Noisy {
    Noisy {
        id,
        log: Rc::clone(log),
    }
}

#[test]
fn a_scope_discards_its_allocations_and_keeps_the_parents() {
    let mut lake = Lake::new();
    lake.scope(|outer| {
        let kept = outer.alloc_slice_copy(b"outer");
        let used = outer.stats().used;
        for round in 0..3 {
            outer.scope(|inner| {
                inner.alloc_slice_fill_with(500, |i| i as u8);
                assert!(inner.stats().used > used);
                assert_eq!(kept, b"outer", "round {round}");
            });
            assert_eq!(outer.stats().used, used);
        }
        kept[0] = b'O';
        assert_eq!(kept, b"Outer");
    });
    assert_eq!(lake.stats().used, 0);
}

#[test]
fn scopes_nest_deeply() {
    fn descend(s: &mut lake::Scope<'_>, depth: u32, seen: &mut Vec<u32>) {
        let mine = s.alloc(depth);
        if depth < 40 {
            s.scope(|inner| descend(inner, depth + 1, seen));
        }
        seen.push(*mine); // still intact after the nested scope ended
    }
    let mut lake = Lake::builder().capacity(16).max_chunk_size(64).build();
    let mut seen = Vec::new();
    lake.scope(|s| descend(s, 0, &mut seen));
    assert_eq!(seen, (0..=40).rev().collect::<Vec<_>>());
    assert_eq!(lake.stats().used, 0);
}

#[test]
fn drop_lists_run_newest_first_exactly_once() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    lake.scope(|s| {
        s.alloc_dropping(noisy(1, &log));
        s.scope(|inner| {
            inner.alloc_dropping(noisy(10, &log));
            inner.alloc_dropping(noisy(11, &log));
        });
        assert_eq!(*log.borrow(), [11, 10]);
        s.alloc_dropping(noisy(2, &log));
    });
    assert_eq!(*log.borrow(), [11, 10, 2, 1]);
}

#[test]
fn a_panicking_destructor_does_not_stop_the_others() {
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("boom");
        }
    }
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        lake.scope(|s| {
            s.alloc_dropping(noisy(1, &log));
            s.alloc_dropping(Bomb);
            s.alloc_dropping(noisy(3, &log));
        });
    }));
    assert!(result.is_err());
    assert_eq!(*log.borrow(), [3, 1]);
    // The lake is consistent and usable afterwards.
    lake.reset();
    assert_eq!(*lake.alloc(7), 7);
}

#[test]
fn a_panic_inside_a_scope_still_ends_it() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        lake.scope(|s| {
            s.alloc_dropping(noisy(1, &log));
            s.alloc_slice_copy(&[0u8; 300]);
            panic!("in the body");
        })
    }));
    assert!(result.is_err());
    assert_eq!(*log.borrow(), [1]);
    assert_eq!(lake.stats().used, 0);
}

#[test]
fn scope_guards_rewind_when_dropped() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    {
        let mut guard = lake.scope_guard();
        let s = guard.scope();
        s.alloc_dropping(noisy(5, &log));
        s.alloc([0u64; 32]);
        assert!(s.stats().used >= 256);
    }
    assert_eq!(*log.borrow(), [5]);
    assert_eq!(lake.stats().used, 0);
}

#[test]
fn a_committed_sandbox_keeps_memory_and_droplets_a_rolled_back_one_gives_all_back() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    let kept = {
        let mut sb = lake.sandbox();
        let s = sb.scope();
        s.alloc_dropping(noisy(1, &log));
        let d = s.droplet_copy(b"kept");
        sb.commit();
        d
    };
    assert_eq!(*log.borrow(), [1], "dropping values end with the sandbox");
    let used = lake.stats().used;
    let lost = {
        let mut sb = lake.sandbox();
        let s = sb.scope();
        s.alloc_dropping(noisy(2, &log));
        s.droplet_copy(b"lost")
    };
    assert_eq!(*log.borrow(), [1, 2]);
    assert_eq!(lake.stats().used, used);
    assert_eq!(kept.get(&lake), Some(&b"kept"[..]));
    assert!(!lost.is_valid(&lake));
}

#[test]
fn sandboxed_commits_on_ok_and_rolls_back_on_err_or_panic() {
    let mut lake = Lake::new();
    let ok: Result<_, ()> = lake.sandboxed(|s| Ok(s.droplet_copy(b"ok")));
    let ok = ok.unwrap();
    let used = lake.stats().used;
    let err: Result<(), String> = lake.sandboxed(|s| {
        s.alloc_slice_copy(&[1u8; 1000]);
        Err("no".into())
    });
    assert!(err.is_err());
    assert_eq!(lake.stats().used, used);
    let panicked = catch_unwind(AssertUnwindSafe(|| {
        let _: Result<(), ()> = lake.sandboxed(|s| {
            s.alloc_slice_copy(&[1u8; 1000]);
            panic!("mid-sandbox")
        });
    }));
    assert!(panicked.is_err());
    assert_eq!(lake.stats().used, used);
    assert!(ok.is_valid(&lake));
}

#[test]
fn nested_sandboxes_and_sandboxes_in_scopes() {
    let mut lake = Lake::new();
    lake.scope(|s| {
        let base = s.stats().used;
        let r: Result<_, ()> = s.sandboxed(|outer| {
            let a = outer.droplet_copy(b"a");
            let inner: Result<(), ()> = outer.sandboxed(|inner| {
                inner.droplet_copy(b"b");
                Err(())
            });
            assert!(inner.is_err());
            Ok(a)
        });
        let a = r.unwrap();
        assert_eq!(s.stats().used, base + 1); // only "a" was kept
        let _ = a;
    });
    assert_eq!(lake.stats().used, 0);
}

#[test]
fn droplets_made_in_a_scope_go_stale_when_it_ends() {
    let mut lake = Lake::new();
    let before = lake.droplet_copy(b"before");
    let inside = lake.scope(|s| s.droplet_copy(b"inside"));
    assert!(before.is_valid(&lake));
    assert!(!inside.is_valid(&lake));
}

#[test]
fn a_scope_loop_reaches_a_steady_state() {
    // After the first round, the chunks it took are reused: no new chunk is ever taken again.
    let mut lake = Lake::new();
    let rounds = if cfg!(miri) { 20 } else { 10_000 };
    let mut warm = None;
    for _ in 0..rounds {
        lake.scope(|s| {
            for i in 0..64u64 {
                s.alloc([i; 4]);
            }
        });
        let stats = lake.stats();
        assert_eq!(stats.used, 0);
        match warm {
            None => warm = Some((stats.chunks, stats.capacity)),
            Some(w) => assert_eq!((stats.chunks, stats.capacity), w),
        }
    }
}

//! Committed sandboxes hand their work to the enclosing scope: `Scope::sandboxed_ref` re-ties
//! the `Ok` allocation to the scope's lifetime, and destructors registered in a sandbox that
//! commits inside a scope move to that scope (run when it ends, exactly once).

use std::cell::RefCell;
use std::rc::Rc;

use lake::Lake;

/// Logs its id when dropped; `'static`, as `alloc_dropping` requires.
struct Spy {
    id: u32,
    log: Rc<RefCell<Vec<u32>>>,
}

impl Drop for Spy {
    fn drop(&mut self) {
        self.log.borrow_mut().push(self.id);
    }
}

fn spy(id: u32, log: &Rc<RefCell<Vec<u32>>>) -> Spy {
    Spy {
        id,
        log: Rc::clone(log),
    }
}

#[test]
fn a_committed_value_lives_until_the_scope_ends_and_is_dropped_once() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    lake.scope(|s| {
        let kept = s
            .sandboxed_ref(|sb| -> Result<_, ()> {
                sb.alloc_dropping(spy(99, &log)); // a sibling, also committed
                Ok(sb.alloc_dropping(spy(1, &log)))
            })
            .unwrap();
        assert!(log.borrow().is_empty(), "commit must not run destructors");
        // Allocations after the commit do not disturb the committed value.
        let later = s.alloc_slice_fill_with(64, |i| i as u8);
        kept.id += 10;
        assert_eq!((kept.id, later[63]), (11, 63));
        let own = s.alloc_dropping(spy(2, &log));
        assert_eq!(own.id, 2);
    });
    // The scope ran its own destructor and the two committed ones, newest first.
    assert_eq!(*log.borrow(), [2, 11, 99]);
    assert_eq!(lake.stats().used, 0);
}

#[test]
fn a_rolled_back_sandbox_drops_its_values_at_once_and_frees_its_memory() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    lake.scope(|s| {
        let before = s.as_lake().stats().used;
        let r = s.sandboxed_ref(|sb| -> Result<&mut Spy, &str> {
            sb.alloc_dropping(spy(1, &log));
            sb.alloc_slice_copy(&[7u8; 512]);
            Err("invalid")
        });
        assert_eq!(r.err(), Some("invalid"));
        assert_eq!(*log.borrow(), [1], "rolled back: dropped immediately");
        assert_eq!(
            s.as_lake().stats().used,
            before,
            "and its memory given back"
        );
    });
    assert_eq!(*log.borrow(), [1], "never dropped twice");
}

#[test]
fn nested_commits_travel_up_and_an_outer_rollback_drops_them() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    lake.scope(|s| {
        let outer: Result<&mut Spy, ()> = s.sandboxed_ref(|sb| {
            let inner = sb
                .sandboxed_ref(|sb2| -> Result<_, ()> { Ok(sb2.alloc_dropping(spy(1, &log))) })
                .unwrap();
            inner.id = 5; // usable in the outer sandbox after the inner commit
            Err(())
        });
        assert!(outer.is_err());
        assert_eq!(
            *log.borrow(),
            [5],
            "the outer rollback ran the inner committed destructor"
        );
    });
    assert_eq!(*log.borrow(), [5]);
}

#[test]
fn a_sandbox_guard_committed_in_a_scope_defers_its_destructors_to_the_scope() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    lake.scope(|s| {
        let mut sb = s.sandbox();
        sb.scope().alloc_dropping(spy(3, &log));
        sb.commit();
        assert!(log.borrow().is_empty(), "the values live on in the scope");
    });
    assert_eq!(*log.borrow(), [3]);
    // On the lake itself there is no parent scope: commit runs the destructors.
    let mut sb = lake.sandbox();
    sb.scope().alloc_dropping(spy(4, &log));
    sb.commit();
    assert_eq!(*log.borrow(), [3, 4]);
}

#[test]
fn sandboxed_ref_hands_over_slices_and_strs() {
    let mut lake = Lake::new();
    lake.scope(|s| {
        let words: &mut [u32] = s
            .sandboxed_ref(|sb| -> Result<_, ()> { Ok(sb.alloc_slice_copy(&[1, 2, 3])) })
            .unwrap();
        let text: &mut str = s
            .sandboxed_ref(|sb| -> Result<_, ()> { Ok(sb.alloc_str("kept")) })
            .unwrap();
        words[0] = 10;
        assert_eq!((words.iter().sum::<u32>(), &*text), (15, "kept"));
    });
}

#[test]
fn a_panicking_sandbox_rolls_back_and_the_scope_stays_usable() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut lake = Lake::new();
    lake.scope(|s| {
        let msg = lake_tests::expect_panic(|| {
            let _ = s.sandboxed_ref(|sb| -> Result<&mut u8, ()> {
                sb.alloc_dropping(spy(8, &log));
                panic!("parser bug")
            });
        });
        assert!(msg.contains("parser bug"), "{msg}");
        assert_eq!(*log.borrow(), [8]);
        assert_eq!(*s.alloc(1u8), 1);
    });
}

//! Model test for scopes, sandboxes and drop lists: random nested programs of droplets,
//! dropping values, scopes, sandboxes (committed or rolled back) and views, checked after every
//! step.
//!
//! The model: droplets made in a scope, or in a rolled-back sandbox, go stale when it ends;
//! droplets made in a committed sandbox stay valid until the enclosing scope ends; every value
//! registered with `alloc_dropping` is dropped exactly once: when the scope it was registered in
//! ends, when its sandbox rolls back, or — committed — when the enclosing scope ends; the lake's `used` returns to what it was when a scope or rolled-back
//! sandbox began.

use std::cell::RefCell;
use std::rc::Rc;

use lake::{DropletDyn, Lake, Scope};

use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Droplet { len: usize, fill: u8 },
    Dropping,
    Alloc { len: usize },
    Scope(Vec<Op>),
    Sandbox { commit: bool, body: Vec<Op> },
    View { len: usize, body: Vec<Op> },
}

fn program() -> impl Strategy<Value = Vec<Op>> {
    let leaf = prop_oneof![
        (0usize..120, any::<u8>()).prop_map(|(len, fill)| Op::Droplet { len, fill }),
        Just(Op::Dropping),
        (0usize..300).prop_map(|len| Op::Alloc { len }),
    ];
    let op = leaf.prop_recursive(4, 48, 6, |inner| {
        let body = proptest::collection::vec(inner, 0..6);
        prop_oneof![
            body.clone().prop_map(Op::Scope),
            (any::<bool>(), body.clone()).prop_map(|(commit, body)| Op::Sandbox { commit, body }),
            (0usize..512, body).prop_map(|(len, body)| Op::View { len, body }),
        ]
    });
    proptest::collection::vec(op, 1..if cfg!(miri) { 6 } else { 16 })
}

/// One droplet and what the model expects of it.
struct Tracked {
    droplet: DropletDyn,
    bytes: Vec<u8>,
    /// Whether the model expects it to resolve.
    live: Rc<RefCell<bool>>,
}

/// Counts drops per registered value.
struct Counted(Rc<RefCell<Vec<u32>>>, usize);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.borrow_mut()[self.1] += 1;
    }
}

struct World {
    drops: Rc<RefCell<Vec<u32>>>,
}

/// Runs `ops` in scope `s`, returning the droplets it made (with their liveness flags) and the
/// indices of the values it registered for dropping.
fn run(
    s: &mut Scope<'_>,
    ops: &[Op],
    world: &World,
    outer: &[Tracked],
    in_view: bool,
) -> Result<(Vec<Tracked>, Vec<usize>), TestCaseError> {
    // Only a view (fixed capacity) may run out of room, and only with `CapacityExceeded`.
    let full = |e: lake::AllocError| -> Result<(), TestCaseError> {
        prop_assert!(
            in_view && matches!(e, lake::AllocError::CapacityExceeded { .. }),
            "{e}"
        );
        Ok(())
    };
    let mut made: Vec<Tracked> = Vec::new();
    let mut registered = Vec::new();
    for op in ops {
        match op {
            Op::Droplet { len, fill } => {
                let bytes = vec![*fill; *len];
                match s.try_droplet_copy(&bytes) {
                    Ok(droplet) => made.push(Tracked {
                        droplet,
                        bytes,
                        live: Rc::new(RefCell::new(true)),
                    }),
                    Err(e) => full(e)?,
                }
            }
            Op::Dropping => {
                let index = {
                    let mut drops = world.drops.borrow_mut();
                    drops.push(0);
                    drops.len() - 1
                };
                match s.try_alloc_dropping(Counted(Rc::clone(&world.drops), index)) {
                    Ok(_) => registered.push(index),
                    Err(e) => {
                        full(e)?;
                        prop_assert_eq!(world.drops.borrow()[index], 1, "dropped on failure");
                    }
                }
            }
            Op::Alloc { len } => match s.try_alloc_slice_fill_with(*len, |i| i as u8) {
                Ok(block) => {
                    prop_assert!(block.iter().enumerate().all(|(i, &b)| b == i as u8))
                }
                Err(e) => full(e)?,
            },
            Op::Scope(body) => {
                let before = s.stats().used;
                let result = s.scope(|inner| -> Result<_, TestCaseError> {
                    let (inner_made, inner_registered) = run(inner, body, world, &[], in_view)?;
                    Ok((inner_made, inner_registered))
                });
                let (inner_made, inner_registered) = result?;
                prop_assert_eq!(s.stats().used, before, "a scope gives back all it used");
                for t in &inner_made {
                    *t.live.borrow_mut() = false;
                }
                for &i in &inner_registered {
                    prop_assert_eq!(world.drops.borrow()[i], 1, "dropped when its scope ended");
                }
            }
            Op::Sandbox { commit, body } => {
                let before = s.stats().used;
                let mut sandbox = s.sandbox();
                let (inner_made, inner_registered) = {
                    let mut inner = sandbox.scope();
                    run(&mut inner, body, world, &[], in_view)?
                };
                if *commit {
                    sandbox.commit();
                } else {
                    drop(sandbox);
                    prop_assert_eq!(s.stats().used, before, "a rollback gives back all it used");
                    for t in &inner_made {
                        *t.live.borrow_mut() = false;
                    }
                }
                if *commit {
                    // Committed values and droplets now belong to this scope: alive until it
                    // ends, then dropped by it.
                    for &i in &inner_registered {
                        prop_assert_eq!(world.drops.borrow()[i], 0, "alive after the commit");
                    }
                    registered.extend(inner_registered);
                    made.extend(inner_made);
                } else {
                    for &i in &inner_registered {
                        prop_assert_eq!(world.drops.borrow()[i], 1, "dropped by the rollback");
                    }
                }
            }
            Op::View { len, body } => {
                let mut view = match s.try_split(*len) {
                    Ok(view) => view,
                    Err(e) => {
                        full(e)?;
                        continue;
                    }
                };
                let parent_used = s.stats().used;
                view.scope(|inner| run(inner, body, world, &[], true).map(drop))?;
                prop_assert_eq!(s.stats().used, parent_used, "a view never bumps its parent");
                prop_assert_eq!(view.stats().used, 0);
            }
        }
        // After every step: every droplet this run made or inherited resolves iff live.
        for t in made.iter().chain(outer) {
            let live = *t.live.borrow();
            prop_assert_eq!(t.droplet.is_valid(s.as_lake()), live);
            if live {
                prop_assert_eq!(t.droplet.get(s.as_lake()), Some(&t.bytes[..]));
            }
        }
    }
    Ok((made, registered))
}

fn program_runs(lake: &mut Lake, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let world = World {
        drops: Rc::new(RefCell::new(Vec::new())),
    };
    let result = lake.scope(|s| run(s, &ops, &world, &[], false).map(drop));
    result?;
    prop_assert!(
        world.drops.borrow().iter().all(|&n| n == 1),
        "{:?}",
        world.drops.borrow()
    );
    prop_assert_eq!(lake.stats().used, 0);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn scopes_and_sandboxes_match_the_model(
        cap in 0usize..128,
        ops in program(),
    ) {
        let mut lake = Lake::builder().capacity(cap).max_chunk_size(512).build();
        program_runs(&mut lake, ops)?;
    }
}

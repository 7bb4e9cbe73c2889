//! `Pool` against a `HashMap<Handle, u32>` model: random programs of inserts, removes,
//! lookups (including stale handles), guards, `retain`, `drain` and `clear`.

use std::collections::HashMap;

use lake::{Handle, Pool};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Insert(u32),
    /// Removes the handle at this position of the list of every handle ever issued (so often
    /// a stale one).
    Remove(usize),
    Get(usize),
    GetMut(usize, u32),
    Discard(usize),
    /// Acquire a guard and detach it into a handle.
    AcquireDetach(u32),
    /// Acquire a guard, check the pool while it lives, drop it.
    AcquireHold(u32),
    Retain(u32),
    Drain,
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => any::<u32>().prop_map(Op::Insert),
        4 => any::<usize>().prop_map(Op::Remove),
        3 => any::<usize>().prop_map(Op::Get),
        2 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::GetMut(i, v)),
        2 => any::<usize>().prop_map(Op::Discard),
        2 => any::<u32>().prop_map(Op::AcquireDetach),
        2 => any::<u32>().prop_map(Op::AcquireHold),
        1 => (2u32..5).prop_map(Op::Retain),
        1 => Just(Op::Drain),
        1 => Just(Op::Clear),
    ]
}

/// Pool configurations: growing from empty, small doubling, increment, fixed, and a tiny
/// generation width so retirement happens.
fn pool(config: u8) -> Pool<u32> {
    match config % 5 {
        0 => Pool::new(),
        1 => Pool::with_capacity(2),
        2 => Pool::builder()
            .capacity(1)
            .increment(3)
            .max_capacity(16)
            .build(),
        3 => Pool::fixed(6),
        _ => Pool::builder()
            .capacity(4)
            .fixed()
            .max_generation(std::num::NonZeroU32::new(3).unwrap())
            .build(),
    }
}

/// `peak`: the most slots in use at once so far (live values plus retired slots; the model
/// pools do not recycle), which `stats().high_water` must equal.
fn check(pool: &Pool<u32>, model: &HashMap<Handle, u32>, issued: &[Handle], peak: &mut usize) {
    assert_eq!(pool.len(), model.len());
    assert_eq!(pool.is_empty(), model.is_empty());
    for h in issued {
        assert_eq!(pool.get(*h), model.get(h), "{h:?}");
        assert_eq!(pool.contains(*h), model.contains_key(h));
    }
    let mut seen: Vec<(Handle, u32)> = pool.iter().map(|(h, v)| (h, *v)).collect();
    let mut expected: Vec<(Handle, u32)> = model.iter().map(|(h, v)| (*h, *v)).collect();
    seen.sort_by_key(|(h, _)| h.index());
    expected.sort_by_key(|(h, _)| h.index());
    assert_eq!(seen, expected);
    let s = pool.stats();
    assert_eq!(s.live, model.len());
    assert!(s.live + s.retired <= s.capacity, "{s:?}");
    *peak = (*peak).max(model.len() + s.retired);
    assert_eq!(s.high_water, *peak, "{s:?}");
}

fn pick(issued: &[Handle], i: usize) -> Option<Handle> {
    (!issued.is_empty()).then(|| issued[i % issued.len()])
}

/// Inserts through `try_insert`, tolerating (and checking) a full pool.
fn insert(
    pool: &mut Pool<u32>,
    model: &mut HashMap<Handle, u32>,
    issued: &mut Vec<Handle>,
    v: u32,
) {
    let s = pool.stats();
    match pool.try_insert(v) {
        Ok(h) => {
            assert!(!issued.contains(&h), "handle {h:?} issued twice");
            assert!(model.insert(h, v).is_none());
            issued.push(h);
        }
        Err(full) => {
            assert_eq!(full.into_inner(), v);
            assert_eq!(
                s.live + s.retired,
                s.capacity,
                "{s:?}: Full with free slots"
            );
        }
    }
}

/// Whether `acquire` can succeed (it panics on a full pool).
fn has_room(pool: &Pool<u32>, config: u8) -> bool {
    let s = pool.stats();
    match config % 5 {
        2 => s.live + s.retired < 16,
        3 | 4 => s.live + s.retired < s.capacity,
        _ => true,
    }
}

fn run(config: u8, ops: Vec<Op>) {
    let mut pool = pool(config);
    let mut model: HashMap<Handle, u32> = HashMap::new();
    let mut issued: Vec<Handle> = Vec::new();
    let mut peak = 0;
    for op in ops {
        match op {
            Op::Insert(v) => insert(&mut pool, &mut model, &mut issued, v),
            Op::Remove(i) => {
                if let Some(h) = pick(&issued, i) {
                    assert_eq!(pool.remove(h), model.remove(&h));
                }
            }
            Op::Get(i) => {
                if let Some(h) = pick(&issued, i) {
                    assert_eq!(pool.get(h), model.get(&h));
                }
            }
            Op::GetMut(i, v) => {
                if let Some(h) = pick(&issued, i) {
                    match (pool.get_mut(h), model.get_mut(&h)) {
                        (Some(a), Some(b)) => {
                            *a = v;
                            *b = v;
                        }
                        (None, None) => {}
                        (a, b) => panic!("get_mut {h:?}: pool {a:?}, model {b:?}"),
                    }
                }
            }
            Op::Discard(i) => {
                if let Some(h) = pick(&issued, i) {
                    assert_eq!(pool.discard(h), model.remove(&h).is_some());
                }
            }
            Op::AcquireDetach(v) => {
                if has_room(&pool, config) {
                    let h = pool.acquire(|| v).into_handle();
                    assert!(!issued.contains(&h));
                    model.insert(h, v);
                    issued.push(h);
                }
            }
            Op::AcquireHold(v) => {
                if has_room(&pool, config) {
                    let mut g = pool.acquire(|| v);
                    assert_eq!(*g, v);
                    *g = v.wrapping_add(1);
                    // Guarded values are live but not reachable through handles or `iter`.
                    assert_eq!(pool.len(), model.len() + 1);
                    peak = peak.max(pool.len() + pool.stats().retired);
                    for h in &issued {
                        assert_eq!(pool.get(*h), model.get(h));
                    }
                    assert_eq!(pool.iter().count(), model.len());
                    assert_eq!(*g, v.wrapping_add(1));
                    drop(g);
                }
            }
            Op::Retain(m) => {
                pool.retain(|_, v| *v % m != 0);
                model.retain(|_, v| *v % m != 0);
            }
            Op::Drain => {
                let mut drained: Vec<u32> = pool.drain().collect();
                let mut expected: Vec<u32> = model.drain().map(|(_, v)| v).collect();
                drained.sort_unstable();
                expected.sort_unstable();
                assert_eq!(drained, expected);
            }
            Op::Clear => {
                pool.clear();
                model.clear();
            }
        }
        check(&pool, &model, &issued, &mut peak);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 6 } else { 512 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn pool_matches_hashmap_model(
        config in any::<u8>(),
        ops in prop::collection::vec(op(), 0..if cfg!(miri) { 24 } else { 200 }),
    ) {
        run(config, ops);
    }
}

/// Each configuration at least once under miri (proptest picks configurations at random).
#[test]
fn every_configuration_runs_a_fixed_program() {
    let n: u32 = if cfg!(miri) { 8 } else { 30 };
    let ops: Vec<Op> = (0..n)
        .flat_map(|i| {
            [
                Op::Insert(i),
                Op::AcquireHold(i),
                Op::AcquireDetach(i + 100),
                Op::Remove(i as usize * 7),
                Op::Get(i as usize * 3),
                Op::Discard(i as usize * 5),
            ]
        })
        .chain([
            Op::Retain(3),
            Op::Drain,
            Op::Insert(1),
            Op::Clear,
            Op::Insert(2),
        ])
        .collect();
    for config in 0..5 {
        run(config, ops.clone());
    }
}

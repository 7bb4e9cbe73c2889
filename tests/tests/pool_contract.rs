//! One contract for [`Pool`] and [`SharedPool`]: the same sequence of operations gives the same
//! results on both (values, `None`s, errors, lengths), and handles of both are ordered by slot
//! index, then generation.
//!
//! The pools pick different free slots (a LIFO free list; a bitmap), so the handles themselves
//! are not compared, only what operations through them return.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;

use lake::{Full, Handle, Pool, RemoveError, SharedPool};
use lake_tests::scaled;
use proptest::prelude::*;

/// One operation; `usize` picks one of the keys handed out so far (stale ones included).
#[derive(Clone, Debug)]
enum Op {
    Insert(u32),
    TryInsert(u32),
    Get(usize),
    Contains(usize),
    Remove(usize),
    TryRemove(usize),
    Discard(usize),
    Acquire(u32, bool),
}

/// What an operation returned, comparable across the two pools.
#[derive(Debug, PartialEq, Eq)]
enum Out {
    Key,
    Full(u32),
    Value(Option<u32>),
    Bool(bool),
    Removed(Result<u32, RemoveError>),
    Acquired(Option<u32>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<u32>().prop_map(Op::Insert),
        2 => any::<u32>().prop_map(Op::TryInsert),
        2 => any::<usize>().prop_map(Op::Get),
        1 => any::<usize>().prop_map(Op::Contains),
        2 => any::<usize>().prop_map(Op::Remove),
        2 => any::<usize>().prop_map(Op::TryRemove),
        2 => any::<usize>().prop_map(Op::Discard),
        1 => (any::<u32>(), any::<bool>()).prop_map(|(v, keep)| Op::Acquire(v, keep)),
    ]
}

/// Runs `ops` on a `Pool` of `cap` fixed slots.
fn run_pool(cap: usize, ops: &[Op]) -> Vec<(Out, usize)> {
    let mut pool: Pool<u32> = Pool::fixed(cap);
    let mut keys: Vec<Handle> = Vec::new();
    let pick = |keys: &[Handle], i: usize| keys.get(i % keys.len().max(1)).copied();
    ops.iter()
        .map(|op| {
            let out = match *op {
                Op::Insert(v) | Op::TryInsert(v) => match pool.try_insert(v) {
                    Ok(k) => {
                        keys.push(k);
                        Out::Key
                    }
                    Err(Full(v)) => Out::Full(v),
                },
                Op::Get(i) => Out::Value(pick(&keys, i).and_then(|k| pool.get(k).copied())),
                Op::Contains(i) => Out::Bool(pick(&keys, i).is_some_and(|k| pool.contains(k))),
                Op::Remove(i) => Out::Value(pick(&keys, i).and_then(|k| pool.remove(k))),
                Op::TryRemove(i) => Out::Removed(match pick(&keys, i) {
                    Some(k) => pool.try_remove(k),
                    None => Err(RemoveError::Stale),
                }),
                Op::Discard(i) => Out::Bool(pick(&keys, i).is_some_and(|k| pool.discard(k))),
                Op::Acquire(v, keep) => match pool.try_acquire(|| v) {
                    Ok(g) if keep => {
                        let got = *g;
                        keys.push(g.into_handle());
                        Out::Acquired(Some(got))
                    }
                    Ok(g) => Out::Acquired(Some(g.into_inner())),
                    Err(_) => Out::Acquired(None),
                },
            };
            (out, pool.len())
        })
        .collect()
}

/// Runs `ops` on a `SharedPool` of `cap` fixed slots.
fn run_shared(cap: usize, ops: &[Op]) -> Vec<(Out, usize)> {
    let pool: SharedPool<u32> = SharedPool::fixed(cap);
    let mut keys: Vec<Handle> = Vec::new();
    let pick = |keys: &[Handle], i: usize| keys.get(i % keys.len().max(1)).copied();
    ops.iter()
        .map(|op| {
            let out = match *op {
                Op::Insert(v) | Op::TryInsert(v) => match pool.try_insert(v) {
                    Ok(k) => {
                        keys.push(k);
                        Out::Key
                    }
                    Err(Full(v)) => Out::Full(v),
                },
                Op::Get(i) => Out::Value(pick(&keys, i).and_then(|k| pool.get(k).map(|r| *r))),
                Op::Contains(i) => Out::Bool(pick(&keys, i).is_some_and(|k| pool.contains(k))),
                Op::Remove(i) => Out::Value(pick(&keys, i).and_then(|k| pool.remove(k))),
                Op::TryRemove(i) => Out::Removed(match pick(&keys, i) {
                    Some(k) => pool.try_remove(k),
                    None => Err(RemoveError::Stale),
                }),
                Op::Discard(i) => Out::Bool(pick(&keys, i).is_some_and(|k| pool.discard(k))),
                Op::Acquire(v, keep) => match pool.try_acquire(|| v) {
                    Ok(g) if keep => {
                        let got = *g;
                        keys.push(g.into_handle());
                        Out::Acquired(Some(got))
                    }
                    Ok(g) => Out::Acquired(Some(g.into_inner())),
                    Err(_) => Out::Acquired(None),
                },
            };
            (out, pool.len())
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: scaled(256, 4) as u32,
        // Miri's isolation has no file system for the regression file.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_same_operations_give_the_same_results(
        cap in 0usize..6,
        ops in proptest::collection::vec(op(), 0..scaled(60, 20)),
    ) {
        let on_pool = run_pool(cap, &ops);
        let on_shared = run_shared(cap, &ops);
        prop_assert_eq!(on_pool, on_shared);
    }
}

#[test]
fn remove_try_remove_and_discard_agree_step_by_step() {
    let mut pool = Pool::with_capacity(2);
    let shared = SharedPool::with_capacity(2);
    let (p, s) = (
        pool.insert(String::from("a")),
        shared.insert(String::from("a")),
    );
    assert_eq!(pool.remove(p), shared.remove(s));
    assert_eq!((pool.remove(p), shared.remove(s)), (None, None));
    assert_eq!(pool.try_remove(p), Err(RemoveError::Stale));
    assert_eq!(shared.try_remove(s), Err(RemoveError::Stale));
    assert!(!pool.discard(p) && !shared.discard(s));
    let (p, s) = (
        pool.insert(String::from("b")),
        shared.insert(String::from("b")),
    );
    assert_eq!(pool.try_remove(p).as_deref(), Ok("b"));
    assert_eq!(shared.try_remove(s).as_deref(), Ok("b"));
    let (p, s) = (
        pool.insert(String::from("c")),
        shared.insert(String::from("c")),
    );
    assert!(pool.discard(p) && shared.discard(s));
    assert!(!pool.contains(p) && !shared.contains(s));
    assert_eq!((pool.len(), shared.len()), (0, 0));
}

/// What `SharedPool` adds: a value read through a `Ref` when it is removed.
#[test]
fn shared_removal_while_read_leaves_the_key_stale_except_try_remove() {
    let pool = SharedPool::with_capacity(4);
    // try_remove: nothing changes, and says so.
    let h = pool.insert(String::from("x"));
    let r = pool.get(h).unwrap();
    assert_eq!(pool.try_remove(h), Err(RemoveError::Borrowed));
    assert!(pool.contains(h), "try_remove changed nothing");
    // remove: no value, but the key is stale; the reader still reads it.
    assert_eq!(pool.remove(h), None);
    assert!(!pool.contains(h) && pool.get(h).is_none());
    assert_eq!(pool.try_remove(h), Err(RemoveError::Stale));
    assert_eq!(*r, "x");
    assert_eq!(pool.stats().live, 0);
    let free_before = pool.stats().free;
    drop(r); // the last reader drops the value and frees the slot
    assert_eq!(pool.stats().free, free_before + 1);
    // discard: true, key stale, the value lives until the last reader.
    let h = pool.insert(String::from("y"));
    let r = pool.get(h).unwrap();
    assert!(pool.discard(h));
    assert!(!pool.discard(h));
    assert_eq!(*r, "y");
    drop(r);
    assert!(pool.is_empty());
}

#[test]
fn builders_spell_the_same_options() {
    let one = NonZeroU32::MIN;
    let mut pool: Pool<u8> = Pool::builder()
        .capacity(1)
        .fixed()
        .max_generation(one)
        .build();
    let shared: SharedPool<u8> = SharedPool::builder()
        .capacity(1)
        .fixed()
        .max_generation(one)
        .build();
    let (p, s) = (pool.insert(1), shared.insert(1));
    assert_eq!(pool.remove(p), shared.remove(s));
    // Generation 1 was the last: both retire their only slot.
    assert_eq!(pool.try_insert(2).unwrap_err().0, 2);
    assert_eq!(shared.try_insert(2).unwrap_err().0, 2);
    assert_eq!((pool.stats().retired, shared.stats().retired), (1, 1));

    let mut pool: Pool<u8> = Pool::builder().capacity(2).max_capacity(6).build();
    let shared: SharedPool<u8> = SharedPool::builder().capacity(2).max_capacity(6).build();
    for i in 0..6 {
        pool.insert(i);
        shared.insert(i);
    }
    assert_eq!((pool.capacity(), shared.capacity()), (6, 6));
    assert!(pool.try_insert(6).is_err() && shared.try_insert(6).is_err());

    // A limit between page sizes stops the shared pool at the last whole page.
    let shared: SharedPool<u8> = SharedPool::builder().capacity(2).max_capacity(5).build();
    assert_eq!((0..5).filter(|&i| shared.try_insert(i).is_ok()).count(), 2);
    // An initial capacity above the limit is capped, as for `Pool`.
    let pool: Pool<u8> = Pool::builder().capacity(10).max_capacity(3).build();
    let shared: SharedPool<u8> = SharedPool::builder().capacity(10).max_capacity(3).build();
    assert_eq!((pool.capacity(), shared.capacity()), (3, 3));
    // No capacity: `Pool` allocates on first insert, `SharedPool` its default first page.
    let shared: SharedPool<u8> = SharedPool::builder().build();
    assert_eq!(shared.capacity(), 0);
    shared.insert(0);
    assert!(shared.capacity() > 0);
    let fixed_empty: SharedPool<u8> = SharedPool::builder().fixed().build();
    assert!(fixed_empty.try_insert(0).is_err());
}

fn ordered_by_index_then_generation(handles: &[Handle]) {
    let mut sorted = handles.to_vec();
    sorted.sort();
    for w in sorted.windows(2) {
        let (a, b) = (w[0], w[1]);
        assert!(
            (a.index(), a.generation()) < (b.index(), b.generation()),
            "{a:?} before {b:?}"
        );
    }
    let set: BTreeSet<Handle> = handles.iter().copied().collect();
    assert_eq!(
        set.len(),
        handles.len(),
        "distinct handles stay distinct keys"
    );
    assert_eq!(set.into_iter().collect::<Vec<_>>(), sorted);
}

#[test]
fn handles_of_both_pools_sort_by_index_then_generation() {
    let mut pool = Pool::with_capacity(3);
    let shared = SharedPool::with_capacity(3);
    let mut ph = Vec::new();
    let mut sh = Vec::new();
    for round in 0..4u32 {
        for i in 0..3 {
            ph.push(pool.insert(round * 10 + i));
            sh.push(shared.insert(round * 10 + i));
        }
        // Free every slot: the next round reuses them under the next generation.
        for (&p, &s) in ph[ph.len() - 3..].iter().zip(&sh[sh.len() - 3..]) {
            pool.remove(p);
            shared.remove(s);
        }
    }
    ordered_by_index_then_generation(&ph);
    ordered_by_index_then_generation(&sh);
    // A map keyed by handle: iterates in slot order, the newest generation of a slot last.
    let live: Vec<Handle> = (0..3).map(|i| pool.insert(100 + i)).collect();
    let map: BTreeMap<Handle, u32> = live.iter().map(|&h| (h, pool[h])).collect();
    let indices: Vec<u32> = map.keys().map(|h| h.index()).collect();
    let mut expected = indices.clone();
    expected.sort_unstable();
    assert_eq!(indices, expected);
    assert_eq!(map.len(), 3);
}

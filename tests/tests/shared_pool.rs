//! `SharedPool`: API, drop accounting (every value dropped exactly once: remove, last `Ref`,
//! guard drop, pool drop, panicking `Drop`), stale and foreign handles, retirement, auto traits,
//! a random-program model test and a multi-thread stress with data-integrity checks.

use std::cell::Cell;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use lake::pool::{Ref, SharedPoolStats};
use lake::{Full, RemoveError};
use lake::{Handle, Pool, SharedPool, SharedPoolBox};
use lake_tests::scaled;
use proptest::prelude::*;

/// Counts drops of [`Counted`] values, by id, across threads.
#[derive(Default)]
struct Drops {
    total: AtomicUsize,
    by_id: Mutex<HashMap<usize, usize>>,
}

impl Drops {
    fn new() -> Arc<Drops> {
        Arc::default()
    }
    fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
    fn of(&self, id: usize) -> usize {
        self.by_id.lock().unwrap().get(&id).copied().unwrap_or(0)
    }
    /// Asserts that exactly the ids in `ids` were dropped, each once.
    #[track_caller]
    fn assert_exactly_once(&self, ids: impl IntoIterator<Item = usize>) {
        let map = self.by_id.lock().unwrap();
        let mut n = 0;
        for id in ids {
            assert_eq!(
                map.get(&id),
                Some(&1),
                "value {id} dropped {:?} times",
                map.get(&id)
            );
            n += 1;
        }
        assert_eq!(map.len(), n, "other values dropped: {map:?}");
    }
}

/// A value that records its drop (and optionally panics in `Drop`).
struct Counted {
    id: usize,
    check: usize,
    panic_on_drop: bool,
    drops: Arc<Drops>,
}

impl Counted {
    fn new(id: usize, drops: &Arc<Drops>) -> Counted {
        Counted {
            id,
            check: !id,
            panic_on_drop: false,
            drops: drops.clone(),
        }
    }
    fn panicking(id: usize, drops: &Arc<Drops>) -> Counted {
        let mut c = Counted::new(id, drops);
        c.panic_on_drop = true;
        c
    }
    /// The id, after checking the value is intact.
    fn id(&self) -> usize {
        assert_eq!(self.check, !self.id, "corrupted value");
        self.id
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        *self.drops.by_id.lock().unwrap().entry(self.id).or_default() += 1;
        self.drops.total.fetch_add(1, Ordering::SeqCst);
        if self.panic_on_drop && !std::thread::panicking() {
            panic!("Counted({}) panics in drop", self.id);
        }
    }
}

fn stats(pool: &SharedPool<impl Sized>) -> (usize, usize, usize, usize) {
    let SharedPoolStats {
        live,
        capacity,
        free,
        retired,
        ..
    } = pool.stats();
    (live, capacity, free, retired)
}

// ---------------------------------------------------------------------------------------------
// API

#[test]
fn insert_get_remove_contains() {
    let pool = SharedPool::with_capacity(4);
    let a = pool.insert(String::from("a"));
    let b = pool.insert(String::from("b"));
    assert_ne!(a.index(), b.index());
    assert_eq!(pool.get(a).as_deref().map(String::as_str), Some("a"));
    assert_eq!(pool.get(b).as_deref().map(String::as_str), Some("b"));
    assert!(pool.contains(a) && pool.contains(b));
    assert_eq!(pool.len(), 2);
    assert!(pool.discard(a));
    assert!(!pool.discard(a), "second remove of the same handle");
    assert!(!pool.contains(a));
    assert!(pool.get(a).is_none());
    assert_eq!(pool.len(), 1);
    assert!(!pool.is_empty());
    assert_eq!(stats(&pool), (1, 4, 3, 0));
}

#[test]
fn fixed_pool_never_grows_and_gives_the_value_back() {
    let pool = SharedPool::fixed(2);
    let a = pool.try_insert(1).unwrap();
    pool.try_insert(2).unwrap();
    let Full(back) = pool.try_insert(3).unwrap_err();
    assert_eq!(back, 3);
    assert_eq!(pool.try_acquire(|| 4).unwrap_err().into_inner(), 4);
    assert_eq!(pool.capacity(), 2);
    pool.discard(a);
    assert!(pool.try_insert(5).is_ok(), "room again after a remove");
    let empty: SharedPool<u8> = SharedPool::fixed(0);
    assert_eq!(empty.try_insert(1).unwrap_err().into_inner(), 1);
    assert_eq!((empty.capacity(), empty.stats().pages), (0, 0));
}

#[test]
#[should_panic(expected = "the pool is full")]
fn insert_into_a_full_fixed_pool_panics() {
    let pool = SharedPool::fixed(1);
    pool.insert(1);
    pool.insert(2);
}

#[test]
fn growing_pool_adds_doubling_pages_and_never_moves_values() {
    let pool = SharedPool::with_capacity(2);
    let first = pool.insert(0u64);
    let r = pool.get(first).unwrap();
    let addr = std::ptr::from_ref::<u64>(&r).addr();
    let handles: Vec<Handle> = (1..14u64).map(|i| pool.insert(i)).collect();
    assert_eq!(pool.capacity(), 2 + 4 + 8);
    assert_eq!(pool.stats().pages, 3);
    assert_eq!(
        std::ptr::from_ref::<u64>(&r).addr(),
        addr,
        "the value did not move"
    );
    assert_eq!(*r, 0);
    for (i, h) in handles.iter().enumerate() {
        assert_eq!(pool.get(*h).as_deref(), Some(&(i as u64 + 1)));
    }
    let lazy: SharedPool<u8> = SharedPool::new();
    assert_eq!(lazy.capacity(), 0);
    lazy.insert(1);
    assert_eq!(lazy.capacity(), 32);
}

#[test]
fn acquire_guard_returns_its_slot_or_becomes_a_handle() {
    let pool = SharedPool::fixed(1);
    {
        let mut g: SharedPoolBox<'_, Vec<u8>> = pool.acquire(Vec::new);
        g.extend_from_slice(b"abc");
        assert_eq!(*g, b"abc");
        assert_eq!(pool.len(), 1);
        assert!(pool.try_insert(vec![]).is_err(), "the guard holds the slot");
    }
    assert_eq!(pool.len(), 0);
    let mut g = pool.acquire(|| vec![1]);
    g.push(2);
    let h = g.into_handle();
    assert_eq!(pool.get(h).as_deref(), Some(&vec![1, 2]));
    assert_eq!(pool.len(), 1);
    assert!(pool.discard(h));
    let ints = SharedPool::fixed(1);
    assert_eq!(format!("{:?}", ints.acquire(|| 7)), "SharedPoolBox(7)");
    let h = ints.insert(8);
    assert_eq!(format!("{:?}", ints.get(h).unwrap()), "Ref(8)");
}

#[test]
fn a_guarded_value_is_not_reachable_through_a_handle_of_its_slot() {
    let pool = SharedPool::fixed(1);
    let h = pool.insert(1);
    pool.discard(h);
    let g = pool.acquire(|| 2);
    assert!(pool.get(h).is_none());
    let h2 = g.into_handle();
    assert_eq!(h2.index(), h.index());
    assert!(pool.get(h).is_none(), "the old handle stays stale");
    assert_eq!(pool.get(h2).as_deref(), Some(&2));
}

#[test]
fn ref_keeps_a_removed_value_alive_and_the_last_ref_drops_it() {
    let drops = Drops::new();
    let pool = SharedPool::new();
    let h = pool.insert(Counted::new(1, &drops));
    let r1 = pool.get(h).unwrap();
    let r2 = pool.get(h).unwrap();
    assert!(pool.discard(h));
    assert!(pool.get(h).is_none() && !pool.contains(h));
    assert_eq!(pool.len(), 0);
    assert_eq!(drops.total(), 0, "still read");
    assert_eq!(r1.id() + r2.id(), 2);
    drop(r1);
    assert_eq!(drops.total(), 0);
    let free = pool.stats().free;
    drop(r2);
    drops.assert_exactly_once([1]);
    assert_eq!(
        pool.stats().free,
        free + 1,
        "the slot is free once the value is dropped"
    );
}

// ---------------------------------------------------------------------------------------------
// Stale and foreign handles, generations, retirement

#[test]
fn try_remove_moves_the_value_out_and_frees_the_slot() {
    let drops = Drops::new();
    let pool = SharedPool::fixed(1);
    let h = pool.insert(Counted::new(1, &drops));
    let taken = pool.try_remove(h).expect("no reader");
    assert_eq!(
        (taken.id(), drops.total()),
        (1, 0),
        "moved out, not dropped"
    );
    assert_eq!(stats(&pool), (0, 1, 1, 0));
    assert!(pool.get(h).is_none() && !pool.contains(h) && !pool.discard(h));
    assert_eq!(pool.try_remove(h).err(), Some(RemoveError::Stale));
    let h2 = pool.insert(Counted::new(2, &drops)); // the slot is reused...
    assert_eq!(h2.index(), h.index());
    assert!(
        pool.try_remove(h).is_err(),
        "...and the old handle stays stale"
    );
    drop(taken);
    drop(pool);
    drops.assert_exactly_once([1, 2]);
}

#[test]
fn a_guard_gives_its_value_out_and_frees_the_slot() {
    let drops = Drops::new();
    let pool = SharedPool::fixed(1);
    let v = pool.acquire(|| Counted::new(1, &drops)).into_inner();
    assert_eq!((v.id(), drops.total()), (1, 0));
    assert_eq!(stats(&pool), (0, 1, 1, 0));
    let h = pool.insert(Counted::new(2, &drops));
    drop(v);
    assert!(pool.discard(h));
    drops.assert_exactly_once([1, 2]);
}

#[test]
fn try_remove_refuses_while_a_ref_reads_and_changes_nothing() {
    let pool = SharedPool::fixed(2);
    let h = pool.insert(String::from("read"));
    let r = pool.get(h).unwrap();
    let err = pool.try_remove(h).unwrap_err();
    assert_eq!(err, RemoveError::Borrowed);
    assert!(err.to_string().contains("nothing changed"), "{err}");
    assert_eq!((r.as_str(), pool.len()), ("read", 1));
    assert_eq!(pool.get(h).as_deref().map(String::as_str), Some("read"));
    drop(r);
    assert_eq!(pool.try_remove(h).as_deref(), Ok("read"));
    assert!(pool.is_empty());
    // A removed value still read is stale to `take` (it belongs to its last reader).
    let h = pool.insert(String::from("gone"));
    let r = pool.get(h).unwrap();
    assert!(pool.discard(h));
    assert_eq!(pool.try_remove(h), Err(RemoveError::Stale));
    assert_eq!(r.as_str(), "gone");
}

#[test]
fn try_remove_retires_a_slot_whose_generation_runs_out() {
    let pool = SharedPool::builder()
        .capacity(1)
        .fixed()
        .max_generation(NonZeroU32::MIN)
        .build();
    let h = pool.insert(5u8);
    assert_eq!(pool.try_remove(h), Ok(5));
    assert_eq!(stats(&pool), (0, 1, 0, 1));
    assert!(pool.try_insert(6).is_err());
}

#[test]
fn stale_handle_never_reaches_the_slots_new_value() {
    let pool = SharedPool::fixed(1);
    let old = pool.insert("old");
    assert!(pool.discard(old));
    let new = pool.insert("new");
    assert_eq!(new.index(), old.index());
    assert_eq!(new.generation().get(), old.generation().get() + 1);
    assert!(pool.get(old).is_none());
    assert!(!pool.contains(old));
    assert!(
        !pool.discard(old),
        "a stale remove must not remove the new value"
    );
    assert_eq!(pool.get(new).as_deref(), Some(&"new"));
}

#[test]
fn a_slot_whose_generation_runs_out_is_retired() {
    let max = NonZeroU32::new(3).unwrap();
    let pool = SharedPool::builder()
        .capacity(1)
        .fixed()
        .max_generation(max)
        .build();
    let mut seen = Vec::new();
    for i in 0..3 {
        let h = pool.insert(i);
        seen.push(h.generation().get());
        assert!(pool.discard(h));
    }
    assert_eq!(seen, [1, 2, 3]);
    assert_eq!(
        pool.try_insert(9).unwrap_err().into_inner(),
        9,
        "retired, not reused"
    );
    assert_eq!(stats(&pool), (0, 1, 0, 1));
    // A growing pool retires the slot and uses a new one.
    let growing = SharedPool::builder()
        .capacity(1)
        .max_generation(NonZeroU32::MIN)
        .build();
    let h = growing.insert(1);
    growing.discard(h);
    let h2 = growing.insert(2);
    assert_ne!(h2.index(), h.index());
    assert_eq!(growing.stats().retired, 1);
    // Retirement through a guard and through a last `Ref` too.
    let pool = SharedPool::builder()
        .capacity(2)
        .fixed()
        .max_generation(NonZeroU32::MIN)
        .build();
    drop(pool.acquire(|| 1));
    let h = pool.insert(2);
    let r = pool.get(h).unwrap();
    pool.discard(h);
    drop(r);
    assert_eq!(stats(&pool), (0, 2, 0, 2));
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "handle from another pool")]
fn foreign_handle_is_detected_in_debug_builds() {
    let a = SharedPool::fixed(4);
    let b = SharedPool::fixed(4);
    let h = a.insert(1);
    b.insert(2);
    let _ = b.get(h);
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "handle from another pool")]
fn a_pool_handle_is_foreign_to_a_shared_pool() {
    let mut single = Pool::with_capacity(1);
    let h = single.insert(1);
    let shared = SharedPool::fixed(1);
    shared.insert(1);
    let _ = shared.contains(h);
}

#[test]
#[cfg(not(debug_assertions))]
fn foreign_handle_out_of_range_is_none_in_release_builds() {
    let big = SharedPool::fixed(100);
    let handles: Vec<Handle> = (0..100).map(|i| big.insert(i)).collect();
    let small = SharedPool::fixed(4);
    small.insert(0);
    let far = handles[99];
    assert!(small.get(far).is_none());
    assert!(!small.contains(far));
    assert!(!small.discard(far));
    let growing: SharedPool<i32> = SharedPool::with_capacity(1);
    assert!(growing.get(far).is_none(), "page not installed");
    drop(Pool::<u8>::new());
}

// ---------------------------------------------------------------------------------------------
// Drop accounting

#[test]
fn every_value_is_dropped_exactly_once() {
    let drops = Drops::new();
    let pool = SharedPool::with_capacity(2);
    let removed = pool.insert(Counted::new(0, &drops));
    let kept = pool.insert(Counted::new(1, &drops)); // grows on the next insert
    let read = pool.insert(Counted::new(2, &drops));
    assert!(pool.discard(removed));
    drops.assert_exactly_once([0]);
    let g = pool.acquire(|| Counted::new(3, &drops));
    drop(g);
    drops.assert_exactly_once([0, 3]);
    let detached = pool.acquire(|| Counted::new(4, &drops)).into_handle();
    let forgotten = pool.acquire(|| Counted::new(5, &drops));
    std::mem::forget(forgotten); // its value stays in the pool until the pool drops
    let r = pool.get(read).unwrap();
    assert!(pool.discard(read));
    std::mem::forget(r); // a forgotten reader: the removed value waits for the pool's drop
    let full = pool.try_insert(Counted::new(6, &drops));
    assert!(full.is_ok());
    drops.assert_exactly_once([0, 3]);
    assert!(pool.contains(kept) && pool.contains(detached));
    drop(pool);
    drops.assert_exactly_once(0..7);
}

#[test]
fn a_panicking_drop_leaves_the_pool_usable() {
    let drops = Drops::new();
    let pool = SharedPool::fixed(1);
    // remove
    let h = pool.insert(Counted::panicking(1, &drops));
    assert!(catch_unwind(AssertUnwindSafe(|| pool.discard(h))).is_err());
    assert_eq!(drops.of(1), 1);
    assert_eq!(stats(&pool), (0, 1, 1, 0), "slot vacated despite the panic");
    assert!(pool.get(h).is_none());
    // guard drop
    let g = pool.acquire(|| Counted::panicking(2, &drops));
    assert!(catch_unwind(AssertUnwindSafe(|| drop(g))).is_err());
    assert_eq!(stats(&pool), (0, 1, 1, 0));
    // last Ref
    let h = pool.insert(Counted::panicking(3, &drops));
    let r = pool.get(h).unwrap();
    pool.discard(h);
    assert!(catch_unwind(AssertUnwindSafe(|| drop(r))).is_err());
    assert_eq!(stats(&pool), (0, 1, 1, 0));
    // panicking init: nothing claimed
    assert!(catch_unwind(AssertUnwindSafe(
        || pool.acquire(|| -> Counted { panic!("init") })
    ))
    .is_err());
    assert_eq!(stats(&pool), (0, 1, 1, 0));
    // still usable
    let h = pool.insert(Counted::new(4, &drops));
    assert_eq!(pool.get(h).map(|r| r.id()), Some(4));
    assert_eq!(h.generation().get(), 4, "each drop moved the generation on");
    drop(pool);
    drops.assert_exactly_once(1..=4);
}

/// A value whose `Drop` panics while the pool drops: the values in later pages (including a
/// forgotten guard's) are still dropped, and every page freed.
#[test]
fn a_panicking_drop_during_pool_drop_still_drops_every_other_value() {
    let drops = Drops::new();
    let pool = SharedPool::with_capacity(1);
    pool.insert(Counted::panicking(1, &drops)); // page 0 (1 slot)
    pool.insert(Counted::new(2, &drops)); // page 1 (2 slots)
    std::mem::forget(pool.acquire(|| Counted::new(3, &drops))); // page 1
    assert_eq!(pool.stats().pages, 2);
    assert!(catch_unwind(AssertUnwindSafe(|| drop(pool))).is_err());
    drops.assert_exactly_once(1..=3);
}

// ---------------------------------------------------------------------------------------------
// Auto traits (static assertions, no trybuild: an inherent const shadows the trait's default
// exactly when the bound holds).

#[allow(dead_code)]
struct SendProbe<T: ?Sized>(PhantomData<T>);
trait SendFallback {
    const SEND: bool = false;
}
impl<T: ?Sized> SendFallback for SendProbe<T> {}
impl<T: ?Sized + Send> SendProbe<T> {
    const SEND: bool = true;
}
#[allow(dead_code)]
struct SyncProbe<T: ?Sized>(PhantomData<T>);
trait SyncFallback {
    const SYNC: bool = false;
}
impl<T: ?Sized> SyncFallback for SyncProbe<T> {}
impl<T: ?Sized + Sync> SyncProbe<T> {
    const SYNC: bool = true;
}
macro_rules! auto {
    ($t:ty) => {
        (SendProbe::<$t>::SEND, SyncProbe::<$t>::SYNC)
    };
}

/// `T: Sync` but `!Send` (a `MutexGuard`).
type SyncNotSend = MutexGuard<'static, u8>;

#[test]
fn auto_traits_follow_from_the_value_type() {
    // (Send, Sync)
    const POOL: [(bool, bool); 4] = [
        auto!(SharedPool<u8>),
        auto!(SharedPool<Cell<u8>>),
        auto!(SharedPool<Rc<u8>>),
        auto!(SharedPool<SyncNotSend>),
    ];
    assert_eq!(
        POOL,
        [(true, true), (true, false), (false, false), (false, false)]
    );
    // A guard owns its value like a Box: Send exactly when T: Send.
    const GUARD: [(bool, bool); 4] = [
        auto!(SharedPoolBox<'static, u8>),
        auto!(SharedPoolBox<'static, Cell<u8>>),
        auto!(SharedPoolBox<'static, Rc<u8>>),
        auto!(SharedPoolBox<'static, SyncNotSend>),
    ];
    assert_eq!(
        GUARD,
        [(true, true), (true, false), (false, false), (false, false)]
    );
    // A Ref shares `&T` and may drop the value: both need T: Send + Sync.
    const REF: [(bool, bool); 4] = [
        auto!(Ref<'static, u8>),
        auto!(Ref<'static, Cell<u8>>),
        auto!(Ref<'static, Rc<u8>>),
        auto!(Ref<'static, SyncNotSend>),
    ];
    assert_eq!(
        REF,
        [(true, true), (false, false), (false, false), (false, false)]
    );
    // The probe itself distinguishes (not a test that cannot fail).
    assert_eq!(auto!(Rc<u8>), (false, false));
    assert_eq!(auto!(Cell<u8>), (true, false));
}

// ---------------------------------------------------------------------------------------------
// Model test: random single-threaded programs against a HashMap.

#[derive(Clone, Debug)]
enum Op {
    Insert(u16),
    Acquire(u16, bool),
    Get(usize),
    Remove(usize),
    Take(usize),
    HoldRef(usize),
    DropRef,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u16>().prop_map(Op::Insert),
        (any::<u16>(), any::<bool>()).prop_map(|(v, keep)| Op::Acquire(v, keep)),
        any::<usize>().prop_map(Op::Get),
        any::<usize>().prop_map(Op::Remove),
        any::<usize>().prop_map(Op::Take),
        any::<usize>().prop_map(Op::HoldRef),
        Just(Op::DropRef),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: lake_tests::cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_programs_match_a_hashmap(ops in proptest::collection::vec(op(), 1..80),
                                       fixed in proptest::option::of(1usize..6)) {
        let pool = match fixed {
            Some(n) => SharedPool::fixed(n),
            None => SharedPool::with_capacity(1),
        };
        let mut model: HashMap<Handle, u16> = HashMap::new();
        let mut handles: Vec<Handle> = Vec::new(); // every handle ever made, stale ones too
        let mut refs: Vec<(Ref<'_, u16>, u16, Handle)> = Vec::new();
        let pick = |handles: &[Handle], i: usize| handles.get(i % handles.len().max(1)).copied();
        for op in ops {
            match op {
                Op::Insert(v) => match pool.try_insert(v) {
                    Ok(h) => {
                        prop_assert!(!model.contains_key(&h));
                        model.insert(h, v);
                        handles.push(h);
                    }
                    Err(full) => {
                        prop_assert_eq!(full.into_inner(), v);
                        prop_assert!(fixed.is_some());
                    }
                },
                Op::Acquire(v, keep) => {
                    if let Ok(g) = pool.try_acquire(|| v) {
                        prop_assert_eq!(*g, v);
                        if keep {
                            let h = g.into_handle();
                            model.insert(h, v);
                            handles.push(h);
                        }
                    }
                }
                Op::Get(i) => if let Some(h) = pick(&handles, i) {
                    prop_assert_eq!(pool.get(h).map(|r| *r), model.get(&h).copied());
                    prop_assert_eq!(pool.contains(h), model.contains_key(&h));
                },
                Op::Remove(i) => if let Some(h) = pick(&handles, i) {
                    prop_assert_eq!(pool.discard(h), model.remove(&h).is_some());
                },
                Op::Take(i) => if let Some(h) = pick(&handles, i) {
                    let read = refs.iter().any(|&(_, _, rh)| rh == h);
                    let expected = match model.get(&h) {
                        None => Err(RemoveError::Stale),
                        Some(_) if read => Err(RemoveError::Borrowed),
                        Some(&v) => Ok(v),
                    };
                    prop_assert_eq!(pool.try_remove(h), expected);
                    if expected.is_ok() {
                        model.remove(&h);
                    }
                },
                Op::HoldRef(i) => if let Some(h) = pick(&handles, i) {
                    if let Some(r) = pool.get(h) {
                        let v = *r;
                        refs.push((r, v, h));
                    }
                },
                Op::DropRef => { refs.pop(); }
            }
            for (r, v, _) in &refs {
                prop_assert_eq!(**r, *v, "a held Ref always reads its value");
            }
            prop_assert_eq!(pool.len(), model.len());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Multi-thread stress

#[test]
fn threads_insert_read_and_remove_with_integrity() {
    const THREADS: usize = 4;
    let rounds = scaled(2_000, 40);
    let drops = Drops::new();
    let pool: SharedPool<Counted> = SharedPool::with_capacity(4);
    let published: Mutex<Vec<Handle>> = Mutex::new(Vec::new());
    let seen_by_others = AtomicUsize::new(0);
    // Midway, every thread stops between two barriers and reads every published handle: with
    // no removal in between, the other threads' values still in their `mine` lists are live,
    // so the cross-thread read below happens however the threads are scheduled (2 cores, 4
    // threads: without it, a thread could finish before the next one starts).
    let midway = std::sync::Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (pool, drops, published, seen) = (&pool, &drops, &published, &seen_by_others);
            let midway = &midway;
            s.spawn(move || {
                let mut mine = Vec::new();
                for i in 0..rounds {
                    if i == rounds / 2 {
                        midway.wait();
                        for &o in published.lock().unwrap().iter() {
                            if pool.get(o).is_some_and(|r| r.id() / 1_000_000 != t) {
                                seen.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        midway.wait();
                    }
                    let id = t * 1_000_000 + i;
                    let h = pool.insert(Counted::new(id, drops));
                    assert_eq!(pool.get(h).map(|r| r.id()), Some(id));
                    if i % 3 == 0 {
                        published.lock().unwrap().push(h);
                    }
                    mine.push((h, id));
                    // Read some other thread's value: it is intact or gone, never another one.
                    let other = {
                        let list = published.lock().unwrap();
                        list.get((i * 7 + t) % list.len().max(1)).copied()
                    };
                    if let Some(o) = other {
                        if let Some(r) = pool.get(o) {
                            let owner = r.id() / 1_000_000;
                            if owner != t {
                                seen.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                    if i % 2 == 1 {
                        let (h, id) = mine.swap_remove(i % mine.len());
                        let r = pool.get(h).unwrap();
                        assert_eq!(r.id(), id);
                        assert!(pool.discard(h), "only the owner removes");
                        assert_eq!(r.id(), id, "still readable through the Ref");
                    }
                    if i % 5 == 0 {
                        let mut g = pool.acquire(|| Counted::new(id + 500_000, drops));
                        g.check = !g.id;
                        assert_eq!(g.id(), id + 500_000);
                    }
                }
                for (h, _) in mine {
                    assert!(pool.discard(h));
                }
            });
        }
    });
    assert_eq!(pool.len(), 0);
    let s = pool.stats();
    assert_eq!(s.free, s.capacity, "every slot free again");
    let guards = THREADS * rounds.div_ceil(5);
    assert_eq!(drops.total(), THREADS * rounds + guards);
    drops.assert_exactly_once((0..THREADS).flat_map(|t| {
        let base = t * 1_000_000;
        (0..rounds)
            .map(move |i| base + i)
            .chain((0..rounds).step_by(5).map(move |i| base + i + 500_000))
    }));
    if !cfg!(miri) {
        assert!(
            seen_by_others.load(Ordering::Relaxed) > 0,
            "threads read each other's values"
        );
    }
}

#[test]
fn guards_move_between_threads_and_drop_there() {
    let drops = Drops::new();
    let pool = SharedPool::fixed(scaled(64, 8));
    let guards: Vec<_> = (0..pool.capacity())
        .map(|i| pool.acquire(|| Counted::new(i, &drops)))
        .collect();
    assert!(pool.try_insert(Counted::new(999, &drops)).is_err());
    drops.assert_exactly_once([999]);
    std::thread::scope(|s| {
        let mut guards = guards;
        while !guards.is_empty() {
            let batch: Vec<_> = guards.drain(..guards.len().min(3)).collect();
            s.spawn(move || {
                for g in batch {
                    assert!(g.id() < 64);
                }
            });
        }
    });
    assert_eq!(pool.len(), 0);
    assert_eq!(drops.total(), pool.capacity() + 1);
}

/// Takers, removers and readers race on one value: exactly one of the takers and removers
/// wins; a taker never gets a value a reader is reading; the value is dropped once (by the
/// winning taker's thread, by the remover, or by the last reader).
#[test]
fn racing_try_removers_discarders_and_readers_hand_out_each_value_once() {
    let drops = Drops::new();
    let pool = SharedPool::fixed(4);
    let rounds = scaled(500, 20);
    for round in 0..rounds {
        let h = pool.insert(Counted::new(round, &drops));
        let won = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for t in 0..3 {
                let (pool, won) = (&pool, &won);
                s.spawn(move || {
                    if let Some(r) = pool.get(h) {
                        assert_eq!(r.id(), round);
                    }
                    let mine = if t == 0 {
                        pool.discard(h)
                    } else {
                        loop {
                            match pool.try_remove(h) {
                                Ok(v) => break v.id() == round,
                                Err(RemoveError::Stale) => break false,
                                Err(RemoveError::Borrowed) => std::hint::spin_loop(),
                                Err(e) => panic!("{e}"),
                            }
                        }
                    };
                    if mine {
                        won.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        assert_eq!(won.load(Ordering::Relaxed), 1, "exactly one winner");
        assert_eq!(drops.of(round), 1);
    }
    assert_eq!(pool.stats().free, 4);
}

#[test]
fn racing_discarders_and_readers_drop_each_value_once() {
    let drops = Drops::new();
    let pool = SharedPool::fixed(8);
    let rounds = scaled(500, 20);
    for round in 0..rounds {
        let h = pool.insert(Counted::new(round, &drops));
        let removed = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    if let Some(r) = pool.get(h) {
                        assert_eq!(r.id(), round);
                    }
                    if pool.discard(h) {
                        removed.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        assert_eq!(
            removed.load(Ordering::Relaxed),
            1,
            "exactly one remover wins"
        );
        assert_eq!(drops.of(round), 1);
    }
    assert_eq!(pool.stats().free, 8);
}

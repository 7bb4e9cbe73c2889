//! Typed pool keys (`PoolKey`, `Pooled`), `try_acquire`/`acquire_batch`, `CacheAligned` slots
//! and the per-thread `PerThreadPool`.

use std::cell::Cell;

use lake::pool::{CacheAligned, Handle, PerThreadPool, Pool, PoolKey, Pooled};
use lake::PerThreadError;
use lake_tests::expect_panic;

struct Conn {
    fd: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ConnHandle(Handle);

impl PoolKey for ConnHandle {
    fn from_handle(handle: Handle) -> Self {
        ConnHandle(handle)
    }
    fn handle(self) -> Handle {
        self.0
    }
}

impl Pooled for Conn {
    type Handle = ConnHandle;
}

#[test]
fn typed_pools_hand_out_and_take_their_own_key_type() {
    let mut pool = Pool::typed(2);
    let a: ConnHandle = pool.insert(Conn { fd: 3 });
    let b = pool.acquire(|| Conn { fd: 4 }).into_handle();
    assert_eq!(pool[a].fd + pool[b].fd, 7);
    let keys: Vec<ConnHandle> = pool.iter().map(|(k, _)| k).collect();
    assert_eq!(keys, [a, b]);
    pool.retain(|k, c| k == a && c.fd == 3);
    assert!(pool.contains(a) && !pool.contains(b));
    assert_eq!(pool.remove(a).map(|c| c.fd), Some(3));
    assert!(
        pool.get(a).is_none(),
        "stale typed keys resolve to None like handles"
    );
    // The builder route gives the same key type.
    let mut built = Pool::<Conn>::builder()
        .key::<ConnHandle>()
        .fixed()
        .capacity(1)
        .build();
    let k: ConnHandle = built.insert(Conn { fd: 9 });
    assert_eq!(built.get(k).map(|c| c.fd), Some(9));
}

#[test]
fn try_acquire_on_a_full_pool_gives_init_back_uncalled() {
    let pool = Pool::fixed(1);
    let calls = Cell::new(0);
    let a = pool.try_acquire(|| {
        calls.set(calls.get() + 1);
        1
    });
    let a = a.unwrap();
    let err = pool
        .try_acquire(|| {
            calls.set(calls.get() + 1);
            2
        })
        .unwrap_err();
    assert_eq!(calls.get(), 1, "init of a refused acquire is never called");
    drop(a);
    let b = pool.try_acquire(err.into_inner()).unwrap();
    assert_eq!((*b, calls.get()), (2, 2));
}

#[test]
fn init_can_reenter_the_pool_and_a_panicking_init_frees_its_reserved_slot() {
    let pool = Pool::fixed(2);
    // `init` acquires the pool's other slot while the outer slot is reserved.
    let outer = pool.acquire(|| {
        let inner = pool.acquire(|| 10);
        assert!(pool.try_acquire(|| 0).is_err(), "both slots are taken");
        *inner + 1
    });
    assert_eq!(*outer, 11);
    assert_eq!(pool.len(), 1, "the inner guard was dropped inside init");
    drop(outer);
    let msg = expect_panic(|| pool.acquire(|| -> i32 { panic!("init failed") }));
    assert!(msg.contains("init failed"), "{msg}");
    assert!(pool.is_empty());
    // Both slots are usable again: the reserved one went back to the free list.
    let (x, y) = (pool.acquire(|| 1), pool.acquire(|| 2));
    assert_eq!(*x + *y, 3);
}

#[test]
fn acquire_batch_returns_n_guards_and_unwinds_cleanly_when_full() {
    let pool = Pool::fixed(3);
    let guards = pool.acquire_batch(3, || String::from("x"));
    assert_eq!(guards.len(), 3);
    assert_eq!(pool.len(), 3);
    drop(guards);
    let msg = expect_panic(|| pool.acquire_batch(4, String::new));
    assert!(msg.contains("full"), "{msg}");
    assert!(
        pool.is_empty(),
        "the guards made before the panic returned their slots"
    );
    assert_eq!(pool.acquire_batch(3, String::new).len(), 3);
}

#[test]
fn cache_aligned_slots_never_share_a_line() {
    let mut pool = Pool::with_capacity(8);
    let handles = pool.insert_batch((0..8u8).map(CacheAligned::new));
    let mut addrs: Vec<usize> = handles
        .iter()
        .map(|&h| &pool[h] as *const CacheAligned<u8> as usize)
        .collect();
    assert!(addrs.iter().all(|a| a % 64 == 0), "{addrs:x?}");
    addrs.sort_unstable();
    assert!(addrs.windows(2).all(|w| w[1] - w[0] >= 64), "{addrs:x?}");
    assert_eq!(handles.iter().map(|&h| *pool[h] as u32).sum::<u32>(), 28);
}

#[test]
fn per_thread_pools_are_per_type_per_thread_and_refuse_aliasing() {
    let h = PerThreadPool::<u64>::with_mut(|pool| pool.insert(5));
    // A different type is a different pool, usable while the first is lent out.
    let (a, b) = PerThreadPool::<u64>::with(|p64| {
        let inner = PerThreadPool::<u16>::with_mut(|p16| p16.insert(1));
        (p64.get(h).copied(), inner)
    });
    assert_eq!(a, Some(5));
    assert_eq!(PerThreadPool::<u16>::try_with(|p| p[b]), Ok(1));
    // Exclusive access while lent out is an error, not aliasing.
    let busy = PerThreadPool::<u64>::with(|_| PerThreadPool::<u64>::try_with_mut(|p| p.len()));
    assert_eq!(busy, Err(PerThreadError::InUse));
    let busy = PerThreadPool::<u64>::with_mut(|_| PerThreadPool::<u64>::try_with(|p| p.len()));
    assert_eq!(busy, Err(PerThreadError::InUse));
    let busy = PerThreadPool::<u64>::with(|_| PerThreadPool::<u64>::try_install(Pool::new()));
    assert_eq!(busy.unwrap_err(), PerThreadError::InUse);
    let busy = PerThreadPool::<u64>::with(|_| lake::pool::try_with_pool(|_: &Pool<u8>| ()));
    assert_eq!(busy, Ok(()), "another type's pool is free");
    // The panicking twins panic with the error's message.
    let msg = expect_panic(|| {
        PerThreadPool::<u64>::with(|_| PerThreadPool::<u64>::with_mut(|p| p.len()))
    });
    assert!(msg.contains("in use"), "{msg}");
    // Another thread has its own, empty pool of the same type.
    let other = std::thread::spawn(|| PerThreadPool::<u64>::try_with(|p| p.len()))
        .join()
        .unwrap();
    assert_eq!(other, Ok(0));
    assert_eq!(PerThreadPool::<u64>::with(|p| p.len()), 1);
}

#[test]
fn per_thread_pool_values_are_dropped_at_thread_exit() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    struct Spy(Arc<AtomicUsize>);
    impl Drop for Spy {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let d = Arc::clone(&drops);
    std::thread::spawn(move || {
        PerThreadPool::<Spy>::with_mut(|p| {
            p.insert(Spy(Arc::clone(&d)));
            p.insert(Spy(d));
        });
    })
    .join()
    .unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

thread_local! {
    static FICKLE_CALLS: Cell<u32> = const { Cell::new(0) };
}

/// A wrong (but safe) `PoolKey`: its first `handle()` call answers its own handle, later calls
/// answer `later`'s. The pool must act on the slot it checked, whichever handle a second call
/// would give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Fickle {
    first: Handle,
    later: Option<Handle>,
}

impl PoolKey for Fickle {
    fn from_handle(handle: Handle) -> Self {
        Fickle {
            first: handle,
            later: None,
        }
    }
    fn handle(self) -> Handle {
        let n = FICKLE_CALLS.with(|c| c.replace(c.get() + 1));
        match self.later {
            Some(later) if n > 0 => later,
            _ => self.first,
        }
    }
}

#[test]
fn a_key_that_changes_its_answer_cannot_free_another_live_slot() {
    for recycling in [false, true] {
        let builder = Pool::builder().key::<Fickle>().capacity(2).fixed();
        let mut pool = if recycling {
            builder.build_recycling(4)
        } else {
            builder.build()
        };
        let a = pool.insert(vec![1u64]);
        let b = pool.insert(vec![7u64; 1000]);
        let fickle = Fickle {
            first: a.first,
            later: Some(b.first),
        };
        FICKLE_CALLS.with(|c| c.set(0));
        assert!(pool.discard(fickle), "a's value was there");
        assert!(pool.get(a).is_none(), "a's slot was the one freed");
        // A new guard takes a's slot, never b's, while `b` is borrowed.
        let r = pool.get(b).expect("b is untouched");
        let mut g = pool.acquire(Vec::new);
        *g = vec![0];
        assert_eq!((r.len(), r[999]), (1000, 7), "recycling = {recycling}");
        assert_eq!(pool.len(), 2);
    }
}

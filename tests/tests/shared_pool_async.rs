//! `SharedPool::acquire_async` (lake feature `async`; this target needs it, see
//! `tests/Cargo.toml`): FIFO service, cancellation passing a wake-up on, `close`, waker
//! updates, and a multi-thread stress in which every value is dropped exactly once.
//!
//! Run: `cargo test -p lake-tests --test shared_pool_async --features lake/async`.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;

use lake::pool::{AcquireAsync, AcquireError};
use lake::SharedPool;

/// A tiny executor: polls `f` on this thread, parking between polls.
fn block_on<F: Future>(f: F) -> F::Output {
    struct Unpark(thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let mut f = pin!(f);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        thread::park();
    }
}

/// Wakers that log their id when woken.
struct Log(Arc<Mutex<Vec<usize>>>);

impl Log {
    fn new() -> Self {
        Log(Arc::new(Mutex::new(Vec::new())))
    }

    fn waker(&self, id: usize) -> Waker {
        struct Logged(usize, Arc<Mutex<Vec<usize>>>);
        impl Wake for Logged {
            fn wake(self: Arc<Self>) {
                self.1.lock().unwrap().push(self.0);
            }
        }
        Waker::from(Arc::new(Logged(id, self.0.clone())))
    }

    fn get(&self) -> Vec<usize> {
        self.0.lock().unwrap().clone()
    }
}

fn poll<F: Future + Unpin>(f: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(waker))
}

const N: usize = if cfg!(miri) { 5 } else { 32 };

#[test]
fn many_waiters_on_a_pool_of_one_are_all_served_in_fifo_order() {
    let log = Log::new();
    let pool = SharedPool::fixed(1);
    let held = pool.acquire(|| usize::MAX);
    let wakers: Vec<Waker> = (0..N).map(|i| log.waker(i)).collect();
    let mut futs: Vec<_> = (0..N).map(|i| pool.acquire_async(move || i)).collect();
    for (f, w) in futs.iter_mut().zip(&wakers) {
        assert!(poll(f, w).is_pending());
    }
    drop(held);
    for i in 0..N {
        assert_eq!(
            log.get(),
            (0..=i).collect::<Vec<_>>(),
            "one wake per release"
        );
        let g = match poll(&mut futs[i], &wakers[i]) {
            Poll::Ready(Ok(g)) => g,
            other => panic!("waiter {i} was woken but got {:?}", other.map(|r| r.err())),
        };
        assert_eq!(*g, i);
        // Everyone behind is still waiting.
        if let Some(next) = futs.get_mut(i + 1) {
            assert!(poll(next, &wakers[i + 1]).is_pending());
        }
        drop(g); // wakes waiter i + 1
    }
    assert_eq!(log.get(), (0..N).collect::<Vec<_>>());
    assert_eq!(pool.stats().free, 1);
}

#[test]
fn a_dropped_woken_future_passes_its_wakeup_on() {
    let log = Log::new();
    let pool = SharedPool::fixed(1);
    let held = pool.acquire(|| 0);
    let wakers: Vec<Waker> = (0..3).map(|i| log.waker(i)).collect();
    let mut futs: Vec<_> = (1..=3)
        .map(|i| Some(pool.acquire_async(move || i)))
        .collect();
    for (f, w) in futs.iter_mut().zip(&wakers) {
        assert!(poll(f.as_mut().unwrap(), w).is_pending());
    }
    drop(held);
    assert_eq!(log.get(), [0]);
    futs[0] = None; // woken, never polled: cancelled
    assert_eq!(log.get(), [0, 1], "the wake-up went to the next waiter");
    let g = match poll(futs[1].as_mut().unwrap(), &wakers[1]) {
        Poll::Ready(Ok(g)) => g,
        _ => panic!("the next waiter gets the slot"),
    };
    assert_eq!(*g, 2);
    // A cancelled waiter that was never woken passes nothing on.
    let mut late = pool.acquire_async(|| 9);
    assert!(poll(&mut late, &log.waker(9)).is_pending());
    drop(late);
    assert_eq!(log.get(), [0, 1]);
    drop(g);
    assert_eq!(log.get(), [0, 1, 2]);
    assert!(
        matches!(poll(futs[2].as_mut().unwrap(), &wakers[2]), Poll::Ready(Ok(ref g)) if **g == 3)
    );
}

#[test]
fn a_woken_waiter_that_loses_to_a_barging_claim_keeps_its_place() {
    let log = Log::new();
    let pool = SharedPool::fixed(1);
    let held = pool.acquire(|| 0);
    let (w0, w1) = (log.waker(0), log.waker(1));
    let mut f0 = pool.acquire_async(|| 10);
    let mut f1 = pool.acquire_async(|| 11);
    assert!(poll(&mut f0, &w0).is_pending());
    assert!(poll(&mut f1, &w1).is_pending());
    drop(held);
    let barge = pool.try_acquire(|| 99).unwrap(); // takes the slot before f0 polls
    assert!(poll(&mut f0, &w0).is_pending());
    drop(barge);
    assert_eq!(log.get(), [0, 0], "f0 again, still ahead of f1");
    assert!(matches!(poll(&mut f0, &w0), Poll::Ready(Ok(ref g)) if **g == 10));
    assert_eq!(log.get(), [0, 0, 1]);
    assert!(matches!(poll(&mut f1, &w1), Poll::Ready(Ok(ref g)) if **g == 11));
}

#[test]
fn a_repoll_with_another_waker_is_woken_through_the_new_one() {
    let log = Log::new();
    let pool = SharedPool::fixed(1);
    let held = pool.acquire(|| 0);
    let mut f = pool.acquire_async(|| 1);
    assert!(poll(&mut f, &log.waker(0)).is_pending());
    assert!(poll(&mut f, &log.waker(1)).is_pending()); // moved to another task
    drop(held);
    assert_eq!(log.get(), [1]);
    assert!(matches!(poll(&mut f, &log.waker(1)), Poll::Ready(Ok(ref g)) if **g == 1));
}

#[test]
fn close_wakes_every_pending_waiter_with_closed() {
    let log = Log::new();
    let pool = SharedPool::fixed(1);
    let _held = pool.acquire(|| 0);
    let wakers: Vec<Waker> = (0..N).map(|i| log.waker(i)).collect();
    let mut futs: Vec<_> = (0..N).map(|i| pool.acquire_async(move || i)).collect();
    for (f, w) in futs.iter_mut().zip(&wakers) {
        assert!(poll(f, w).is_pending());
    }
    // Waiters blocked on other threads too.
    let pool = &pool;
    thread::scope(|s| {
        let blocked: Vec<_> = (0..3)
            .map(|i| s.spawn(move || block_on(pool.acquire_async(move || i)).map(|g| *g)))
            .collect();
        pool.close();
        for t in blocked {
            assert_eq!(t.join().unwrap(), Err(AcquireError::Closed));
        }
    });
    let mut woken = log.get();
    woken.sort_unstable();
    assert_eq!(woken, (0..N).collect::<Vec<_>>(), "everyone woken, once");
    for (f, w) in futs.iter_mut().zip(&wakers) {
        assert!(matches!(poll(f, w), Poll::Ready(Err(AcquireError::Closed))));
    }
    assert_eq!(
        block_on(pool.acquire_async(|| 0)).unwrap_err(),
        AcquireError::Closed
    );
}

/// A waker whose `wake` panics must not strand the other waiters: the drain that called it
/// still wakes the rest (their wake-ups were already taken from the queue).
#[test]
fn a_panicking_waker_does_not_strand_the_other_waiters() {
    struct Panicky;
    impl Wake for Panicky {
        fn wake(self: Arc<Self>) {
            panic!("this waker panics (on purpose)");
        }
    }
    let log = Log::new();
    let pool = SharedPool::fixed(1);
    let held = pool.acquire(|| 0);
    let panicky = Waker::from(Arc::new(Panicky));
    let mut a = pool.acquire_async(|| 1);
    let mut b = pool.acquire_async(|| 2);
    let mut c = pool.acquire_async(|| 3);
    assert!(poll(&mut a, &panicky).is_pending());
    assert!(poll(&mut b, &log.waker(2)).is_pending());
    assert!(poll(&mut c, &log.waker(3)).is_pending());
    let closing = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pool.close()));
    assert!(closing.is_err(), "the waker's panic reaches the caller");
    assert_eq!(log.get(), [2, 3], "the others are woken all the same");
    assert!(matches!(
        poll(&mut b, &log.waker(2)),
        Poll::Ready(Err(AcquireError::Closed))
    ));
    assert!(matches!(
        poll(&mut c, &log.waker(3)),
        Poll::Ready(Err(AcquireError::Closed))
    ));
    drop(held);
}

#[test]
fn an_empty_fixed_pool_answers_never_served() {
    let pool = SharedPool::<u8>::fixed(0);
    assert_eq!(
        block_on(pool.acquire_async(|| 1)).unwrap_err(),
        AcquireError::NeverServed
    );
}

/// Counts drops per value id.
struct Counted<'a> {
    id: usize,
    drops: &'a [AtomicUsize],
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.drops[self.id].fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn stress_four_threads_on_a_pool_of_two_every_value_dropped_once() {
    const THREADS: usize = 4;
    const ROUNDS: usize = if cfg!(miri) { 6 } else { 2000 };
    let drops: Vec<AtomicUsize> = (0..THREADS * ROUNDS).map(|_| AtomicUsize::new(0)).collect();
    let drops = &drops[..];
    let pool = SharedPool::fixed(2);
    thread::scope(|s| {
        for t in 0..THREADS {
            let pool = &pool;
            s.spawn(move || {
                let idle = Waker::from(Arc::new(Idle(AtomicBool::new(false))));
                for i in 0..ROUNDS {
                    let id = t * ROUNDS + i;
                    if i % 3 == 2 {
                        // Register and give up: cancellation under contention.
                        let mut f = pool.acquire_async(move || Counted { id, drops });
                        match poll(&mut f, &idle) {
                            Poll::Ready(r) => drop(r.unwrap()),
                            Poll::Pending => {
                                drop(f);
                                drops[id].fetch_add(1, Ordering::Relaxed); // never created
                            }
                        }
                        continue;
                    }
                    let g = block_on(pool.acquire_async(move || Counted { id, drops })).unwrap();
                    assert_eq!(g.id, id);
                    thread::yield_now(); // hold the slot a moment: others queue up
                    drop(g);
                }
            });
        }
    });
    for (id, d) in drops.iter().enumerate() {
        assert_eq!(d.load(Ordering::Relaxed), 1, "value {id}");
    }
    let s = pool.stats();
    assert_eq!((s.live, s.free), (0, 2));
}

/// A waker that only records a wake.
struct Idle(AtomicBool);

impl Wake for Idle {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[test]
fn the_future_is_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let pool = SharedPool::fixed(1);
    let f: AcquireAsync<'_, u32, _> = pool.acquire_async(|| 1);
    send_sync(&f);
    send_sync(&pool);
}

//! Loom models of the lock-free waiter queue (`waiters.rs`). Run with `.ci/loom.sh`.
//!
//! Every atomic and cell of the queue (the inbox stack, credits, the drain role and its list,
//! node states, the per-node waker cell) is loom's under `cfg(loom)`, so the models explore
//! all interleavings of the protocol; the nodes are loom `Arc`s, so a leaked node fails a
//! model. A lost wake-up leaves `block_on` parked forever, which loom reports as a deadlock.

use std::sync::Arc as StdArc;
use std::task::{Wake, Waker};

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use loom::sync::atomic::{AtomicBool, Ordering};
use loom::sync::Arc;
use loom::thread;

use super::{AcquireError, SharedPool};

/// A waker that records that it was woken.
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: StdArc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

fn flag() -> (StdArc<Flag>, Waker) {
    let f = StdArc::new(Flag(AtomicBool::new(false)));
    (f.clone(), Waker::from(f))
}

fn poll<F: Future + Unpin>(f: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(waker))
}

/// Wake-up not lost with two waiters in the queue: on a full one-slot pool, waiter A
/// (registered first, polled by hand on the main thread) and waiter B (`block_on` on another
/// thread, registering at any point). The main thread frees the slot: the credit goes to A
/// (the oldest waiting), A takes the slot and frees it, and that wakes B (or B's own retry sees
/// the slot). B always completes, whatever the interleaving of its registration with the two
/// notifications and their drains.
#[test]
fn loom_waiters_wakeup_is_not_lost_with_two_waiters() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(1));
        let g = pool.acquire(|| 0usize);
        let (woken, waker) = flag();
        let mut a = pool.acquire_async(|| 1);
        assert!(poll(&mut a, &waker).is_pending());
        let p = pool.clone();
        let t = thread::spawn(move || *loom::future::block_on(p.acquire_async(|| 2)).unwrap());
        drop(g);
        match poll(&mut a, &waker) {
            // (A's wake-up may still be on its way: the drain serving the credit can be on B's
            // thread, if B held the drain role.)
            Poll::Ready(Ok(ga)) => assert_eq!(*ga, 1),
            // B barged in with its retry before A polled: A waits for B's slot, by hand.
            Poll::Ready(Err(e)) => panic!("{e}"),
            Poll::Pending => {
                assert_eq!(t.join().unwrap(), 2);
                assert!(woken.0.load(Ordering::Acquire), "B's release woke A");
                assert!(matches!(poll(&mut a, &waker), Poll::Ready(Ok(ref g)) if **g == 1));
                return;
            }
        }
        assert_eq!(t.join().unwrap(), 2);
        assert_eq!(pool.stats().free, 1);
    });
}

/// Cancellation passes a wake-up on: waiter A (registered first, by hand) is woken by the
/// slot's release and then dropped without being polled; waiter B (`block_on` on another
/// thread) must still get the slot. Without the pass-on, B parks forever whenever it
/// registered before the release.
#[test]
fn loom_waiters_cancelled_notified_waiter_passes_the_wakeup_on() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(1));
        let g = pool.acquire(|| 0usize);
        let (woken, waker) = flag();
        let mut a = pool.acquire_async(|| 1);
        assert!(poll(&mut a, &waker).is_pending());
        let p = pool.clone();
        let t = thread::spawn(move || *loom::future::block_on(p.acquire_async(|| 2)).unwrap());
        drop(g);
        drop(a); // woken (A was the oldest waiting) but never polled: cancelled
        assert_eq!(t.join().unwrap(), 2);
        // (Whether A was woken at all depends on whether its cancellation came before the
        // drain serving the credit; either way the credit ends with B or B's own retry.)
        let _ = woken;
        assert_eq!(pool.stats().free, 1);
    });
}

/// `close` racing a registration and a waker update: the waiter polls once with one waker,
/// then waits in `block_on` (a different waker: the queue must wake the new one). `close` on
/// the main thread may land before, between or after the two registrations; the waiter always
/// ends with `Closed`, never parked.
#[test]
fn loom_waiters_close_races_register_and_waker_update() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(1));
        let _g = pool.acquire(|| 0usize);
        let p = pool.clone();
        let t = thread::spawn(move || {
            let (_woken, waker) = flag();
            let mut f = p.acquire_async(|| 1);
            match poll(&mut f, &waker) {
                Poll::Ready(r) => r.map(|g| *g),
                Poll::Pending => loom::future::block_on(f).map(|g| *g),
            }
        });
        pool.close();
        assert_eq!(t.join().unwrap(), Err(AcquireError::Closed));
    });
}

/// Two slots freed at once, on two threads, with two waiters (A, B, registered by hand): one
/// freer may find the drain role taken by the other and leave its credit to it. Both waiters
/// must be woken (the holder re-checks for work after giving the role back) and both served.
#[test]
fn loom_waiters_concurrent_releases_hand_off_the_drain() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(2));
        let g1 = pool.acquire(|| 0usize);
        let h2 = pool.insert(0); // freed by `remove` on the other thread
        let (woken_a, waker_a) = flag();
        let (woken_b, waker_b) = flag();
        let mut a = pool.acquire_async(|| 1);
        let mut b = pool.acquire_async(|| 2);
        assert!(poll(&mut a, &waker_a).is_pending());
        assert!(poll(&mut b, &waker_b).is_pending());
        let p = pool.clone();
        let t = thread::spawn(move || assert!(p.discard(h2)));
        drop(g1);
        t.join().unwrap();
        // Every drain delivers its wake-ups before returning, so both are delivered by now.
        assert!(woken_a.0.load(Ordering::Acquire), "A woken");
        assert!(woken_b.0.load(Ordering::Acquire), "B woken");
        assert!(matches!(poll(&mut a, &waker_a), Poll::Ready(Ok(ref g)) if **g == 1));
        assert!(matches!(poll(&mut b, &waker_b), Poll::Ready(Ok(ref g)) if **g == 2));
    });
}

/// A drain busy with something else (waiter A's cancellation, on the main thread) while
/// waiter B registers (thread 1) and the slot is freed (thread 2): the freer's credit may be
/// left to the busy drainer, which must take it before the inbox (else it can miss B's node
/// and drop the credit). B always completes. Three threads: run with the default preemption
/// bound of `.ci/loom.sh`.
#[test]
fn loom_waiters_busy_drain_races_register_and_release() {
    loom::model(|| {
        let pool = Arc::new(SharedPool::fixed(1));
        let h = pool.insert(0usize);
        let (_woken, waker) = flag();
        let mut a = pool.acquire_async(|| 1);
        assert!(poll(&mut a, &waker).is_pending());
        let p = pool.clone();
        let waiter = thread::spawn(move || *loom::future::block_on(p.acquire_async(|| 2)).unwrap());
        let p = pool.clone();
        let freer = thread::spawn(move || assert!(p.discard(h)));
        drop(a);
        freer.join().unwrap();
        assert_eq!(waiter.join().unwrap(), 2);
        assert_eq!(pool.stats().free, 1);
    });
}

/// The last slot retiring (its generation ran out) while a waiter registers: `notify_all`
/// wakes it, and it answers `NeverServed` instead of waiting for a slot that cannot come.
#[test]
fn loom_waiters_retirement_wakes_with_never_served() {
    loom::model(|| {
        let pool = Arc::new(
            SharedPool::builder()
                .capacity(1)
                .fixed()
                .max_generation(core::num::NonZeroU32::MIN)
                .build(),
        );
        let h = pool.insert(0usize);
        let p = pool.clone();
        let t = thread::spawn(move || loom::future::block_on(p.acquire_async(|| 1)).map(|g| *g));
        assert!(pool.discard(h)); // generation 1 was the last: the slot retires
        assert_eq!(t.join().unwrap(), Err(AcquireError::NeverServed));
    });
}

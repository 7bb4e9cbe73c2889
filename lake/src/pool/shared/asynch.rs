//! `SharedPool::acquire_async` (feature `async`): wait for a free slot of a full fixed pool.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::pool::Claim;
use super::{SharedPool, SharedPoolBox};
use crate::pool::Handle;
use crate::sync::waiters::Waiter;

/// Why [`SharedPool::acquire_async`] failed.
///
/// ```
/// let pool = lake::SharedPool::<u8>::fixed(0);
/// let err = pollster::block_on(pool.acquire_async(|| 1)).unwrap_err();
/// assert_eq!(err, lake::pool::AcquireError::NeverServed);
/// assert!(err.to_string().contains("never"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AcquireError {
    /// The pool was [closed](SharedPool::close).
    Closed,
    /// No slot can ever become free: a fixed pool with no slots, or all of whose slots are
    /// retired.
    NeverServed,
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AcquireError::Closed => "the shared pool is closed",
            AcquireError::NeverServed => {
                "the shared pool can never serve this request: it is fixed and has no usable slot"
            }
        })
    }
}

impl core::error::Error for AcquireError {}

impl<T, K> SharedPool<T, K> {
    /// Waits for a free slot (only a full fixed pool ever waits; a growing pool grows), then
    /// runs `init` and returns its value in a guard, like [`acquire`](Self::acquire).
    ///
    /// Waiters are woken in FIFO order, one per freed slot: in the order they first found the
    /// pool full, each freed slot waking the oldest waiter not already woken. A woken waiter
    /// that finds its slot taken by a barging claim (`try_acquire`, or a future's first
    /// poll) keeps its place at the front; a woken waiter dropped before taking its slot
    /// passes the wake-up to the next one. The queue takes no lock. Fails with
    /// [`AcquireError::Closed`] once the pool is [closed](Self::close) and with
    /// [`AcquireError::NeverServed`] if no slot can ever free up — never hangs on either.
    /// Works with any executor (no runtime dependency). Dropping the future cancels the wait.
    /// If `init` panics, the slot goes back to the pool.
    ///
    /// ```
    /// use lake::SharedPool;
    ///
    /// let pool = SharedPool::fixed(1);
    /// let held = pool.acquire(|| 1);
    /// std::thread::scope(|s| {
    ///     let waiter = s.spawn(|| *pollster::block_on(pool.acquire_async(|| 2)).unwrap());
    ///     std::thread::sleep(std::time::Duration::from_millis(10));
    ///     drop(held); // frees the slot and wakes the waiter
    ///     assert_eq!(waiter.join().unwrap(), 2);
    /// });
    /// ```
    pub fn acquire_async<F: FnOnce() -> T>(&self, init: F) -> AcquireAsync<'_, T, F, K> {
        AcquireAsync {
            pool: self,
            init: Some(init),
            waiter: None,
        }
    }

    /// Closes the pool for waiting: every pending and future [`acquire_async`] fails with
    /// [`AcquireError::Closed`]. The synchronous operations (`insert`, `acquire`, `get`, …)
    /// are not affected.
    ///
    /// [`acquire_async`]: Self::acquire_async
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(1);
    /// pool.close();
    /// assert!(pool.is_closed());
    /// let err = pollster::block_on(pool.acquire_async(|| 1)).unwrap_err();
    /// assert_eq!(err, lake::pool::AcquireError::Closed);
    /// assert!(pool.try_insert(1).is_ok());
    /// ```
    pub fn close(&self) {
        self.core().waiters.close();
    }

    /// Whether [`close`](Self::close) was called.
    ///
    /// ```
    /// assert!(!lake::SharedPool::<u8>::new().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.core().waiters.is_closed()
    }
}

/// The future of [`SharedPool::acquire_async`].
///
/// ```
/// let pool = lake::SharedPool::new();
/// let fut: lake::pool::AcquireAsync<'_, u8, _> = pool.acquire_async(|| 1);
/// assert_eq!(*pollster::block_on(fut).unwrap(), 1);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct AcquireAsync<'a, T, F, K = Handle> {
    pool: &'a SharedPool<T, K>,
    init: Option<F>,
    /// Our entry in the waiter queue, once registered.
    waiter: Option<Waiter>,
}

// No pin projection: `init` is moved out by value, never pinned.
impl<T, F, K> Unpin for AcquireAsync<'_, T, F, K> {}

impl<T, F, K> fmt::Debug for AcquireAsync<'_, T, F, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcquireAsync")
            .field("waiting", &self.waiter.is_some())
            .finish_non_exhaustive()
    }
}

impl<T, F, K> AcquireAsync<'_, T, F, K> {
    /// Leaves the waiter queue (served or failed).
    fn leave(&mut self) {
        if let Some(w) = self.waiter.take() {
            self.pool.core().waiters.remove(w, false);
        }
    }
}

/// Gives a claimed slot back if `init` panics.
struct Unclaim<'a, T, K> {
    pool: &'a SharedPool<T, K>,
    claim: Option<Claim<'a, T>>,
}

impl<T, K> Drop for Unclaim<'_, T, K> {
    fn drop(&mut self) {
        if let Some(c) = self.claim.take() {
            self.pool.unclaim(c);
        }
    }
}

impl<'a, T, F: FnOnce() -> T, K> Future for AcquireAsync<'a, T, F, K> {
    type Output = Result<SharedPoolBox<'a, T, K>, AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let pool = this.pool;
        let waiters = &pool.core().waiters;
        // Checked before claiming, so a misuse cannot leak a claimed slot.
        assert!(this.init.is_some(), "AcquireAsync polled after completion");
        // Try, register, try again: the second try closes the race with a slot freed between
        // the first try and the registration (see `waiters.rs`, "No lost wake-up").
        for attempt in 0..2 {
            if waiters.is_closed() {
                this.leave();
                return Poll::Ready(Err(AcquireError::Closed));
            }
            if let Some(c) = pool.claim() {
                this.leave();
                let init = this
                    .init
                    .take()
                    .expect("AcquireAsync polled after completion");
                let mut unclaim = Unclaim {
                    pool,
                    claim: Some(c),
                };
                let value = init();
                let c = unclaim.claim.take().expect("set above");
                return Poll::Ready(Ok(pool.own(c, value)));
            }
            if !pool.can_ever_serve() {
                this.leave();
                return Poll::Ready(Err(AcquireError::NeverServed));
            }
            if attempt == 0 {
                waiters.register(&mut this.waiter, cx.waker());
            }
        }
        Poll::Pending
    }
}

impl<T, F, K> Drop for AcquireAsync<'_, T, F, K> {
    fn drop(&mut self) {
        if let Some(w) = self.waiter.take() {
            // Cancelled while waiting: a wake-up meant for us goes to the next waiter.
            self.pool.core().waiters.remove(w, true);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use alloc::sync::Arc;
    use alloc::vec::Vec;
    use core::num::NonZeroU32;
    use core::task::Waker;
    use std::sync::Mutex;
    use std::task::Wake;

    /// A waker that logs its id when woken.
    struct Logged(usize, Arc<Mutex<Vec<usize>>>);

    impl Wake for Logged {
        fn wake(self: Arc<Self>) {
            self.1.lock().unwrap().push(self.0);
        }
    }

    fn poll<F: Future + Unpin>(f: &mut F, waker: &Waker) -> Poll<F::Output> {
        Pin::new(f).poll(&mut Context::from_waker(waker))
    }

    #[test]
    fn waiters_are_woken_in_fifo_order_and_cancellation_passes_the_wakeup_on() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let wakers: Vec<Waker> = (0..4)
            .map(|i| Waker::from(Arc::new(Logged(i, log.clone()))))
            .collect();
        let pool = SharedPool::fixed(1);
        let held = pool.acquire(|| 100);
        let mut futs: Vec<_> = (0..4).map(|i| pool.acquire_async(move || i)).collect();
        for (f, w) in futs.iter_mut().zip(&wakers) {
            assert!(poll(f, w).is_pending());
        }
        assert!(log.lock().unwrap().is_empty());
        drop(held);
        assert_eq!(
            *log.lock().unwrap(),
            [0],
            "the oldest waiter first, one per slot"
        );
        // Waiter 0 is cancelled after being woken: its wake-up goes to waiter 1.
        let mut rest = futs.split_off(1);
        drop(futs);
        assert_eq!(*log.lock().unwrap(), [0, 1]);
        let g1 = match poll(&mut rest[0], &wakers[1]) {
            Poll::Ready(Ok(g)) => g,
            _ => panic!("woken waiter 1 gets the slot"),
        };
        assert_eq!(*g1, 1);
        assert!(poll(&mut rest[2], &wakers[3]).is_pending(), "3 still waits");
        drop(g1);
        assert_eq!(*log.lock().unwrap(), [0, 1, 2], "then waiter 2, not 3");
        // A barging claim takes the slot before woken waiter 2 polls: 2 keeps its place.
        let barge = pool.try_acquire(|| 9).unwrap();
        assert!(poll(&mut rest[1], &wakers[2]).is_pending());
        drop(barge);
        assert_eq!(
            *log.lock().unwrap(),
            [0, 1, 2, 2],
            "2 again, still before 3"
        );
        assert!(matches!(poll(&mut rest[1], &wakers[2]), Poll::Ready(Ok(ref g)) if **g == 2));
        assert_eq!(*log.lock().unwrap(), [0, 1, 2, 2, 3]);
        assert!(matches!(poll(&mut rest[2], &wakers[3]), Poll::Ready(Ok(ref g)) if **g == 3));
    }

    #[test]
    fn close_and_impossible_requests_fail_instead_of_hanging() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let waker = Waker::from(Arc::new(Logged(7, log.clone())));
        // Closed while waiting.
        let pool = SharedPool::fixed(1);
        let _held = pool.acquire(|| 0);
        let mut f = pool.acquire_async(|| 1);
        assert!(poll(&mut f, &waker).is_pending());
        pool.close();
        assert_eq!(*log.lock().unwrap(), [7]);
        assert!(matches!(
            poll(&mut f, &waker),
            Poll::Ready(Err(AcquireError::Closed))
        ));
        // The last slot retires while a waiter waits: NeverServed.
        let pool = SharedPool::builder()
            .capacity(1)
            .fixed()
            .max_generation(NonZeroU32::MIN)
            .build();
        let held = pool.acquire(|| 0);
        let mut f = pool.acquire_async(|| 1);
        assert!(poll(&mut f, &waker).is_pending());
        drop(held); // generation 1 was the last: the slot retires and the waiter is told
        assert_eq!(*log.lock().unwrap(), [7, 7]);
        assert!(matches!(
            poll(&mut f, &waker),
            Poll::Ready(Err(AcquireError::NeverServed))
        ));
        // A growing pool never waits.
        let growing = SharedPool::with_capacity(1);
        let _a = growing.acquire(|| 0);
        assert!(matches!(
            poll(&mut growing.acquire_async(|| 1), &waker),
            Poll::Ready(Ok(_))
        ));
    }

    #[test]
    fn a_panicking_init_gives_the_slot_back() {
        let pool = SharedPool::fixed(1);
        let r = std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| {
            pollster::block_on(pool.acquire_async(|| -> u8 { panic!("init") }))
        }));
        assert!(r.is_err());
        assert_eq!(pool.stats().free, 1);
        assert_eq!(*pollster::block_on(pool.acquire_async(|| 5)).unwrap(), 5);
    }

    #[test]
    fn waiters_on_other_threads_are_all_served() {
        let pool = SharedPool::fixed(2);
        let rounds = if cfg!(miri) { 5 } else { 200 };
        std::thread::scope(|s| {
            for t in 0..4 {
                let pool = &pool;
                s.spawn(move || {
                    for i in 0..rounds {
                        let g = pollster::block_on(pool.acquire_async(|| (t, i))).unwrap();
                        assert_eq!(*g, (t, i));
                    }
                });
            }
        });
        assert_eq!(pool.stats().free, 2);
    }
}

//! `allocate_async` (feature `async`): wait for capacity in a byte arena.
//!
//! One future, [`AllocateAsync`], serves every arena kind through [`Waitable`]. It uses the
//! crate's one waiter queue, `crate::sync::waiters::Waiters`, with the protocol documented
//! there: try to claim, register, try again; a release makes its block claimable, then
//! notifies. An error other than [`ArenaError::Full`] (too large, closed) is returned at once,
//! never waited on.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::{ArenaError, Buffer};
use crate::sync::waiters::{Waiter, Waiters};

/// An arena that `allocate_async` can wait on.
pub(crate) trait Waitable: Sync {
    /// The arena's waiter queue (notified by every release).
    fn waiters(&self) -> &Waiters;

    /// Claims a buffer for `len` bytes without counting a failure in the stats: `Full` means
    /// "wait", any other error is final. Checks `closed` (a SeqCst load) before claiming.
    fn claim_for_wait(&self, len: usize) -> Result<Buffer, ArenaError>;

    /// Counts the final failure of a future (its error is returned to the caller).
    fn count_failure(&self);
}

/// The future of `allocate_async` on any byte arena: resolves to a [`Buffer`] once the arena
/// can serve the request, or to an [`ArenaError`] that waiting cannot fix
/// ([`TooLarge`](ArenaError::TooLarge), [`Closed`](ArenaError::Closed)).
///
/// Dropping it cancels the wait (a wake-up it had received passes to the next waiter).
///
/// ```
/// use lake::bytes::FixedArena;
///
/// let arena = FixedArena::builder(64, 1).build()?;
/// let fut: lake::bytes::AllocateAsync<'_> = arena.allocate_async();
/// assert_eq!(pollster::block_on(fut)?.capacity(), 64);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct AllocateAsync<'a> {
    arena: &'a dyn Waitable,
    len: usize,
    /// Our entry in the waiter queue, once registered.
    waiter: Option<Waiter>,
    done: bool,
}

impl fmt::Debug for AllocateAsync<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllocateAsync")
            .field("len", &self.len)
            .field("waiting", &self.waiter.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> AllocateAsync<'a> {
    pub(crate) fn new(arena: &'a dyn Waitable, len: usize) -> Self {
        AllocateAsync {
            arena,
            len,
            waiter: None,
            done: false,
        }
    }

    /// Leaves the waiter queue (served or failed).
    fn leave(&mut self) {
        self.done = true;
        if let Some(w) = self.waiter.take() {
            self.arena.waiters().remove(w, false);
        }
    }
}

impl Future for AllocateAsync<'_> {
    type Output = Result<Buffer, ArenaError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        assert!(!this.done, "AllocateAsync polled after completion");
        // Try, register, try again: the second try closes the race with a block released
        // between the first try and the registration (`sync/waiters.rs`, "No lost wake-up").
        for attempt in 0..2 {
            match this.arena.claim_for_wait(this.len) {
                Ok(buffer) => {
                    this.leave();
                    return Poll::Ready(Ok(buffer));
                }
                Err(ArenaError::Full { .. }) => {}
                Err(e) => {
                    this.leave();
                    this.arena.count_failure();
                    return Poll::Ready(Err(e));
                }
            }
            if attempt == 0 {
                this.arena.waiters().register(&mut this.waiter, cx.waker());
            }
        }
        Poll::Pending
    }
}

impl Drop for AllocateAsync<'_> {
    fn drop(&mut self) {
        if let Some(w) = self.waiter.take() {
            // Cancelled while waiting: a wake-up meant for us goes to the next waiter.
            self.arena.waiters().remove(w, true);
        }
    }
}

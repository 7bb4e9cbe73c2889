//! [`Recycle`]: reset a value for reuse instead of dropping it.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

/// Resets a value so a recycling pool can hand it out again, keeping its allocations.
///
/// A pool built with [`PoolBuilder::build_recycling`](crate::PoolBuilder::build_recycling)
/// calls `recycle` on values returned to it (a dropped [`PoolBox`](crate::PoolBox), or
/// [`Pool::discard`](crate::Pool::discard)) and keeps up to its cap of them for the next
/// [`Pool::acquire`](crate::Pool::acquire). The trait is safe: a wrong or panicking
/// implementation can lose a value's contents, never memory safety. If `recycle` panics, the
/// pool drops the value and frees its slot.
///
/// ```
/// use lake::{Pool, Recycle};
///
/// struct Conn { buf: Vec<u8> }
/// impl Recycle for Conn {
///     fn recycle(&mut self) { self.buf.clear() }
/// }
///
/// let pool: Pool<Conn> = Pool::builder().capacity(4).build_recycling(4);
/// let mut c = pool.acquire(|| Conn { buf: Vec::with_capacity(1024) });
/// c.buf.extend_from_slice(b"hello");
/// drop(c); // recycled, not dropped
/// let c = pool.acquire(|| unreachable!());
/// assert!(c.buf.is_empty() && c.buf.capacity() >= 1024);
/// assert_eq!(pool.stats().recycle_hits, 1);
/// ```
pub trait Recycle {
    /// Resets `self` for reuse (e.g. `clear()` buffers, keeping their capacity).
    fn recycle(&mut self);
}

impl<T> Recycle for Vec<T> {
    fn recycle(&mut self) {
        self.clear();
    }
}

impl<T> Recycle for VecDeque<T> {
    fn recycle(&mut self) {
        self.clear();
    }
}

impl Recycle for String {
    fn recycle(&mut self) {
        self.clear();
    }
}

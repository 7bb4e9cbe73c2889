//! [`CacheAligned`]: a value on its own cache line(s), for pools of hot objects.

use core::ops::{Deref, DerefMut};

use super::Recycle;

/// `T`, aligned to 64 bytes, so that in a `Pool<CacheAligned<T>>` no two values share a cache
/// line: threads that each work on their own value never contend for a line (false sharing).
///
/// Slot alignment is a property of the slot *type*, so it is chosen by wrapping the value
/// rather than by a run-time builder option (a run-time option could only be honoured with a
/// hand-computed slot stride, and an option that silently does nothing is worse than none).
/// The cost is memory: each slot is rounded up to a multiple of 64 bytes (a 64-byte value plus
/// the slot's 8-byte header takes 128).
///
/// ```
/// use lake::pool::{CacheAligned, Pool};
///
/// let mut pool = Pool::with_capacity(4);
/// let a = pool.insert(CacheAligned::new([0u64; 4]));
/// let b = pool.insert(CacheAligned::new([1u64; 4]));
/// let (pa, pb) = (&pool[a] as *const _ as usize, &pool[b] as *const _ as usize);
/// assert_eq!(pa % 64, 0);
/// assert!(pa.abs_diff(pb) >= 64);
/// assert_eq!(pool[b][0], 1); // derefs to the value
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(align(64))]
pub struct CacheAligned<T>(pub T);

impl<T> CacheAligned<T> {
    /// Wraps `value`.
    ///
    /// ```
    /// assert_eq!(lake::pool::CacheAligned::new(3).into_inner(), 3);
    /// ```
    pub const fn new(value: T) -> Self {
        CacheAligned(value)
    }

    /// The value.
    ///
    /// ```
    /// assert_eq!(lake::pool::CacheAligned::new("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for CacheAligned<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for CacheAligned<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for CacheAligned<T> {
    fn from(value: T) -> Self {
        CacheAligned(value)
    }
}

impl<T: Recycle> Recycle for CacheAligned<T> {
    fn recycle(&mut self) {
        self.0.recycle();
    }
}

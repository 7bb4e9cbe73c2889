//! [`PoolBox`]: an RAII guard owning a value in a pool slot.

use core::fmt;
use core::ops::{Deref, DerefMut};

use super::slot::{Slot, GUARDED, OCCUPIED};
use super::{Handle, Pool, PoolKey};

/// A value in a [`Pool`] slot, owned by this guard: the slot goes back to the pool (and the
/// value is dropped, or recycled by a recycling pool) when the guard is dropped.
///
/// Made by [`Pool::acquire`]. The guard borrows the pool, so it cannot outlive it, and the pool
/// cannot be mutated (`insert`, `remove`, `clear`, ...) while it lives. It is neither `Send`
/// nor `Sync`: it refers to a `!Sync` pool.
///
/// ```
/// use lake::Pool;
///
/// let pool = Pool::with_capacity(4);
/// let mut g = pool.acquire(|| vec![1, 2]);
/// g.push(3);
/// assert_eq!(*g, [1, 2, 3]);
/// assert_eq!(pool.len(), 1);
/// drop(g);
/// assert_eq!(pool.len(), 0);
/// ```
pub struct PoolBox<'a, T, K: PoolKey = Handle> {
    pool: &'a Pool<T, K>,
    slot: &'a Slot<T>,
    index: u32,
}

impl<'a, T, K: PoolKey> PoolBox<'a, T, K> {
    /// Wraps the `GUARDED` slot `index` of `pool`.
    ///
    /// # Safety
    ///
    /// `slot` is the slot at `index` of `pool`, it is `GUARDED` with an initialised value, and
    /// nothing else refers to that value: the guard derefs to it and frees the slot on drop.
    pub(crate) unsafe fn new(pool: &'a Pool<T, K>, index: u32, slot: &'a Slot<T>) -> Self {
        debug_assert_eq!(slot.link.get(), GUARDED);
        PoolBox { pool, slot, index }
    }

    /// Detaches the value into the pool: it stays there, reachable through the returned
    /// handle, until removed.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.acquire(|| 5).into_handle();
    /// assert_eq!(pool.remove(h), Some(5));
    /// ```
    pub fn into_handle(self) -> K {
        let this = core::mem::ManuallyDrop::new(self);
        this.slot.link.set(OCCUPIED);
        this.pool.handle_for(this.index, this.slot)
    }

    /// Moves the value out of the pool and frees its slot (a recycling pool does not keep
    /// it: it is yours now).
    ///
    /// ```
    /// let pool = lake::Pool::with_capacity(1);
    /// let g = pool.acquire(|| String::from("mine"));
    /// let s: String = g.into_inner();
    /// assert_eq!((s.as_str(), pool.len()), ("mine", 0));
    /// ```
    pub fn into_inner(self) -> T {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `slot` is the GUARDED slot `index`, and the guard is gone (never dropped:
        // `ManuallyDrop`), giving up all access to the value.
        unsafe { this.pool.take_guarded(this.index, this.slot) }
    }
}

impl<T, K: PoolKey> Deref for PoolBox<'_, T, K> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the slot is GUARDED while this guard lives, so its value is initialised and
        // reached only through this guard (`Pool` module docs).
        unsafe { &*self.slot.value_ptr() }
    }
}

impl<T, K: PoolKey> DerefMut for PoolBox<'_, T, K> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only reference.
        unsafe { &mut *self.slot.value_ptr() }
    }
}

impl<T, K: PoolKey> Drop for PoolBox<'_, T, K> {
    fn drop(&mut self) {
        // SAFETY: `slot` is the GUARDED slot `index`, and the guard is going away, giving up
        // all access to the value.
        unsafe { self.pool.release(self.index, self.slot) }
    }
}

impl<T: fmt::Debug, K: PoolKey> fmt::Debug for PoolBox<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PoolBox").field(&**self).finish()
    }
}

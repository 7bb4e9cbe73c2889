//! The guards of a [`SharedPool`]: [`Ref`] (a counted reader, from [`SharedPool::get`]) and
//! [`SharedPoolBox`] (the owner of a value, from [`SharedPool::acquire`]).

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

use super::page::{Page, Slot};
use super::pool::{handle, Core};
use super::state;
#[cfg(doc)]
use super::SharedPool;
use crate::pool::{Handle, PoolKey};
use crate::sync::Ordering;

/// A guard reading a value in a [`SharedPool`], from [`SharedPool::get`]. The value is not
/// dropped while a guard lives (if it is removed meanwhile, the last guard drops it).
///
/// `Send` and `Sync` when `T: Send + Sync` (the guard shares `&T`, and may drop the value).
///
/// ```
/// let pool = lake::SharedPool::new();
/// let h = pool.insert([1, 2, 3]);
/// let a = pool.get(h).unwrap();
/// let b = pool.get(h).unwrap(); // any number of readers
/// assert_eq!(a[0] + b[2], 4);
/// ```
pub struct Ref<'a, T> {
    pub(super) core: &'a Core,
    pub(super) page: &'a Page<T>,
    pub(super) slot: &'a Slot<T>,
    pub(super) offset: u32,
    /// Shares `&T` (the `Slot` alone only asks `T: Send`).
    pub(super) _reads: PhantomData<&'a T>,
}

impl<T> Deref for Ref<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard is counted in the slot's `refs` (its CAS in `get`, Acquire, saw
        // the value published), and the value is neither written nor dropped while `refs > 0`
        // (Protocol 2–3); the borrow is tied to `&self`.
        unsafe { &*self.slot.value_ptr() }
    }
}

impl<T> Drop for Ref<'_, T> {
    #[inline]
    fn drop(&mut self) {
        let mut cur = self.slot.state.load(Ordering::Relaxed);
        loop {
            let (next, last) =
                state::release_ref(cur).expect("a live Ref is counted in its slot's state");
            match self.slot.state.compare_exchange_weak(
                cur,
                next,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    if last {
                        self.core.pending.fetch_sub(1, Ordering::Relaxed);
                        let generation = state::State::unpack(cur).generation;
                        // SAFETY: our CAS moved `Removed(g, 1)` to `Owned(g)`: the value is
                        // initialised, we were its last reader (Acquire saw the others' reads
                        // finish), and `get` cannot add a reader to a non-`Occupied` word.
                        unsafe {
                            self.core
                                .drop_and_vacate(self.page, self.slot, self.offset, generation)
                        };
                    }
                    return;
                }
                Err(actual) => cur = actual,
            }
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Ref").field(&**self).finish()
    }
}

/// A value in a [`SharedPool`] slot owned by this guard, from [`SharedPool::acquire`]: the
/// value is dropped and the slot returned when the guard drops.
///
/// `Send` exactly when `T: Send` (it owns the value, like a `Box`), `Sync` when
/// `T: Send + Sync`.
///
/// ```
/// let pool = lake::SharedPool::new();
/// let mut g = pool.acquire(|| vec![1]);
/// std::thread::scope(|s| {
///     s.spawn(move || g.push(2)); // the guard moves to another thread and drops there
/// });
/// assert_eq!(pool.len(), 0);
/// ```
pub struct SharedPoolBox<'a, T, K = Handle> {
    pub(super) core: &'a Core,
    pub(super) page: &'a Page<T>,
    pub(super) slot: &'a Slot<T>,
    pub(super) index: u32,
    pub(super) offset: u32,
    pub(super) generation: u32,
    /// Owns a `T` (the `Slot` alone only asks `T: Send` for sharing; `&guard` shares `&T`).
    pub(super) _owns: PhantomData<T>,
    /// The key type `into_handle` returns.
    pub(super) _key: PhantomData<fn() -> K>,
}

impl<T, K: PoolKey> SharedPoolBox<'_, T, K> {
    /// Detaches the value into the pool: it stays, reachable through the returned handle,
    /// until removed.
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// let h = pool.acquire(|| 5).into_handle();
    /// assert_eq!(*pool.get(h).unwrap(), 5);
    /// ```
    pub fn into_handle(self) -> K {
        let this = core::mem::ManuallyDrop::new(self);
        // Release: publishes the guard's writes to readers that `get` the handle.
        this.slot
            .state
            .store(state::occupied(this.generation), Ordering::Release);
        K::from_handle(handle(this.index, this.generation, this.core))
    }

    /// Moves the value out of the pool and frees its slot.
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(1);
    /// let v: Vec<u8> = pool.acquire(|| vec![7]).into_inner();
    /// assert_eq!(v, [7]);
    /// assert!(pool.try_insert(vec![]).is_ok()); // the slot is free again
    /// ```
    pub fn into_inner(self) -> T {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: the guard owns the `Owned(generation)` slot and its initialised value, and
        // is gone (never dropped: `ManuallyDrop`), so nothing else refers to the value.
        unsafe {
            this.core
                .read_and_vacate(this.page, this.slot, this.offset, this.generation)
        }
    }
}

impl<T, K> Deref for SharedPoolBox<'_, T, K> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the slot is `Owned` by this guard (stored in `try_acquire`): initialised,
        // and reached by nothing else (`get` only reads `Occupied` slots).
        unsafe { &*self.slot.value_ptr() }
    }
}

impl<T, K> DerefMut for SharedPoolBox<'_, T, K> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only reference.
        unsafe { &mut *self.slot.value_mut_ptr() }
    }
}

impl<T, K> Drop for SharedPoolBox<'_, T, K> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the guard owns the `Owned(generation)` slot and its initialised value; the
        // guard is going away, so no reference to the value remains.
        unsafe {
            self.core
                .drop_and_vacate(self.page, self.slot, self.offset, self.generation)
        }
    }
}

impl<T: fmt::Debug, K> fmt::Debug for SharedPoolBox<'_, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedPoolBox").field(&**self).finish()
    }
}

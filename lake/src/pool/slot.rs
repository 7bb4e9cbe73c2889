//! One slot of a pool: generation, state/free-list link, and the value's storage.
//!
//! `link` encodes the state: a value below [`MAX_SLOTS`](crate::math::generation::MAX_SLOTS)
//! or [`END`] means *vacant* (and is the next free slot), the other sentinels mean occupied,
//! held by a guard, recycled (vacant but holding a recycled value) or retired.
//!
//! The value sits in its own `UnsafeCell<MaybeUninit<T>>`, per slot rather than around the
//! whole slot array: the pool hands out `&T`/`&mut T` and guards point at single slots, so
//! each value must be reachable through a shared reference to its own slot without any
//! `&mut` to the storage of the others. Nothing ever takes `&mut` of the whole storage while
//! a guard or a shared borrow of the pool exists (the `&mut self` fast paths of `Pool` run
//! only when neither can).

use core::cell::{Cell, UnsafeCell};
use core::mem::MaybeUninit;
use core::num::NonZeroU32;

/// Occupied: holds a value reachable through a handle.
pub(crate) const OCCUPIED: u32 = u32::MAX;
/// Held by a `PoolBox`: initialised, reachable only through the guard.
pub(crate) const GUARDED: u32 = u32::MAX - 1;
/// Holds a recycled value kept for the next `acquire`; not reachable through any handle.
pub(crate) const RECYCLED: u32 = u32::MAX - 2;
/// Retired: its generation ran out; uninitialised and never reused.
pub(crate) const RETIRED: u32 = u32::MAX - 3;
/// End of the free list (a vacant slot with no successor).
pub(crate) const END: u32 = u32::MAX - 4;

/// A slot. Invariant: `value` is initialised exactly when `link` is `OCCUPIED`, `GUARDED` or
/// `RECYCLED`.
pub(crate) struct Slot<T> {
    /// Kept non-zero so that a handle is built from it without a check.
    pub(crate) generation: Cell<NonZeroU32>,
    pub(crate) link: Cell<u32>,
    value: UnsafeCell<MaybeUninit<T>>,
}

impl<T> Slot<T> {
    /// A vacant slot whose free-list successor is `next`.
    pub(crate) fn vacant(next: u32, generation: NonZeroU32) -> Self {
        Slot {
            generation: Cell::new(generation),
            link: Cell::new(next),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// Whether the slot is vacant (on the free list).
    pub(crate) fn is_vacant(&self) -> bool {
        self.link.get() <= END
    }

    /// Whether the slot holds a value reachable through a handle.
    pub(crate) fn is_occupied(&self) -> bool {
        self.link.get() == OCCUPIED
    }

    /// The value's storage, through `&mut` (exclusive access to the slot).
    pub(crate) fn value_mut(&mut self) -> &mut MaybeUninit<T> {
        self.value.get_mut()
    }

    /// Pointer to the value's storage (initialised or not, per `link`). Creating it is safe;
    /// reading or writing through it is up to the caller.
    pub(crate) fn value_ptr(&self) -> *mut T {
        self.value.get().cast::<T>()
    }
}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {
        if matches!(self.link.get(), OCCUPIED | GUARDED | RECYCLED) {
            // The state says the value is initialised (struct invariant), and `&mut self`
            // means nothing else refers to it; it is dropped once because the slot itself is
            // being dropped. (A GUARDED slot here belongs to a `mem::forget`-ed guard whose
            // borrow of the pool has ended.)
            // SAFETY: initialised per the state; exclusive through `&mut self`.
            unsafe { self.value.get_mut().assume_init_drop() }
        }
    }
}

//! Slots and pages of a [`SharedPool`](super::SharedPool).
//!
//! A page is allocated once (boxed slots plus a free bitmap) and never moves or shrinks until
//! the pool drops, so `&Slot<T>` stays valid for as long as the pool is borrowed.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::mem::MaybeUninit;

use super::state;
use crate::sync::bitmap::AtomicBitmap;
use crate::sync::cell::UnsafeCell;
use crate::sync::{AtomicU64, Ordering};

/// One slot: the state word (`state.rs`) and the value's storage.
///
/// Invariant: `value` is initialised exactly when the state's tag is `Occupied`, `Removed` or
/// `Owned` — except inside the window of the one party that owns the slot (a claimer writing
/// it while still `Vacant`, an owner dropping it while still `Owned`), which no one else can
/// observe because ownership is exclusive.
pub(crate) struct Slot<T> {
    pub(crate) state: AtomicU64,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: `Slot<T>` is shared between threads (`&Slot<T>` from `&SharedPool<T>`) and, like
// `Mutex<T>`, hands its value to one thread at a time for writing, moving and dropping: the
// state word makes every write/drop exclusive (a claimed bitmap bit or the `Owned` tag, see
// `pool.rs` "Protocol"), so sharing a slot only needs the value to be movable to the thread
// that writes or drops it: `T: Send`. Shared *reads* (`&T` on several threads at once, through
// `Ref` and `SharedPoolBox`) additionally need `T: Sync`; that bound is carried by those types'
// own `PhantomData<&T>` / `PhantomData<T>` markers and by `SharedPool`'s `PhantomData<T>`, and
// the auto-trait tests in `tests/tests/shared_pool.rs` pin the result.
unsafe impl<T: Send> Sync for Slot<T> {}

impl<T> Slot<T> {
    fn new() -> Self {
        Slot {
            state: AtomicU64::new(state::fresh()),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// Moves `value` into the slot.
    ///
    /// # Safety
    /// The caller owns the slot (claimed its bitmap bit, or holds it `Owned`) and it holds no
    /// initialised value.
    #[inline]
    pub(crate) unsafe fn write(&self, value: T) {
        // SAFETY: exclusive access and an empty slot per the contract; the pointer comes from
        // the cell, so it is valid and aligned for `T`.
        self.value
            .with_mut(|p| unsafe { p.cast::<T>().write(value) })
    }

    /// Drops the value in place.
    ///
    /// # Safety
    /// The caller owns the slot (`Owned`), its value is initialised, and nothing reads it now
    /// or later (until it is written again).
    #[inline]
    pub(crate) unsafe fn drop_value(&self) {
        // SAFETY: initialised and exclusively owned per the contract.
        self.value
            .with_mut(|p| unsafe { p.cast::<T>().drop_in_place() })
    }

    /// Moves the value out.
    ///
    /// # Safety
    /// The caller owns the slot (`Owned`), its value is initialised, and nothing reads it now
    /// or later (until it is written again): the value is moved out exactly once.
    #[inline]
    pub(crate) unsafe fn read_value(&self) -> T {
        // SAFETY: initialised and exclusively owned per the contract.
        self.value.with_mut(|p| unsafe { p.cast::<T>().read() })
    }

    /// A pointer to the value for reading.
    ///
    /// Creating it is safe; dereferencing it needs the value to be initialised and not
    /// written or dropped while the reference lives (a counted `Ref`, or an owning guard).
    #[inline]
    pub(crate) fn value_ptr(&self) -> *const T {
        self.value.with(|p| p.cast::<T>())
    }

    /// A pointer to the value for writing (owning guard only; see [`Slot::value_ptr`]).
    #[inline]
    pub(crate) fn value_mut_ptr(&self) -> *mut T {
        self.value.with_mut(|p| p.cast::<T>())
    }
}

impl<T> Drop for Slot<T> {
    fn drop(&mut self) {
        // `&mut self`: the pool is being dropped, every borrow of it (guards, refs) has ended
        // (forgotten ones never give their value back, so it is still initialised here).
        if state::holds_value(self.state.load(Ordering::Relaxed)) {
            // SAFETY: the state says the value is initialised (struct invariant; no owner is
            // mid-window, since owners borrow the pool) and `&mut self` makes this the only
            // access; it is dropped once, as the slot itself goes away.
            unsafe { self.drop_value() }
        }
    }
}

/// A page: `slots.len()` slots and their free bitmap (bit set = free).
pub(crate) struct Page<T> {
    pub(crate) slots: Box<[Slot<T>]>,
    free: AtomicBitmap,
    /// The pool index of slot 0 (precomputed: a claim turns an offset into an index).
    pub(crate) start: u32,
}

impl<T> Page<T> {
    /// A page of `len` vacant slots, all free, whose slot 0 has pool index `start`.
    pub(crate) fn new(len: u32, start: u32) -> Box<Self> {
        let slots: Vec<Slot<T>> = (0..len).map(|_| Slot::new()).collect();
        Box::new(Page {
            slots: slots.into_boxed_slice(),
            free: AtomicBitmap::new(len),
            start,
        })
    }

    /// Claims a free slot, looking from bitmap word `hint % words` on: clears its bit and
    /// returns its offset; `None` if none was free. See [`AtomicBitmap::claim`]: its Acquire
    /// pairs with [`Page::release`]'s Release, so the previous owner's drop of the value and its
    /// `Vacant` state store happen before this claim.
    #[inline]
    pub(crate) fn claim(&self, hint: usize) -> Option<u32> {
        self.free.claim(hint)
    }

    /// Marks slot `offset` free again (after its state word was stored `Vacant`).
    ///
    /// # Safety
    ///
    /// The caller owns slot `offset` (it cleared its bit, or its word is `Owned` by the
    /// caller), the slot holds no value, and its word was stored `Vacant` before this call.
    /// Setting the bit hands the slot to the next claimer, who writes it: releasing a slot
    /// that still holds a value, or that another party owns, gives a live slot to a second
    /// writer.
    #[inline]
    pub(crate) unsafe fn release(&self, offset: u32) {
        self.free.release(offset);
    }

    /// Free slots now (a snapshot).
    pub(crate) fn free_slots(&self) -> usize {
        self.free.free_count()
    }
}

//! [`LakeBox`]: an owning pointer into a lake that runs its value's destructor.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};

/// A value in a lake that is dropped when the box is, like `Box<T>` whose memory comes from
/// the lake (and returns to it at the next reset). Made by [`Lake::alloc_box`](crate::Lake::alloc_box).
///
/// The box borrows the lake, so it cannot outlive it, and the lake cannot be reset while it
/// lives. `LakeBox<'_, T>` is `Send`/`Sync` exactly when `T` is.
///
/// ```
/// use std::rc::Rc;
///
/// let lake = lake::Lake::new();
/// let shared = Rc::new(());
/// let b = lake.alloc_box(Rc::clone(&shared));
/// assert_eq!(Rc::strong_count(&shared), 2);
/// drop(b);
/// assert_eq!(Rc::strong_count(&shared), 1);
/// ```
pub struct LakeBox<'a, T> {
    slot: &'a mut ManuallyDrop<T>,
    /// The box owns a `T` and drops it, which dropck must know about.
    _owns: PhantomData<T>,
}

impl<'a, T> LakeBox<'a, T> {
    /// Takes ownership of the initialised value in `slot`.
    pub(crate) fn from_slot(slot: &'a mut ManuallyDrop<T>) -> LakeBox<'a, T> {
        LakeBox {
            slot,
            _owns: PhantomData,
        }
    }

    /// Moves the value out of the lake.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let b = lake.alloc_box(String::from("out"));
    /// let s: String = lake::LakeBox::into_inner(b);
    /// assert_eq!(s, "out");
    /// ```
    pub fn into_inner(this: LakeBox<'a, T>) -> T {
        let mut this = ManuallyDrop::new(this);
        // SAFETY: the slot holds an initialised value owned by this box; `this` is never
        // dropped (`ManuallyDrop`), so the value is taken exactly once and not dropped again.
        unsafe { ManuallyDrop::take(this.slot) }
    }

    /// Gives up ownership: returns a plain reference and never runs the destructor (like
    /// `Box::leak`; the memory still returns to the lake at the next reset).
    ///
    /// ```
    /// use std::cell::Cell;
    ///
    /// struct Noisy<'a>(&'a Cell<u32>);
    /// impl Drop for Noisy<'_> {
    ///     fn drop(&mut self) { self.0.set(self.0.get() + 1) }
    /// }
    ///
    /// let drops = Cell::new(0);
    /// let lake = lake::Lake::new();
    /// let noisy: &mut Noisy = lake::LakeBox::leak(lake.alloc_box(Noisy(&drops)));
    /// assert_eq!(noisy.0.get(), 0);
    /// drop(lake);
    /// assert_eq!(drops.get(), 0); // never dropped
    /// ```
    pub fn leak(this: LakeBox<'a, T>) -> &'a mut T {
        let this = ManuallyDrop::new(this);
        // SAFETY: reading the `&mut` field out of a box that is never dropped moves the unique
        // borrow out of it; no other copy of the reference is used afterwards.
        let slot: &'a mut ManuallyDrop<T> = unsafe { core::ptr::read(&this.slot) };
        slot
    }
}

impl<T> Drop for LakeBox<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the slot holds an initialised value owned by this box, and this is the only
        // place it is dropped (`into_inner` and `leak` skip this `Drop`).
        unsafe { ManuallyDrop::drop(self.slot) }
    }
}

impl<T> Deref for LakeBox<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.slot
    }
}

impl<T> DerefMut for LakeBox<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.slot
    }
}

impl<T> AsRef<T> for LakeBox<'_, T> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T> AsMut<T> for LakeBox<'_, T> {
    fn as_mut(&mut self) -> &mut T {
        self
    }
}

impl<T: fmt::Debug> fmt::Debug for LakeBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for LakeBox<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: PartialEq> PartialEq for LakeBox<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for LakeBox<'_, T> {}

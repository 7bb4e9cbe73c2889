//! Drop lists: destructors registered by `Scope::alloc_dropping`, run newest first, exactly
//! once, when the scope or sandbox that owns the list ends.
//!
//! Each entry lives in the lake next to its value (`Dropping<T>`: a header, then the value) and
//! the entries form a linked list through their headers. The list itself lives in the scope's
//! guard or stack frame, never in the `Lake`: a lake holds no type-erased values, so `Lake: Send`
//! stays true, and a list holding `!Send` values cannot cross threads (`DropList` is `!Sync`,
//! so a `Scope`, which holds `&DropList`, is `!Send`).
//!
//! The dropck hole of type-erased drop lists (typed-arena #24, sycamore #494: a destructor that
//! reads another arena value that was dropped before it) is closed by requiring `T: 'static`: a
//! registered value cannot hold a reference into the lake at all.

use core::cell::Cell;
use core::ptr::NonNull;

use crate::error::AllocError;

use super::Lake;

/// The part of an entry the list walks.
#[repr(C)]
struct Header {
    /// The entry registered before this one.
    prev: Option<NonNull<Header>>,
    /// Drops the value of the `Dropping<T>` this header starts.
    drop_value: unsafe fn(NonNull<Header>),
}

/// An entry: header first (`repr(C)`), so a header pointer is an entry pointer.
#[repr(C)]
struct Dropping<T> {
    header: Header,
    value: T,
}

/// Drops the value of the entry whose header `header` points to.
///
/// # Safety
///
/// `header` must point to the header of a live `Dropping<T>` whose value is initialised and is
/// not used or dropped again afterwards.
unsafe fn drop_value<T>(header: NonNull<Header>) {
    let entry = header.cast::<Dropping<T>>().as_ptr();
    // SAFETY: per the contract, `entry` is a live `Dropping<T>` with an initialised value that
    // nobody uses again; `addr_of_mut!` reaches the field without a reference to the entry.
    unsafe { core::ptr::drop_in_place(core::ptr::addr_of_mut!((*entry).value)) }
}

/// The destructors registered in one scope, newest first.
#[derive(Debug, Default)]
pub(crate) struct DropList {
    head: Cell<Option<NonNull<Header>>>,
}

impl DropList {
    /// Moves `value` into `lake` and registers its destructor.
    ///
    /// # Safety
    ///
    /// `run` must be called on this list before the lake memory allocated here is reused (a
    /// rewind or reset past it), and the returned reference must not be used after `run`.
    // `&self -> &mut T` as in an arena: the value is in a fresh block no one else can reach.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn alloc<'s, T: 'static>(
        &self,
        lake: &'s Lake,
        value: T,
    ) -> Result<&'s mut T, AllocError> {
        let entry = lake.bump(core::alloc::Layout::new::<Dropping<T>>())?;
        let entry = entry.cast::<Dropping<T>>().as_ptr();
        let header = Header {
            prev: self.head.get(),
            drop_value: drop_value::<T>,
        };
        // SAFETY: `entry` is a fresh block sized and aligned for `Dropping<T>`; after the write it
        // is initialised. The header pointer and the returned reference come from the same raw
        // pointer and cover disjoint fields. The list keeps the header pointer only to drop the
        // value in `run`, after the caller has stopped using the reference (contract above).
        unsafe {
            entry.write(Dropping { header, value });
            self.head
                .set(Some(NonNull::new_unchecked(core::ptr::addr_of_mut!(
                    (*entry).header
                ))));
            Ok(&mut *core::ptr::addr_of_mut!((*entry).value))
        }
    }

    /// Moves every registered destructor to `parent`, to run (newest first, before `parent`'s
    /// own) when `parent` runs. Used when a sandbox commits inside a scope: its values and
    /// their memory live on in the parent.
    ///
    /// The caller must ensure this list's entries stay allocated until `parent` runs (they
    /// lie in the committed sandbox, inside the parent's region).
    pub(crate) fn move_into(&self, parent: &DropList) {
        let Some(newest) = self.head.take() else {
            return;
        };
        // Walk to this list's oldest entry and link it to the parent's newest one.
        let mut oldest = newest;
        // SAFETY: every header in the list starts a live entry (see `run_all`); only the
        // `prev` links are read and one is written, through the raw header pointers.
        unsafe {
            while let Some(prev) = (*oldest.as_ptr()).prev {
                oldest = prev;
            }
            (*oldest.as_ptr()).prev = parent.head.get();
        }
        parent.head.set(Some(newest));
    }

    /// Runs every registered destructor, newest first, each exactly once. If one panics, the
    /// rest still run (as the panic unwinds), as `Vec`'s drop does.
    #[inline]
    pub(crate) fn run(&self) {
        if self.head.get().is_some() {
            self.run_all();
        }
    }

    #[inline(never)]
    fn run_all(&self) {
        /// Keeps dropping the rest if a destructor unwinds.
        struct RunRest<'a>(&'a DropList);
        impl Drop for RunRest<'_> {
            fn drop(&mut self) {
                self.0.run_all();
            }
        }
        while let Some(header) = self.head.get() {
            // SAFETY: every header in the list starts a live entry (callers run the list before
            // the memory is reused); it is unlinked before its value is dropped, so it is never
            // visited twice, even if the destructor panics.
            let (prev, drop_value) =
                unsafe { ((*header.as_ptr()).prev, (*header.as_ptr()).drop_value) };
            self.head.set(prev);
            // Runs the rest of the list only if the destructor below unwinds.
            let rest = RunRest(self);
            // SAFETY: `drop_value` was registered for this entry's type; the value is initialised
            // and, unlinked above, is dropped exactly once here; its reference is no longer used
            // (the `alloc` contract).
            unsafe { drop_value(header) };
            core::mem::forget(rest);
        }
    }
}

//! Drop lists: destructors registered by `alloc_dropping`, run newest first, exactly once.
//!
//! Two lists share one mechanism: a scope's ([`DropList`], run when the scope or sandbox that
//! owns it ends) and the lake's own ([`LakeDrops`], run by `reset`, by a rewind to a point
//! before the values, and when the lake drops). Each entry lives in the lake next to its value
//! (`Dropping<T>`: a header, then the value) and the entries form a linked list through their
//! headers.
//!
//! A scope's list lives in the scope's guard or stack frame. `DropList` is `!Sync`, so a
//! `Scope`, which holds `&DropList`, is `!Send`, and a list holding `!Send` values cannot cross
//! threads. The lake's list lives in the `Lake`, which is `Send`: it accepts only `T: Send`
//! values and keeps its head in an `AtomicPtr` (accessed `Relaxed` by the one thread that owns
//! the `!Sync` lake), so `Lake: Send` still follows from its fields.
//!
//! The dropck hole of type-erased drop lists (typed-arena #24, sycamore #494: a destructor that
//! reads another arena value that was dropped before it) is closed by requiring `T: 'static`: a
//! registered value cannot hold a reference into the lake at all.
//!
//! Panics: [`drain`] runs every destructor even if some panic, then runs the caller's `finish`
//! (the rewind that gives the memory back), then re-raises the first panic, unless the thread
//! is already unwinding (a region ended by its guard during a panic), when it is swallowed so
//! the process does not abort. Without `std` there is no `catch_unwind`: the remaining
//! destructors and `finish` run from an unwind guard, so a second panicking destructor aborts.

use core::cell::Cell;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering::Relaxed};

use crate::error::AllocError;
use crate::math::keys::Key;

use super::Lake;

/// The part of an entry the list walks.
#[repr(C)]
struct Header {
    /// The entry registered before this one.
    prev: Option<NonNull<Header>>,
    /// Drops the value of the `Dropping<T>` this header starts.
    drop_value: unsafe fn(NonNull<Header>),
    /// In the lake's list, the slot of the key the entry pushed (see [`LakeDrops`]); unused
    /// (0) in a scope's list.
    slot: usize,
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

/// Moves `value` into `lake` as a new entry whose `prev` link is `prev`; returns the entry's
/// header and a pointer to the value.
///
/// # Safety
///
/// The caller links the header into a list that is drained (see [`drain`]) before the lake
/// memory allocated here is reused, and stops using the value before that.
unsafe fn new_entry<T: 'static>(
    lake: &Lake,
    prev: Option<NonNull<Header>>,
    slot: usize,
    value: T,
) -> Result<(NonNull<Header>, NonNull<T>), AllocError> {
    let entry = lake.bump(core::alloc::Layout::new::<Dropping<T>>())?;
    let entry = entry.cast::<Dropping<T>>().as_ptr();
    let header = Header {
        prev,
        drop_value: drop_value::<T>,
        slot,
    };
    // SAFETY: `entry` is a fresh block sized and aligned for `Dropping<T>`; after the write it
    // is initialised. The header pointer and the value pointer come from the same raw pointer
    // and cover disjoint fields; neither is null (they point into a lake block).
    unsafe {
        entry.write(Dropping { header, value });
        Ok((
            NonNull::new_unchecked(core::ptr::addr_of_mut!((*entry).header)),
            NonNull::new_unchecked(core::ptr::addr_of_mut!((*entry).value)),
        ))
    }
}

/// The entry registered before `header`'s.
///
/// # Safety
///
/// `header` must start a live entry.
unsafe fn prev_of(header: NonNull<Header>) -> Option<NonNull<Header>> {
    // SAFETY: per the contract the header is live; only its `prev` field is read.
    unsafe { (*header.as_ptr()).prev }
}

/// Drops the value of the entry `header` starts.
///
/// # Safety
///
/// `header` must start a live entry that has been unlinked from its list (so it is never
/// visited again) and whose value nobody uses any more.
unsafe fn drop_entry(header: NonNull<Header>) {
    // SAFETY: the header is live (contract); `drop_value` was registered for this entry's type,
    // the value is initialised, and, unlinked, it is dropped exactly once here.
    unsafe {
        let drop_value = (*header.as_ptr()).drop_value;
        drop_value(header);
    }
}

/// Runs the destructor of every entry `next` hands out (`next` unlinks each before returning
/// it), then `finish`, on every path: if destructors panic, the rest still run and `finish`
/// still runs, and then the first panic is re-raised (or, if the thread is already unwinding,
/// dropped, since raising it would abort).
///
/// # Safety
///
/// Every header `next` returns must start a live, unlinked entry whose value nobody uses any
/// more.
#[cfg(feature = "std")]
unsafe fn drain(mut next: impl FnMut() -> Option<NonNull<Header>>, finish: impl FnOnce()) {
    use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
    let mut first_panic = None;
    while let Some(header) = next() {
        // SAFETY: forwarded from this function's contract. Unwind safety: after a panic the
        // entry is already unlinked and nothing observes its value again.
        let dropped = catch_unwind(AssertUnwindSafe(|| unsafe { drop_entry(header) }));
        if let Err(payload) = dropped {
            if first_panic.is_none() {
                first_panic = Some(payload);
            }
        }
    }
    finish();
    if let Some(payload) = first_panic {
        if !std::thread::panicking() {
            resume_unwind(payload);
        }
    }
}

/// Without `std`: the same contract, with the rest of the list and `finish` run from an unwind
/// guard (a second panicking destructor then aborts).
///
/// # Safety
///
/// As for the `std` version.
#[cfg(not(feature = "std"))]
unsafe fn drain(mut next: impl FnMut() -> Option<NonNull<Header>>, finish: impl FnOnce()) {
    /// Drops what is left and runs `finish`: after the loop below, or while it unwinds.
    struct Rest<'a, N: FnMut() -> Option<NonNull<Header>>, F: FnOnce()> {
        next: &'a mut N,
        finish: Option<F>,
    }
    impl<N: FnMut() -> Option<NonNull<Header>>, F: FnOnce()> Drop for Rest<'_, N, F> {
        fn drop(&mut self) {
            while let Some(header) = (self.next)() {
                // SAFETY: the contract of the `drain` call that made this guard.
                unsafe { drop_entry(header) };
            }
            if let Some(finish) = self.finish.take() {
                finish();
            }
        }
    }
    let rest = Rest {
        next: &mut next,
        finish: Some(finish),
    };
    while let Some(header) = (rest.next)() {
        // SAFETY: forwarded from this function's contract.
        unsafe { drop_entry(header) };
    }
    drop(rest);
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
    /// `run_then` must be called on this list before the lake memory allocated here is reused
    /// (a rewind or reset past it), and the returned reference must not be used after that.
    // `&self -> &mut T` as in an arena: the value is in a fresh block no one else can reach.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn alloc<'s, T: 'static>(
        &self,
        lake: &'s Lake,
        value: T,
    ) -> Result<&'s mut T, AllocError> {
        // SAFETY: the header is linked in below; the caller runs this list before the memory
        // is reused and stops using the value before that (this function's contract).
        let (header, value) = unsafe { new_entry(lake, self.head.get(), 0, value)? };
        self.head.set(Some(header));
        // SAFETY: a fresh, initialised value no one else can reach, used until the list runs.
        Ok(unsafe { &mut *value.as_ptr() })
    }

    /// Whether no destructor is registered.
    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        self.head.get().is_none()
    }

    /// Moves every registered destructor to `parent`, to run (newest first, before `parent`'s
    /// own) when `parent` runs. Used when a sandbox commits inside a scope: its values and
    /// their memory live on in the parent.
    ///
    /// # Safety
    ///
    /// This list's entries stay allocated until `parent` runs (they lie in the committed
    /// sandbox, inside the parent's region).
    pub(crate) unsafe fn move_into(&self, parent: &DropList) {
        let Some(newest) = self.head.take() else {
            return;
        };
        // Walk to this list's oldest entry and link it to the parent's newest one.
        let mut oldest = newest;
        // SAFETY: every header in the list starts a live entry (entries stay allocated until
        // the list runs); only the `prev` links are read and one is written, through the raw
        // header pointers.
        unsafe {
            while let Some(prev) = prev_of(oldest) {
                oldest = prev;
            }
            (*oldest.as_ptr()).prev = parent.head.get();
        }
        parent.head.set(Some(newest));
    }

    /// Runs every registered destructor, newest first, each exactly once, then `finish`, on
    /// every path (see [`drain`]): if destructors panic, the rest and `finish` still run, then
    /// the first panic propagates (unless the thread is already unwinding).
    ///
    /// # Safety
    ///
    /// No reference to a registered value is used any more (the scope that made them ended).
    #[inline(never)]
    pub(crate) unsafe fn run_then(&self, finish: impl FnOnce()) {
        let next = || {
            let header = self.head.get()?;
            // SAFETY: every header in the list starts a live entry (the `alloc` contract).
            self.head.set(unsafe { prev_of(header) });
            Some(header)
        };
        // SAFETY: `next` unlinks each entry before returning it; the values are no longer used
        // (this function's contract).
        unsafe { drain(next, finish) }
    }
}

/// The lake's own drop list (`Lake::alloc_dropping`).
///
/// Each entry pushes a private key on the lake's key stack and records its slot. That orders
/// entries against checkpoints with no field of their own: a rewind pops the keys from some
/// slot up (a snapshot's or mark's slot + 1, a scope's recorded depth), and the entries to drop
/// are exactly those whose slot is at or above it. It also keeps the fast rewinds free of any
/// drop-list test: an entry made since a checkpoint is a key made since it, which they already
/// check for.
#[derive(Debug, Default)]
pub(crate) struct LakeDrops {
    /// Newest entry, or null. An `AtomicPtr` (always `Relaxed`, on the lake's one thread) so
    /// that `Lake: Send` follows from its fields; every value in the list is `Send`.
    head: AtomicPtr<Header>,
}

impl LakeDrops {
    /// Whether no destructor is registered.
    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        self.head.load(Relaxed).is_null()
    }

    /// Moves `value` into `lake` and registers its destructor on this list, tagged with the
    /// key slot `slot` the caller pushed for it.
    ///
    /// # Safety
    ///
    /// `self` must be `lake`'s own list. It must be drained (see [`LakeDrops::drain_from`])
    /// from a slot at or below `slot` before the memory allocated here is reused, and the
    /// returned reference must not be used after its entry is drained.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn alloc<'l, T: Send + 'static>(
        &self,
        lake: &'l Lake,
        slot: usize,
        value: T,
    ) -> Result<&'l mut T, AllocError> {
        let prev = NonNull::new(self.head.load(Relaxed));
        // SAFETY: the header is linked in below; the list is drained before the memory is
        // reused and the value is not used after that (this function's contract).
        let (header, value) = unsafe { new_entry(lake, prev, slot, value)? };
        self.head.store(header.as_ptr(), Relaxed);
        // SAFETY: a fresh, initialised value no one else can reach, used until it is drained.
        Ok(unsafe { &mut *value.as_ptr() })
    }

    /// Whether the newest entry's slot is at or above `slot`: a rewind popping the keys from
    /// `slot` up has values to drop.
    #[inline]
    pub(crate) fn has_from(&self, slot: usize) -> bool {
        // SAFETY: every header in the list starts a live entry (entries are unlinked before
        // their memory is reused, the `alloc` contract).
        NonNull::new(self.head.load(Relaxed)).is_some_and(|h| unsafe { slot_of(h) } >= slot)
    }

    /// Drops the values whose slot is at or above `slot`, newest first, each exactly once, then
    /// runs `finish`, on every path (see [`drain`]). Values a destructor registers meanwhile
    /// (slots above the ones dropped) are dropped too; values below `slot` never are.
    ///
    /// # Safety
    ///
    /// Nothing uses the values whose slot is at or above `slot` any more.
    #[inline(never)]
    pub(crate) unsafe fn drain_from(&self, slot: usize, finish: impl FnOnce()) {
        let next = || {
            if !self.has_from(slot) {
                return None;
            }
            let header = NonNull::new(self.head.load(Relaxed))?;
            // SAFETY: `has_from` found a live entry at the head.
            let prev = unsafe { prev_of(header) };
            self.head
                .store(prev.map_or(core::ptr::null_mut(), NonNull::as_ptr), Relaxed);
            Some(header)
        };
        // SAFETY: `next` unlinks each entry before returning it; the caller guarantees their
        // values are no longer used.
        unsafe { drain(next, finish) }
    }
}

/// The key slot recorded in the lake-list entry `header` starts.
///
/// # Safety
///
/// `header` must start a live entry.
unsafe fn slot_of(header: NonNull<Header>) -> usize {
    // SAFETY: per the contract the header is live; only its `slot` field is read.
    unsafe { (*header.as_ptr()).slot }
}

// `&self -> &mut T` as in an arena: every call gets a fresh block (see `Lake::bump`).
#[allow(clippy::mut_from_ref)]
impl Lake {
    /// Moves `value` into the lake and registers its destructor, which runs when the memory is
    /// given back: by [`reset`](Lake::reset), by a rewind to a snapshot or mark taken before
    /// it ([`rewind`](Lake::rewind), [`reset_to_mark`](Lake::reset_to_mark),
    /// [`reset_to`](Lake::reset_to)), by the end of a scope it was registered in, or when the
    /// lake drops. Destructors run newest first, each exactly once; if one panics, the others
    /// still run and the memory is still given back, then the panic propagates.
    ///
    /// `T: 'static` keeps a destructor from reading another lake value that was dropped before
    /// it (the typed-arena #24 / sycamore #494 hole); `T: Send` keeps `Lake: Send`.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow; see [`try_alloc_dropping`](Lake::try_alloc_dropping).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let shared = Arc::new(());
    /// let mut lake = lake::Lake::new();
    /// let before = lake.snapshot();
    /// let v: &mut Vec<Arc<()>> = lake.alloc_dropping(vec![Arc::clone(&shared)]);
    /// v.push(Arc::clone(&shared));
    /// assert_eq!(Arc::strong_count(&shared), 3);
    /// lake.rewind(&before).unwrap(); // drops the Vec
    /// assert_eq!(Arc::strong_count(&shared), 1);
    /// ```
    #[track_caller]
    pub fn alloc_dropping<T: Send + 'static>(&self, value: T) -> &mut T {
        self.try_alloc_dropping(value).unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`alloc_dropping`](Lake::alloc_dropping); on failure `value` is dropped.
    ///
    /// ```
    /// let lake = lake::Lake::fixed(8);
    /// assert!(lake.try_alloc_dropping(String::from("too big")).is_err());
    /// ```
    pub fn try_alloc_dropping<T: Send + 'static>(&self, value: T) -> Result<&mut T, AllocError> {
        // The entry's key: rewinds past it pop it, which is how they find the entry.
        let key = self
            .chunks
            .borrow_mut()
            .keys
            .push()
            .ok_or(AllocError::OutOfMemory {
                requested: core::mem::size_of::<Key>(),
            })?;
        // SAFETY: `self.drops` is this lake's list. It is drained from the entry's slot before
        // the memory is reused: `reset` and the lake's drop drain it all, and every rewind
        // (snapshots, marks, `reset_to`, scope and sandbox ends) whose target is before this
        // call pops the key pushed above and drains the entries from the popped slots first.
        // The reference borrows the lake, so it ends before `reset`, `rewind` or the drop
        // (`&mut self`); `reset_to`'s contract covers the `&self` rewind.
        unsafe { self.drops.alloc(self, key.depth, value) }
    }
}

/// `Lake` stays `Send` with a drop list of `Send` values.
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Lake>();
};

#[cfg(test)]
mod tests {
    extern crate std;

    use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::Arc;

    use crate::Lake;

    /// Counts its drops; panics in `Drop` when asked to.
    struct Noisy(Arc<AtomicUsize>, bool);

    impl Drop for Noisy {
        fn drop(&mut self) {
            self.0.fetch_add(1, Relaxed);
            if self.1 {
                panic!("destructor panicked");
            }
        }
    }

    /// The same guarantee with and without `std` (`cargo test -p lake --no-default-features
    /// --lib drop_list`): one panicking destructor, the others still run, the memory is given
    /// back, the panic propagates.
    #[test]
    fn one_panicking_destructor_keeps_neither_the_others_nor_the_memory() {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut lake = Lake::new();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut guard = lake.scope_guard();
            let s = guard.scope();
            s.alloc_slice_copy(&[0u8; 500]);
            s.alloc_dropping(Noisy(Arc::clone(&drops), false));
            s.alloc_dropping(Noisy(Arc::clone(&drops), true));
            s.alloc_dropping(Noisy(Arc::clone(&drops), false));
        }));
        assert!(result.is_err());
        assert_eq!(drops.load(Relaxed), 3);
        assert_eq!(lake.stats().used, 0);

        let snap = lake.snapshot();
        lake.alloc_dropping(Noisy(Arc::clone(&drops), false));
        lake.alloc_dropping(Noisy(Arc::clone(&drops), true));
        lake.alloc_slice_copy(&[0u8; 500]);
        assert!(catch_unwind(AssertUnwindSafe(|| lake.rewind(&snap))).is_err());
        assert_eq!(drops.load(Relaxed), 5);
        assert_eq!(lake.stats().used, 0);

        lake.alloc_dropping(Noisy(Arc::clone(&drops), true));
        assert!(catch_unwind(AssertUnwindSafe(|| lake.reset())).is_err());
        assert_eq!(drops.load(Relaxed), 6);
        assert_eq!(lake.stats().used, 0);
    }
}

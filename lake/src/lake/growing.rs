//! A growable run of `T` in a lake: the engine behind `alloc_iter` (unknown or untrusted
//! lengths), `alloc_slice_fill_with` and `alloc_fmt`. It grows in place while it is the last
//! allocation and drops what it holds if a panic unwinds through it.

use core::mem::{size_of, ManuallyDrop};
use core::ptr::NonNull;

use crate::error::AllocError;

use super::typed::{array_layout, RawLake};
use super::Lake;

/// `len` initialised values followed by `cap - len` reserved slots, in one block of any lake.
pub(crate) struct Growing<'a, T, L: RawLake + ?Sized = Lake> {
    lake: &'a L,
    ptr: NonNull<T>,
    len: usize,
    cap: usize,
}

impl<'a, T, L: RawLake + ?Sized> Growing<'a, T, L> {
    /// Reserves room for `cap` values.
    pub(crate) fn with_capacity(lake: &'a L, cap: usize) -> Result<Self, AllocError> {
        if size_of::<T>() == 0 {
            return Ok(Growing {
                lake,
                ptr: NonNull::dangling(),
                len: 0,
                cap: usize::MAX,
            });
        }
        if cap == 0 {
            // Nothing to reserve yet: the first push takes a block.
            return Ok(Growing {
                lake,
                ptr: NonNull::dangling(),
                len: 0,
                cap: 0,
            });
        }
        let ptr = lake.raw_bump(array_layout::<T>(cap)?)?.cast::<T>();
        Ok(Growing {
            lake,
            ptr,
            len: 0,
            cap,
        })
    }

    /// Appends a value, growing the block if it is full.
    #[inline]
    pub(crate) fn push(&mut self, value: T) -> Result<(), AllocError> {
        if self.len == self.cap {
            self.reserve(1)?;
        }
        // SAFETY: `len < cap` (checked or just reserved), so slot `len` lies inside the block of
        // `cap` values that `ptr` points to (for a ZST any aligned pointer is valid), and it is
        // not initialised yet, so writing does not leak or overwrite a value.
        unsafe { self.ptr.add(self.len).write(value) };
        self.len += 1;
        Ok(())
    }

    /// Makes room for at least `extra` more values: in place if this block is the lake's last
    /// allocation, otherwise by moving the values to a new block.
    fn reserve(&mut self, extra: usize) -> Result<(), AllocError> {
        let needed = self
            .len
            .checked_add(extra)
            .ok_or(AllocError::InvalidLayout {
                elem_size: size_of::<T>(),
                len: usize::MAX,
                align: core::mem::align_of::<T>(),
            })?;
        if needed <= self.cap {
            return Ok(());
        }
        // Doubling keeps pushes amortised O(1); near the end of a fixed lake or a limit the
        // exact size may still fit where the doubled one does not, so it is tried second.
        let doubled = needed.max(self.cap.saturating_mul(2)).max(4);
        let candidates = [doubled, needed];
        let old_bytes = self.cap * size_of::<T>();
        if self.cap > 0 {
            for cap in candidates {
                let Ok(layout) = array_layout::<T>(cap) else {
                    continue;
                };
                // SAFETY: `ptr` is this run's block of `old_bytes` bytes, which it owns; growing
                // keeps every byte it uses.
                if unsafe {
                    self.lake
                        .raw_resize_in_place(self.ptr.cast(), old_bytes, layout.size())
                } {
                    self.cap = cap;
                    return Ok(());
                }
            }
        }
        let mut failure = None;
        for cap in candidates {
            let fresh = match array_layout::<T>(cap).and_then(|layout| self.lake.raw_bump(layout)) {
                Ok(block) => block.cast::<T>(),
                Err(e) => {
                    failure = Some(e);
                    continue;
                }
            };
            // SAFETY: the old block holds `len` initialised values; `fresh` is a new block of
            // `cap >= len` slots, disjoint from the old one. The values are moved (bitwise), and
            // the old slots are never read again: `ptr` now points at `fresh`.
            unsafe { core::ptr::copy_nonoverlapping(self.ptr.as_ptr(), fresh.as_ptr(), self.len) };
            if old_bytes > 0 {
                // SAFETY: the old block is this run's, and it is not used again (`ptr` moves).
                unsafe { self.lake.raw_free_last(self.ptr.cast(), old_bytes) };
            }
            self.ptr = fresh;
            self.cap = cap;
            return Ok(());
        }
        Err(failure.unwrap_or(AllocError::OutOfMemory {
            requested: usize::MAX,
        }))
    }

    /// Number of values pushed so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Hands the values out as a slice living as long as the lake borrow, returning unused
    /// reserved bytes to the lake when the block is its last allocation.
    pub(crate) fn into_slice(self) -> &'a mut [T] {
        let values = self.into_raw();
        // SAFETY: `into_raw` returns `len` initialised values in a block of the lake, which is
        // borrowed for `'a` (blocks stay valid while it is: `RawLake`), owned by no one else.
        unsafe { &mut *values.as_ptr() }
    }

    /// Hands the values out as a raw slice, their sole owner, returning unused reserved bytes
    /// to the lake when the block is its last allocation. The block stays valid as long as the
    /// lake's blocks do (for a `LocalLake`, longer than the borrow of the handle).
    pub(crate) fn into_raw(self) -> NonNull<[T]> {
        let this = ManuallyDrop::new(self);
        if size_of::<T>() != 0 && this.cap > this.len {
            let elem = size_of::<T>();
            if this.len == 0 {
                // Nothing was written: give the whole reservation back (if it is still last) and
                // hand out an empty slice that points at no lake memory.
                // SAFETY: the block is this run's and is not used again.
                unsafe { this.lake.raw_free_last(this.ptr.cast(), this.cap * elem) };
                return NonNull::slice_from_raw_parts(NonNull::dangling(), 0);
            }
            // SAFETY: the block is this run's; the bytes past `len` values are not used again.
            unsafe {
                this.lake
                    .raw_resize_in_place(this.ptr.cast(), this.cap * elem, this.len * elem)
            };
        }
        // `ManuallyDrop` keeps `Drop` from destroying the values, so the caller owns them.
        NonNull::slice_from_raw_parts(this.ptr, this.len)
    }
}

impl<T: Copy, L: RawLake + ?Sized> Growing<'_, T, L> {
    /// Appends a copy of `values`.
    pub(crate) fn extend_from_slice(&mut self, values: &[T]) -> Result<(), AllocError> {
        self.reserve(values.len())?;
        // SAFETY: `reserve` guarantees `len + values.len() <= cap`, so the destination slots are
        // inside this block and uninitialised; `values` cannot overlap them because this block
        // is exclusively owned by `self`.
        unsafe {
            core::ptr::copy_nonoverlapping(
                values.as_ptr(),
                self.ptr.as_ptr().add(self.len),
                values.len(),
            )
        };
        self.len += values.len();
        Ok(())
    }
}

impl<T, L: RawLake + ?Sized> Drop for Growing<'_, T, L> {
    /// Runs only when a fill is abandoned (an error, or a panic in user code): drops the values
    /// pushed so far, then gives the block back if it is still the lake's last allocation.
    fn drop(&mut self) {
        let values = core::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len);
        // Forget the values first, so that a panicking destructor cannot make us drop twice.
        self.len = 0;
        // SAFETY: the slice covers exactly the initialised values, which nothing else owns.
        unsafe { core::ptr::drop_in_place(values) };
        if size_of::<T>() != 0 && self.cap > 0 {
            // SAFETY: the block is this run's; its values were dropped above and it is not
            // used again.
            unsafe {
                self.lake
                    .raw_free_last(self.ptr.cast(), self.cap * size_of::<T>())
            };
        }
    }
}

//! The typed allocation functions of [`SyncLake`](super::SyncLake) and
//! [`LocalLake`](super::LocalLake), written once over [`RawLake`].

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::error::AllocError;

/// The three primitives the typed functions and the `Allocator` impls are built from.
pub(crate) trait RawLake {
    /// A fresh block for `layout`: valid for reads and writes of `layout.size()` bytes,
    /// aligned, disjoint from every other live block, valid for the lifetime the implementor's
    /// typed functions return.
    fn raw_bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError>;
    /// Gives back the block if it is the last one; returns whether it did. The caller owns the
    /// block and does not use it afterwards.
    fn raw_free_last(&self, ptr: NonNull<u8>, size: usize) -> bool;
    /// Resizes the block in place if it is the last one and there is room; returns whether it
    /// did. The caller owns the block.
    fn raw_resize_in_place(&self, ptr: NonNull<u8>, old: usize, new: usize) -> bool;
}

/// The layout of `[T; len]`, or the error that says why there is none.
pub(super) fn array_layout<T>(len: usize) -> Result<Layout, AllocError> {
    Layout::array::<T>(len).map_err(|_| AllocError::InvalidLayout {
        elem_size: core::mem::size_of::<T>(),
        len,
        align: core::mem::align_of::<T>(),
    })
}

/// Moves `value` into `slot` and returns the only reference to it.
///
/// # Safety
///
/// `slot` is a block from [`RawLake::raw_bump`] for `Layout::new::<T>()` that stays valid for
/// `'a` (the lifetime the calling typed function returns).
#[inline(always)]
pub(super) unsafe fn write_value<'a, T>(slot: NonNull<u8>, value: T) -> &'a mut T {
    let slot = slot.cast::<T>();
    // SAFETY: the caller guarantees a fresh, writable, aligned block for one `T`, valid for
    // `'a`; after the write it holds an initialised `T`, and this is the only reference to it.
    unsafe {
        slot.as_ptr().write(value);
        &mut *slot.as_ptr()
    }
}

/// Writes `f(0), f(1), …` into `len` slots and returns them as a slice. If `f` panics, the
/// values written so far are leaked (the lake never drops values), never read.
///
/// # Safety
///
/// `slot` is a block from [`RawLake::raw_bump`] for `Layout::array::<T>(len)`, valid for `'a`.
#[inline]
pub(super) unsafe fn fill_slice<'a, T>(
    slot: NonNull<u8>,
    len: usize,
    mut f: impl FnMut(usize) -> T,
) -> &'a mut [T] {
    let slot = slot.cast::<T>();
    for i in 0..len {
        let value = f(i);
        // SAFETY: `i < len` and the block holds `len` aligned `T`s (caller contract).
        unsafe { slot.as_ptr().add(i).write(value) };
    }
    // SAFETY: all `len` elements were initialised above; the block is valid for `'a` and
    // nothing else refers to it.
    unsafe { core::slice::from_raw_parts_mut(slot.as_ptr(), len) }
}

/// Copies `src` into `slot` and returns the only reference to the copy.
///
/// # Safety
///
/// `slot` is a block from [`RawLake::raw_bump`] for `Layout::for_value(src)`, valid for `'a`.
#[inline(always)]
pub(super) unsafe fn copy_slice<'a, T: Copy>(slot: NonNull<u8>, src: &[T]) -> &'a mut [T] {
    let dst = slot.cast::<T>();
    // SAFETY: the block is valid for `src.len()` aligned `T`s and fresh, so it cannot overlap
    // `src`; `T: Copy`, so the bitwise copy is a valid value; it is valid for `'a`.
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_ptr(), src.len());
        core::slice::from_raw_parts_mut(dst.as_ptr(), src.len())
    }
}

/// Generates the typed allocation functions in an `impl` block of a [`RawLake`] type.
/// `$lt` is the lifetime of the returned references (`'_` ties them to `&self`); `$setup` is
/// the first lines of every doc example, which bind `lake`.
macro_rules! typed_api {
    ($lt:lifetime, $setup:literal) => {
        /// Moves `value` into the lake and returns a mutable reference to it. The value is
        /// never dropped.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow (out of memory); see the `try_` twin.
        ///
        #[doc = concat!("```\n", $setup, "let n = lake.alloc(41);\n*n += 1;\nassert_eq!(*n, 42);\n```")]
        #[inline(always)]
        #[track_caller]
        pub fn alloc<T>(&self, value: T) -> &$lt mut T {
            match self.try_alloc(value) {
                Ok(slot) => slot,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc`: on failure `value` is dropped and the error returned.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(*lake.try_alloc(7u32).unwrap(), 7);\n```")]
        #[inline(always)]
        pub fn try_alloc<T>(&self, value: T) -> Result<&$lt mut T, $crate::AllocError> {
            let slot = $crate::lake::shared::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::new::<T>(),
            )?;
            // SAFETY: a fresh block for one `T`, valid for the returned lifetime (`RawLake`).
            Ok(unsafe { $crate::lake::shared::typed::write_value(slot, value) })
        }

        /// Reserves room for a `T`, then calls `f` and writes its result there (large values
        /// are built in place). If `f` panics, the reserved bytes are merely unused.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow, or if `f` panics.
        ///
        #[doc = concat!("```\n", $setup, "let table = lake.alloc_with(|| [7u8; 4096]);\nassert!(table.iter().all(|&b| b == 7));\n```")]
        #[inline(always)]
        #[track_caller]
        pub fn alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> &$lt mut T {
            match self.try_alloc_with(f) {
                Ok(slot) => slot,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_with`: `f` is not called if there is no room.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(*lake.try_alloc_with(|| 5u8).unwrap(), 5);\n```")]
        #[inline(always)]
        pub fn try_alloc_with<T, F: FnOnce() -> T>(
            &self,
            f: F,
        ) -> Result<&$lt mut T, $crate::AllocError> {
            let slot = $crate::lake::shared::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::new::<T>(),
            )?;
            // SAFETY: as in `try_alloc`; if `f` panics nothing was written and no reference
            // to the block exists.
            Ok(unsafe { $crate::lake::shared::typed::write_value(slot, f()) })
        }

        /// Allocates a `T` whose bytes are all zero (`T: Zeroable` makes that a valid `T`).
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\n", $setup, "let counters: &mut [u64; 16] = lake.alloc_zeroed();\nassert_eq!(counters, &[0; 16]);\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_zeroed<T: bytemuck::Zeroable>(&self) -> &$lt mut T {
            match self.try_alloc_zeroed() {
                Ok(slot) => slot,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_zeroed`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(*lake.try_alloc_zeroed::<u64>().unwrap(), 0);\n```")]
        #[inline]
        pub fn try_alloc_zeroed<T: bytemuck::Zeroable>(
            &self,
        ) -> Result<&$lt mut T, $crate::AllocError> {
            self.try_alloc(<T as bytemuck::Zeroable>::zeroed())
        }

        /// Copies a slice into the lake.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\n", $setup, "let s = lake.alloc_slice_copy(&[1u16, 2, 3]);\ns[0] = 9;\nassert_eq!(s, &[9, 2, 3]);\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &$lt mut [T] {
            match self.try_alloc_slice_copy(src) {
                Ok(slot) => slot,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_slice_copy`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_slice_copy(b\"abc\").unwrap(), b\"abc\");\n```")]
        #[inline]
        pub fn try_alloc_slice_copy<T: Copy>(
            &self,
            src: &[T],
        ) -> Result<&$lt mut [T], $crate::AllocError> {
            let slot = $crate::lake::shared::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::for_value(src),
            )?;
            // SAFETY: a fresh block for `src`'s layout, valid for the returned lifetime.
            Ok(unsafe { $crate::lake::shared::typed::copy_slice(slot, src) })
        }

        /// Allocates `len` values made by `f(0), f(1), …`. If `f` panics, the values made so
        /// far are leaked, like every value in a lake.
        ///
        /// # Panics
        ///
        /// If the layout is invalid, the lake cannot grow, or `f` panics.
        ///
        #[doc = concat!("```\n", $setup, "let squares = lake.alloc_slice_fill_with(4, |i| i * i);\nassert_eq!(squares, &[0, 1, 4, 9]);\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_slice_fill_with<T, F: FnMut(usize) -> T>(
            &self,
            len: usize,
            f: F,
        ) -> &$lt mut [T] {
            match self.try_alloc_slice_fill_with(len, f) {
                Ok(slot) => slot,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_slice_fill_with`: `f` is not called if there is no room.
        ///
        #[doc = concat!("```\n", $setup, "assert!(lake.try_alloc_slice_fill_with(usize::MAX, |_| 0u64).is_err());\n```")]
        #[inline]
        pub fn try_alloc_slice_fill_with<T, F: FnMut(usize) -> T>(
            &self,
            len: usize,
            f: F,
        ) -> Result<&$lt mut [T], $crate::AllocError> {
            let layout = $crate::lake::shared::typed::array_layout::<T>(len)?;
            let slot = $crate::lake::shared::typed::RawLake::raw_bump(self, layout)?;
            // SAFETY: a fresh block for `[T; len]`, valid for the returned lifetime.
            Ok(unsafe { $crate::lake::shared::typed::fill_slice(slot, len, f) })
        }

        /// Copies a string into the lake.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\n", $setup, "let s = lake.alloc_str(\"hello\");\ns.make_ascii_uppercase();\nassert_eq!(s, \"HELLO\");\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_str(&self, src: &str) -> &$lt mut str {
            match self.try_alloc_str(src) {
                Ok(slot) => slot,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_str`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_str(\"hi\").unwrap(), \"hi\");\n```")]
        #[inline]
        pub fn try_alloc_str(&self, src: &str) -> Result<&$lt mut str, $crate::AllocError> {
            let bytes = self.try_alloc_slice_copy(src.as_bytes())?;
            // SAFETY: the bytes are an exact copy of a `&str`, so they are valid UTF-8.
            Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
        }

        /// Reserves raw, uninitialised bytes for `layout`. Writing and reading them is up to the
        /// caller (and needs `unsafe`); the block stays valid until the shared lake is reset
        /// or dropped.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\nuse core::alloc::Layout;\n", $setup, "let block = lake.alloc_layout(Layout::from_size_align(64, 64).unwrap());\nassert_eq!(block.as_ptr() as usize % 64, 0);\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_layout(&self, layout: core::alloc::Layout) -> core::ptr::NonNull<u8> {
            match self.try_alloc_layout(layout) {
                Ok(block) => block,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_layout`.
        ///
        #[doc = concat!("```\nuse core::alloc::Layout;\n", $setup, "assert!(lake.try_alloc_layout(Layout::new::<[u8; 32]>()).is_ok());\n```")]
        #[inline]
        pub fn try_alloc_layout(
            &self,
            layout: core::alloc::Layout,
        ) -> Result<core::ptr::NonNull<u8>, $crate::AllocError> {
            $crate::lake::shared::typed::RawLake::raw_bump(self, layout)
        }
    };
}
pub(super) use typed_api;

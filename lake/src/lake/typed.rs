//! One allocation vocabulary for every lake: the [`RawLake`] primitives, the typed helpers
//! built on them (one copy of each), and [`typed_api!`], which writes the whole `alloc*` /
//! `try_alloc*` method set into the `impl` block of [`Lake`](super::Lake),
//! [`SyncLake`](super::SyncLake) and [`LocalLake`](super::LocalLake).

use core::alloc::Layout;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ptr::NonNull;

use bytemuck::Zeroable;

use crate::error::AllocError;

use super::growing::Growing;

/// The primitives the typed functions, [`Growing`] and the `Allocator` impls are built from.
pub(crate) trait RawLake {
    /// A fresh block for `layout`: valid for reads and writes of `layout.size()` bytes,
    /// aligned, disjoint from every other live block, valid for the lifetime the implementor's
    /// typed functions return.
    fn raw_bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError>;

    /// [`RawLake::raw_bump`] for the infallible functions: panics with the error's message.
    /// A lake may override it with a fast path whose cold path panics itself (no error value
    /// on the caller's stack).
    #[inline(always)]
    #[track_caller]
    fn raw_bump_or_panic(&self, layout: Layout) -> NonNull<u8> {
        match self.raw_bump(layout) {
            Ok(block) => block,
            Err(e) => e.panic(),
        }
    }

    /// Gives back the block at `ptr` of `size` bytes if it is the last one; returns whether it
    /// did. A block that is not last stays reserved.
    ///
    /// # Safety
    ///
    /// `ptr` and `size` describe a block this lake handed out (or a zero-sized one), which the
    /// caller owns and does not use again after the call.
    unsafe fn raw_free_last(&self, ptr: NonNull<u8>, size: usize) -> bool;

    /// Resizes the block at `ptr` from `old` to `new` bytes in place if it is the last one and
    /// there is room; returns whether it did. On `true` the block is `new` bytes long.
    ///
    /// # Safety
    ///
    /// `ptr` and `old` describe a block this lake handed out, which the caller owns; after a
    /// shrink the caller does not use the bytes past `new`.
    unsafe fn raw_resize_in_place(&self, ptr: NonNull<u8>, old: usize, new: usize) -> bool;
}

/// The layout of `[T; len]`, or the error that says why there is none.
pub(crate) fn array_layout<T>(len: usize) -> Result<Layout, AllocError> {
    Layout::array::<T>(len).map_err(|_| AllocError::InvalidLayout {
        elem_size: core::mem::size_of::<T>(),
        len,
        align: core::mem::align_of::<T>(),
    })
}

/// A non-null pointer aligned to `align`, valid for zero-sized accesses only.
pub(crate) fn dangling(align: usize) -> NonNull<u8> {
    NonNull::new(core::ptr::without_provenance_mut(align)).unwrap_or(NonNull::dangling())
}

/// Moves `value` into `slot` and returns the only reference to it.
///
/// # Safety
///
/// `slot` is a block from [`RawLake::raw_bump`] for `Layout::new::<T>()` that stays valid for
/// `'a` (the lifetime the calling typed function returns).
#[inline(always)]
pub(crate) unsafe fn write_value<'a, T>(slot: NonNull<u8>, value: T) -> &'a mut T {
    let slot = slot.cast::<T>();
    // SAFETY: the caller guarantees a fresh, writable, aligned block for one `T`, valid for
    // `'a`; after the write it holds an initialised `T`, and this is the only reference to it.
    unsafe {
        slot.as_ptr().write(value);
        &mut *slot.as_ptr()
    }
}

/// Zeroes `slot` as one `T` and returns the only reference to it.
///
/// # Safety
///
/// As for [`write_value`].
#[inline(always)]
pub(crate) unsafe fn zero_value<'a, T: Zeroable>(slot: NonNull<u8>) -> &'a mut T {
    let slot = slot.cast::<T>();
    // SAFETY: the block is valid for writes of one `T` and aligned (caller contract); after
    // zeroing it holds a valid `T` because `T: Zeroable` promises all-zero bytes are one.
    unsafe {
        slot.as_ptr().write_bytes(0, 1);
        &mut *slot.as_ptr()
    }
}

/// Zeroes `slot` as `len` values of `T` and returns the only reference to them.
///
/// # Safety
///
/// `slot` is a block from [`RawLake::raw_bump`] for `Layout::array::<T>(len)`, valid for `'a`.
#[inline(always)]
pub(crate) unsafe fn zero_slice<'a, T: Zeroable>(slot: NonNull<u8>, len: usize) -> &'a mut [T] {
    let dst = slot.cast::<T>();
    // SAFETY: the block is valid for writes of `len` values of `T` and aligned for `T`;
    // after zeroing, each is a valid `T` because `T: Zeroable`.
    unsafe {
        dst.as_ptr().write_bytes(0, len);
        core::slice::from_raw_parts_mut(dst.as_ptr(), len)
    }
}

/// Copies `src` into `slot` and returns the only reference to the copy.
///
/// # Safety
///
/// `slot` is a block from [`RawLake::raw_bump`] for `Layout::for_value(src)`, valid for `'a`.
#[inline(always)]
pub(crate) unsafe fn copy_slice<'a, T: Copy>(slot: NonNull<u8>, src: &[T]) -> &'a mut [T] {
    let dst = slot.cast::<T>();
    // SAFETY: the block is valid for `src.len()` aligned `T`s and fresh, so it cannot overlap
    // `src`; `T: Copy`, so the bitwise copy is a valid value; it is valid for `'a`.
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_ptr(), src.len());
        core::slice::from_raw_parts_mut(dst.as_ptr(), src.len())
    }
}

/// Moves `value` into `slot` for a [`LakeBox`](super::LakeBox).
///
/// # Safety
///
/// As for [`write_value`].
#[inline(always)]
pub(crate) unsafe fn box_slot<'a, T>(slot: NonNull<u8>, value: T) -> &'a mut ManuallyDrop<T> {
    // SAFETY: `ManuallyDrop<T>` has `T`'s layout; the rest is `write_value`'s contract.
    unsafe { write_value(slot, ManuallyDrop::new(value)) }
}

/// `len` values `f(0), f(1), …` in a block of `lake`. If `f` panics, the values made so far
/// are dropped and the block is given back if it is still the last one.
pub(crate) fn fill_with<L: RawLake + ?Sized, T>(
    lake: &L,
    len: usize,
    mut f: impl FnMut(usize) -> T,
) -> Result<NonNull<[T]>, AllocError> {
    let mut run = Growing::with_capacity(lake, len)?;
    for i in 0..len {
        run.push(f(i))?;
    }
    Ok(run.into_raw())
}

/// The items of `iter` in a block of `lake`. Exact-size iterators fill a block of the right
/// size; others (or ones whose size hint is wrong) grow their block, in place while it is the
/// last one. On failure or a panic the items collected so far are dropped.
pub(crate) fn collect<L: RawLake + ?Sized, I: IntoIterator>(
    lake: &L,
    iter: I,
) -> Result<NonNull<[I::Item]>, AllocError> {
    let iter = iter.into_iter();
    // The size hint's lower bound is only a hint: if reserving it fails, collect anyway and
    // fail only when an item actually does not fit.
    let mut run = match Growing::with_capacity(lake, iter.size_hint().0) {
        Ok(run) => run,
        Err(_) => Growing::with_capacity(lake, 0)?,
    };
    for item in iter {
        run.push(item)?;
    }
    Ok(run.into_raw())
}

/// Formats `args` into a block of `lake`; the text grows in place while it is the last block.
///
/// # Panics
///
/// If a formatting trait implementation returns an error on its own (as `format!` does);
/// allocation failures are returned as `Err`.
///
/// The bytes returned are valid UTF-8: every byte came from a `&str` passed to `write_str`,
/// appended whole and in order.
pub(crate) fn format<L: RawLake + ?Sized>(
    lake: &L,
    args: fmt::Arguments<'_>,
) -> Result<NonNull<[u8]>, AllocError> {
    struct Writer<'a, L: RawLake + ?Sized> {
        text: Growing<'a, u8, L>,
        failure: Option<AllocError>,
    }
    impl<L: RawLake + ?Sized> fmt::Write for Writer<'_, L> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.text.extend_from_slice(s.as_bytes()).map_err(|e| {
                self.failure = Some(e);
                fmt::Error
            })
        }
    }
    let mut writer = Writer {
        text: Growing::with_capacity(lake, 0)?,
        failure: None,
    };
    let formatted = fmt::write(&mut writer, args);
    // An allocation failure is reported even if a `Display` impl swallowed the error it got
    // from the writer: the text would be missing a piece.
    if let Some(e) = writer.failure {
        return Err(e);
    }
    if formatted.is_err() {
        panic!("a formatting trait implementation returned an error");
    }
    Ok(writer.text.into_raw())
}

/// Writes the whole allocation method set into an `impl` block of a [`RawLake`] type.
///
/// `$lt` is the lifetime of the returned references (`'_` ties them to `&self`); `$setup` is
/// the first lines of every doc example, which bind `lake`. Every lake gets the same methods
/// from here; `tests/tests/lake_vocabulary.rs` fails if a lake (or `Scope`) has an `alloc*`
/// method the others lack.
macro_rules! typed_api {
    ($lt:lifetime, $setup:literal) => {
        /// Moves `value` into the lake and returns a mutable reference to it.
        ///
        /// The value is **never dropped**; use `alloc_box` for values that own resources.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow; see the `try_` twin.
        ///
        #[doc = concat!("```\n", $setup, "let n = lake.alloc(41);\n*n += 1;\nassert_eq!(*n, 42);\n```")]
        #[inline(always)]
        #[track_caller]
        pub fn alloc<T>(&self, value: T) -> &$lt mut T {
            let slot = $crate::lake::typed::RawLake::raw_bump_or_panic(
                self,
                core::alloc::Layout::new::<T>(),
            );
            // SAFETY: a fresh block for one `T`, valid for the returned lifetime (`RawLake`).
            unsafe { $crate::lake::typed::write_value(slot, value) }
        }

        /// Fallible `alloc`: on failure `value` is dropped and the error returned.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(*lake.try_alloc(7u32).unwrap(), 7);\nassert!(lake.try_alloc([0u8; 1 << 20]).is_ok());\n```")]
        #[inline(always)]
        pub fn try_alloc<T>(&self, value: T) -> Result<&$lt mut T, $crate::AllocError> {
            let slot = $crate::lake::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::new::<T>(),
            )?;
            // SAFETY: a fresh block for one `T`, valid for the returned lifetime (`RawLake`).
            Ok(unsafe { $crate::lake::typed::write_value(slot, value) })
        }

        /// Reserves room for a `T`, then calls `f` and writes its result there, so large
        /// values can be built in place. If `f` panics, the reserved bytes are merely unused.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow, or if `f` panics.
        ///
        #[doc = concat!("```\n", $setup, "let table = lake.alloc_with(|| [7u8; 4096]);\nassert!(table.iter().all(|&b| b == 7));\n```")]
        #[inline(always)]
        #[track_caller]
        pub fn alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> &$lt mut T {
            let slot = $crate::lake::typed::RawLake::raw_bump_or_panic(
                self,
                core::alloc::Layout::new::<T>(),
            );
            // SAFETY: as in `alloc`; if `f` panics nothing was written and no reference to
            // the block exists, so it is merely wasted.
            unsafe { $crate::lake::typed::write_value(slot, f()) }
        }

        /// Fallible `alloc_with`: `f` is not called if there is no room.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(*lake.try_alloc_with(|| 5u8).unwrap(), 5);\n```")]
        #[inline(always)]
        pub fn try_alloc_with<T, F: FnOnce() -> T>(
            &self,
            f: F,
        ) -> Result<&$lt mut T, $crate::AllocError> {
            let slot = $crate::lake::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::new::<T>(),
            )?;
            // SAFETY: as in `alloc_with`.
            Ok(unsafe { $crate::lake::typed::write_value(slot, f()) })
        }

        /// Allocates a `T` whose bytes are all zero; `T: Zeroable` guarantees that is a valid
        /// `T`. Nothing is built on the stack first.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\n", $setup, "let counters: &mut [u64; 16] = lake.alloc_zeroed();\nassert_eq!(counters, &[0; 16]);\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_zeroed<T: bytemuck::Zeroable>(&self) -> &$lt mut T {
            let slot = $crate::lake::typed::RawLake::raw_bump_or_panic(
                self,
                core::alloc::Layout::new::<T>(),
            );
            // SAFETY: a fresh block for one `T`, valid for the returned lifetime (`RawLake`).
            unsafe { $crate::lake::typed::zero_value(slot) }
        }

        /// Fallible `alloc_zeroed`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(*lake.try_alloc_zeroed::<u64>().unwrap(), 0);\n```")]
        #[inline]
        pub fn try_alloc_zeroed<T: bytemuck::Zeroable>(
            &self,
        ) -> Result<&$lt mut T, $crate::AllocError> {
            let slot = $crate::lake::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::new::<T>(),
            )?;
            // SAFETY: a fresh block for one `T`, valid for the returned lifetime (`RawLake`).
            Ok(unsafe { $crate::lake::typed::zero_value(slot) })
        }

        /// Copies a slice into the lake.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\n", $setup, "let bytes = lake.alloc_slice_copy(b\"GET / HTTP/1.1\");\nbytes[0..3].copy_from_slice(b\"PUT\");\nassert_eq!(bytes, b\"PUT / HTTP/1.1\");\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &$lt mut [T] {
            let slot = $crate::lake::typed::RawLake::raw_bump_or_panic(
                self,
                core::alloc::Layout::for_value(src),
            );
            // SAFETY: a fresh block laid out like `src`, valid for the returned lifetime.
            unsafe { $crate::lake::typed::copy_slice(slot, src) }
        }

        /// Fallible `alloc_slice_copy`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_slice_copy(b\"abc\").unwrap(), b\"abc\");\n```")]
        #[inline]
        pub fn try_alloc_slice_copy<T: Copy>(
            &self,
            src: &[T],
        ) -> Result<&$lt mut [T], $crate::AllocError> {
            let slot = $crate::lake::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::for_value(src),
            )?;
            // SAFETY: a fresh block laid out like `src`, valid for the returned lifetime.
            Ok(unsafe { $crate::lake::typed::copy_slice(slot, src) })
        }

        /// Clones a slice into the lake. If a `clone` panics, the clones made so far are
        /// dropped. (The clones themselves are never dropped, like every value in a lake.)
        ///
        /// # Panics
        ///
        /// If the lake cannot grow, or if a `clone` panics.
        ///
        #[doc = concat!("```\n#[derive(Clone, Debug, PartialEq)]\nstruct Token<'s> { text: &'s str, line: u32 }\n\n", $setup, "let tokens = [Token { text: \"let\", line: 1 }, Token { text: \"x\", line: 1 }];\nlet copy = lake.alloc_slice_clone(&tokens);\ncopy[1].line = 2;\nassert_eq!(copy[0], tokens[0]);\nassert_ne!(copy[1], tokens[1]);\n```")]
        #[track_caller]
        pub fn alloc_slice_clone<T: Clone>(&self, src: &[T]) -> &$lt mut [T] {
            match self.try_alloc_slice_clone(src) {
                Ok(slice) => slice,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_slice_clone`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_slice_clone(&[1, 2]).unwrap(), &[1, 2]);\n```")]
        pub fn try_alloc_slice_clone<T: Clone>(
            &self,
            src: &[T],
        ) -> Result<&$lt mut [T], $crate::AllocError> {
            self.try_alloc_slice_fill_with(src.len(), |i| src[i].clone())
        }

        /// Allocates a slice of `len` values, the `i`-th being `f(i)`. If `f` panics, the
        /// values made so far are dropped and the lake stays consistent.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow or `len × size_of::<T>()` overflows, or if `f` panics.
        ///
        #[doc = concat!("```\n", $setup, "let squares = lake.alloc_slice_fill_with(5, |i| i * i);\nassert_eq!(squares, &[0, 1, 4, 9, 16]);\n```")]
        #[track_caller]
        pub fn alloc_slice_fill_with<T, F: FnMut(usize) -> T>(
            &self,
            len: usize,
            f: F,
        ) -> &$lt mut [T] {
            match self.try_alloc_slice_fill_with(len, f) {
                Ok(slice) => slice,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_slice_fill_with`: `f` is not called if there is no room.
        ///
        #[doc = concat!("```\nuse lake::AllocError;\n", $setup, "let err = lake.try_alloc_slice_fill_with(usize::MAX, |_| 0u64).unwrap_err();\nassert!(matches!(err, AllocError::InvalidLayout { .. }));\n```")]
        pub fn try_alloc_slice_fill_with<T, F: FnMut(usize) -> T>(
            &self,
            len: usize,
            f: F,
        ) -> Result<&$lt mut [T], $crate::AllocError> {
            let slice = $crate::lake::typed::fill_with(self, len, f)?;
            // SAFETY: `fill_with` returns `len` initialised values in a block of this lake,
            // valid for the returned lifetime (`RawLake`), owned by no one else.
            Ok(unsafe { &mut *slice.as_ptr() })
        }

        /// Allocates a slice of `len` all-zero values; `T: Zeroable` makes that a valid `[T]`.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow or `len × size_of::<T>()` overflows.
        ///
        #[doc = concat!("```\n", $setup, "let buf = lake.alloc_slice_zeroed::<u8>(1500);\nassert!(buf.iter().all(|&b| b == 0));\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_slice_zeroed<T: bytemuck::Zeroable>(&self, len: usize) -> &$lt mut [T] {
            match self.try_alloc_slice_zeroed(len) {
                Ok(slice) => slice,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_slice_zeroed`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_slice_zeroed::<u32>(4).unwrap(), &[0; 4]);\nassert!(lake.try_alloc_slice_zeroed::<u64>(usize::MAX).is_err());\n```")]
        #[inline]
        pub fn try_alloc_slice_zeroed<T: bytemuck::Zeroable>(
            &self,
            len: usize,
        ) -> Result<&$lt mut [T], $crate::AllocError> {
            let layout = $crate::lake::typed::array_layout::<T>(len)?;
            let slot = $crate::lake::typed::RawLake::raw_bump(self, layout)?;
            // SAFETY: a fresh block for `[T; len]`, valid for the returned lifetime.
            Ok(unsafe { $crate::lake::typed::zero_slice(slot, len) })
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
            let bytes = self.alloc_slice_copy(src.as_bytes());
            // SAFETY: the bytes are an exact copy of a `str`, hence valid UTF-8.
            unsafe { core::str::from_utf8_unchecked_mut(bytes) }
        }

        /// Fallible `alloc_str`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_str(\"hi\").unwrap(), \"hi\");\n```")]
        #[inline]
        pub fn try_alloc_str(&self, src: &str) -> Result<&$lt mut str, $crate::AllocError> {
            let bytes = self.try_alloc_slice_copy(src.as_bytes())?;
            // SAFETY: the bytes are an exact copy of a `str`, hence valid UTF-8.
            Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
        }

        /// Formats text straight into the lake (like `format!`, without a heap `String`). The
        /// text grows in place while it is the lake's last allocation.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow, or if a formatting trait implementation returns an error
        /// (as `format!` does).
        ///
        #[doc = concat!("```\n", $setup, "let n = 7;\nlet line = lake.alloc_fmt(format_args!(\"{n} packets, {:.1}% loss\", 0.25));\nassert_eq!(line, \"7 packets, 0.2% loss\");\n```")]
        #[track_caller]
        pub fn alloc_fmt(&self, args: core::fmt::Arguments<'_>) -> &$lt mut str {
            match self.try_alloc_fmt(args) {
                Ok(s) => s,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_fmt`.
        ///
        /// # Panics
        ///
        /// If a formatting trait implementation returns an error on its own (as `format!`
        /// does); allocation failures are returned as `Err`.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_fmt(format_args!(\"{}\", 12)).unwrap(), \"12\");\n```")]
        pub fn try_alloc_fmt(
            &self,
            args: core::fmt::Arguments<'_>,
        ) -> Result<&$lt mut str, $crate::AllocError> {
            if let Some(literal) = args.as_str() {
                return self.try_alloc_str(literal);
            }
            let text = $crate::lake::typed::format(self, args)?;
            // SAFETY: `format` returns initialised bytes of valid UTF-8 in a block of this
            // lake, valid for the returned lifetime (`RawLake`), owned by no one else.
            Ok(unsafe { core::str::from_utf8_unchecked_mut(&mut *text.as_ptr()) })
        }

        /// Collects an iterator into a slice in the lake. Exact-size iterators fill a block of
        /// the right size; others (or ones whose size hint is wrong) grow their block, in place
        /// while it is the last allocation. If the iterator panics, the items collected so far
        /// are dropped.
        ///
        /// Memory: a collection of unknown length grows by doubling; when it must move
        /// (something else was allocated after it, or its chunk is full) the old copy stays in
        /// the lake until the next reset, so it may need up to about twice its final size.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow, or if the iterator panics.
        ///
        #[doc = concat!("```\n", $setup, "let evens = lake.alloc_iter((0..10).filter(|n| n % 2 == 0));\nassert_eq!(evens, &[0, 2, 4, 6, 8]);\n```")]
        #[track_caller]
        pub fn alloc_iter<I: IntoIterator>(&self, iter: I) -> &$lt mut [I::Item] {
            match self.try_alloc_iter(iter) {
                Ok(slice) => slice,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_iter`; on failure the items collected so far are dropped.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(lake.try_alloc_iter(0u32..4).unwrap(), &[0, 1, 2, 3]);\n```")]
        pub fn try_alloc_iter<I: IntoIterator>(
            &self,
            iter: I,
        ) -> Result<&$lt mut [I::Item], $crate::AllocError> {
            let items = $crate::lake::typed::collect(self, iter)?;
            // SAFETY: `collect` returns initialised items in a block of this lake, valid for the
            // returned lifetime (`RawLake`), owned by no one else.
            Ok(unsafe { &mut *items.as_ptr() })
        }

        /// Reserves an uninitialised block for `layout` and returns its start. Writing to it
        /// and reading back what was written is up to the caller (and needs `unsafe`); the
        /// block is valid until the lake is reset or dropped.
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\nuse core::alloc::Layout;\n", $setup, "let block = lake.alloc_layout(Layout::from_size_align(64, 64).unwrap());\nassert_eq!(block.as_ptr() as usize % 64, 0);\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_layout(&self, layout: core::alloc::Layout) -> core::ptr::NonNull<u8> {
            $crate::lake::typed::RawLake::raw_bump_or_panic(self, layout)
        }

        /// Fallible `alloc_layout`.
        ///
        #[doc = concat!("```\nuse core::alloc::Layout;\n", $setup, "assert!(lake.try_alloc_layout(Layout::new::<[u8; 32]>()).is_ok());\n```")]
        #[inline]
        pub fn try_alloc_layout(
            &self,
            layout: core::alloc::Layout,
        ) -> Result<core::ptr::NonNull<u8>, $crate::AllocError> {
            $crate::lake::typed::RawLake::raw_bump(self, layout)
        }

        /// Moves `value` into the lake behind a [`LakeBox`](crate::LakeBox), which runs `T`'s
        /// destructor when the box is dropped (the memory itself returns at the next reset).
        ///
        /// # Panics
        ///
        /// If the lake cannot grow.
        ///
        #[doc = concat!("```\n", $setup, "let log = lake.alloc_box(vec![1, 2, 3]);\nassert_eq!(log.len(), 3);\ndrop(log); // the Vec's heap buffer is freed here\n```")]
        #[inline]
        #[track_caller]
        pub fn alloc_box<T>(&self, value: T) -> $crate::LakeBox<$lt, T> {
            match self.try_alloc_box(value) {
                Ok(b) => b,
                Err(e) => e.panic(),
            }
        }

        /// Fallible `alloc_box`; on failure `value` is dropped.
        ///
        #[doc = concat!("```\n", $setup, "assert_eq!(*lake.try_alloc_box(String::from(\"x\")).unwrap(), \"x\");\n```")]
        #[inline]
        pub fn try_alloc_box<T>(&self, value: T) -> Result<$crate::LakeBox<$lt, T>, $crate::AllocError> {
            let slot = $crate::lake::typed::RawLake::raw_bump(
                self,
                core::alloc::Layout::new::<T>(),
            )?;
            // SAFETY: a fresh block for one `T`, valid for the returned lifetime (`RawLake`).
            let slot = unsafe { $crate::lake::typed::box_slot(slot, value) };
            Ok($crate::LakeBox::from_slot(slot))
        }
    };
}
pub(crate) use typed_api;

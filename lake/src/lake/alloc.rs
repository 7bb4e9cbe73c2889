//! Typed allocation: values, slices, strings, formatted text, iterators and raw layouts.

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

use bytemuck::Zeroable;

use crate::error::AllocError;

use super::growing::{array_layout, Growing};
use super::{Lake, LakeBox};

// `&self -> &mut T` is the point of an arena: every call gets a fresh block that no other
// reference can reach (`Lake::bump`), so the returned `&mut` is unique.
#[allow(clippy::mut_from_ref)]
impl Lake {
    /// Moves `value` into the lake and returns a mutable reference to it.
    ///
    /// The value is **never dropped** (see the type docs); use [`alloc_box`](Lake::alloc_box)
    /// for values that own resources.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow (fixed and full, at its limit, or out of memory); see
    /// [`try_alloc`](Lake::try_alloc).
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let n = lake.alloc(41);
    /// *n += 1;
    /// assert_eq!(*n, 42);
    /// ```
    #[inline(always)]
    #[track_caller]
    pub fn alloc<T>(&self, value: T) -> &mut T {
        let slot = self.bump_or_panic(Layout::new::<T>());
        // SAFETY: `slot` is a fresh block for one `T` (see `write_value`).
        unsafe { write_value(slot, value) }
    }

    /// Fallible [`alloc`](Lake::alloc): on failure `value` is dropped and the error returned.
    ///
    /// ```
    /// let lake = lake::Lake::fixed(4);
    /// assert_eq!(*lake.try_alloc(7u32).unwrap(), 7);
    /// assert!(lake.try_alloc(8u32).is_err());
    /// ```
    #[inline(always)]
    pub fn try_alloc<T>(&self, value: T) -> Result<&mut T, AllocError> {
        let slot = self.bump(Layout::new::<T>())?;
        // SAFETY: `slot` is a fresh block for one `T` (see `write_value`).
        Ok(unsafe { write_value(slot, value) })
    }

    /// Reserves room for a `T`, then calls `f` and writes its result there, so large values
    /// can be built in place rather than on the stack first.
    ///
    /// If `f` panics, the lake stays consistent: the reserved bytes are simply unused until
    /// the next reset.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow, or if `f` panics.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let table = lake.alloc_with(|| [7u8; 4096]);
    /// assert!(table.iter().all(|&b| b == 7));
    /// ```
    #[inline(always)]
    #[track_caller]
    pub fn alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> &mut T {
        let slot = self.bump_or_panic(Layout::new::<T>());
        // SAFETY: `slot` is a fresh block for one `T` (see `write_value`); if `f` panics,
        // nothing was written and no reference to the block exists, so it is merely wasted.
        unsafe { write_value(slot, f()) }
    }

    /// Fallible [`alloc_with`](Lake::alloc_with): `f` is not called if there is no room.
    ///
    /// ```
    /// let lake = lake::Lake::fixed(0);
    /// let mut called = false;
    /// assert!(lake.try_alloc_with(|| { called = true; 1u8 }).is_err());
    /// assert!(!called);
    /// ```
    #[inline(always)]
    pub fn try_alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> Result<&mut T, AllocError> {
        let slot = self.bump(Layout::new::<T>())?;
        // SAFETY: as in `alloc_with`.
        Ok(unsafe { write_value(slot, f()) })
    }

    /// Allocates a `T` whose bytes are all zero; `T: Zeroable` guarantees that is a valid `T`.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let counters: &mut [u64; 16] = lake.alloc_zeroed();
    /// assert_eq!(counters, &[0; 16]);
    /// ```
    #[inline]
    #[track_caller]
    pub fn alloc_zeroed<T: Zeroable>(&self) -> &mut T {
        match self.try_alloc_zeroed() {
            Ok(slot) => slot,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`alloc_zeroed`](Lake::alloc_zeroed).
    ///
    /// ```
    /// let lake = lake::Lake::fixed(8);
    /// assert_eq!(*lake.try_alloc_zeroed::<u64>().unwrap(), 0);
    /// assert!(lake.try_alloc_zeroed::<u64>().is_err());
    /// ```
    #[inline]
    pub fn try_alloc_zeroed<T: Zeroable>(&self) -> Result<&mut T, AllocError> {
        let slot = self.bump(Layout::new::<T>())?.cast::<T>();
        // SAFETY: the block is valid for writes of one `T` and aligned (see `try_alloc`); after
        // zeroing it holds a valid `T` because `T: Zeroable` promises all-zero bytes are one.
        unsafe {
            slot.as_ptr().write_bytes(0, 1);
            Ok(&mut *slot.as_ptr())
        }
    }

    /// Copies a slice into the lake.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let bytes = lake.alloc_slice_copy(b"GET / HTTP/1.1");
    /// bytes[0..3].copy_from_slice(b"PUT");
    /// assert_eq!(bytes, b"PUT / HTTP/1.1");
    /// ```
    #[inline]
    #[track_caller]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &mut [T] {
        let dst = self.bump_or_panic(Layout::for_value(src));
        // SAFETY: `dst` is a fresh block laid out like `src` (see `copy_slice`).
        unsafe { copy_slice(dst, src) }
    }

    /// Fallible [`alloc_slice_copy`](Lake::alloc_slice_copy).
    ///
    /// ```
    /// let lake = lake::Lake::fixed(3);
    /// assert!(lake.try_alloc_slice_copy(&[1u8, 2, 3]).is_ok());
    /// assert!(lake.try_alloc_slice_copy(&[4u8]).is_err());
    /// ```
    #[inline]
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        let dst = self.bump(Layout::for_value(src))?;
        // SAFETY: `dst` is a fresh block laid out like `src` (see `copy_slice`).
        Ok(unsafe { copy_slice(dst, src) })
    }

    /// Clones each element of a slice into the lake.
    ///
    /// If a `clone` panics, the clones made so far are dropped and the lake stays consistent.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow, or if `T::clone` panics.
    ///
    /// ```
    /// #[derive(Clone, Debug, PartialEq)]
    /// struct Token<'s> { text: &'s str, line: u32 }
    ///
    /// let lake = lake::Lake::new();
    /// let tokens = [Token { text: "let", line: 1 }, Token { text: "x", line: 1 }];
    /// let copy = lake.alloc_slice_clone(&tokens);
    /// copy[1].line = 2;
    /// assert_eq!(copy[0], tokens[0]);
    /// assert_ne!(copy[1], tokens[1]);
    /// ```
    #[track_caller]
    pub fn alloc_slice_clone<T: Clone>(&self, src: &[T]) -> &mut [T] {
        match self.try_alloc_slice_clone(src) {
            Ok(slice) => slice,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`alloc_slice_clone`](Lake::alloc_slice_clone).
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// assert_eq!(lake.try_alloc_slice_clone(&[1, 2]).unwrap(), &[1, 2]);
    /// ```
    pub fn try_alloc_slice_clone<T: Clone>(&self, src: &[T]) -> Result<&mut [T], AllocError> {
        self.try_alloc_slice_fill_with(src.len(), |i| src[i].clone())
    }

    /// Allocates a slice of `len` values, the `i`-th being `f(i)`.
    ///
    /// If `f` panics, the values made so far are dropped and the lake stays consistent.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow or `len × size_of::<T>()` overflows, or if `f` panics.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let squares = lake.alloc_slice_fill_with(5, |i| i * i);
    /// assert_eq!(squares, &[0, 1, 4, 9, 16]);
    /// ```
    #[track_caller]
    pub fn alloc_slice_fill_with<T, F: FnMut(usize) -> T>(&self, len: usize, f: F) -> &mut [T] {
        match self.try_alloc_slice_fill_with(len, f) {
            Ok(slice) => slice,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`alloc_slice_fill_with`](Lake::alloc_slice_fill_with): `f` is not called if
    /// there is no room.
    ///
    /// ```
    /// use lake::AllocError;
    /// let lake = lake::Lake::new();
    /// let err = lake.try_alloc_slice_fill_with(usize::MAX, |_| 0u64).unwrap_err();
    /// assert!(matches!(err, AllocError::InvalidLayout { .. }));
    /// ```
    pub fn try_alloc_slice_fill_with<T, F: FnMut(usize) -> T>(
        &self,
        len: usize,
        mut f: F,
    ) -> Result<&mut [T], AllocError> {
        let mut run = Growing::with_capacity(self, len)?;
        for i in 0..len {
            run.push(f(i))?;
        }
        Ok(run.into_slice())
    }

    /// Allocates a slice of `len` all-zero values; `T: Zeroable` makes that a valid `[T]`.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow or `len × size_of::<T>()` overflows.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let buf = lake.alloc_slice_zeroed::<u8>(1500);
    /// assert!(buf.iter().all(|&b| b == 0));
    /// ```
    #[inline]
    #[track_caller]
    pub fn alloc_slice_zeroed<T: Zeroable>(&self, len: usize) -> &mut [T] {
        match self.try_alloc_slice_zeroed(len) {
            Ok(slice) => slice,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`alloc_slice_zeroed`](Lake::alloc_slice_zeroed).
    ///
    /// ```
    /// let lake = lake::Lake::fixed(1024);
    /// assert!(lake.try_alloc_slice_zeroed::<u32>(256).is_ok());
    /// assert!(lake.try_alloc_slice_zeroed::<u32>(1).is_err());
    /// ```
    #[inline]
    pub fn try_alloc_slice_zeroed<T: Zeroable>(&self, len: usize) -> Result<&mut [T], AllocError> {
        let dst = self.bump(array_layout::<T>(len)?)?.cast::<T>();
        // SAFETY: the block is valid for writes of `len` values of `T` and aligned for `T`;
        // after zeroing, each is a valid `T` because `T: Zeroable`.
        unsafe {
            dst.as_ptr().write_bytes(0, len);
            Ok(core::slice::from_raw_parts_mut(dst.as_ptr(), len))
        }
    }

    /// Copies a string into the lake.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let s = lake.alloc_str("hello");
    /// s.make_ascii_uppercase();
    /// assert_eq!(s, "HELLO");
    /// ```
    #[inline]
    #[track_caller]
    pub fn alloc_str(&self, src: &str) -> &mut str {
        let bytes = self.alloc_slice_copy(src.as_bytes());
        // SAFETY: the bytes are an exact copy of a `str`, hence valid UTF-8.
        unsafe { core::str::from_utf8_unchecked_mut(bytes) }
    }

    /// Fallible [`alloc_str`](Lake::alloc_str).
    ///
    /// ```
    /// let lake = lake::Lake::fixed(2);
    /// assert!(lake.try_alloc_str("hi").is_ok());
    /// assert!(lake.try_alloc_str("!").is_err());
    /// ```
    #[inline]
    pub fn try_alloc_str(&self, src: &str) -> Result<&mut str, AllocError> {
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
    /// ```
    /// let lake = lake::Lake::new();
    /// let n = 7;
    /// let line = lake.alloc_fmt(format_args!("{n} packets, {:.1}% loss", 0.25));
    /// assert_eq!(line, "7 packets, 0.2% loss");
    /// ```
    #[track_caller]
    pub fn alloc_fmt(&self, args: fmt::Arguments<'_>) -> &mut str {
        match self.try_alloc_fmt(args) {
            Ok(s) => s,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`alloc_fmt`](Lake::alloc_fmt).
    ///
    /// # Panics
    ///
    /// If a formatting trait implementation returns an error on its own (as `format!` does);
    /// allocation failures are returned as `Err`.
    ///
    /// ```
    /// let lake = lake::Lake::fixed(4);
    /// assert_eq!(lake.try_alloc_fmt(format_args!("{}", 12)).unwrap(), "12");
    /// assert!(lake.try_alloc_fmt(format_args!("{}", 12345)).is_err());
    /// ```
    pub fn try_alloc_fmt(&self, args: fmt::Arguments<'_>) -> Result<&mut str, AllocError> {
        if let Some(literal) = args.as_str() {
            return self.try_alloc_str(literal);
        }
        struct Writer<'a> {
            text: Growing<'a, u8>,
            failure: Option<AllocError>,
        }
        impl fmt::Write for Writer<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.text.extend_from_slice(s.as_bytes()).map_err(|e| {
                    self.failure = Some(e);
                    fmt::Error
                })
            }
        }
        let mut writer = Writer {
            text: Growing::with_capacity(self, 0)?,
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
        let bytes = writer.text.into_slice();
        // SAFETY: every byte came from a `&str` passed to `write_str`, appended whole and in
        // order, so the concatenation is valid UTF-8.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }

    /// Collects an iterator into a slice in the lake. Exact-size iterators fill a block of
    /// the right size; others (or ones whose size hint is wrong) grow their block, in place
    /// while it is the last allocation.
    ///
    /// If the iterator panics, the items collected so far are dropped and the lake stays
    /// consistent.
    ///
    /// Memory: a collection of unknown length grows by doubling; when it must move (something
    /// else was allocated after it, or its chunk is full) the old copy stays in the lake until
    /// the next reset, so under a [limit](crate::LakeBuilder::limit) it may need up to about
    /// twice its final size. Near a fixed capacity or a limit it grows to the exact size.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow, or if the iterator panics.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let evens = lake.alloc_iter((0..10).filter(|n| n % 2 == 0));
    /// assert_eq!(evens, &[0, 2, 4, 6, 8]);
    /// ```
    #[track_caller]
    pub fn alloc_iter<I: IntoIterator>(&self, iter: I) -> &mut [I::Item] {
        match self.try_alloc_iter(iter) {
            Ok(slice) => slice,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`alloc_iter`](Lake::alloc_iter); on failure the items collected so far are
    /// dropped.
    ///
    /// ```
    /// let lake = lake::Lake::fixed(16);
    /// assert!(lake.try_alloc_iter(0u32..4).is_ok());
    /// assert!(lake.try_alloc_iter(0u32..4).is_err());
    /// ```
    pub fn try_alloc_iter<I: IntoIterator>(&self, iter: I) -> Result<&mut [I::Item], AllocError> {
        let iter = iter.into_iter();
        // The size hint's lower bound is only a hint: if reserving it fails, collect anyway and
        // fail only when an item actually does not fit.
        let mut run = match Growing::with_capacity(self, iter.size_hint().0) {
            Ok(run) => run,
            Err(_) => Growing::with_capacity(self, 0)?,
        };
        for item in iter {
            run.push(item)?;
        }
        debug_assert!(run.len() <= isize::MAX as usize);
        Ok(run.into_slice())
    }

    /// Reserves an uninitialised block for `layout` and returns its start. Writing to it and
    /// reading back what was written is up to the caller (and needs `unsafe`); the block is
    /// valid until the lake is reset or dropped.
    ///
    /// # Panics
    ///
    /// If the lake cannot grow.
    ///
    /// ```
    /// use core::alloc::Layout;
    /// let lake = lake::Lake::new();
    /// let block = lake.alloc_layout(Layout::from_size_align(64, 64).unwrap());
    /// assert_eq!(block.as_ptr() as usize % 64, 0);
    /// ```
    #[inline]
    #[track_caller]
    pub fn alloc_layout(&self, layout: Layout) -> NonNull<u8> {
        self.bump_or_panic(layout)
    }

    /// Fallible [`alloc_layout`](Lake::alloc_layout).
    ///
    /// ```
    /// use core::alloc::Layout;
    /// let lake = lake::Lake::fixed(32);
    /// assert!(lake.try_alloc_layout(Layout::new::<[u8; 32]>()).is_ok());
    /// assert!(lake.try_alloc_layout(Layout::new::<u8>()).is_err());
    /// ```
    #[inline]
    pub fn try_alloc_layout(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        self.bump(layout)
    }

    /// Moves `value` into the lake behind a [`LakeBox`], which runs `T`'s destructor when the
    /// box is dropped (the memory itself returns at the next reset).
    ///
    /// # Panics
    ///
    /// If the lake cannot grow.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// let log = lake.alloc_box(vec![1, 2, 3]);
    /// assert_eq!(log.len(), 3);
    /// drop(log); // the Vec's heap buffer is freed here
    /// ```
    #[inline]
    #[track_caller]
    pub fn alloc_box<T>(&self, value: T) -> LakeBox<'_, T> {
        match self.try_alloc_box(value) {
            Ok(b) => b,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`alloc_box`](Lake::alloc_box); on failure `value` is dropped.
    ///
    /// ```
    /// let lake = lake::Lake::fixed(0);
    /// assert!(lake.try_alloc_box(String::from("x")).is_err());
    /// ```
    #[inline]
    pub fn try_alloc_box<T>(&self, value: T) -> Result<LakeBox<'_, T>, AllocError> {
        let slot = self
            .bump(Layout::new::<T>())?
            .cast::<core::mem::ManuallyDrop<T>>();
        // SAFETY: the block is valid for writes of one `T` (`ManuallyDrop<T>` has the same
        // layout) and aligned, disjoint from other allocations and valid while `self` is
        // borrowed; after the write it holds an initialised value nothing else references.
        let slot = unsafe {
            slot.as_ptr().write(core::mem::ManuallyDrop::new(value));
            &mut *slot.as_ptr()
        };
        Ok(LakeBox::from_slot(slot))
    }
}

/// Moves `value` into a fresh block and returns the only reference to it.
///
/// # Safety
///
/// `slot` must come from [`Lake::bump`] (or `bump_or_panic`) for `Layout::new::<T>()` on a lake
/// borrowed for `'a`: then it is valid for writes of one `T`, aligned, disjoint from every other
/// live block, and stays valid for `'a` (reset and drop need `&mut Lake`).
#[inline(always)]
unsafe fn write_value<'a, T>(slot: NonNull<u8>, value: T) -> &'a mut T {
    let slot = slot.cast::<T>();
    // SAFETY: the caller guarantees a writable, aligned, exclusive block for one `T`; after the
    // write it holds an initialised `T`, and this is the only reference to it.
    unsafe {
        slot.as_ptr().write(value);
        &mut *slot.as_ptr()
    }
}

/// Copies `src` into a fresh block and returns the only reference to the copy.
///
/// # Safety
///
/// `dst` must come from [`Lake::bump`] (or `bump_or_panic`) for `Layout::for_value(src)` on a
/// lake borrowed for `'a` (see `write_value`).
#[inline(always)]
unsafe fn copy_slice<'a, T: Copy>(dst: NonNull<u8>, src: &[T]) -> &'a mut [T] {
    let dst = dst.cast::<T>();
    // SAFETY: the block is valid for `src.len()` values of `T`, aligned, and fresh, so it cannot
    // overlap `src`. `T: Copy`, so the bitwise copy is a valid value, and afterwards all
    // `src.len()` elements are initialised.
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_ptr(), src.len());
        core::slice::from_raw_parts_mut(dst.as_ptr(), src.len())
    }
}

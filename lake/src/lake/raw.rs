//! The bump itself: the inlined fast path, the cold growth path, and in-place resizing of the
//! last allocation. Everything above this file works with `NonNull<u8>` blocks it returns.

use core::alloc::Layout;
use core::ptr::NonNull;
use core::sync::atomic::Ordering::Relaxed;

use crate::error::AllocError;
use crate::math::{bump, chunk};

use super::chunk::Chunk;
use super::typed::{dangling, RawLake};
use super::Lake;

impl Lake {
    /// Reserves a block for `layout`: one bump in the current chunk, or the cold path.
    ///
    /// The returned block is valid for reads and writes of `layout.size()` bytes, aligned to
    /// `layout.align()`, disjoint from every other live block, and stays valid until the lake
    /// is reset or dropped (both need `&mut self`) or it is freed with [`Lake::free_last`].
    #[inline(always)]
    pub(crate) fn bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        match self.bump_fast(layout) {
            Some(block) => Ok(block),
            None => self.bump_slow(layout),
        }
    }

    /// [`Lake::bump`] for the infallible functions: the same fast path, and a cold path that
    /// panics itself, so the inlined caller gets the pointer in a register and needs no stack
    /// frame for an error value.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn bump_or_panic(&self, layout: Layout) -> NonNull<u8> {
        match self.bump_fast(layout) {
            Some(block) => block,
            None => self.bump_slow_or_panic(layout),
        }
    }

    /// One bump in the current chunk, if it has room.
    #[inline(always)]
    fn bump_fast(&self, layout: Layout) -> Option<NonNull<u8>> {
        let pos = self.pos.load(Relaxed);
        let b = bump::bump_up(pos.addr(), self.end.get(), layout)?;
        self.pos.store(pos.with_addr(b.new_pos), Relaxed);
        self.count_allocation();
        // SAFETY: `b.start >= pos.addr() >= CHUNK_ALIGN > 0` (an invariant of `Lake`, set by
        // `from_config` and `enter_chunk`, which store only chunk addresses or `CHUNK_ALIGN`),
        // so the pointer is not null.
        let block = unsafe { NonNull::new_unchecked(pos.with_addr(b.start)) };
        promise_alignment(block, layout.align());
        Some(block)
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn bump_slow_or_panic(&self, layout: Layout) -> NonNull<u8> {
        match self.bump_slow(layout) {
            Ok(block) => block,
            Err(e) => e.panic(),
        }
    }

    /// The growth path: a zero-sized request that the fast path could not align, a chunk
    /// retained by a rewind, or a new chunk (appended, so chunk indices in checkpoints stay
    /// valid until a reset).
    #[cold]
    #[inline(never)]
    fn bump_slow(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let requested = layout.size();
        if requested == 0 {
            // Zero-sized blocks need no memory; any non-null aligned address will do.
            self.count_allocation();
            return Ok(dangling(layout.align()));
        }
        let mut list = self.chunks.borrow_mut();
        let used_here = self.cursor() - self.start.get();

        // A chunk kept after the current one by a rewind is reused before a new one is taken.
        let current = list.current;
        let retained = list
            .chunks
            .iter_mut()
            .enumerate()
            .skip(current + 1)
            .find_map(|(i, c)| {
                let start = c.start();
                let addr = start.as_ptr().addr();
                bump::bump_up_checked(addr, addr + c.capacity(), layout)
                    .map(|_| (i, start, c.capacity()))
            });
        if let Some((index, start, capacity)) = retained {
            if let Some(left) = list.chunks.get_mut(current) {
                left.filled = used_here;
            }
            list.used_before += used_here;
            list.current = index;
            drop(list);
            // SAFETY: a retained chunk after the current one: a rewind emptied it, and nothing
            // was handed out from it since (the cursor only enters it here).
            unsafe { self.enter_chunk(start, capacity) };
            return self
                .bump_fast(layout)
                .ok_or(AllocError::OutOfMemory { requested });
        }
        if self.config.fixed {
            let remaining = self.end.get() - self.cursor();
            return Err(AllocError::CapacityExceeded {
                requested,
                remaining,
            });
        }
        let fit = chunk::fit_size(requested, layout.align())
            .ok_or(AllocError::OutOfMemory { requested })?;
        let prev = list.chunks.last().map(Chunk::capacity);
        let wanted = chunk::next_size(prev, self.config.first_chunk, self.config.max_chunk, fit)
            .ok_or(AllocError::OutOfMemory { requested: fit })?;
        let size = chunk::within_limit(wanted, fit, list.capacity, self.config.limit).ok_or(
            AllocError::LimitExceeded {
                requested,
                limit: self.config.limit.unwrap_or(usize::MAX),
                allocated: list.capacity,
            },
        )?;
        list.chunks
            .try_reserve(1)
            .map_err(|_| AllocError::OutOfMemory { requested: size })?;
        let mut fresh = Chunk::try_new(size).ok_or(AllocError::OutOfMemory { requested: size })?;
        let start = fresh.start();

        // Leave the current chunk (if any), recording how much of it was used, and enter the
        // new one, which goes at the end of the list (after any retained chunks too small for
        // this request; they stay empty until a rewind goes back before them).
        if let Some(left) = list.chunks.get_mut(current) {
            left.filled = used_here;
            list.used_before += used_here;
        }
        list.capacity += size;
        list.chunks.push(fresh);
        list.current = list.chunks.len() - 1;
        drop(list);
        // SAFETY: a fresh chunk of this lake; nothing was handed out from it.
        unsafe { self.enter_chunk(start, size) };

        // The chunk was chosen or sized to fit (see `chunk::fit_size`), so this succeeds; the
        // error is unreachable but cheaper to keep than to argue away with `unsafe`.
        self.bump_fast(layout)
            .ok_or(AllocError::OutOfMemory { requested })
    }

    /// Resizes the block at `ptr` of `old_size` bytes to `new_size` bytes without moving it, if
    /// it is the last allocation in the current chunk and the chunk has room. Returns whether
    /// it did.
    ///
    /// # Safety
    ///
    /// `ptr` and `old_size` describe a block this lake handed out, which the caller owns; after
    /// a shrink the caller does not use the bytes past `new_size` (with `zero_on_reset` they
    /// are zeroed here).
    #[inline]
    pub(crate) unsafe fn resize_in_place(
        &self,
        ptr: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> bool {
        let start = ptr.as_ptr().addr();
        let pos = self.pos.load(Relaxed);
        if !bump::is_last(start, old_size, pos.addr(), self.start.get()) {
            return false;
        }
        match bump::resize_last(start, new_size, self.end.get()) {
            Some(new_pos) => {
                // SAFETY: the block is the last one in the current chunk (`is_last`), so
                // `start <= new_pos` and the cursor stays in the chunk (`resize_last` checks
                // the end); bytes given back by a shrink are the caller's, which it no longer
                // uses (this function's contract).
                unsafe { self.move_cursor(pos, new_pos) };
                true
            }
            None => false,
        }
    }

    /// Moves the cursor from `pos` to `new_pos` within the current chunk. Bytes given back by
    /// moving it down are zeroed when the lake zeroes on reset, so that a later reset, which
    /// wipes what lies below the cursor, leaves none of them behind.
    ///
    /// # Safety
    ///
    /// `pos` is a pointer into the current chunk carrying its provenance, with
    /// `start <= new_pos <= end` and, when moving down, `new_pos < pos.addr() <= end`; no one
    /// uses the bytes between `new_pos` and `pos` any more (they are about to be handed out
    /// again, and may be zeroed here).
    pub(crate) unsafe fn move_cursor(&self, pos: *mut u8, new_pos: usize) {
        if self.config.zero_on_reset && new_pos < pos.addr() {
            let released = pos.with_addr(new_pos);
            // SAFETY: per the contract the range lies in the current chunk, whose provenance
            // `pos` carries, and no one uses its bytes; writing bytes needs no initialised
            // contents.
            unsafe { released.write_bytes(0, pos.addr() - new_pos) };
        }
        self.pos.store(pos.with_addr(new_pos), Relaxed);
    }

    /// Gives back the block at `ptr` of `size` bytes if it is the last allocation; otherwise
    /// its bytes stay reserved until the next reset. Returns whether it did.
    ///
    /// # Safety
    ///
    /// `ptr` and `size` describe a block this lake handed out (or a zero-sized one), which the
    /// caller owns and does not use after the call (with `zero_on_reset` its bytes are zeroed
    /// here).
    #[inline]
    pub(crate) unsafe fn free_last(&self, ptr: NonNull<u8>, size: usize) -> bool {
        let start = ptr.as_ptr().addr();
        let pos = self.pos.load(Relaxed);
        if !bump::is_last(start, size, pos.addr(), self.start.get()) {
            return false;
        }
        // SAFETY: `is_last` puts the block in the current chunk, ending at the cursor, so
        // `start <= start + size == pos <= end`; its bytes are the caller's, which it no longer
        // uses (this function's contract).
        unsafe { self.move_cursor(pos, start) };
        true
    }

    /// Whether the block at `ptr` of `size` bytes is the last allocation in the current chunk.
    #[inline]
    pub(crate) fn is_last(&self, ptr: NonNull<u8>, size: usize) -> bool {
        bump::is_last(ptr.as_ptr().addr(), size, self.cursor(), self.start.get())
    }
}

/// Tells Miri that `block` is aligned to `align` (it is: the bump computed it), for alignments
/// above the chunks' own 16. Miri's `-Zmiri-symbolic-alignment-check`, which CI runs, otherwise
/// trusts only the alignment of the allocation a pointer points into (16 for a chunk), and
/// would reject a 32-aligned value at a 32-aligned address in a chunk. A no-op outside Miri.
#[inline(always)]
pub(crate) fn promise_alignment(block: NonNull<u8>, align: usize) {
    #[cfg(miri)]
    if align > crate::math::chunk::CHUNK_ALIGN {
        unsafe extern "Rust" {
            /// Provided by Miri: checks that `ptr` is aligned to `align` and records it.
            fn miri_promise_symbolic_alignment(ptr: *const (), align: usize);
        }
        // SAFETY: the function only inspects the pointer's address; the bump aligned `block` to
        // `align`, which is a power of two (a `Layout` alignment), as Miri requires.
        unsafe { miri_promise_symbolic_alignment(block.as_ptr().cast(), align) };
    }
    #[cfg(not(miri))]
    let _ = (block, align);
}

impl RawLake for Lake {
    #[inline(always)]
    fn raw_bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        self.bump(layout)
    }

    #[inline(always)]
    #[track_caller]
    fn raw_bump_or_panic(&self, layout: Layout) -> NonNull<u8> {
        self.bump_or_panic(layout)
    }

    #[inline]
    unsafe fn raw_free_last(&self, ptr: NonNull<u8>, size: usize) -> bool {
        // SAFETY: the same contract.
        unsafe { self.free_last(ptr, size) }
    }

    #[inline]
    unsafe fn raw_resize_in_place(&self, ptr: NonNull<u8>, old: usize, new: usize) -> bool {
        // SAFETY: the same contract.
        unsafe { self.resize_in_place(ptr, old, new) }
    }
}

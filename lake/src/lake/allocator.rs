//! `allocator_api2::alloc::Allocator` for `&Lake`, so standard-shaped collections
//! (`allocator_api2::vec::Vec`, `hashbrown::HashMap`) can live in a lake.

use core::alloc::Layout;
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError as ApiAllocError, Allocator};

use super::Lake;

// SAFETY: the `Allocator` contract, point by point:
// - Blocks come from `Lake::bump`, which returns fresh, aligned, disjoint blocks that stay valid
//   until the lake is reset or dropped; both need `&mut Lake`, which cannot coexist with the
//   `&Lake` this allocator is, so blocks outlive every copy of the allocator.
// - Copies of `&Lake` are the same allocator: a block from one can be passed to another.
// - `deallocate`, `grow` and `shrink` only move the cursor when the block is the last
//   allocation of the current chunk (`Lake::is_last`), so they never hand out bytes of another
//   live block; otherwise they leave the old block in place (its bytes return at reset).
unsafe impl Allocator for &Lake {
    #[inline(always)]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
        match self.bump(layout) {
            Ok(block) => Ok(NonNull::slice_from_raw_parts(block, layout.size())),
            Err(_) => Err(ApiAllocError),
        }
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the `Allocator` contract: `ptr` is a live block of `layout` from this lake,
        // which the caller gives up.
        unsafe { self.free_last(ptr, layout.size()) };
    }

    #[inline]
    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded from the caller: `ptr` is a live block of `old_layout` from this lake
        // and `new_layout.size() >= old_layout.size()`.
        unsafe { self.resize(ptr, old_layout, new_layout) }
    }

    #[inline]
    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded from the caller, as in `grow`.
        let block = unsafe { self.resize(ptr, old_layout, new_layout) }?;
        let tail = new_layout.size() - old_layout.size();
        // SAFETY: the new block is valid for `new_layout.size()` bytes; the tail past the old
        // size is zeroed through a raw pointer, never through a reference to uninitialised bytes.
        unsafe {
            block
                .cast::<u8>()
                .as_ptr()
                .add(old_layout.size())
                .write_bytes(0, tail)
        };
        Ok(block)
    }

    #[inline]
    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        // SAFETY: forwarded from the caller: `ptr` is a live block of `old_layout` from this lake
        // and `new_layout.size() <= old_layout.size()`.
        unsafe { self.resize(ptr, old_layout, new_layout) }
    }
}

impl Lake {
    /// Resizes a block: in place when it is the last allocation (or shrinks and stays put),
    /// otherwise by copying into a new block.
    ///
    /// # Safety
    ///
    /// `ptr` must be a live block of `old_layout` allocated from this lake.
    unsafe fn resize(
        &self,
        ptr: NonNull<u8>,
        old_layout: Layout,
        new_layout: Layout,
    ) -> Result<NonNull<[u8]>, ApiAllocError> {
        let (old, new) = (old_layout.size(), new_layout.size());
        let aligned = ptr.as_ptr().addr() % new_layout.align() == 0;
        // A zero-size block may be a dangling pointer without provenance that merely shares the
        // cursor's address, so only a non-empty block is resized by moving the cursor.
        // SAFETY: `ptr` is a live block of `old` bytes from this lake, owned by the caller, who
        // uses `new` bytes of it from here on (the `Allocator` contract).
        let moved_cursor = aligned && old > 0 && unsafe { self.resize_in_place(ptr, old, new) };
        if moved_cursor || (aligned && new <= old && !self.is_last(ptr, old)) {
            // Grown or shrunk by moving the cursor, or shrunk in the middle of the chunk (the
            // tail bytes stay reserved until reset).
            super::raw::promise_alignment(ptr, new_layout.align());
            return Ok(NonNull::slice_from_raw_parts(ptr, new));
        }
        let fresh = self.bump(new_layout).map_err(|_| ApiAllocError)?;
        // SAFETY: `ptr` is valid for reads of `old` bytes (caller contract) and `fresh` for writes
        // of `new` bytes; `fresh` is a new block, so they do not overlap.
        unsafe { core::ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.as_ptr(), old.min(new)) };
        // SAFETY: the old block is the caller's and is not used again: it moved to `fresh`.
        unsafe { self.free_last(ptr, old) };
        Ok(NonNull::slice_from_raw_parts(fresh, new))
    }
}

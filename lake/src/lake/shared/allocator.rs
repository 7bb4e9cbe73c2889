//! `allocator_api2::alloc::Allocator` for `&SyncLake` and `&LocalLake`.

use core::alloc::Layout;
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError as ApiAllocError, Allocator};

use super::{LocalLake, SyncLake};
use crate::lake::typed::RawLake;

/// Resizes a block: in place when it is the last one (or when shrinking, where it stays put
/// regardless), otherwise by copying into a fresh block.
///
/// # Safety
///
/// `ptr` is a live block of `old_layout` allocated from `lake` (the `Allocator` contract).
unsafe fn resize<L: RawLake + ?Sized>(
    lake: &L,
    ptr: NonNull<u8>,
    old_layout: Layout,
    new_layout: Layout,
) -> Result<NonNull<[u8]>, ApiAllocError> {
    let (old, new) = (old_layout.size(), new_layout.size());
    if ptr.as_ptr().addr() % new_layout.align() == 0 {
        if new <= old {
            // Shrinking keeps the block; give the tail back if it is the last block.
            // SAFETY: the caller's live block of `old` bytes; it uses `new` bytes from here on.
            unsafe { lake.raw_resize_in_place(ptr, old, new) };
            return Ok(NonNull::slice_from_raw_parts(ptr, new));
        }
        // A zero-size block may be a dangling pointer without provenance, so only a non-empty
        // block grows by moving a cursor (`raw_resize_in_place` refuses `old == 0`).
        // SAFETY: the caller's live block of `old` bytes.
        if unsafe { lake.raw_resize_in_place(ptr, old, new) } {
            return Ok(NonNull::slice_from_raw_parts(ptr, new));
        }
    }
    let fresh = lake.raw_bump(new_layout).map_err(|_| ApiAllocError)?;
    // SAFETY: `ptr` is valid for reads of `old` bytes (caller contract), `fresh` for writes of
    // `new` bytes; `fresh` is a new block, so they do not overlap.
    unsafe { core::ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.as_ptr(), old.min(new)) };
    // SAFETY: the caller's block, not used again: it moved to `fresh`.
    unsafe { lake.raw_free_last(ptr, old) };
    Ok(NonNull::slice_from_raw_parts(fresh, new))
}

/// Zeroes `block[from..]` through a raw pointer.
///
/// # Safety
///
/// `block` is valid for writes of its length, and `from <= block.len()`.
unsafe fn zero_tail(block: NonNull<[u8]>, from: usize) {
    let len = block.len();
    // SAFETY: the caller guarantees the range lies in the block; no reference to the
    // (possibly uninitialised) bytes is created.
    unsafe {
        block
            .cast::<u8>()
            .as_ptr()
            .add(from)
            .write_bytes(0, len - from)
    };
}

macro_rules! impl_allocator {
    ($($ty:ty),*) => {$(
        // SAFETY: the `Allocator` contract, point by point:
        // - Blocks come from `raw_bump`, which returns fresh, aligned, disjoint blocks of the
        //   shared lake; they stay valid until the `SyncLake` is reset or dropped, both of
        //   which need `&mut SyncLake`, which cannot coexist with this borrow (for a
        //   `LocalLake<'a>`, with the `&'a SyncLake` it holds).
        // - Copies of the reference are the same allocator.
        // - `deallocate`/`grow`/`shrink` move a cursor only with a CAS (shared) or a plain
        //   store on this thread's slab (local) from the end of the caller's block, which
        //   proves the block is the last one: no other live block is handed out again.
        unsafe impl Allocator for &$ty {
            #[inline(always)]
            fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, ApiAllocError> {
                match RawLake::raw_bump(*self, layout) {
                    Ok(block) => Ok(NonNull::slice_from_raw_parts(block, layout.size())),
                    Err(_) => Err(ApiAllocError),
                }
            }

            #[inline]
            unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
                // SAFETY: the `Allocator` contract: a live block of `layout` from this lake,
                // which the caller gives up.
                unsafe { RawLake::raw_free_last(*self, ptr, layout.size()) };
            }

            #[inline]
            unsafe fn grow(
                &self,
                ptr: NonNull<u8>,
                old_layout: Layout,
                new_layout: Layout,
            ) -> Result<NonNull<[u8]>, ApiAllocError> {
                // SAFETY: forwarded from the caller.
                unsafe { resize(*self, ptr, old_layout, new_layout) }
            }

            #[inline]
            unsafe fn grow_zeroed(
                &self,
                ptr: NonNull<u8>,
                old_layout: Layout,
                new_layout: Layout,
            ) -> Result<NonNull<[u8]>, ApiAllocError> {
                // SAFETY: forwarded from the caller.
                let block = unsafe { resize(*self, ptr, old_layout, new_layout) }?;
                // SAFETY: the block holds `new_layout.size() >= old_layout.size()` bytes.
                unsafe { zero_tail(block, old_layout.size()) };
                Ok(block)
            }

            #[inline]
            unsafe fn shrink(
                &self,
                ptr: NonNull<u8>,
                old_layout: Layout,
                new_layout: Layout,
            ) -> Result<NonNull<[u8]>, ApiAllocError> {
                // SAFETY: forwarded from the caller.
                unsafe { resize(*self, ptr, old_layout, new_layout) }
            }
        }
    )*};
}

impl_allocator!(SyncLake, LocalLake<'_>);

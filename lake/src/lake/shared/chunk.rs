//! Shared chunks: one heap allocation each, a [`Header`] at its start and the bytes the lake
//! hands out after it. Threads bump the header's atomic cursor with a CAS.

use core::alloc::Layout;
use core::mem::{align_of, size_of};
use core::ptr::NonNull;

use crate::error::AllocError;
use crate::math::bump::{self, CURSOR_LIMIT};
use crate::math::chunk::{CHUNK_ALIGN, MAX_CHUNK_BYTES};
use crate::sync::{heap, AtomicPtr, AtomicUsize, Ordering};

/// The bookkeeping at the start of every shared chunk.
///
/// ```text
/// base ──► ┌────────────┬──────────────────────────────────────────────┐
///          │ Header     │ start ─────────► cursor ───────────► end     │
///          └────────────┴──────────────────────────────────────────────┘
///           HEADER_SIZE   handed out        free
/// ```
///
/// `start`, `end` and `capacity` never change after [`alloc_chunk`] writes them, before the
/// chunk is published; `cursor` and `next` are atomics. So a `&Header` may be held by any
/// number of threads while the chunk is alive: nothing but atomics is ever written through it.
pub(super) struct Header {
    /// Address of the next free byte. Invariant: `start <= cursor <= end`; every block handed out
    /// from this chunk since the last reset lies in `start..cursor`, and blocks are disjoint.
    pub(super) cursor: AtomicUsize,
    /// The next older chunk in the lake's list (null at the tail). Written only by the thread
    /// holding the lake's growth lock, or through `&mut SyncLake`.
    pub(super) next: AtomicPtr<Header>,
    /// Address of the first usable byte (`base + HEADER_SIZE`), a multiple of [`CHUNK_ALIGN`].
    pub(super) start: usize,
    /// Address one past the last usable byte, clamped to [`CURSOR_LIMIT`], so the fast
    /// `bump_up` precondition `cursor <= end <= CURSOR_LIMIT` holds.
    pub(super) end: usize,
    /// Usable bytes (the allocation is `HEADER_SIZE + capacity` bytes).
    pub(super) capacity: usize,
}

/// Bytes reserved for the header: its size rounded up to [`CHUNK_ALIGN`], so `start` stays
/// 16-aligned.
pub(super) const HEADER_SIZE: usize = match bump::align_up(size_of::<Header>(), CHUNK_ALIGN) {
    Some(n) => n,
    None => panic!("header size overflows"),
};

/// Alignment of a chunk allocation: 128, so that every value aligned up to 128 (cache-padded
/// types such as crossbeam's `CachePadded` are 128 on x86-64 and AArch64) sits at an offset
/// from an allocation whose alignment already proves its own. Natively any alignment works
/// (the bump aligns the *address*); under miri's `-Zmiri-symbolic-alignment-check`, which only
/// trusts the allocation's alignment, values aligned above 128 are reported as misaligned
/// (a documented false positive of that flag). Chunks are allocated on the slow path only, so
/// the larger alignment costs nothing measurable.
const CHUNK_ALLOC_ALIGN: usize = if align_of::<Header>() > 128 {
    align_of::<Header>()
} else {
    128
};

const _: () = assert!(CHUNK_ALLOC_ALIGN >= CHUNK_ALIGN && HEADER_SIZE % CHUNK_ALIGN == 0);

fn chunk_layout(capacity: usize) -> Result<Layout, AllocError> {
    let total = capacity
        .checked_add(HEADER_SIZE)
        .filter(|&total| total <= MAX_CHUNK_BYTES)
        .ok_or(AllocError::OutOfMemory {
            requested: capacity,
        })?;
    Layout::from_size_align(total, CHUNK_ALLOC_ALIGN)
        .map_err(|_| AllocError::OutOfMemory { requested: total })
}

/// Allocates a chunk with `capacity` usable bytes and an empty cursor. The returned pointer
/// carries the provenance of the whole allocation; every block is derived from it.
///
/// The chunk is owned by the caller until it is published (stored where other threads can
/// load it with `Acquire`), and must eventually be passed to [`free_chunk`] exactly once.
pub(super) fn alloc_chunk(capacity: usize) -> Result<NonNull<Header>, AllocError> {
    let layout = chunk_layout(capacity)?;
    // SAFETY: `layout` has a non-zero size (`HEADER_SIZE > 0`).
    let base = unsafe { heap::alloc(layout) };
    let base = NonNull::new(base).ok_or(AllocError::OutOfMemory {
        requested: layout.size(),
    })?;
    // SAFETY: `HEADER_SIZE <= layout.size()`, so the offset stays inside the allocation.
    let start = unsafe { base.add(HEADER_SIZE) }.as_ptr().addr();
    let end = start.saturating_add(capacity).min(CURSOR_LIMIT).max(start);
    let header = base.cast::<Header>();
    // SAFETY: the allocation is at least `size_of::<Header>()` bytes and aligned to
    // `CHUNK_ALLOC_ALIGN >= align_of::<Header>()`; it is fresh, so nothing else refers to it.
    unsafe {
        header.as_ptr().write(Header {
            cursor: AtomicUsize::new(start),
            next: AtomicPtr::new(core::ptr::null_mut()),
            start,
            end,
            capacity,
        })
    };
    Ok(header)
}

/// Frees a chunk made by [`alloc_chunk`].
///
/// # Safety
///
/// `chunk` came from [`alloc_chunk`], has not been freed, and no reference into it (its header
/// or any block handed out from it) is used afterwards: callers hold `&mut SyncLake` (reset,
/// drop) or never published the chunk.
pub(super) unsafe fn free_chunk(chunk: NonNull<Header>) {
    // SAFETY: the caller guarantees the header is alive and initialised.
    let capacity = unsafe { chunk.as_ref() }.capacity;
    // `alloc_chunk` succeeded with this capacity, so the layout is valid again.
    let Ok(layout) = chunk_layout(capacity) else {
        return;
    };
    // SAFETY: the header was written by `alloc_chunk` and is dropped once here (loom registers
    // its atomics and wants them dropped); then the allocation is released with the layout it
    // was allocated with, and the caller guarantees nothing uses it again.
    unsafe {
        core::ptr::drop_in_place(chunk.as_ptr());
        heap::dealloc(chunk.as_ptr().cast::<u8>(), layout);
    }
}

/// One CAS bump in `chunk`: the lock-free fast path of every shared allocation.
///
/// `header` must be `chunk`'s header (the reference gives the fields; `chunk`, which carries the
/// whole allocation's provenance, gives the block pointer).
///
/// Ordering: the CAS is `Acquire` on success so that bytes given back by another thread's
/// `Release` rewind (`free_last`, shrink) happen-before this thread's writes to the same bytes.
/// Disjointness needs no ordering: all cursor updates are read-modify-writes of one atomic, so
/// each success moves the cursor from the exact value the bump was computed from.
#[inline(always)]
pub(super) fn bump_in(
    header: &Header,
    chunk: NonNull<Header>,
    layout: Layout,
) -> Option<NonNull<u8>> {
    let mut pos = header.cursor.load(Ordering::Relaxed);
    loop {
        // `start <= pos <= end <= CURSOR_LIMIT` and `end - start <= isize::MAX` (one
        // allocation): the precondition of the fast `bump_up`.
        let b = bump::bump_up(pos, header.end, layout)?;
        match header.cursor.compare_exchange_weak(
            pos,
            b.new_pos,
            Ordering::Acquire,
            Ordering::Relaxed,
        ) {
            Ok(_) => {
                let block = chunk.as_ptr().cast::<u8>().with_addr(b.start);
                // SAFETY: `b.start >= pos >= header.start > 0` (a heap address past the header).
                return Some(unsafe { NonNull::new_unchecked(block) });
            }
            Err(now) => pos = now,
        }
    }
}

/// Moves `header`'s cursor back to `start` if the block `start..start + size` is the last one
/// in the chunk, giving its bytes back (`Release`: the owner's writes to them happen-before the
/// next owner's, which takes them with an `Acquire` bump). Returns whether it did.
///
/// # Safety
///
/// The block `start..start + size` was handed out from this chunk; the caller owns it and does
/// not use it afterwards (its bytes go to the next bump, on any thread).
pub(super) unsafe fn rewind(header: &Header, start: usize, size: usize) -> bool {
    if size == 0 {
        return false;
    }
    let pos = header.cursor.load(Ordering::Relaxed);
    bump::is_last(start, size, pos, header.start)
        && header
            .cursor
            .compare_exchange(pos, start, Ordering::Release, Ordering::Relaxed)
            .is_ok()
}

/// Resizes the last block of `header`'s chunk in place by moving the cursor from its end to
/// `start + new_size`, if it is still the last block and the chunk has room. Returns whether it
/// did. `AcqRel`: growing takes bytes that may have been given back by another thread, and
/// shrinking gives bytes back.
///
/// # Safety
///
/// The block `start..start + old_size` was handed out from this chunk and the caller owns it;
/// after a shrink it does not use the bytes past `new_size`.
pub(super) unsafe fn resize(
    header: &Header,
    start: usize,
    old_size: usize,
    new_size: usize,
) -> bool {
    if old_size == 0 {
        return false;
    }
    let pos = header.cursor.load(Ordering::Relaxed);
    if !bump::is_last(start, old_size, pos, header.start) {
        return false;
    }
    match bump::resize_last(start, new_size, header.end) {
        Some(new_pos) => header
            .cursor
            .compare_exchange(pos, new_pos, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok(),
        None => false,
    }
}

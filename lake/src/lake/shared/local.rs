//! [`LocalLake`]: a per-thread handle that bumps without atomics in slabs of a `SyncLake`.

use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::ptr::NonNull;
// Not `crate::sync`: this cursor is only ever touched by the one thread that holds the `!Sync`
// handle, so there is nothing for loom to model. It is an `AtomicPtr` (always `Relaxed`, a
// plain load/store) so that `LocalLake: Send` follows from the fields, as for `Lake`.
use core::sync::atomic::{AtomicPtr, Ordering::Relaxed};

use crate::error::AllocError;
use crate::math::bump;
use crate::math::chunk::{self, CHUNK_ALIGN};

use super::SyncLake;
use crate::lake::typed::{dangling, typed_api, RawLake};

/// First slab a [`LocalLake`] takes from its shared lake: 1 KiB, so a short-lived local handle
/// (one task) takes little from the shared chunk that other threads bump through.
const FIRST_SLAB: usize = 1 << 10;
/// Slabs double up to this size: 64 KiB keeps a busy thread's trips to the shared lake (one
/// CAS each) to one per 64 KiB allocated, while what a thread leaves unused at its last slab
/// stays small next to the shared lake's 4 MiB chunks. A footprint choice, not a benchmark's.
const MAX_SLAB: usize = 64 << 10;

/// A per-thread allocation handle over a [`SyncLake`], made by [`SyncLake::local`].
///
/// It takes a slab (a large block) from the shared lake with one CAS and then bumps in it
/// with plain loads and stores, like a [`Lake`](crate::Lake): the fast path of
/// [blink-alloc]'s design. Slabs double from 1 KiB to 64 KiB; a request larger than a quarter
/// of the next slab goes straight to the shared lake.
///
/// Allocations are tied to the **shared lake's** lifetime `'a`, not to the handle: they stay
/// valid after the `LocalLake` is dropped, until the `SyncLake` is reset or dropped (both need
/// `&mut`). Dropping the handle gives the unused rest of its slab back when it is still the
/// shared lake's last block.
///
/// ```
/// use lake::SyncLake;
///
/// let mut shared = SyncLake::new();
/// let (a, b) = std::thread::scope(|s| {
///     let t1 = s.spawn(|| {
///         let local = shared.local();
///         local.alloc_slice_fill_with(1000, |i| i as u32).iter().sum::<u32>()
///     });
///     let t2 = s.spawn(|| {
///         let local = shared.local();
///         local.alloc_str("no atomics on this path").len()
///     });
///     (t1.join().unwrap(), t2.join().unwrap())
/// });
/// assert_eq!((a, b), (499_500, 23));
/// shared.reset();
/// ```
///
/// # Threads
///
/// `LocalLake` is `Send` (a handle can move to a worker thread) but not `Sync`: its slab bounds
/// (`start`, `end`, `next_slab`) are plain `Cell`s and its cursor is only ever accessed
/// `Relaxed`, so two threads must not share one. Both follow from the fields.
///
/// `&LocalLake` implements [`allocator_api2::alloc::Allocator`].
///
/// [blink-alloc]: https://docs.rs/blink-alloc
pub struct LocalLake<'a> {
    shared: &'a SyncLake,
    /// The bump cursor in the current slab; carries the shared chunk's provenance.
    /// Invariant: `start <= pos.addr() <= end <= CURSOR_LIMIT`, `pos.addr() >= CHUNK_ALIGN`;
    /// `start..end` is a block of `shared` that this handle owns, and the bytes in `pos..end`
    /// have not been handed out.
    pos: AtomicPtr<u8>,
    /// Address of the current slab's first byte.
    start: Cell<usize>,
    /// Address one past the current slab's last byte.
    end: Cell<usize>,
    /// Size of the next slab.
    next_slab: Cell<usize>,
}

// `&self -> &'a mut T`: every call gets a fresh block of this handle's slab (or of the shared
// lake) that no other reference can reach, so the returned `&mut` is unique.
#[allow(clippy::mut_from_ref)]
impl<'a> LocalLake<'a> {
    pub(super) fn new(shared: &'a SyncLake) -> LocalLake<'a> {
        LocalLake {
            shared,
            pos: AtomicPtr::new(core::ptr::without_provenance_mut(CHUNK_ALIGN)),
            start: Cell::new(CHUNK_ALIGN),
            end: Cell::new(CHUNK_ALIGN),
            next_slab: Cell::new(FIRST_SLAB),
        }
    }

    /// The shared lake this handle takes its slabs from.
    ///
    /// ```
    /// let shared = lake::SyncLake::new();
    /// let local = shared.local();
    /// assert!(std::ptr::eq(local.shared(), &shared));
    /// ```
    pub fn shared(&self) -> &'a SyncLake {
        self.shared
    }

    typed_api!('a, "let shared = lake::SyncLake::new();\nlet lake = shared.local();\n");

    /// One bump in the current slab, or the slow path.
    #[inline(always)]
    fn bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let pos = self.pos.load(Relaxed);
        // The cursor invariant is `bump_up`'s precondition.
        if let Some(b) = bump::bump_up(pos.addr(), self.end.get(), layout) {
            self.pos.store(pos.with_addr(b.new_pos), Relaxed);
            // SAFETY: `b.start >= pos.addr() >= CHUNK_ALIGN > 0`.
            return Ok(unsafe { NonNull::new_unchecked(pos.with_addr(b.start)) });
        }
        self.bump_slow(layout)
    }

    #[cold]
    #[inline(never)]
    fn bump_slow(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let requested = layout.size();
        if requested == 0 {
            return Ok(dangling(layout.align()));
        }
        let slab = self.next_slab.get();
        let fit = chunk::fit_size(requested, layout.align())
            .ok_or(AllocError::OutOfMemory { requested })?;
        if fit > slab / 4 {
            // Large: straight from the shared lake, keeping the current slab.
            return self.shared.bump(layout);
        }
        self.release_tail();
        let slab_layout = Layout::from_size_align(slab, CHUNK_ALIGN)
            .map_err(|_| AllocError::OutOfMemory { requested: slab })?;
        let block = self.shared.bump(slab_layout)?;
        let start = block.as_ptr().addr();
        self.pos.store(block.as_ptr(), Relaxed);
        self.start.set(start);
        // `start..start + slab` is a block of the shared lake, which lies in a chunk whose end
        // is at most `CURSOR_LIMIT`: no overflow, and the cursor invariant holds.
        self.end.set(start + slab);
        self.next_slab.set((slab * 2).min(MAX_SLAB));
        let pos = self.pos.load(Relaxed);
        match bump::bump_up(pos.addr(), self.end.get(), layout) {
            Some(b) => {
                self.pos.store(pos.with_addr(b.new_pos), Relaxed);
                // SAFETY: `b.start >= pos.addr() > 0` (a heap address).
                Ok(unsafe { NonNull::new_unchecked(pos.with_addr(b.start)) })
            }
            // Unreachable: `fit <= slab / 4` and the slab is 16-aligned.
            None => Err(AllocError::OutOfMemory { requested }),
        }
    }

    /// Gives the unused rest of the current slab back to the shared lake (it succeeds only
    /// while the slab is the shared lake's last block) and stops using it.
    fn release_tail(&self) {
        let pos = self.pos.load(Relaxed);
        let end = self.end.get();
        if let (Some(tail), true) = (NonNull::new(pos), pos.addr() < end) {
            self.end.set(pos.addr());
            // SAFETY: the bytes `pos..end` are the rest of a slab this handle took from the
            // shared lake; they were never handed out, and with `end` lowered to `pos` this
            // handle no longer uses them.
            unsafe { self.shared.free_last(tail, end - pos.addr()) };
        }
    }

    /// Gives back the block if it is the last one of the current slab.
    ///
    /// # Safety
    ///
    /// `ptr` and `size` describe a block this handle handed out, which the caller owns and does
    /// not use afterwards.
    unsafe fn free_last_local(&self, ptr: NonNull<u8>, size: usize) -> bool {
        let start = ptr.as_ptr().addr();
        let pos = self.pos.load(Relaxed);
        if size > 0 && bump::is_last(start, size, pos.addr(), self.start.get()) {
            self.pos.store(pos.with_addr(start), Relaxed);
            true
        } else {
            false
        }
    }
}

impl RawLake for LocalLake<'_> {
    #[inline(always)]
    fn raw_bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        self.bump(layout)
    }

    unsafe fn raw_free_last(&self, ptr: NonNull<u8>, size: usize) -> bool {
        // A block that is not last in the slab may be a large block taken straight from the
        // shared lake (or the last block of an old slab whose tail was given back): the shared
        // lake rewinds it only if it ends exactly at the shared cursor, which the caller's
        // ownership of the block makes sound either way.
        // SAFETY: the same contract, forwarded.
        unsafe { self.free_last_local(ptr, size) || self.shared.free_last(ptr, size) }
    }

    unsafe fn raw_resize_in_place(&self, ptr: NonNull<u8>, old: usize, new: usize) -> bool {
        let start = ptr.as_ptr().addr();
        let pos = self.pos.load(Relaxed);
        if old == 0 || !bump::is_last(start, old, pos.addr(), self.start.get()) {
            return false;
        }
        match bump::resize_last(start, new, self.end.get()) {
            Some(new_pos) => {
                self.pos.store(pos.with_addr(new_pos), Relaxed);
                true
            }
            None => false,
        }
    }
}

impl Drop for LocalLake<'_> {
    fn drop(&mut self) {
        self.release_tail();
    }
}

impl fmt::Debug for LocalLake<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalLake")
            .field(
                "slab_used",
                &(self.pos.load(Relaxed).addr() - self.start.get()),
            )
            .field("slab_size", &(self.end.get() - self.start.get()))
            .finish_non_exhaustive()
    }
}

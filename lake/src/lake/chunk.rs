//! Chunk storage: the heap blocks a lake bumps through.

use alloc::vec::Vec;
use core::mem::MaybeUninit;
use core::ptr::NonNull;
use core::sync::atomic::AtomicPtr;

use crate::math::chunk::CHUNK_ALIGN;

/// Sixteen bytes at sixteen-byte alignment: the unit chunks are allocated in, so every chunk
/// starts at an address that is a multiple of [`CHUNK_ALIGN`].
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Block([u8; CHUNK_ALIGN]);

const _: () = assert!(core::mem::size_of::<Block>() == CHUNK_ALIGN);
const _: () = assert!(core::mem::align_of::<Block>() == CHUNK_ALIGN);

/// Where a chunk's bytes come from.
enum Storage {
    /// A heap block the chunk owns and frees.
    Owned(Vec<MaybeUninit<Block>>),
    /// A region of a parent lake, for a view; never freed here. An `AtomicPtr` (only ever
    /// accessed through `&mut`) so that `Chunk: Send` follows from the fields.
    Borrowed(AtomicPtr<u8>),
}

/// One chunk: a heap block of `capacity` bytes that is never read as initialised by the lake.
///
/// The storage is a `Vec` with length 0 whose spare capacity is the chunk. A `Vec` (unlike a
/// `Box`) asserts no uniqueness over its buffer when it is moved, so pointers derived once with
/// [`Chunk::start`] stay valid while the `Chunk` value moves around inside the chunk list; and
/// `Vec::as_mut_ptr` is documented not to create an intermediate reference to the buffer.
pub(crate) struct Chunk {
    storage: Storage,
    /// Usable bytes: a multiple of [`CHUNK_ALIGN`], at most the storage's capacity in bytes.
    capacity: usize,
    /// Bytes used when the lake last left this chunk (kept for `zero_on_reset`).
    pub(crate) filled: usize,
}

impl Chunk {
    /// Allocates a chunk of `capacity` bytes (a multiple of [`CHUNK_ALIGN`], at most
    /// `isize::MAX`). Returns `None` if the global allocator refuses.
    pub(crate) fn try_new(capacity: usize) -> Option<Chunk> {
        debug_assert_eq!(capacity % CHUNK_ALIGN, 0);
        let blocks = capacity / CHUNK_ALIGN;
        let mut storage = Vec::new();
        storage.try_reserve_exact(blocks).ok()?;
        Some(Chunk {
            storage: Storage::Owned(storage),
            capacity,
            filled: 0,
        })
    }

    /// A chunk over memory the lake does not own: a region of a parent lake, for a view.
    ///
    /// `region` must be valid for reads and writes of `capacity` bytes, start at a multiple of
    /// [`CHUNK_ALIGN`], carry the provenance of that memory, and not be accessed by anyone else
    /// while the chunk exists (the view that owns it borrows the parent).
    pub(crate) fn borrowed(region: NonNull<u8>, capacity: usize) -> Chunk {
        Chunk {
            storage: Storage::Borrowed(AtomicPtr::new(region.as_ptr())),
            capacity,
            filled: 0,
        }
    }

    /// First byte of the chunk, with provenance over all `capacity` bytes.
    pub(crate) fn start(&mut self) -> NonNull<u8> {
        let start = match &mut self.storage {
            // `as_mut_ptr` on an allocated Vec is non-null; for a zero-capacity chunk it is a
            // dangling, well-aligned pointer, which is fine because no byte is ever accessed.
            Storage::Owned(blocks) => blocks.as_mut_ptr().cast::<u8>(),
            Storage::Borrowed(region) => *region.get_mut(),
        };
        NonNull::new(start).unwrap_or(NonNull::dangling())
    }

    /// Usable bytes in this chunk.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Offers only the first `usable` bytes from now on (a fixed lake offers exactly what was
    /// asked for, not the rounded-up allocation).
    pub(crate) fn limit_to(&mut self, usable: usize) {
        self.capacity = self.capacity.min(usable);
    }

    /// Zeroes the first `len` bytes (clamped to the capacity).
    ///
    /// # Safety
    ///
    /// As for [`Chunk::zero_range`].
    pub(crate) unsafe fn zero_prefix(&mut self, len: usize) {
        // SAFETY: the same contract.
        unsafe { self.zero_range(0, len) };
    }

    /// Zeroes the bytes at offsets `from..to` (clamped to the capacity; empty if `from >= to`).
    ///
    /// # Safety
    ///
    /// No reference into that range is alive and none of its bytes is used again as it was:
    /// the caller holds `&mut Lake` (`reset`) or is a rewind giving the range back.
    pub(crate) unsafe fn zero_range(&mut self, from: usize, to: usize) {
        let to = to.min(self.capacity);
        if from >= to {
            return;
        }
        let start = self.start();
        // SAFETY: `start` carries the provenance of the chunk's allocation, which holds at least
        // `capacity >= to` bytes, so `from..to` is in bounds; writing bytes needs no initialised
        // contents; and the caller guarantees that no reference into the range is alive.
        unsafe { start.as_ptr().add(from).write_bytes(0, to - from) };
    }
}

//! [`SyncLake`]: a bump arena many threads allocate from at once.

use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

use crate::error::AllocError;
use crate::math::chunk::{self, DEFAULT_MAX_CHUNK};
use crate::sync::{self, AtomicPtr, Mutex, Ordering};

use super::chunk::{alloc_chunk, bump_in, free_chunk, resize, rewind, Header};
use super::LocalLake;
use crate::lake::typed::{dangling, typed_api, RawLake};
use crate::lake::LakeStats;

/// Size of the first chunk of a [`SyncLake`] created without a capacity. Larger than a
/// `Lake`'s first chunk: every chunk change is a trip through the growth lock.
pub(super) const SYNC_FIRST_CHUNK: usize = 4 << 10;

/// A bump arena that many threads allocate from at once through `&SyncLake`.
///
/// Allocation is one compare-and-swap on the current chunk's cursor (lock-free; a thread that
/// loses the race retries with the cursor it was shown). Only installing a new chunk, when the
/// current one is full, takes a lock; threads racing to grow install exactly one chunk.
/// Everything is freed at once by [`reset`](SyncLake::reset), which takes `&mut self`: after
/// the threads are joined (fork-join), so the compiler proves no allocation is still in use.
///
/// ```
/// use lake::SyncLake;
///
/// let mut lake = SyncLake::new();
/// std::thread::scope(|s| {
///     for t in 0..4u32 {
///         let lake = &lake;
///         s.spawn(move || {
///             let mine = lake.alloc_slice_fill_with(100, |i| t * 1000 + i as u32);
///             assert!(mine.iter().enumerate().all(|(i, &v)| v == t * 1000 + i as u32));
///         });
///     }
/// });
/// assert!(lake.stats().used >= 4 * 400);
/// lake.reset(); // every thread is joined: nothing can still point into the lake
/// assert_eq!(lake.stats().used, 0);
/// ```
///
/// For many small allocations per thread, [`local`](SyncLake::local) gives each thread a
/// [`LocalLake`] that takes a slab of the shared lake and bumps in it without atomics.
///
/// Like [`Lake`](crate::Lake), the lake never runs destructors of values placed with `alloc*`;
/// `&SyncLake` implements [`allocator_api2::alloc::Allocator`] (a block is given back, or grown
/// in place, only while it is the last one of the current chunk).
///
/// # Threads
///
/// `SyncLake` is `Send` and `Sync`, which follows from its fields (atomics and a mutex); no
/// `unsafe impl` is involved. A value allocated by one thread is reached by another only
/// through a reference that thread sent, under the usual `Send`/`Sync` rules for that value's
/// type.
pub struct SyncLake {
    /// The chunk allocations bump in (null before the first chunk). Published with `Release`
    /// after its header is written; loaded with `Acquire`. Invariant: every non-null value ever
    /// stored here points to a live chunk of this lake until `reset`/drop (`&mut self`).
    current: AtomicPtr<Header>,
    /// The slow path: installing chunks, and the totals `stats` reports.
    growth: Mutex<Growth>,
    /// First chunk size (usable bytes).
    first_chunk: usize,
    /// Growth cap for regular chunks.
    max_chunk: usize,
}

/// What the growth lock protects (besides the `next` links of the chunk list).
#[derive(Debug, Default)]
struct Growth {
    /// Capacity of the newest regular chunk (the base for doubling).
    last_regular: Option<usize>,
    /// Sum of all chunks' usable bytes.
    capacity: usize,
    /// Number of chunks.
    chunks: usize,
    /// Largest `used` seen by `stats` or `reset`.
    high_water: usize,
}

impl SyncLake {
    /// Creates an empty lake; its first chunk is allocated on first use.
    ///
    /// ```
    /// let lake = lake::SyncLake::new();
    /// assert_eq!(lake.stats().capacity, 0);
    /// assert_eq!(*lake.alloc(7u64), 7);
    /// ```
    pub fn new() -> SyncLake {
        SyncLake {
            current: AtomicPtr::new(core::ptr::null_mut()),
            growth: Mutex::new(Growth::default()),
            first_chunk: SYNC_FIRST_CHUNK,
            max_chunk: DEFAULT_MAX_CHUNK,
        }
    }

    /// Creates a lake whose first chunk of at least `bytes` bytes is allocated now.
    ///
    /// # Panics
    ///
    /// If the chunk cannot be allocated; see [`try_with_capacity`](SyncLake::try_with_capacity).
    ///
    /// ```
    /// let lake = lake::SyncLake::with_capacity(64 << 10);
    /// assert!(lake.stats().capacity >= 64 << 10);
    /// ```
    #[track_caller]
    pub fn with_capacity(bytes: usize) -> SyncLake {
        match SyncLake::try_with_capacity(bytes) {
            Ok(lake) => lake,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`with_capacity`](SyncLake::with_capacity).
    ///
    /// ```
    /// use lake::{AllocError, SyncLake};
    /// assert!(SyncLake::try_with_capacity(4096).is_ok());
    /// assert!(matches!(
    ///     SyncLake::try_with_capacity(usize::MAX),
    ///     Err(AllocError::OutOfMemory { .. })
    /// ));
    /// ```
    pub fn try_with_capacity(bytes: usize) -> Result<SyncLake, AllocError> {
        let mut lake = SyncLake::new();
        let size = chunk::round_chunk(bytes).ok_or(AllocError::OutOfMemory { requested: bytes })?;
        let first = alloc_chunk(size)?;
        // `first` is not published yet: only this thread can see it. Storing it makes the lake
        // own it (freed by `reset` or drop).
        lake.current.store(first.as_ptr(), Ordering::Release);
        let growth = sync::get_mut(&mut lake.growth);
        growth.last_regular = Some(size);
        growth.capacity = size;
        growth.chunks = 1;
        Ok(lake)
    }

    /// Returns a per-thread handle that allocates from slabs of this lake without atomics.
    /// Its allocations live as long as the `SyncLake` borrow, not the handle.
    ///
    /// ```
    /// let shared = lake::SyncLake::new();
    /// let names = std::thread::scope(|s| {
    ///     let worker = s.spawn(|| {
    ///         let local = shared.local();
    ///         local.alloc_str("from a worker") // outlives `local`: tied to `shared`
    ///     });
    ///     worker.join().unwrap()
    /// });
    /// assert_eq!(names, "from a worker");
    /// ```
    pub fn local(&self) -> LocalLake<'_> {
        LocalLake::new(self)
    }

    /// Frees every allocation at once. Keeps the largest chunk (the newest among equals) and
    /// releases the others, so a steady fork-join workload stops calling the global allocator.
    ///
    /// Takes `&mut self`: every thread that borrowed the lake has been joined, and every
    /// reference into it is dead, which the compiler checks.
    ///
    /// ```
    /// let mut lake = lake::SyncLake::new();
    /// for _round in 0..3 {
    ///     std::thread::scope(|s| {
    ///         s.spawn(|| lake.alloc_slice_copy(&[1u8; 10_000]).len());
    ///         s.spawn(|| lake.alloc_slice_copy(&[2u8; 10_000]).len());
    ///     });
    ///     lake.reset();
    /// }
    /// let stats = lake.stats();
    /// assert_eq!((stats.used, stats.chunks), (0, 1));
    /// ```
    pub fn reset(&mut self) {
        let used = self.used();
        let growth = sync::get_mut(&mut self.growth);
        growth.high_water = growth.high_water.max(used);
        let head = self.current.load(Ordering::Acquire);
        // Pick the chunk to keep: the largest; the list runs newest first, so `>` keeps the
        // newest among equals.
        let mut keep: Option<NonNull<Header>> = None;
        let mut keep_capacity = 0;
        let mut at = head;
        while let Some(chunk) = NonNull::new(at) {
            // SAFETY: chunks in the list are alive until freed below; `&mut self` means no
            // other thread can touch them.
            let header = unsafe { chunk.as_ref() };
            if keep.is_none() || header.capacity > keep_capacity {
                keep = Some(chunk);
                keep_capacity = header.capacity;
            }
            at = header.next.load(Ordering::Acquire);
        }
        let mut at = head;
        while let Some(chunk) = NonNull::new(at) {
            // SAFETY: as above; `next` is read before the chunk is freed.
            at = unsafe { chunk.as_ref() }.next.load(Ordering::Acquire);
            if Some(chunk) != keep {
                // SAFETY: the chunk came from `alloc_chunk`, is in the list exactly once (so it
                // is freed once), and `&mut self` proves that no block from it is in use.
                unsafe { free_chunk(chunk) };
            }
        }
        match keep {
            Some(kept) => {
                // SAFETY: the kept chunk is alive; `&mut self` gives exclusive access.
                let header = unsafe { kept.as_ref() };
                header.cursor.store(header.start, Ordering::Relaxed);
                header.next.store(core::ptr::null_mut(), Ordering::Relaxed);
                self.current.store(kept.as_ptr(), Ordering::Release);
                growth.capacity = header.capacity;
                growth.chunks = 1;
                growth.last_regular = Some(header.capacity);
            }
            None => {
                self.current.store(core::ptr::null_mut(), Ordering::Release);
                growth.capacity = 0;
                growth.chunks = 0;
            }
        }
    }

    /// Reports usage: bytes used (including alignment padding and the whole slabs taken by
    /// [`LocalLake`]s) and reserved, chunk count and high-water mark. `allocations` is always
    /// `None`: counting would put a second contended atomic on the fast path.
    ///
    /// Safe to call while other threads allocate; the numbers are then a snapshot.
    ///
    /// ```
    /// let lake = lake::SyncLake::with_capacity(1024);
    /// lake.alloc(1u32);
    /// lake.alloc(2u32);
    /// let stats = lake.stats();
    /// assert_eq!((stats.used, stats.chunks, stats.capacity), (8, 1, 1024));
    /// ```
    pub fn stats(&self) -> LakeStats {
        let mut growth = sync::lock(&self.growth);
        let used = self.used();
        growth.high_water = growth.high_water.max(used);
        LakeStats {
            used,
            capacity: growth.capacity,
            chunks: growth.chunks,
            high_water: growth.high_water,
            allocations: None,
        }
    }

    /// Bytes between each chunk's start and its cursor. Callers hold the growth lock or
    /// `&mut self`, so the `next` links do not change under the walk.
    fn used(&self) -> usize {
        let mut used = 0usize;
        let mut at = self.current.load(Ordering::Acquire);
        while let Some(chunk) = NonNull::new(at) {
            // SAFETY: chunks in the list stay alive while `&self` is borrowed (freed only by
            // `reset`/drop, which take `&mut self`).
            let header = unsafe { chunk.as_ref() };
            used = used.saturating_add(header.cursor.load(Ordering::Relaxed) - header.start);
            at = header.next.load(Ordering::Acquire);
        }
        used
    }

    /// Reserves a block for `layout`: one CAS bump in the current chunk, or the slow path.
    ///
    /// The block is valid for reads and writes of `layout.size()` bytes, aligned, disjoint from
    /// every other live block, and stays valid until the lake is reset or dropped (both need
    /// `&mut self`) or it is given back with [`free_last`](SyncLake::free_last).
    #[inline(always)]
    pub(crate) fn bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        let current = self.current.load(Ordering::Acquire);
        if let Some(chunk) = NonNull::new(current) {
            // SAFETY: a non-null `current` points to a live chunk of this lake (struct
            // invariant), published with `Release` after its header was written.
            let header = unsafe { chunk.as_ref() };
            if let Some(block) = bump_in(header, chunk, layout) {
                return Ok(block);
            }
        }
        self.bump_slow(layout, current)
    }

    /// The slow path: a zero-sized request the fast path could not align, or a new chunk.
    /// `seen` is the chunk the fast path found full (or null).
    #[cold]
    #[inline(never)]
    fn bump_slow(&self, layout: Layout, seen: *mut Header) -> Result<NonNull<u8>, AllocError> {
        let requested = layout.size();
        if requested == 0 {
            return Ok(dangling(layout.align()));
        }
        let mut growth = sync::lock(&self.growth);
        let current = self.current.load(Ordering::Acquire);
        if current != seen {
            // Another thread installed a chunk while this one waited for the lock: use it.
            if let Some(chunk) = NonNull::new(current) {
                // SAFETY: as in `bump`.
                let header = unsafe { chunk.as_ref() };
                if let Some(block) = bump_in(header, chunk, layout) {
                    return Ok(block);
                }
            }
        }
        let fit = chunk::fit_size(requested, layout.align())
            .ok_or(AllocError::OutOfMemory { requested })?;
        let regular = chunk::next_size(growth.last_regular, self.first_chunk, self.max_chunk, 0)
            .ok_or(AllocError::OutOfMemory { requested: fit })?;
        let size = regular.max(fit);
        let fresh = alloc_chunk(size)?;
        // SAFETY: `fresh` is alive and unpublished: this thread is its only user.
        let header = unsafe { fresh.as_ref() };
        // Carve the caller's block before anyone else can see the chunk, so it cannot be
        // taken by others first: the thread that grows always gets its block.
        let Some(block) = bump_in(header, fresh, layout) else {
            // Unreachable: `fit_size` holds the request at any 16-aligned start.
            // SAFETY: never published, so nothing refers to it.
            unsafe { free_chunk(fresh) };
            return Err(AllocError::OutOfMemory { requested });
        };
        match NonNull::new(current) {
            // A request larger than a regular chunk gets a chunk of its own, linked behind the
            // current one, so the room left in the current chunk is not abandoned.
            Some(cur) if fit > regular => {
                // SAFETY: as in `bump`.
                let cur = unsafe { cur.as_ref() };
                header
                    .next
                    .store(cur.next.load(Ordering::Acquire), Ordering::Relaxed);
                cur.next.store(fresh.as_ptr(), Ordering::Release);
            }
            _ => {
                header.next.store(current, Ordering::Relaxed);
                // Publish: the header (and the carved cursor) happen-before any `Acquire` load
                // that sees this pointer.
                self.current.store(fresh.as_ptr(), Ordering::Release);
                growth.last_regular = Some(size);
            }
        }
        growth.capacity = growth.capacity.saturating_add(size);
        growth.chunks += 1;
        Ok(block)
    }

    /// Gives back the block at `ptr` of `size` bytes if it is the last one of the current
    /// chunk; returns whether it did.
    ///
    /// # Safety
    ///
    /// `ptr` and `size` describe a block this lake handed out (or a zero-sized one), which the
    /// caller owns and does not use afterwards.
    pub(crate) unsafe fn free_last(&self, ptr: NonNull<u8>, size: usize) -> bool {
        match NonNull::new(self.current.load(Ordering::Acquire)) {
            // SAFETY: the chunk is alive (as in `bump`); `rewind` acts only if the block is
            // that chunk's last, and then the block is the caller's, given up (the contract).
            Some(chunk) => unsafe { rewind(chunk.as_ref(), ptr.as_ptr().addr(), size) },
            None => false,
        }
    }

    /// Resizes the block at `ptr` from `old` to `new` bytes without moving it, if it is the
    /// last one of the current chunk and the chunk has room; returns whether it did.
    ///
    /// # Safety
    ///
    /// `ptr` and `old` describe a block this lake handed out, which the caller owns; after a
    /// shrink it does not use the bytes past `new`.
    pub(crate) unsafe fn resize_in_place(&self, ptr: NonNull<u8>, old: usize, new: usize) -> bool {
        match NonNull::new(self.current.load(Ordering::Acquire)) {
            // SAFETY: the chunk is alive (as in `bump`); `resize` acts only if the block is
            // that chunk's last, and the block is the caller's (the contract).
            Some(chunk) => unsafe { resize(chunk.as_ref(), ptr.as_ptr().addr(), old, new) },
            None => false,
        }
    }
}

// `&self -> &mut T` is the point of an arena: every call gets a fresh block that no other
// reference can reach (`SyncLake::bump`), so the returned `&mut` is unique.
#[allow(clippy::mut_from_ref)]
impl SyncLake {
    typed_api!('_, "let lake = lake::SyncLake::new();\n");
}

impl RawLake for SyncLake {
    #[inline(always)]
    fn raw_bump(&self, layout: Layout) -> Result<NonNull<u8>, AllocError> {
        self.bump(layout)
    }

    unsafe fn raw_free_last(&self, ptr: NonNull<u8>, size: usize) -> bool {
        // SAFETY: the same contract.
        unsafe { self.free_last(ptr, size) }
    }

    unsafe fn raw_resize_in_place(&self, ptr: NonNull<u8>, old: usize, new: usize) -> bool {
        // SAFETY: the same contract.
        unsafe { self.resize_in_place(ptr, old, new) }
    }
}

impl Drop for SyncLake {
    fn drop(&mut self) {
        let mut at = self.current.load(Ordering::Acquire);
        while let Some(chunk) = NonNull::new(at) {
            // SAFETY: the chunk is alive; `next` is read before it is freed.
            at = unsafe { chunk.as_ref() }.next.load(Ordering::Acquire);
            // SAFETY: each chunk is in the list exactly once; dropping the lake means no
            // borrow of it, hence no block reference, is alive.
            unsafe { free_chunk(chunk) };
        }
    }
}

impl Default for SyncLake {
    fn default() -> SyncLake {
        SyncLake::new()
    }
}

impl fmt::Debug for SyncLake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncLake")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, loom))]
impl SyncLake {
    /// The usable address range of every chunk, newest first (for the models and tests).
    pub(super) fn chunk_ranges(&self) -> alloc::vec::Vec<(usize, usize)> {
        let _growth = sync::lock(&self.growth);
        let mut ranges = alloc::vec::Vec::new();
        let mut at = self.current.load(Ordering::Acquire);
        while let Some(chunk) = NonNull::new(at) {
            // SAFETY: chunks in the list stay alive while `&self` is borrowed.
            let header = unsafe { chunk.as_ref() };
            ranges.push((header.start, header.start + header.capacity));
            at = header.next.load(Ordering::Acquire);
        }
        ranges
    }
}

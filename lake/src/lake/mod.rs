//! The bump arena: [`Lake`], its builder, statistics and owning box.

mod alloc;
mod allocator;
mod boxed;
mod builder;
mod chunk;
mod drop_list;
mod droplet;
mod growing;
#[cfg(feature = "std")]
mod local;
mod raw;
mod rewind;
mod scope;
mod shared;
mod stats;
mod typed;
mod view;

pub use boxed::LakeBox;
pub use builder::LakeBuilder;
pub use droplet::{Droplet, DropletDyn, DropletWriter};
#[cfg(feature = "std")]
pub use local::*;
pub use rewind::Snapshot;
pub use scope::{Sandbox, Scope, ScopeGuard};
#[cfg(feature = "std")]
pub use shared::*;
pub use stats::LakeStats;
pub use view::LakeView;

use ::alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::sync::atomic::{AtomicPtr, Ordering::Relaxed};

use crate::error::AllocError;
use crate::math::bump::CURSOR_LIMIT;
use crate::math::chunk::CHUNK_ALIGN;
use crate::math::keys::KeyStack;
use builder::Config;
use chunk::Chunk;
use drop_list::LakeDrops;
use rewind::Checkpoint;

/// A bump arena: allocation is a pointer bump, and everything is freed at once by
/// [`reset`](Lake::reset) or when the lake drops.
///
/// Allocation takes `&self` and returns references tied to the lake's lifetime, so many
/// allocations can be alive at once; [`reset`](Lake::reset) takes `&mut self`, so the compiler
/// rejects any use of an allocation after it.
///
/// ```
/// use lake::Lake;
///
/// #[derive(Debug, PartialEq)]
/// struct Point { x: i32, y: i32 }
///
/// let mut lake = Lake::new();
/// let p = lake.alloc(Point { x: 1, y: 2 });
/// let name = lake.alloc_str("origin");
/// p.x += 10;
/// assert_eq!(*p, Point { x: 11, y: 2 });
/// assert_eq!(name, "origin");
/// lake.reset(); // `p` and `name` can no longer be used
/// assert_eq!(lake.stats().used, 0);
/// ```
///
/// # Method matrix
///
/// | what                      | infallible (panics on failure) | fallible                     |
/// |---------------------------|--------------------------------|------------------------------|
/// | a value                   | [`alloc`](Lake::alloc)         | [`try_alloc`](Lake::try_alloc) |
/// | a value built in place    | [`alloc_with`](Lake::alloc_with) | [`try_alloc_with`](Lake::try_alloc_with) |
/// | an all-zero value         | [`alloc_zeroed`](Lake::alloc_zeroed) | [`try_alloc_zeroed`](Lake::try_alloc_zeroed) |
/// | a copy of a slice         | [`alloc_slice_copy`](Lake::alloc_slice_copy) | [`try_alloc_slice_copy`](Lake::try_alloc_slice_copy) |
/// | a clone of a slice        | [`alloc_slice_clone`](Lake::alloc_slice_clone) | [`try_alloc_slice_clone`](Lake::try_alloc_slice_clone) |
/// | a slice from a function   | [`alloc_slice_fill_with`](Lake::alloc_slice_fill_with) | [`try_alloc_slice_fill_with`](Lake::try_alloc_slice_fill_with) |
/// | an all-zero slice         | [`alloc_slice_zeroed`](Lake::alloc_slice_zeroed) | [`try_alloc_slice_zeroed`](Lake::try_alloc_slice_zeroed) |
/// | a string                  | [`alloc_str`](Lake::alloc_str) | [`try_alloc_str`](Lake::try_alloc_str) |
/// | formatted text            | [`alloc_fmt`](Lake::alloc_fmt) | [`try_alloc_fmt`](Lake::try_alloc_fmt) |
/// | the items of an iterator  | [`alloc_iter`](Lake::alloc_iter) | [`try_alloc_iter`](Lake::try_alloc_iter) |
/// | raw bytes for a layout    | [`alloc_layout`](Lake::alloc_layout) | [`try_alloc_layout`](Lake::try_alloc_layout) |
/// | a value that is dropped   | [`alloc_box`](Lake::alloc_box) | [`try_alloc_box`](Lake::try_alloc_box) |
/// | a value dropped on reset or rewind | [`alloc_dropping`](Lake::alloc_dropping) | [`try_alloc_dropping`](Lake::try_alloc_dropping) |
///
/// # No destructors (unless you ask)
///
/// Values placed with `alloc*` are **never dropped**: resetting or dropping the lake releases
/// their memory without running `Drop`. That is what makes a reset O(chunks). For values that
/// own resources (a `Vec`, a file), use [`alloc_box`](Lake::alloc_box): the returned
/// [`LakeBox`] runs the destructor when it goes out of scope; or
/// [`alloc_dropping`](Lake::alloc_dropping), whose destructor runs when the memory is given
/// back (a reset, a rewind to a point before it, or the lake's drop).
///
/// # Growth, capacity and limits
///
/// A lake from [`Lake::new`] allocates nothing until first used, then takes chunks from the
/// global allocator, each double the previous up to a cap (4 MiB by default; a larger request
/// gets a chunk of its own size). [`Lake::fixed`] has exactly one chunk and never grows, for
/// real-time code that must not call the global allocator after start-up.
/// [`LakeBuilder::limit`] sets a hard cap on the total chunk bytes.
///
/// # Threads
///
/// A `Lake` is `Send` (move it to a worker thread) but not `Sync`: allocation mutates the bump
/// cursor through `&self`, so two threads must not share one.
pub struct Lake {
    /// The bump cursor: the next free byte of the current chunk. Every pointer the lake hands
    /// out is derived from it, so it carries the chunk's provenance. It is an `AtomicPtr`
    /// (always accessed `Relaxed`, from the one thread that owns the `!Sync` lake; on x86-64
    /// and AArch64 that is a plain load/store) only so that `Lake: Send` follows from its fields
    /// without an `unsafe impl`. Invariant: `start <= pos.addr() <= end <= CURSOR_LIMIT`,
    /// `end - start <= isize::MAX` (one allocation), and `pos.addr() >= CHUNK_ALIGN > 0` (see
    /// `enter_chunk`).
    pos: AtomicPtr<u8>,
    /// Address of the first byte of the current chunk.
    start: Cell<usize>,
    /// Address one past the usable end of the current chunk.
    end: Cell<usize>,
    /// Allocations since creation or the last reset (only with `count-allocations`: the
    /// counter is a store per allocation, which the fast path otherwise does not pay).
    #[cfg(feature = "count-allocations")]
    allocations: Cell<usize>,
    /// Everything the fast path does not need. Borrowed only inside lake methods that run no
    /// user code while the borrow is held, so the borrow can never fail.
    chunks: RefCell<ChunkList>,
    config: Config,
    /// Process-unique identity, so keys from another lake are recognised.
    id: usize,
    /// Destructors registered by [`Lake::alloc_dropping`], run by `reset`, by a rewind to a
    /// point before them, and when the lake drops. Outside `chunks`: destructors run while no
    /// borrow of it is held.
    drops: LakeDrops,
}

/// A fresh lake identity. Identities are never reused while the process runs (a `usize`
/// counter; wrapping would take 2^64 lake creations).
fn next_lake_id() -> usize {
    use core::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The chunks of a lake and the bookkeeping needed off the fast path.
struct ChunkList {
    chunks: Vec<Chunk>,
    /// Index of the chunk `pos`/`start`/`end` point into (meaningless while `chunks` is empty).
    current: usize,
    /// Bytes used in the chunks before `current`.
    used_before: usize,
    /// Sum of all chunk capacities.
    capacity: usize,
    /// Largest `used` observed at a reset or a stats call.
    high_water: usize,
    /// Which snapshots, marks and droplets are still valid (see `math::keys`).
    keys: KeyStack,
    /// The mark stack of `mark` / `reset_to_mark`, bottom first.
    marks: Vec<Checkpoint>,
}

impl Lake {
    /// Creates a growing lake that allocates its first chunk on first use.
    ///
    /// ```
    /// let lake = lake::Lake::new();
    /// assert_eq!(lake.stats().capacity, 0);
    /// lake.alloc(7u64);
    /// assert!(lake.stats().capacity >= 8);
    /// ```
    pub fn new() -> Lake {
        Lake::from_config(Config::default())
    }

    /// Creates a growing lake whose first chunk of `bytes` bytes is allocated now.
    ///
    /// # Panics
    ///
    /// If the global allocator cannot provide the chunk; see [`Lake::try_with_capacity`].
    ///
    /// ```
    /// let lake = lake::Lake::with_capacity(64 << 10);
    /// assert!(lake.stats().capacity >= 64 << 10);
    /// ```
    #[track_caller]
    pub fn with_capacity(bytes: usize) -> Lake {
        Lake::try_with_capacity(bytes).unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`Lake::with_capacity`].
    ///
    /// ```
    /// use lake::{AllocError, Lake};
    /// assert!(Lake::try_with_capacity(4096).is_ok());
    /// assert!(matches!(Lake::try_with_capacity(usize::MAX), Err(AllocError::OutOfMemory { .. })));
    /// ```
    pub fn try_with_capacity(bytes: usize) -> Result<Lake, AllocError> {
        Lake::builder().capacity(bytes).try_build()
    }

    /// Creates a lake with exactly one chunk of `bytes` bytes that never grows: once full, every
    /// allocation fails with [`AllocError::CapacityExceeded`] until [`reset`](Lake::reset).
    ///
    /// # Panics
    ///
    /// If the global allocator cannot provide the chunk; see [`Lake::try_fixed`].
    ///
    /// ```
    /// let lake = lake::Lake::fixed(16);
    /// assert!(lake.try_alloc(1u64).is_ok());
    /// assert!(lake.try_alloc(2u64).is_ok());
    /// assert!(lake.try_alloc(3u64).is_err());
    /// ```
    #[track_caller]
    pub fn fixed(bytes: usize) -> Lake {
        Lake::try_fixed(bytes).unwrap_or_else(|e| e.panic())
    }

    /// Fallible [`Lake::fixed`].
    ///
    /// ```
    /// assert!(lake::Lake::try_fixed(1 << 20).is_ok());
    /// ```
    pub fn try_fixed(bytes: usize) -> Result<Lake, AllocError> {
        Lake::builder().capacity(bytes).fixed().try_build()
    }

    /// Starts configuring a lake: initial capacity, hard limit, growth cap, fixed size and
    /// zeroing on reset.
    ///
    /// ```
    /// let lake = lake::Lake::builder()
    ///     .capacity(4096)
    ///     .limit(1 << 20)
    ///     .max_chunk_size(64 << 10)
    ///     .zero_on_reset(true)
    ///     .build();
    /// assert!(lake.stats().capacity >= 4096);
    /// ```
    pub fn builder() -> LakeBuilder {
        LakeBuilder::default()
    }

    pub(crate) fn from_config(config: Config) -> Lake {
        let empty = core::ptr::without_provenance_mut::<u8>(CHUNK_ALIGN);
        Lake {
            pos: AtomicPtr::new(empty),
            start: Cell::new(CHUNK_ALIGN),
            end: Cell::new(CHUNK_ALIGN),
            #[cfg(feature = "count-allocations")]
            allocations: Cell::new(0),
            chunks: RefCell::new(ChunkList {
                chunks: Vec::new(),
                current: 0,
                used_before: 0,
                capacity: 0,
                high_water: 0,
                keys: KeyStack::default(),
                marks: Vec::new(),
            }),
            id: next_lake_id(),
            config,
            drops: LakeDrops::default(),
        }
    }

    /// Frees every allocation at once. Keeps the largest chunk (so a steady workload stops
    /// calling the global allocator) and releases the others; with
    /// [`zero_on_reset`](LakeBuilder::zero_on_reset) every byte handed out since the last reset
    /// is zeroed first, in the released chunks as well as the kept one.
    ///
    /// Takes `&mut self`: every reference into the lake must be dead, which the compiler checks.
    ///
    /// ```
    /// let mut lake = lake::Lake::new();
    /// for round in 0..3 {
    ///     for i in 0..1000u64 {
    ///         lake.alloc(i * round);
    ///     }
    ///     lake.reset();
    /// }
    /// let stats = lake.stats();
    /// assert_eq!((stats.used, stats.chunks), (0, 1));
    /// assert!(stats.high_water >= 8000);
    /// ```
    pub fn reset(&mut self) {
        if !self.drops.is_empty() {
            self.reset_dropping();
            return;
        }
        self.reset_memory();
    }

    /// [`Lake::reset`] with registered destructors: runs them all (newest first; every one
    /// even if some panic), then frees the memory, on every path.
    #[cold]
    #[inline(never)]
    fn reset_dropping(&mut self) {
        let drops = core::mem::take(&mut self.drops);
        // SAFETY: `&mut self`: no reference into the lake, so none to a registered value, is
        // alive.
        unsafe { drops.drain_from(0, || self.reset_memory()) };
    }

    /// The memory part of [`Lake::reset`].
    fn reset_memory(&mut self) {
        let used = self.used();
        let zero = self.config.zero_on_reset;
        let current_used = self.cursor() - self.start.get();
        #[cfg(feature = "count-allocations")]
        self.allocations.set(0);
        let list = self.chunks.get_mut();
        list.high_water = list.high_water.max(used);
        // Every snapshot, mark and droplet is stale from here on.
        list.keys.truncate(0);
        list.marks.clear();
        if list.chunks.is_empty() {
            return;
        }
        list.chunks[list.current].filled = current_used;
        if zero {
            // Every byte handed out since the last reset lies below its chunk's `filled` mark
            // (bytes given back above the cursor were zeroed when they were given back), so
            // this wipes all of them, in the chunks that are freed as well as the one kept.
            for chunk in &mut list.chunks {
                let filled = chunk.filled;
                // SAFETY: `&mut self`: no reference into the lake is alive.
                unsafe { chunk.zero_prefix(filled) };
            }
        }
        // Keep the largest chunk; among equals the latest (it is the warmest in cache):
        // `max_by_key` returns the last of equal maxima.
        let keep = (0..list.chunks.len())
            .max_by_key(|&i| list.chunks[i].capacity())
            .unwrap_or(0);
        let mut kept = list.chunks.swap_remove(keep);
        list.chunks.clear();
        kept.filled = 0;
        list.capacity = kept.capacity();
        list.used_before = 0;
        list.current = 0;
        let start = kept.start();
        let capacity = kept.capacity();
        list.chunks.push(kept);
        // SAFETY: the kept chunk is this lake's, and `&mut self` means none of its bytes is in
        // use.
        unsafe { self.enter_chunk(start, capacity) };
    }

    /// Bytes handed out since the last reset, including alignment padding.
    fn used(&self) -> usize {
        let list = self.chunks.borrow();
        list.used_before + (self.cursor() - self.start.get())
    }

    /// Reports usage: bytes used and reserved, chunk count, high-water mark, and (with the
    /// `count-allocations` feature) the allocation count.
    ///
    /// ```
    /// let lake = lake::Lake::with_capacity(1024);
    /// lake.alloc(1u32);
    /// lake.alloc(2u32);
    /// let stats = lake.stats();
    /// assert_eq!((stats.used, stats.chunks, stats.capacity), (8, 1, 1024));
    /// if cfg!(feature = "count-allocations") {
    ///     assert_eq!(stats.allocations, Some(2));
    /// }
    /// ```
    pub fn stats(&self) -> LakeStats {
        let used = self.used();
        let mut list = self.chunks.borrow_mut();
        list.high_water = list.high_water.max(used);
        LakeStats {
            used,
            capacity: list.capacity,
            chunks: list.chunks.len(),
            high_water: list.high_water,
            #[cfg(feature = "count-allocations")]
            allocations: Some(self.allocations.get()),
            #[cfg(not(feature = "count-allocations"))]
            allocations: None,
        }
    }

    /// Points the bump cursor at the start of a chunk. This is where the cursor invariant
    /// `start <= pos <= end <= CURSOR_LIMIT` is established: a chunk ending in the last 15 bytes
    /// of the address space (which no real allocator produces) offers those bytes to no one.
    ///
    /// # Safety
    ///
    /// `start` and `capacity` describe a chunk of this lake (with its provenance), and none of
    /// its bytes is in use — or, for a rewind into a chunk, the caller moves the cursor up to
    /// the checkpoint (`move_cursor`) before anything is allocated.
    unsafe fn enter_chunk(&self, start: core::ptr::NonNull<u8>, capacity: usize) {
        let addr = start.as_ptr().addr();
        self.pos.store(start.as_ptr(), Relaxed);
        self.start.set(addr);
        self.end.set((addr + capacity).min(CURSOR_LIMIT).max(addr));
    }

    /// Counts one allocation (a no-op without the `count-allocations` feature).
    #[inline(always)]
    fn count_allocation(&self) {
        #[cfg(feature = "count-allocations")]
        self.allocations.set(self.allocations.get().wrapping_add(1));
    }

    /// Address of the bump cursor.
    #[inline(always)]
    fn cursor(&self) -> usize {
        self.pos.load(Relaxed).addr()
    }
}

impl Drop for Lake {
    /// Runs the destructors registered by [`Lake::alloc_dropping`] (the chunks are freed by
    /// their own drop).
    fn drop(&mut self) {
        if !self.drops.is_empty() {
            let drops = core::mem::take(&mut self.drops);
            // SAFETY: the lake is dropping: nothing borrows it, so no registered value is used.
            unsafe { drops.drain_from(0, || {}) };
        }
    }
}

impl Default for Lake {
    fn default() -> Lake {
        Lake::new()
    }
}

impl fmt::Debug for Lake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lake")
            .field("stats", &self.stats())
            .field("fixed", &self.config.fixed)
            .field("limit", &self.config.limit)
            .finish_non_exhaustive()
    }
}

//! [`ArenaStats`]: counters of a byte arena, and the atomic counters behind them.

use crate::sync::{AtomicU64, AtomicUsize, Ordering};

/// A snapshot of a byte arena's counters, from `stats()` on any byte arena.
///
/// Each field is read on its own, so a snapshot taken while other threads allocate or free
/// may mix moments; once every thread is quiet the counts are exact.
///
/// ```
/// use lake::bytes::FixedArena;
///
/// let arena = FixedArena::builder(256, 2).build()?;
/// let a = arena.try_allocate()?;
/// let b = arena.try_allocate()?;
/// assert!(arena.try_allocate().is_err());
/// drop(a);
/// let s = arena.stats();
/// assert_eq!((s.allocations, s.failures, s.live_bytes, s.high_water), (2, 1, 256, 512));
/// assert_eq!((s.capacity, s.largest_free_block), (512, 256));
/// # drop(b);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ArenaStats {
    /// Buffers handed out (`try_allocate`, `allocate`, `allocate_async`).
    pub allocations: u64,
    /// `try_allocate` / `allocate` calls that returned an error (each poll of a waiting
    /// `allocate_async` is not counted; its final error is).
    pub failures: u64,
    /// Buffers that outgrew their block and moved to the heap (`auto_spill`).
    pub spills: u64,
    /// Bytes of the blocks held now by buffers and frozen `Bytes` (block capacity, not the
    /// bytes written).
    pub live_bytes: usize,
    /// Most block bytes held at once.
    pub high_water: usize,
    /// The largest block that could be handed out now.
    pub largest_free_block: usize,
    /// Bytes of the arena's region that hold blocks.
    pub capacity: usize,
    /// Blocks split in two to serve a smaller request (buddy arena; 0 for a fixed arena).
    pub splits: u64,
    /// Pairs of free buddies merged back into their parent (buddy arena; 0 for a fixed arena).
    pub coalesces: u64,
}

/// The atomic counters every byte arena keeps; [`Counters::snapshot`] fills the counting fields
/// of an [`ArenaStats`], the arena fills `largest_free_block` and `capacity`.
#[derive(Debug)]
pub(crate) struct Counters {
    allocations: AtomicU64,
    failures: AtomicU64,
    spills: AtomicU64,
    splits: AtomicU64,
    coalesces: AtomicU64,
    live: AtomicUsize,
    high_water: AtomicUsize,
}

impl Counters {
    pub(crate) fn new() -> Self {
        Counters {
            allocations: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            spills: AtomicU64::new(0),
            splits: AtomicU64::new(0),
            coalesces: AtomicU64::new(0),
            live: AtomicUsize::new(0),
            high_water: AtomicUsize::new(0),
        }
    }

    /// A block of `bytes` was handed out.
    #[inline]
    pub(crate) fn allocated(&self, bytes: usize) {
        self.allocations.fetch_add(1, Ordering::Relaxed);
        // The high-water mark is the maximum over the values the live counter takes in its
        // modification order, so it is exact however the updates interleave.
        let live = self.live.fetch_add(bytes, Ordering::Relaxed) + bytes;
        // The mark only grows, so a load that already shows `live` or more means the
        // `fetch_max` (a CAS loop) would change nothing.
        if live > self.high_water.load(Ordering::Relaxed) {
            self.high_water.fetch_max(live, Ordering::Relaxed);
        }
    }

    /// A block of `bytes` came back (called before the block becomes claimable again, so the
    /// live count never exceeds the capacity).
    #[inline]
    pub(crate) fn released(&self, bytes: usize) {
        self.live.fetch_sub(bytes, Ordering::Relaxed);
    }

    /// A synchronous allocation failed.
    #[inline]
    pub(crate) fn failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// A buffer moved to the heap.
    #[inline]
    pub(crate) fn spilled(&self) {
        self.spills.fetch_add(1, Ordering::Relaxed);
    }

    /// `n` blocks were split.
    #[inline]
    pub(crate) fn split(&self, n: u64) {
        if n != 0 {
            self.splits.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// `n` pairs of buddies merged.
    #[inline]
    pub(crate) fn coalesced(&self, n: u64) {
        if n != 0 {
            self.coalesces.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// The counting fields; `largest_free_block` and `capacity` are the arena's to fill.
    pub(crate) fn snapshot(&self) -> ArenaStats {
        ArenaStats {
            allocations: self.allocations.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            spills: self.spills.load(Ordering::Relaxed),
            live_bytes: self.live.load(Ordering::Relaxed),
            high_water: self.high_water.load(Ordering::Relaxed),
            largest_free_block: 0,
            capacity: 0,
            splits: self.splits.load(Ordering::Relaxed),
            coalesces: self.coalesces.load(Ordering::Relaxed),
        }
    }
}

//! [`BuddyArena`]: power-of-two blocks split on demand and merged back, lock-free.
//!
//! ```text
//! order 2  [               0               ]     region = min_block << top (here top = 2)
//! order 1  [       0       |       1       ]
//! order 0  [   0   |   1   |   2   |   3   ]     block i of order k: bytes i·(min<<k) ..
//!
//! free bits: one per block per order, all orders in one array of AtomicU64
//!   words[word_base(top, k) + i / 64] bit i % 64  = block i of order k is free
//!   buddies 2j and 2j+1 share a word, so a pair's state is one atomic word.
//! ```
//!
//! A block is free at exactly one order at a time, or is held (by a buffer, or by a thread
//! in the middle of a split or merge).
//!
//! **Allocate** `len`: from the smallest order `k` that fits up to the top, claim a free block
//! with `fetch_and` (the claim succeeded iff the returned word had the bit set). A block
//! claimed at order `j > k` is split: for each order from `j - 1` down to `k`, the upper half
//! is made free (`fetch_or`) and the lower half kept.
//!
//! **Free** block `i` of order `k`: one CAS on the pair's word decides, from the pair's
//! current bits. If the buddy's bit is set, the CAS clears it (the buddy leaves the order and
//! this thread holds the parent, which it frees one order up, the same step); if not, the CAS
//! sets our bit and the free is done. Two frees of buddies are CASes on one word, so they
//! succeed one after the other, and the second one's expected value holds the first one's
//! bit: it merges. A merge can never be lost — the bug of a check-then-set protocol ("claim
//! the buddy if free, else publish my bit" as two RMWs), where both frees can find the other
//! not yet published and then both publish. An allocator's claim of the buddy between the
//! load and the CAS makes the CAS fail and the decision is made again: the buddy is held now,
//! so we publish, and its own free will merge.
//!
//! Orderings: claims are Acquire, split halves are published with Release, and the free's
//! CAS is AcqRel (it publishes our writes with our bit and, when merging, acquires the
//! buddy's freer's writes before the parent is handed on).
//!
//! Progress: every step is a bounded scan or a CAS loop that fails only when another thread's
//! RMW on the same word succeeded. A `try_allocate` racing a free can report
//! [`ArenaError::Full`] for memory whose merge is in flight (a split or merge holds the
//! block for a few instructions); once all threads are quiet every free block is merged.
//!
//! Loom models (`bytes/loom_models.rs`): `loom_buddy_concurrent_frees_always_coalesce`,
//! `loom_buddy_free_races_allocate`, `loom_buddy_split_and_merge_across_orders`.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use super::{
    builder_options, ArenaError, ArenaStats, Backing, Block, Buffer, Counters, Options, Region,
};
use crate::math::bitmap;
use crate::math::buddy as math;
use crate::sync::bitmap::thread_hint;
#[cfg(feature = "async")]
use crate::sync::waiters::Waiters;
use crate::sync::{AtomicU64, AtomicUsize, Ordering};

/// A byte arena of power-of-two blocks: a request gets the smallest block of
/// `min_block << k` bytes that holds it, split from a larger free block; freed buddies merge.
///
/// Cloning the handle shares the arena.
///
/// ```
/// use bytes::BufMut;
/// use lake::bytes::BuddyArena;
///
/// let arena = BuddyArena::builder(1 << 16, 256).build()?;
/// let mut small = arena.try_allocate(100)?; // a 256-byte block
/// let big = arena.try_allocate(20_000)?; // a 32 KiB block
/// assert_eq!((small.capacity(), big.capacity()), (256, 32768));
/// small.put_slice(b"hello");
/// let frozen = small.freeze();
/// drop((frozen, big));
/// assert!(arena.try_allocate(1 << 16).is_ok()); // everything merged back
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Clone)]
pub struct BuddyArena {
    inner: Arc<Inner>,
}

struct Inner {
    region: Region,
    min_block: usize,
    top: u32,
    /// Free bits of every order (see the module docs).
    words: Box<[AtomicU64]>,
    /// `math::word_base(top, k)` for `k` in `0..=top + 1`.
    bases: Box<[usize]>,
    options: Options,
    counters: Counters,
    closed: AtomicUsize,
    #[cfg(feature = "async")]
    waiters: Waiters,
}

/// Configures a [`BuddyArena`]; [`build`](BuddyArenaBuilder::build) validates.
///
/// ```
/// let arena = lake::bytes::BuddyArena::builder(1 << 20, 512).align(64).build()?;
/// assert_eq!(arena.stats().largest_free_block, 1 << 20);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `build()`"]
pub struct BuddyArenaBuilder {
    region_size: usize,
    min_block: usize,
    options: Options,
}

builder_options!(
    BuddyArenaBuilder,
    "lake::bytes::BuddyArena::builder(1 << 16, 64)",
    "try_allocate(64)"
);

impl BuddyArenaBuilder {
    /// Builds the arena, allocating its region (or taking the one given with `region`).
    ///
    /// # Errors
    ///
    /// [`ArenaError::InvalidGeometry`] unless `region_size` and `min_block` are powers of two
    /// with `align <= min_block <= region_size` (and `region_size <= isize::MAX`), or if
    /// supplied memory is too small; [`ArenaError::OutOfMemory`] if the region cannot be
    /// allocated.
    ///
    /// ```
    /// use lake::bytes::BuddyArena;
    /// assert!(BuddyArena::builder(3000, 64).build().is_err()); // not a power of two
    /// assert!(BuddyArena::builder(4096, 8192).build().is_err()); // block > region
    /// assert!(BuddyArena::builder(4096, 16).align(32).build().is_err()); // align > block
    /// ```
    pub fn build(self) -> Result<BuddyArena, ArenaError> {
        let invalid = |reason| ArenaError::InvalidGeometry { reason };
        self.options.check_align()?;
        let top = math::geometry(self.region_size, self.min_block).map_err(invalid)?;
        if self.options.align > self.min_block {
            return Err(invalid(
                "the alignment of a buddy arena cannot exceed its smallest block",
            ));
        }
        if self.region_size > isize::MAX as usize {
            return Err(invalid("the region size exceeds isize::MAX"));
        }
        let Options {
            align,
            init,
            auto_spill,
            source,
        } = self.options;
        let region = Region::new(source, self.region_size, align)?;
        let bases: Vec<usize> = (0..=top + 1).map(|k| math::word_base(top, k)).collect();
        let words: Vec<AtomicU64> = (0..bases[top as usize + 1])
            // The whole region is one free block of the top order.
            .map(|w| AtomicU64::new(u64::from(w == bases[top as usize])))
            .collect();
        Ok(BuddyArena {
            inner: Arc::new(Inner {
                region,
                min_block: self.min_block,
                top,
                words: words.into_boxed_slice(),
                bases: bases.into_boxed_slice(),
                options: Options {
                    align,
                    init,
                    auto_spill,
                    source: super::Source::Heap,
                },
                counters: Counters::new(),
                closed: AtomicUsize::new(0),
                #[cfg(feature = "async")]
                waiters: Waiters::new(),
            }),
        })
    }
}

impl BuddyArena {
    /// Starts configuring an arena of `region_size` bytes whose smallest block is `min_block`
    /// bytes (both powers of two).
    ///
    /// ```
    /// let arena = lake::bytes::BuddyArena::builder(1 << 20, 64).build()?;
    /// assert_eq!(arena.stats().capacity, 1 << 20);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn builder(region_size: usize, min_block: usize) -> BuddyArenaBuilder {
        BuddyArenaBuilder {
            region_size,
            min_block,
            options: Options::default(),
        }
    }

    /// Hands out the smallest free block that holds `len` bytes as an empty [`Buffer`] (its
    /// capacity is `len` rounded up to a power of two, at least `min_block`).
    ///
    /// # Errors
    ///
    /// [`ArenaError::TooLarge`] if `len` exceeds the region (no free can ever serve it);
    /// [`ArenaError::Full`] if no free block is large enough now; [`ArenaError::Closed`] after
    /// [`close`](Self::close).
    ///
    /// ```
    /// use lake::bytes::{ArenaError, BuddyArena};
    ///
    /// let arena = BuddyArena::builder(1024, 64).build()?;
    /// let half = arena.try_allocate(512)?;
    /// assert_eq!(
    ///     arena.try_allocate(1024).unwrap_err(),
    ///     ArenaError::Full { requested: 1024, largest_free: 512 }
    /// );
    /// assert_eq!(
    ///     arena.try_allocate(1025).unwrap_err(),
    ///     ArenaError::TooLarge { requested: 1025, max: 1024 }
    /// );
    /// drop(half);
    /// assert_eq!(arena.try_allocate(1024)?.capacity(), 1024);
    /// # Ok::<(), ArenaError>(())
    /// ```
    #[inline]
    pub fn try_allocate(&self, len: usize) -> Result<Buffer, ArenaError> {
        self.claim(len)
            .inspect_err(|_| self.inner.counters.failed())
    }

    /// Like [`try_allocate`](Self::try_allocate), panicking with the error's message.
    ///
    /// # Panics
    ///
    /// When `try_allocate` would fail.
    ///
    /// ```
    /// let arena = lake::bytes::BuddyArena::builder(1024, 64).build()?;
    /// assert_eq!(arena.allocate(1).capacity(), 64);
    /// assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| arena.allocate(4096))).is_err());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn allocate(&self, len: usize) -> Buffer {
        match self.try_allocate(len) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        }
    }

    /// Claims a block for `len` bytes without counting a failure.
    fn claim(&self, len: usize) -> Result<Buffer, ArenaError> {
        let inner = &*self.inner;
        if inner.closed.load(Ordering::SeqCst) != 0 {
            return Err(ArenaError::Closed);
        }
        let region = inner.region.len();
        let Some(want) = math::order_for(len, inner.min_block, inner.top) else {
            return Err(ArenaError::TooLarge {
                requested: len,
                max: region,
            });
        };
        let hint = thread_hint();
        let Some((mut order, mut index)) =
            (want..=inner.top).find_map(|k| inner.claim_at(k, hint).map(|i| (k, i)))
        else {
            return Err(ArenaError::Full {
                requested: len,
                largest_free: inner.largest_free(),
            });
        };
        inner.counters.split(u64::from(order - want));
        while order > want {
            // Keep the lower half, free the upper one.
            order -= 1;
            index = math::lower_half(index);
            inner.set_free(order, index + 1);
        }
        let capacity = math::block_size(inner.min_block, order);
        inner.counters.allocated(capacity);
        let offset = math::offset(inner.min_block, order, index);
        let block = Block {
            // SAFETY: `index < blocks_at(top, order)`, so the block lies inside the region.
            ptr: unsafe { inner.region.at(offset) },
            capacity,
            token: offset,
        };
        // SAFETY: the claim (and split) made the block ours.
        let initialized = unsafe { inner.options.prepare(&block) };
        let home: Arc<dyn Backing> = self.inner.clone();
        // SAFETY: as above; the block stays ours until `release` frees it.
        Ok(unsafe { Buffer::from_block(home, block, initialized, inner.options.auto_spill) })
    }

    /// A snapshot of the counters; exact once every thread is quiet.
    ///
    /// ```
    /// let arena = lake::bytes::BuddyArena::builder(1024, 64).build()?;
    /// let a = arena.allocate(64); // splits 1024 → 512 → 256 → 128 → 64
    /// drop(a); // merges back up
    /// let s = arena.stats();
    /// assert_eq!((s.splits, s.coalesces, s.largest_free_block), (4, 4, 1024));
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn stats(&self) -> ArenaStats {
        let mut s = self.inner.counters.snapshot();
        s.capacity = self.inner.region.len();
        s.largest_free_block = self.inner.largest_free();
        s
    }

    /// Closes the arena: every later allocation (and every pending `allocate_async`) fails
    /// with [`ArenaError::Closed`]. Buffers already handed out are unaffected.
    ///
    /// ```
    /// let arena = lake::bytes::BuddyArena::builder(1024, 64).build()?;
    /// arena.close();
    /// assert!(arena.is_closed());
    /// assert!(arena.try_allocate(1).is_err());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn close(&self) {
        self.inner.closed.store(1, Ordering::SeqCst);
        #[cfg(feature = "async")]
        self.inner.waiters.close();
    }

    /// Whether [`close`](Self::close) was called.
    ///
    /// ```
    /// assert!(!lake::bytes::BuddyArena::builder(1024, 64).build()?.is_closed());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst) != 0
    }

    /// Waits until a block for `len` bytes is free (feature `async`); fails at once with
    /// [`ArenaError::TooLarge`] for a request larger than the region and with
    /// [`ArenaError::Closed`] after [`close`](Self::close).
    ///
    /// Every free wakes every waiter (a freed block may serve some sizes and not others), and
    /// they race for the memory; the waiter queue keeps their registration order.
    ///
    /// ```
    /// let arena = lake::bytes::BuddyArena::builder(1024, 64).build()?;
    /// let held = arena.allocate(1024);
    /// let err = pollster::block_on(arena.allocate_async(4096)).unwrap_err();
    /// assert!(matches!(err, lake::bytes::ArenaError::TooLarge { .. }));
    /// std::thread::scope(|s| {
    ///     let waiter = s.spawn(|| pollster::block_on(arena.allocate_async(100)).map(|b| b.capacity()));
    ///     std::thread::sleep(std::time::Duration::from_millis(10));
    ///     drop(held);
    ///     assert_eq!(waiter.join().unwrap(), Ok(128));
    /// });
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[cfg(feature = "async")]
    pub fn allocate_async(&self, len: usize) -> super::AllocateAsync<'_> {
        super::AllocateAsync::new(self, len)
    }
}

impl Inner {
    /// The word holding block `index`'s bit at `order`, and the bit.
    #[inline]
    fn word(&self, order: u32, index: usize) -> (&AtomicU64, u32) {
        let (w, b) = math::word_bit(index);
        (&self.words[self.bases[order as usize] + w], b)
    }

    /// Claims a free block of `order`, scanning from a word chosen by `hint`.
    fn claim_at(&self, order: u32, hint: usize) -> Option<usize> {
        let base = self.bases[order as usize];
        let n = self.bases[order as usize + 1] - base;
        // A start word from the hint without a division (one per order per allocation).
        let start = bitmap::wrap_hint(hint, bitmap::hint_mask(n), n);
        for k in 0..n {
            let w = if start + k >= n {
                start + k - n
            } else {
                start + k
            };
            let word = &self.words[base + w];
            let mut cur = word.load(Ordering::Relaxed);
            while let Some(b) = math::lowest_free(cur) {
                // Acquire: the previous owner's writes (and the frees that made this block)
                // happen before we hand it out.
                let prev = word.fetch_and(!math::bit(b), Ordering::Acquire);
                if prev & math::bit(b) != 0 {
                    return Some(math::index(w, b));
                }
                cur = prev;
            }
        }
        None
    }

    /// Makes block `index` of `order` free, a block we hold whose buddy we also hold (a
    /// split's upper half): no merge can be due.
    #[inline]
    fn set_free(&self, order: u32, index: usize) {
        let (word, b) = self.word(order, index);
        let prev = word.fetch_or(math::bit(b), Ordering::Release);
        debug_assert_eq!(prev & math::pair_mask(b), 0, "split half already free");
    }

    /// Frees block `index` of `order`, merging with free buddies up the tree.
    fn free(&self, mut order: u32, mut index: usize) {
        let mut merges = 0;
        loop {
            let (word, b) = self.word(order, index);
            let mine = math::bit(b);
            let buddy = math::bit(math::buddy_bit(b));
            let mut cur = word.load(Ordering::Relaxed);
            // One successful CAS decides, on the pair's current bits: if the buddy is free,
            // take both (the pair leaves this order, we hold the parent); if not, publish our
            // bit. Of two frees of buddies, whichever CAS succeeds second was made against
            // the word holding the other's bit, so it merges: no merge is lost. A CAS fails
            // only because another RMW on the word succeeded (lock-free).
            let merged = loop {
                debug_assert_eq!(cur & mine, 0, "block freed twice");
                let (next, merge) = if order != self.top && cur & buddy != 0 {
                    (cur & !buddy, true)
                } else {
                    (cur | mine, false)
                };
                // AcqRel: Release publishes our block's writes with its bit; Acquire takes
                // over the buddy's (its freer's writes happen before the parent is reused).
                match word.compare_exchange_weak(cur, next, Ordering::AcqRel, Ordering::Relaxed) {
                    Ok(_) => break merge,
                    Err(now) => cur = now,
                }
            };
            if !merged {
                break;
            }
            merges += 1;
            order += 1;
            index = math::parent(index);
        }
        self.counters.coalesced(merges);
    }

    /// The largest block free now (a snapshot): the highest order with a set bit.
    fn largest_free(&self) -> usize {
        (0..=self.top)
            .rev()
            .find(|&k| {
                self.words[self.bases[k as usize]..self.bases[k as usize + 1]]
                    .iter()
                    .any(|w| w.load(Ordering::Relaxed) != 0)
            })
            .map_or(0, |k| math::block_size(self.min_block, k))
    }
}

impl Backing for Inner {
    unsafe fn release(&self, block: Block) {
        self.counters.released(block.capacity);
        let (order, index) = math::locate(self.min_block, block.capacity, block.token);
        self.free(order, index);
        // A freed block may serve any waiter's size (or none): every waiter re-checks.
        #[cfg(feature = "async")]
        self.waiters.notify_all();
    }

    fn counters(&self) -> &Counters {
        &self.counters
    }
}

#[cfg(feature = "async")]
impl super::asynch::Waitable for BuddyArena {
    fn waiters(&self) -> &Waiters {
        &self.inner.waiters
    }

    fn claim_for_wait(&self, len: usize) -> Result<Buffer, ArenaError> {
        self.claim(len)
    }

    fn count_failure(&self) {
        self.inner.counters.failed();
    }
}

impl fmt::Debug for BuddyArena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuddyArena")
            .field("region_size", &self.inner.region.len())
            .field("min_block", &self.inner.min_block)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

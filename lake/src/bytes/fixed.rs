//! [`FixedArena`]: equal slots in one region, claimed lock-free from a free bitmap.
//!
//! ```text
//! region (page-aligned heap, or the caller's memory aligned up)
//! ┌────────┬────────┬────────┬─────┬────────┐
//! │ slot 0 │ slot 1 │ slot 2 │  …  │ slot n-1│   stride = slot_size rounded up to `align`
//! └────────┴────────┴────────┴─────┴────────┘
//! free bitmap (sync::bitmap::AtomicBitmap): bit i set = slot i free
//! ```
//!
//! Claim: `AtomicBitmap::claim(thread_hint())` (one `fetch_and` on the word holding a set
//! bit; whoever's RMW saw the bit set owns the slot). Release: count it, `fetch_or` the bit
//! back (Release, pairing with the claim's Acquire), then notify one waiter (feature `async`;
//! every slot serves every request, so one wake-up per free keeps waiters FIFO).

use alloc::sync::Arc;
use core::fmt;

use super::{
    builder_options, ArenaError, ArenaStats, Backing, Block, Buffer, Counters, Options, Region,
};
use crate::math::bump;
use crate::sync::bitmap::{thread_hint, AtomicBitmap};
#[cfg(feature = "async")]
use crate::sync::waiters::Waiters;
use crate::sync::{AtomicUsize, Ordering};

/// A byte arena of `slot_count` equal slots; every buffer is one slot.
///
/// Cloning the handle shares the arena (the region lives until the last handle, buffer and
/// `Bytes` are gone).
///
/// ```
/// use bytes::BufMut;
/// use lake::bytes::FixedArena;
///
/// let arena = FixedArena::builder(1500, 128).build()?;
/// let mut buf = arena.try_allocate()?;
/// buf.put_slice(b"datagram");
/// let bytes = buf.freeze();
/// assert_eq!(&bytes[..], b"datagram");
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Clone)]
pub struct FixedArena {
    inner: Arc<Inner>,
}

struct Inner {
    region: Region,
    slot_size: usize,
    /// Distance between slot starts: `slot_size` rounded up to the alignment.
    stride: usize,
    slots: u32,
    free: AtomicBitmap,
    options: Options,
    counters: Counters,
    /// 1 once closed (an `AtomicUsize`: the facade's `AtomicBool` is the async queue's).
    closed: AtomicUsize,
    #[cfg(feature = "async")]
    waiters: Waiters,
}

/// Configures a [`FixedArena`]; [`build`](FixedArenaBuilder::build) validates.
///
/// ```
/// use lake::bytes::{FixedArena, InitPolicy};
///
/// let arena = FixedArena::builder(100, 10).align(64).init(InitPolicy::Zero).build()?;
/// assert_eq!(arena.stats().capacity, 1000);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `build()`"]
pub struct FixedArenaBuilder {
    slot_size: usize,
    slot_count: usize,
    options: Options,
}

builder_options!(
    FixedArenaBuilder,
    "lake::bytes::FixedArena::builder(256, 4)",
    "try_allocate()"
);

impl FixedArenaBuilder {
    /// Builds the arena, allocating its region (or taking the one given with `region`).
    ///
    /// # Errors
    ///
    /// [`ArenaError::InvalidGeometry`] for a zero slot size or count, more than `u32::MAX`
    /// slots, a bad alignment, a region larger than `isize::MAX` or supplied memory too small;
    /// [`ArenaError::OutOfMemory`] if the region cannot be allocated.
    ///
    /// ```
    /// use lake::bytes::{ArenaError, FixedArena};
    ///
    /// assert!(matches!(
    ///     FixedArena::builder(0, 8).build(),
    ///     Err(ArenaError::InvalidGeometry { .. })
    /// ));
    /// assert!(FixedArena::builder(usize::MAX / 2, 4).build().is_err());
    /// ```
    pub fn build(self) -> Result<FixedArena, ArenaError> {
        let invalid = |reason| Err(ArenaError::InvalidGeometry { reason });
        self.options.check_align()?;
        if self.slot_size == 0 || self.slot_count == 0 {
            return invalid("a fixed arena needs a non-zero slot size and slot count");
        }
        let Ok(slots) = u32::try_from(self.slot_count) else {
            return invalid("a fixed arena has at most u32::MAX slots");
        };
        let Some(stride) = bump::align_up(self.slot_size, self.options.align) else {
            return invalid("the slot size rounded up to the alignment overflows");
        };
        let Some(len) = stride
            .checked_mul(self.slot_count)
            .filter(|&l| l <= isize::MAX as usize)
        else {
            return invalid("slot size × slot count exceeds isize::MAX");
        };
        let Options {
            align,
            init,
            auto_spill,
            source,
        } = self.options;
        let region = Region::new(source, len, align)?;
        Ok(FixedArena {
            inner: Arc::new(Inner {
                region,
                slot_size: self.slot_size,
                stride,
                slots,
                free: AtomicBitmap::new(slots),
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

impl FixedArena {
    /// Starts configuring an arena of `slot_count` slots of `slot_size` bytes each.
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(512, 8).build()?;
    /// assert_eq!(arena.slot_size(), 512);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn builder(slot_size: usize, slot_count: usize) -> FixedArenaBuilder {
        FixedArenaBuilder {
            slot_size,
            slot_count,
            options: Options::default(),
        }
    }

    /// The capacity of every buffer.
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(100, 1).build()?;
    /// assert_eq!(arena.slot_size(), arena.allocate().capacity());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn slot_size(&self) -> usize {
        self.inner.slot_size
    }

    /// Hands out a free slot as an empty [`Buffer`].
    ///
    /// # Errors
    ///
    /// [`ArenaError::Full`] when every slot is held (by a buffer or a `Bytes`);
    /// [`ArenaError::Closed`] after [`close`](Self::close).
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let a = arena.try_allocate()?;
    /// assert!(arena.try_allocate().is_err());
    /// drop(a);
    /// assert!(arena.try_allocate().is_ok());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn try_allocate(&self) -> Result<Buffer, ArenaError> {
        self.claim().inspect_err(|_| self.inner.counters.failed())
    }

    /// Like [`try_allocate`](Self::try_allocate), panicking with the error's message.
    ///
    /// # Panics
    ///
    /// When `try_allocate` would fail.
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let _held = arena.allocate();
    /// assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| arena.allocate())).is_err());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn allocate(&self) -> Buffer {
        match self.try_allocate() {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        }
    }

    /// Claims a slot without counting a failure.
    #[inline]
    fn claim(&self) -> Result<Buffer, ArenaError> {
        let inner = &*self.inner;
        if inner.closed.load(Ordering::SeqCst) != 0 {
            return Err(ArenaError::Closed);
        }
        let Some(index) = inner.free.claim(thread_hint()) else {
            return Err(ArenaError::Full {
                requested: inner.slot_size,
                largest_free: 0,
            });
        };
        inner.counters.allocated(inner.slot_size);
        // `index < slots`, so `index * stride < len` (checked in `build`).
        let offset = index as usize * inner.stride;
        let block = Block {
            // SAFETY: `offset < len`.
            ptr: unsafe { inner.region.at(offset) },
            capacity: inner.slot_size,
            token: index as usize,
        };
        // SAFETY: the claim made the slot ours: `slot_size` bytes inside the region.
        let initialized = unsafe { inner.options.prepare(&block) };
        let home: Arc<dyn Backing> = self.inner.clone();
        // SAFETY: as above; the slot stays ours until `release` sets its bit again.
        Ok(unsafe { Buffer::from_block(home, block, initialized, inner.options.auto_spill) })
    }

    /// A snapshot of the counters; exact once every thread is quiet.
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 4).build()?;
    /// let _a = arena.allocate();
    /// let s = arena.stats();
    /// assert_eq!((s.allocations, s.live_bytes, s.largest_free_block), (1, 64, 64));
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn stats(&self) -> ArenaStats {
        let inner = &*self.inner;
        let mut s = inner.counters.snapshot();
        s.capacity = inner.slot_size * inner.slots as usize;
        s.largest_free_block = if inner.free.free_count() > 0 {
            inner.slot_size
        } else {
            0
        };
        s
    }

    /// Closes the arena: every later allocation (and every pending `allocate_async`) fails
    /// with [`ArenaError::Closed`]. Buffers already handed out are unaffected.
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 4).build()?;
    /// let held = arena.allocate();
    /// arena.close();
    /// assert!(arena.is_closed());
    /// assert_eq!(arena.try_allocate().unwrap_err(), lake::bytes::ArenaError::Closed);
    /// drop(held);
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
    /// assert!(!lake::bytes::FixedArena::builder(64, 4).build()?.is_closed());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst) != 0
    }

    /// Waits for a free slot (feature `async`). Waiters are served in FIFO order, one per
    /// freed slot; fails at once with [`ArenaError::Closed`] after [`close`](Self::close).
    /// Works with any executor.
    ///
    /// ```
    /// let arena = lake::bytes::FixedArena::builder(64, 1).build()?;
    /// let held = arena.allocate();
    /// std::thread::scope(|s| {
    ///     let waiter = s.spawn(|| pollster::block_on(arena.allocate_async()).map(|b| b.capacity()));
    ///     std::thread::sleep(std::time::Duration::from_millis(10));
    ///     drop(held); // frees the slot and wakes the waiter
    ///     assert_eq!(waiter.join().unwrap(), Ok(64));
    /// });
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[cfg(feature = "async")]
    pub fn allocate_async(&self) -> super::AllocateAsync<'_> {
        super::AllocateAsync::new(self, self.inner.slot_size)
    }
}

#[cfg(feature = "async")]
impl super::asynch::Waitable for FixedArena {
    fn waiters(&self) -> &Waiters {
        &self.inner.waiters
    }

    fn claim_for_wait(&self, _len: usize) -> Result<Buffer, ArenaError> {
        self.claim()
    }

    fn count_failure(&self) {
        self.inner.counters.failed();
    }
}

impl Backing for Inner {
    #[inline]
    unsafe fn release(&self, block: Block) {
        self.counters.released(self.slot_size);
        // `token` is the slot index `claim` put there, `< slots <= u32::MAX`.
        self.free.release(block.token as u32);
        #[cfg(feature = "async")]
        self.waiters.notify_one();
    }

    fn counters(&self) -> &Counters {
        &self.counters
    }
}

impl fmt::Debug for FixedArena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixedArena")
            .field("slot_size", &self.inner.slot_size)
            .field("slots", &self.inner.slots)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

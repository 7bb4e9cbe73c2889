//! Byte arenas whose buffers freeze into [`bytes::Bytes`] without a copy (feature
//! `bytes-arenas`, on by default).
//!
//! Network code wants buffers that come from a preallocated region and leave as `Bytes`. Each
//! arena here owns one region (page-aligned heap memory, or a caller's `&'static mut [u8]`)
//! and hands out [`Buffer`]s over blocks of it:
//!
//! - [`FixedArena`]: equal slots, claimed with one `fetch_and` on a free bitmap.
//! - [`BuddyArena`]: power-of-two blocks, split on demand and merged back when both buddies
//!   are free.
//! - [`SizeClassArena`](size_class): size classes carved from pages, for small
//!   variable-size buffers.
//!
//! A [`Buffer`] implements [`bytes::BufMut`]; [`Buffer::freeze`] turns it into `Bytes`
//! (through `Bytes::from_owner`), and the block goes back to its arena when the last `Bytes`
//! sharing it drops, on any thread. Errors are [`ArenaError`], counters [`ArenaStats`].
//!
//! ```
//! use bytes::BufMut;
//! use lake::bytes::FixedArena;
//!
//! let arena = FixedArena::builder(2048, 64).build()?;
//! let mut buf = arena.try_allocate()?;
//! buf.put_slice(b"GET / HTTP/1.1\r\n");
//! let frozen: bytes::Bytes = buf.freeze();
//! assert_eq!(&frozen[..4], b"GET ");
//! assert_eq!(arena.stats().live_bytes, 2048);
//! drop(frozen);
//! assert_eq!(arena.stats().live_bytes, 0);
//! # Ok::<(), lake::bytes::ArenaError>(())
//! ```

// How an arena hands a block to a buffer (the crate-internal interface every arena kind,
// the size-class arena included, implements):
//
// Every arena kind keeps its state in an `Arc` of a type implementing `Backing`. To hand
// out a block it claims the block in its own structure, counts it
// (`Counters::allocated`), and calls `Buffer::from_block` with a clone of that `Arc`
// (as `Arc<dyn Backing>`), a `Block` (pointer, capacity, and a `token` the arena chooses:
// a slot index, an offset, …) and how many of the block's leading bytes are initialised
// (`capacity` under `InitPolicy::Zero` after zeroing, else 0). The buffer gives the block
// back exactly once through `Backing::release` — when it is dropped, when it spills to the
// heap, or, once frozen, when the last `Bytes` drops — with the same `Block`. `release` must
// count the release (`Counters::released`) before the block can be claimed again, then
// make it claimable, then (feature `async`) wake waiters. `Backing::counters` gives the
// buffer the arena's counters (it counts spills).
//
// With feature `async`, an arena also implements `asynch::Waitable` (its waiter queue and
// an uncounted claim); `AllocateAsync` is the one future every arena's `allocate_async`
// returns.

use core::ptr::NonNull;

mod batch;
mod buddy;
mod buffer;
mod error;
mod fixed;
mod packet;
mod region;
mod stats;

#[cfg(feature = "async")]
pub(crate) mod asynch;
pub mod size_class;

#[cfg(all(test, loom))]
mod loom_models;

/// The `bytes` crate's types the arenas work with, re-exported so callers name the same
/// version lake was built against.
pub use ::bytes::{BufMut, Bytes};
#[cfg(feature = "async")]
pub use asynch::AllocateAsync;
pub use batch::Batch;
pub use buddy::{BuddyArena, BuddyArenaBuilder};
pub use buffer::Buffer;
pub use error::ArenaError;
pub use fixed::{FixedArena, FixedArenaBuilder};
pub use size_class::{SizeClassArena, SizeClassArenaBuilder};
pub use stats::ArenaStats;

pub(crate) use region::{Region, Source};
pub(crate) use stats::Counters;

/// What a freshly handed-out block contains.
///
/// Whatever the policy, no safe API reads bytes a buffer did not write (or zero), so the
/// policy is about what the *unsafe* `BufMut::advance_mut` may assume and about not leaving
/// old data in handed-out memory.
///
/// ```
/// use bytes::BufMut;
/// use lake::bytes::{FixedArena, InitPolicy};
///
/// let arena = FixedArena::builder(4, 1).init(InitPolicy::Zero).build()?;
/// let mut buf = arena.allocate();
/// buf.put_slice(b"old!");
/// drop(buf);
/// let mut buf = arena.allocate();
/// // SAFETY: under `InitPolicy::Zero` every byte of a new block is initialised (to 0).
/// unsafe { buf.advance_mut(4) };
/// assert_eq!(buf.as_slice(), [0, 0, 0, 0]);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitPolicy {
    /// Blocks are handed out as they are (fastest): never-written memory, or whatever the
    /// last buffer wrote.
    #[default]
    Uninit,
    /// Every block is zeroed when it is handed out, so all of its bytes are initialised.
    Zero,
}

/// A block of an arena's region, as handed to a [`Buffer`] and given back by it.
#[derive(Debug)]
pub(crate) struct Block {
    /// Start of the block.
    pub(crate) ptr: NonNull<u8>,
    /// Bytes in the block.
    pub(crate) capacity: usize,
    /// The arena's own name for the block (slot index, offset, …).
    pub(crate) token: usize,
}

/// The arena side of a [`Buffer`]: where its block goes back.
pub(crate) trait Backing: Send + Sync + 'static {
    /// Takes `block` back: counts it, makes it claimable, wakes waiters.
    ///
    /// # Safety
    ///
    /// `block` was handed out by this arena (through [`Buffer::from_block`]) and not released
    /// since, and nothing uses its bytes any more.
    unsafe fn release(&self, block: Block);

    /// The arena's counters.
    fn counters(&self) -> &Counters;
}

/// The options every arena builder shares.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) align: usize,
    pub(crate) init: InitPolicy,
    pub(crate) auto_spill: bool,
    pub(crate) source: Source,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            align: 8,
            init: InitPolicy::Uninit,
            auto_spill: false,
            source: Source::Heap,
        }
    }
}

impl Options {
    /// Checks the alignment (a power of two, at most a page).
    pub(crate) fn check_align(&self) -> Result<(), ArenaError> {
        if !self.align.is_power_of_two() || self.align > region::PAGE {
            return Err(ArenaError::InvalidGeometry {
                reason: "the alignment must be a power of two of at most 4096",
            });
        }
        Ok(())
    }

    /// Zeroes `block` if the policy says so; returns how many of its bytes are initialised.
    ///
    /// # Safety
    ///
    /// `block` is valid for writes and exclusively the caller's.
    #[inline]
    pub(crate) unsafe fn prepare(&self, block: &Block) -> usize {
        match self.init {
            InitPolicy::Uninit => 0,
            InitPolicy::Zero => {
                // SAFETY: caller.
                unsafe { block.ptr.as_ptr().write_bytes(0, block.capacity) };
                block.capacity
            }
        }
    }
}

/// The option setters every arena builder has (`align`, `init`, `auto_spill`, `region`), for a
/// builder with an `options: Options` field. `$new` makes that builder and `$alloc` allocates from the
/// built arena, for the doc examples.
macro_rules! builder_options {
    ($builder:ident, $new:literal, $alloc:literal) => {
        impl $builder {
            /// Aligns every buffer's start to `align` bytes (a power of two, at most 4096;
            /// default 8). `build()` fails with `ArenaError::InvalidGeometry` otherwise.
            ///
            /// ```
            #[doc = concat!("let arena = ", $new, ".align(64).build()?;")]
            #[doc = concat!("let buf = arena.", $alloc, "?;")]
            /// assert_eq!(buf.as_slice().as_ptr() as usize % 64, 0);
            #[doc = concat!("assert!(", $new, ".align(3).build().is_err());")]
            /// # Ok::<(), lake::bytes::ArenaError>(())
            /// ```
            pub fn align(mut self, align: usize) -> Self {
                self.options.align = align;
                self
            }

            /// What a newly handed-out block contains (default
            /// [`InitPolicy::Uninit`](crate::bytes::InitPolicy::Uninit)).
            ///
            /// ```
            /// use lake::bytes::InitPolicy;
            #[doc = concat!("let arena = ", $new, ".init(InitPolicy::Zero).build()?;")]
            #[doc = concat!("let mut buf = arena.", $alloc, "?;")]
            /// // SAFETY: `InitPolicy::Zero` initialises every byte of a new block.
            /// unsafe { bytes::BufMut::advance_mut(&mut buf, 8) };
            /// assert_eq!(buf.as_slice(), [0; 8]);
            /// # Ok::<(), lake::bytes::ArenaError>(())
            /// ```
            pub fn init(mut self, policy: $crate::bytes::InitPolicy) -> Self {
                self.options.init = policy;
                self
            }

            /// A buffer written past its block's capacity moves its contents to the heap and
            /// gives the block back at once (counted in `ArenaStats::spills`), instead of
            /// panicking as `BufMut` does for a full buffer.
            ///
            /// ```
            /// use bytes::BufMut;
            #[doc = concat!("let arena = ", $new, ".auto_spill().build()?;")]
            #[doc = concat!("let mut buf = arena.", $alloc, "?;")]
            /// buf.put_bytes(7, 100_000);
            /// assert!(buf.is_spilled());
            /// assert_eq!(buf.freeze().len(), 100_000);
            /// assert_eq!(arena.stats().spills, 1);
            /// # Ok::<(), lake::bytes::ArenaError>(())
            /// ```
            pub fn auto_spill(mut self) -> Self {
                self.options.auto_spill = true;
                self
            }

            /// Carves the arena from `memory` instead of the heap (aligned up to the buffer
            /// alignment; `build()` fails if what remains is too small).
            ///
            /// ```
            /// # // The leaked memory would be a leak error under miri and LeakSanitizer
            /// # // (`.ci/sanitizers.sh` sets `--cfg lake_sanitizer` for doc tests).
            /// # #[cfg(not(any(miri, lake_sanitizer)))] {
            /// let memory: &'static mut [u8] = Box::leak(vec![0u8; 1 << 16].into_boxed_slice());
            #[doc = concat!("let arena = ", $new, ".region(memory).build()?;")]
            #[doc = concat!("assert!(arena.", $alloc, ".is_ok());")]
            /// # }
            /// # Ok::<(), lake::bytes::ArenaError>(())
            /// ```
            pub fn region(mut self, memory: &'static mut [u8]) -> Self {
                self.options.source = $crate::bytes::Source::Static(memory);
                self
            }
        }
    };
}
pub(crate) use builder_options;

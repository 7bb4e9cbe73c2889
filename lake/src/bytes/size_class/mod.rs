//! [`SizeClassArena`]: small variable-size buffers from size classes carved out of pages, with a
//! per-thread local free list and a remote-free list (mimalloc's design), so the common
//! allocate / free pair takes no atomic read-modify-write on the free lists.
//!
//! ```text
//! region: pages of `page_size` bytes (64 KiB by default)
//! ┌──────────────┬──────────────┬──────────────┬─────┐
//! │ page 0       │ page 1       │ page 2       │  …  │  page bitmap (sync::bitmap): set = free
//! │ class 80 B   │ class 4 KiB  │ (free)       │     │
//! │ ▢▢▢▢▢▢…      │ ▢▢▢▢…        │              │     │  block k at k × class size
//! └──────────────┴──────────────┴──────────────┴─────┘
//! heaps[0..max_threads] (+ one overflow heap)
//!   owner: 0 (free) | a thread's tag | BORROWED          (AtomicUsize)
//!   per class: current page, the other pages it holds     (owner-private)
//! page: local free list + bump cursor + used count        (owner-private)
//!       remote-free stack head                            (AtomicUsize, push-only)
//! link table: one u16 per 64 B of region (next block of a free list)
//! ```
//!
//! **Heaps.** A thread's first allocation from an arena claims a free heap with one CAS on its
//! `owner` (`0 → tag`, tag = a number no other thread ever gets) and
//! keeps it until the thread exits; a thread-local registry gives it back then (store `0`,
//! Release). Only the owner touches the heap's page lists and its pages' local state, so they
//! are plain memory. When every heap is taken, a thread borrows one per call (CAS `0 →
//! BORROWED` around the allocation, yielding while all are busy), and the blocks it hands out
//! come back through their pages' remote stacks.
//!
//! **Allocation** (`alloc_in`): pop the current page of the class (local list, then the
//! uncarved tail): no atomics. Slow path: collect the current page's remote stack (one
//! `swap`), look through the heap's other pages of the class, claim a page from the bitmap
//! (one `fetch_and`), and when that fails too, sweep: collect every page of this heap and of
//! every unowned heap, and give fully free pages back to the bitmap; then claim again.
//!
//! **Free** (`Backing::release`): read the page's heap and that heap's owner; if it is this
//! thread, push onto the local list (no atomics; a page that becomes empty and is not the
//! class's current page goes back to the bitmap); otherwise push onto the page's remote stack
//! (one CAS). The protocol of the remote stack is in `page.rs`; the loom models `loom_*` at the
//! end of this file check it.
//!
//! **What a thread can strand.** A thread keeps its class's current page even when it is
//! empty (so an allocate/free loop does not claim a page every time), until some allocation
//! finds the arena full: from then until the next page is claimed, owners give back every page
//! that becomes empty. Blocks freed into pages of a heap whose thread is alive but idle stay
//! there until that thread allocates or frees again, runs out of pages, or exits; the counters
//! (`live_bytes`) count them as free, but other threads cannot use them meanwhile, and an
//! `allocate_async` waiting for them waits until then.

mod page;

use alloc::boxed::Box;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;

use self::page::Page;
use super::{
    builder_options, ArenaError, ArenaStats, Backing, Block, Buffer, Counters, Options, Region,
};
use crate::math::size_class::{self as sc, CLASSES, NO_BLOCK};
use crate::sync::bitmap::{thread_hint, AtomicBitmap};
use crate::sync::cell::UnsafeCell;
#[cfg(feature = "async")]
use crate::sync::waiters::Waiters;
use crate::sync::{AtomicUsize, Ordering};

/// Default page size: one block of the largest class.
const DEFAULT_PAGE_SIZE: usize = sc::MIN_PAGE_SIZE;
/// Default number of heaps threads can own.
const DEFAULT_MAX_THREADS: usize = 64;
/// The largest `max_threads` `build` accepts: the heaps are allocated up front.
const MAX_THREADS_LIMIT: usize = 1 << 16;
/// `Heap::owner` of a heap held for one call by a thread that owns no heap (or by a sweep).
/// Never a thread tag (`my_tag` hands out 3, 4, …).
const BORROWED: usize = 1;
/// The tag of a thread whose thread-locals are gone (it is exiting): matches no owner.
const NO_TAG: usize = 2;
/// "No page" in a class's `current`.
const NO_PAGE: u32 = u32::MAX;

/// A byte arena of size classes from 64 B to 64 KiB, for small buffers of varying sizes.
///
/// `try_allocate(len)` hands out a buffer of the smallest class `≥ len` (capacity at most a
/// quarter above `len` for `len > 64`). Each thread allocates from its own pages and frees
/// into them without atomic read-modify-writes; a buffer dropped on another thread goes back
/// through its page's remote-free stack (one CAS). Cloning the handle shares the arena.
///
/// ```
/// use bytes::BufMut;
/// use lake::bytes::SizeClassArena;
///
/// let arena = SizeClassArena::builder(1 << 20).build()?;
/// let mut buf = arena.try_allocate(100)?;
/// assert_eq!(buf.capacity(), 112); // the smallest class ≥ 100
/// buf.put_slice(b"hello");
/// let bytes = buf.freeze();
/// let remote = std::thread::spawn(move || bytes.len()); // dropped on another thread
/// assert_eq!(remote.join().unwrap(), 5);
/// assert_eq!(arena.stats().live_bytes, 0);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Clone)]
pub struct SizeClassArena {
    inner: Arc<Inner>,
}

struct Inner {
    /// Distinguishes this arena from every other in threads' registries (never reused).
    id: u64,
    region: Region,
    page_size: usize,
    /// `log2(page_size)`.
    page_shift: u32,
    /// `math::size_class::class_size` of every class, precomputed for the fast path.
    class_sizes: [u32; CLASSES],
    pages: Box<[Page]>,
    free_pages: AtomicBitmap,
    /// One `u16` per 64 B of region: the free-list links (`math::size_class::link_index`).
    links: Box<[UnsafeCell<u16>]>,
    /// `max_threads` heaps threads can own, then the overflow heap (only ever borrowed).
    heaps: Box<[Heap]>,
    options: Options,
    counters: Counters,
    closed: AtomicUsize,
    /// 1 after an allocation found the arena full, until a page is claimed again: owners then
    /// give back their empty current pages (which they keep otherwise).
    starved: AtomicUsize,
    #[cfg(feature = "async")]
    waiters: Waiters,
}

// SAFETY: the cells in `Inner` (the link table, the heaps' lists, the pages' local state) are
// only touched by the thread that holds the heap they belong to: a heap is held by exactly one
// thread at a time (its `owner` CAS from 0, given up with a Release store), a page by exactly
// one heap between its bitmap claim and its release, and a link by whoever holds the block or
// the list it is on (`page.rs`, "Ordering"). Everything else is atomics and the region, whose
// blocks the arena hands to one buffer at a time.
unsafe impl Sync for Inner {}
// SAFETY: as above; nothing in `Inner` is tied to the thread that made it.
unsafe impl Send for Inner {}
// A panic never leaves a list half-updated where another call could see it: no user code runs
// while a heap is held (the waiters, whose wakers and their drops are user code, are notified
// only after the `with_heap` closure has returned and any borrowed heap was given back), every
// list update completes before the call returns, and a borrowed heap is given back by a drop
// guard (`Borrowed`) even if something below unwinds.
impl core::panic::RefUnwindSafe for Inner {}

/// A borrowed heap's `owner`: dropping it gives the heap back (`store(0, Release)`: the next
/// owner or borrower, with its Acquire CAS, sees our lists), also while unwinding.
struct Borrowed<'a>(&'a AtomicUsize);

impl Drop for Borrowed<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.store(0, Ordering::Release);
    }
}

/// A heap: the pages one thread carves blocks from.
struct Heap {
    /// 0 (free), a thread's tag (owned until it exits), or `BORROWED`.
    owner: AtomicUsize,
    /// Per class: the pages held. Touched only by the owner (or the borrower).
    classes: UnsafeCell<Vec<ClassPages>>,
}

/// The pages a heap holds for one class.
#[derive(Debug)]
struct ClassPages {
    /// The page allocations pop from first, or `NO_PAGE`.
    current: u32,
    /// Every page held for the class, `current` included.
    held: Vec<u32>,
}

/// Configures a [`SizeClassArena`]; [`build`](SizeClassArenaBuilder::build) validates.
///
/// ```
/// let arena = lake::bytes::SizeClassArena::builder(4 << 20).page_size(256 << 10).build()?;
/// assert_eq!(arena.stats().capacity, 4 << 20);
/// # Ok::<(), lake::bytes::ArenaError>(())
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `build()`"]
pub struct SizeClassArenaBuilder {
    region_size: usize,
    page_size: usize,
    max_threads: usize,
    options: Options,
}

builder_options!(
    SizeClassArenaBuilder,
    "lake::bytes::SizeClassArena::builder(1 << 16)",
    "try_allocate(100)"
);

impl SizeClassArenaBuilder {
    /// Pages of `page_size` bytes: a power of two from 64 KiB to 2 MiB (default 64 KiB). A page
    /// serves one class at a time; larger pages mean fewer trips to the shared page bitmap but
    /// more memory held per (thread, class).
    ///
    /// ```
    /// use lake::bytes::SizeClassArena;
    /// assert!(SizeClassArena::builder(1 << 22).page_size(1 << 20).build().is_ok());
    /// assert!(SizeClassArena::builder(1 << 22).page_size(3 << 16).build().is_err());
    /// ```
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size;
        self
    }

    /// How many threads can each own a heap of the arena at once (default 64, from 1 to
    /// 65 536: every heap is allocated by `build`).
    /// Further threads borrow a free heap for each allocation (a CAS each time, and they wait
    /// while none is free): correct, just slower.
    ///
    /// ```
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 20).max_threads(1).build()?;
    /// let held = arena.try_allocate(64)?; // this thread owns the one heap
    /// let other = std::thread::scope(|s| s.spawn(|| arena.try_allocate(64).map(|b| b.capacity())).join().unwrap());
    /// assert_eq!(other, Ok(64)); // served through the overflow heap
    /// # drop(held);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn max_threads(mut self, max_threads: usize) -> Self {
        self.max_threads = max_threads;
        self
    }

    /// Builds the arena: `region_size / page_size` pages (the tail past the last whole page is
    /// unused).
    ///
    /// # Errors
    ///
    /// [`ArenaError::InvalidGeometry`] for a page size that is not a power of two in 64 KiB ..=
    /// 2 MiB, a region smaller than one page or of more than `u32::MAX` pages, `max_threads`
    /// 0 or above 65 536, or a bad alignment; [`ArenaError::OutOfMemory`] if the region (or
    /// the heaps, allocated up front) cannot be allocated.
    ///
    /// ```
    /// use lake::bytes::{ArenaError, SizeClassArena};
    /// assert!(matches!(
    ///     SizeClassArena::builder(1000).build(),
    ///     Err(ArenaError::InvalidGeometry { .. })
    /// ));
    /// ```
    pub fn build(self) -> Result<SizeClassArena, ArenaError> {
        let invalid = |reason| Err(ArenaError::InvalidGeometry { reason });
        self.options.check_align()?;
        if !sc::valid_page_size(self.page_size) {
            return invalid("the page size must be a power of two from 64 KiB to 2 MiB");
        }
        let Some(pages) = sc::pages_in(self.region_size, self.page_size) else {
            return invalid("the region must hold at least one page and at most u32::MAX pages");
        };
        if self.max_threads == 0 {
            return invalid("max_threads must be at least 1");
        }
        if self.max_threads > MAX_THREADS_LIMIT {
            return invalid("max_threads must be at most 65 536");
        }
        let len = pages as usize * self.page_size; // ≤ region_size
        if len > isize::MAX as usize {
            return invalid("the region size exceeds isize::MAX");
        }
        let Some(links) = sc::link_table_len(pages, self.page_size) else {
            return invalid("the region size exceeds isize::MAX");
        };
        let Options {
            align,
            init,
            auto_spill,
            source,
        } = self.options;
        let region = Region::new(source, len, align.max(sc::CLASS_ALIGN))?;
        static NEXT_ID: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        // Fallibly: a refused allocation is `OutOfMemory`, not an abort.
        let oom = || ArenaError::OutOfMemory {
            requested: (self.max_threads + 1)
                * (core::mem::size_of::<Heap>() + CLASSES * core::mem::size_of::<ClassPages>()),
        };
        let mut heaps = Vec::new();
        heaps
            .try_reserve_exact(self.max_threads + 1)
            .map_err(|_| oom())?;
        for _ in 0..=self.max_threads {
            let mut classes = Vec::new();
            classes.try_reserve_exact(CLASSES).map_err(|_| oom())?;
            classes.extend((0..CLASSES).map(|_| ClassPages {
                current: NO_PAGE,
                held: Vec::new(),
            }));
            heaps.push(Heap {
                owner: AtomicUsize::new(0),
                classes: UnsafeCell::new(classes),
            });
        }
        let heaps = heaps.into_boxed_slice();
        Ok(SizeClassArena {
            inner: Arc::new(Inner {
                id,
                region,
                page_size: self.page_size,
                page_shift: self.page_size.trailing_zeros(),
                class_sizes: core::array::from_fn(|c| sc::class_size(c).unwrap_or(0) as u32),
                pages: (0..pages).map(|_| Page::new()).collect(),
                free_pages: AtomicBitmap::new(pages),
                links: (0..links).map(|_| UnsafeCell::new(NO_BLOCK)).collect(),
                heaps,
                options: Options {
                    align,
                    init,
                    auto_spill,
                    source: super::Source::Heap,
                },
                counters: Counters::new(),
                closed: AtomicUsize::new(0),
                starved: AtomicUsize::new(0),
                #[cfg(feature = "async")]
                waiters: Waiters::new(),
            }),
        })
    }
}

impl SizeClassArena {
    /// Starts configuring an arena over `region_size` bytes.
    ///
    /// ```
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 20).build()?;
    /// assert_eq!(arena.stats().capacity, 1 << 20);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn builder(region_size: usize) -> SizeClassArenaBuilder {
        SizeClassArenaBuilder {
            region_size,
            page_size: DEFAULT_PAGE_SIZE,
            max_threads: DEFAULT_MAX_THREADS,
            options: Options::default(),
        }
    }

    /// The capacity a buffer for `len` bytes gets (its class size), or `None` above 64 KiB.
    ///
    /// ```
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 20).build()?;
    /// assert_eq!(arena.capacity_for(1), Some(64));
    /// assert_eq!(arena.capacity_for(1500), Some(1536));
    /// assert_eq!(arena.capacity_for(70_000), None);
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn capacity_for(&self, len: usize) -> Option<usize> {
        sc::class_for(len, self.inner.options.align).and_then(sc::class_size)
    }

    /// Hands out an empty [`Buffer`] whose capacity is the smallest class `≥ len`.
    ///
    /// # Errors
    ///
    /// [`ArenaError::TooLarge`] above 64 KiB; [`ArenaError::Full`] when this thread's pages
    /// have no free block of the class and no page is free; [`ArenaError::Closed`] after
    /// [`close`](Self::close).
    ///
    /// ```
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 16).build()?; // one page
    /// let a = arena.try_allocate(40_000)?; // the page now serves the 40 960 B class
    /// assert!(arena.try_allocate(100).is_err()); // no page left for another class
    /// drop(a); // the page is empty again and goes back
    /// assert!(arena.try_allocate(100).is_ok());
    /// assert!(arena.try_allocate(1 << 20).is_err());
    /// # Ok::<(), lake::bytes::ArenaError>(())
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
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 20).build()?;
    /// assert_eq!(arena.allocate(3000).capacity(), 3072);
    /// assert!(std::panic::catch_unwind(|| arena.allocate(1 << 20)).is_err());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[inline]
    pub fn allocate(&self, len: usize) -> Buffer {
        match self.try_allocate(len) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        }
    }

    /// Claims a block without counting a failure.
    #[inline]
    fn claim(&self, len: usize) -> Result<Buffer, ArenaError> {
        let inner = &*self.inner;
        if inner.closed.load(Ordering::SeqCst) != 0 {
            return Err(ArenaError::Closed);
        }
        // Every class is a multiple of `CLASS_ALIGN`: for alignments up to it, the plain
        // smallest fit is aligned (no search).
        let class = if inner.options.align <= sc::CLASS_ALIGN {
            sc::class_of(len)
        } else {
            sc::class_for(len, inner.options.align)
        };
        let Some(class) = class else {
            return Err(ArenaError::TooLarge {
                requested: len,
                max: sc::MAX_CLASS_SIZE,
            });
        };
        let mut swept = false;
        let found = match heap_of(&self.inner) {
            // SAFETY: this thread owns heap `h` until it exits.
            Some(h) => unsafe { inner.alloc_in(h, class, &mut swept) },
            None => {
                let h = inner.borrow_heap();
                let borrowed = Borrowed(&inner.heaps[h].owner);
                // SAFETY: this thread holds heap `h` until `borrowed` is dropped (also on
                // unwinding).
                let found = unsafe { inner.alloc_in(h, class, &mut swept) };
                drop(borrowed);
                found
            }
        };
        let Some((page, k)) = found else {
            // Pages went back to the bitmap: wake every waiter, now that no heap is held (the
            // wakers, and their drops, are user code that may use this arena).
            #[cfg(feature = "async")]
            if swept {
                inner.waiters.notify_all();
            }
            // Owners now give back their empty current pages too (`release`).
            inner.starved.store(1, Ordering::Relaxed);
            return Err(ArenaError::Full {
                requested: len,
                largest_free: inner.largest_free(),
            });
        };
        let size = inner.class_sizes[class] as usize;
        inner.counters.allocated(size);
        // `page < pages` and `k < page_size / size`, so this is `sc::block_offset` without its
        // checks: it cannot overflow (the region's length fits) and stays inside page `page`.
        let offset = ((page as usize) << inner.page_shift) + k as usize * size;
        debug_assert_eq!(
            sc::block_offset(page, inner.page_size, class, k),
            Some(offset)
        );
        debug_assert_eq!(
            sc::block_at(offset, inner.page_size, class),
            Some((page, k))
        );
        let block = Block {
            // SAFETY: `offset + size <= (page + 1) × page_size <= region length`.
            ptr: unsafe { inner.region.at(offset) },
            capacity: size,
            token: ((page as usize) << 16) | k as usize,
        };
        // SAFETY: the block is ours alone until it is released.
        let initialized = unsafe { inner.options.prepare(&block) };
        let home: Arc<dyn Backing> = self.inner.clone();
        // SAFETY: as above.
        let buffer =
            unsafe { Buffer::from_block(home, block, initialized, inner.options.auto_spill) };
        // Pages went back to the bitmap: wake every waiter, now that no heap is held (the
        // wakers, and their drops, are user code that may use this arena) and the block is
        // owned by `buffer` (if a waker panics, the unwinding drops it and the block returns).
        #[cfg(feature = "async")]
        if swept {
            inner.waiters.notify_all();
        }
        Ok(buffer)
    }

    /// A snapshot of the counters; exact once every thread is quiet. `largest_free_block` is
    /// 64 KiB while a page is free and 0 otherwise (free blocks inside pages that threads
    /// hold are not counted); `splits` and `coalesces` are always 0.
    ///
    /// ```
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 20).build()?;
    /// let _a = arena.allocate(1000);
    /// let s = arena.stats();
    /// assert_eq!((s.allocations, s.live_bytes, s.largest_free_block), (1, 1024, 65536));
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn stats(&self) -> ArenaStats {
        let inner = &*self.inner;
        let mut s = inner.counters.snapshot();
        s.capacity = inner.pages.len() * inner.page_size;
        s.largest_free_block = inner.largest_free();
        s
    }

    /// Closes the arena: every later allocation (and every pending `allocate_async`) fails
    /// with [`ArenaError::Closed`]. Buffers already handed out are unaffected.
    ///
    /// ```
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 20).build()?;
    /// arena.close();
    /// assert!(arena.is_closed());
    /// assert_eq!(arena.try_allocate(1).unwrap_err(), lake::bytes::ArenaError::Closed);
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
    /// assert!(!lake::bytes::SizeClassArena::builder(1 << 20).build()?.is_closed());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst) != 0
    }

    /// Waits until a buffer for `len` bytes can be handed out (feature `async`): every free
    /// wakes every waiter (a freed block serves only its own class, so one wake-up in
    /// registration order could go to a waiter that cannot use it), and the woken waiters race
    /// for the capacity (no FIFO order among them); fails at once with
    /// [`ArenaError::TooLarge`] above 64 KiB and with [`ArenaError::Closed`] after
    /// [`close`](Self::close). Any executor.
    ///
    /// A waiter is served by blocks its own thread's pages get back, or by a page that becomes
    /// free; see the module docs for blocks held by another thread's pages.
    ///
    /// ```
    /// use std::future::Future;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let arena = lake::bytes::SizeClassArena::builder(1 << 16).build()?; // one page
    /// let held = arena.allocate(60_000);
    /// let mut waiting = Box::pin(arena.allocate_async(100));
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(waiting.as_mut().poll(&mut cx).is_pending()); // the only page is taken
    /// drop(held); // the page comes back and wakes the waiter
    /// match waiting.as_mut().poll(&mut cx) {
    ///     Poll::Ready(Ok(buf)) => assert_eq!(buf.capacity(), 112),
    ///     other => panic!("{other:?}"),
    /// }
    /// assert!(pollster::block_on(arena.allocate_async(1 << 20)).is_err());
    /// # Ok::<(), lake::bytes::ArenaError>(())
    /// ```
    #[cfg(feature = "async")]
    pub fn allocate_async(&self, len: usize) -> super::AllocateAsync<'_> {
        super::AllocateAsync::new(self, len)
    }
}

#[cfg(feature = "async")]
impl super::asynch::Waitable for SizeClassArena {
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

impl fmt::Debug for SizeClassArena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SizeClassArena")
            .field("pages", &self.inner.pages.len())
            .field("page_size", &self.inner.page_size)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

impl Inner {
    /// Page `p`'s link table.
    #[inline(always)]
    fn links_of(&self, p: u32) -> &[UnsafeCell<u16>] {
        // `sc::link_index(p, page_size, 0)` with shifts (both sizes are powers of two); `p <
        // pages`, so the range is inside the table (`link_table_len` was checked in `build`).
        let shift = self.page_shift - sc::MIN_CLASS_SIZE.trailing_zeros();
        let start = (p as usize) << shift;
        debug_assert_eq!(sc::link_index(p, self.page_size, 0), Some(start));
        &self.links[start..start + (1 << shift)]
    }

    /// 64 KiB while a page is free, else 0.
    fn largest_free(&self) -> usize {
        if self.free_pages.free_count() > 0 {
            sc::MAX_CLASS_SIZE
        } else {
            0
        }
    }

    /// Runs `f` on heap `h`'s page lists.
    ///
    /// # Safety
    ///
    /// The calling thread owns or has borrowed heap `h`.
    #[inline(always)]
    unsafe fn with_heap<R>(&self, h: usize, f: impl FnOnce(&mut [ClassPages]) -> R) -> R {
        // SAFETY: the caller holds the heap, so nobody else touches its lists; the `&mut`
        // does not escape `f`.
        self.heaps[h].classes.with_mut(|c| f(unsafe { &mut *c }))
    }

    /// A block of `class` from heap `h`: the current page's lists (no atomics), else the slow
    /// path. Sets `*swept` when the slow path gave pages back to the bitmap: the caller then
    /// notifies the waiters, after giving up the heap (never from inside it).
    ///
    /// # Safety
    ///
    /// As [`Inner::with_heap`].
    #[inline]
    unsafe fn alloc_in(&self, h: usize, class: usize, swept: &mut bool) -> Option<(u32, u16)> {
        // SAFETY: caller.
        unsafe {
            self.with_heap(h, |classes| {
                let p = classes[class].current;
                if p != NO_PAGE {
                    // SAFETY: heap `h` (ours) holds page `p`.
                    if let Some(k) = self.pages[p as usize].pop(self.links_of(p)) {
                        return Some((p, k));
                    }
                }
                self.alloc_slow(h, classes, class, swept)
            })
        }
    }

    /// The slow path of [`Inner::alloc_in`].
    ///
    /// # Safety
    ///
    /// As [`Inner::with_heap`]; `classes` is heap `h`'s.
    #[cold]
    unsafe fn alloc_slow(
        &self,
        h: usize,
        classes: &mut [ClassPages],
        class: usize,
        swept: &mut bool,
    ) -> Option<(u32, u16)> {
        // 1. Blocks other threads gave back, in the pages this heap holds for the class.
        let cp = &mut classes[class];
        for i in 0..cp.held.len() {
            let p = cp.held[i];
            let page = &self.pages[p as usize];
            // SAFETY: heap `h` (we hold it) holds page `p`.
            let local = unsafe {
                page.collect(self.links_of(p));
                page.local()
            };
            if local.has_free() {
                // SAFETY: as above; `cp` is heap `h`'s and holds `p`.
                return unsafe {
                    self.make_current(cp, p);
                    page.pop(self.links_of(p))
                }
                .map(|k| (p, k));
            }
        }
        // 2. A free page; 3. after sweeping every page we can reach, again.
        for attempt in 0..2 {
            if let Some(p) = self.free_pages.claim(thread_hint()) {
                if self.starved.load(Ordering::Relaxed) != 0 {
                    self.starved.store(0, Ordering::Relaxed);
                }
                let blocks = sc::blocks_per_page(class, self.page_size).unwrap_or(0);
                let page = &self.pages[p as usize];
                let cp = &mut classes[class];
                cp.held.push(p);
                // SAFETY: our claim made page `p` ours, and heap `h` (we hold it) holds it now.
                return unsafe {
                    page.start(h, class as u8, blocks);
                    self.make_current(cp, p);
                    page.pop(self.links_of(p))
                }
                .map(|k| (p, k));
            }
            if attempt == 0 {
                // SAFETY: we hold heap `h`, whose lists `classes` are.
                if !unsafe { self.sweep_all(h, classes) } {
                    break;
                }
                *swept = true;
            }
        }
        None
    }

    /// Makes `p` the current page of `cp`'s class.
    ///
    /// # Safety
    ///
    /// The calling thread holds the heap whose lists `cp` is part of, and `cp` holds `p`.
    unsafe fn make_current(&self, cp: &mut ClassPages, p: u32) {
        if cp.current != NO_PAGE {
            // SAFETY: the heap (ours) holds its current page.
            unsafe { self.pages[cp.current as usize].set_current(false) };
        }
        cp.current = p;
        // SAFETY: as above.
        unsafe { self.pages[p as usize].set_current(true) };
    }

    /// Gives back every fully free page of heap `h` and of every unowned heap; returns whether
    /// any page went back.
    ///
    /// # Safety
    ///
    /// As [`Inner::alloc_slow`].
    unsafe fn sweep_all(&self, h: usize, classes: &mut [ClassPages]) -> bool {
        // SAFETY: we hold heap `h`.
        let mut freed = unsafe { self.sweep(classes) };
        for (g, heap) in self.heaps.iter().enumerate() {
            if g == h || heap.owner.load(Ordering::Relaxed) != 0 {
                continue;
            }
            // Acquire: pairs with the Release that gave the heap up, so its lists are current.
            if heap
                .owner
                .compare_exchange(0, BORROWED, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                let borrowed = Borrowed(&heap.owner);
                // SAFETY: we hold heap `g` until `borrowed` is dropped (also on unwinding).
                freed |= unsafe { self.with_heap(g, |c| self.sweep(c)) };
                drop(borrowed);
            }
        }
        freed
    }

    /// Collects every page of a heap's `classes` and gives back the fully free ones.
    ///
    /// # Safety
    ///
    /// The calling thread holds the heap whose lists `classes` are.
    unsafe fn sweep(&self, classes: &mut [ClassPages]) -> bool {
        let mut freed = false;
        for cp in classes.iter_mut() {
            let mut i = 0;
            while i < cp.held.len() {
                let p = cp.held[i];
                let page = &self.pages[p as usize];
                // SAFETY: the heap holds page `p`, and we hold the heap.
                unsafe { page.collect(self.links_of(p)) };
                // SAFETY: as above.
                if unsafe { page.local() }.used == 0 {
                    cp.held.swap_remove(i);
                    if cp.current == p {
                        cp.current = NO_PAGE;
                    }
                    // SAFETY: as above, and `used == 0`.
                    unsafe { self.give_back(p) };
                    freed = true;
                } else {
                    i += 1;
                }
            }
        }
        freed
    }

    /// Returns page `p`, already removed from its heap's lists, to the bitmap. Notifies no
    /// waiter: it runs while a heap is held, and a waker is user code that may re-enter the
    /// arena (and that heap); the caller notifies once the heap is given up.
    ///
    /// # Safety
    ///
    /// The caller holds the heap that held `p`, and `p`'s `used` is 0.
    unsafe fn give_back(&self, p: u32) {
        // SAFETY: caller.
        unsafe { self.pages[p as usize].retire() };
        // Release (inside): the next claimer sees the page retired.
        self.free_pages.release(p);
    }

    /// Holds some heap for one call: CAS `0 → BORROWED` on the first free one, yielding while
    /// none is. The caller gives it back with `owner.store(0, Release)` (a [`Borrowed`]).
    #[cold]
    fn borrow_heap(&self) -> usize {
        loop {
            // The overflow heap first (nobody owns it for good), then the others.
            for g in (0..self.heaps.len()).rev() {
                let owner = &self.heaps[g].owner;
                if owner.load(Ordering::Relaxed) == 0
                    && owner
                        .compare_exchange(0, BORROWED, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                {
                    return g;
                }
            }
            yield_now();
        }
    }
}

impl Backing for Inner {
    #[inline]
    unsafe fn release(&self, block: Block) {
        self.counters.released(block.capacity);
        let p = (block.token >> 16) as u32;
        let k = (block.token & 0xffff) as u16;
        let page = &self.pages[p as usize];
        let h = page.heap.load(Ordering::Relaxed);
        if self.heaps[h].owner.load(Ordering::Relaxed) == my_tag() {
            // Our own heap: only this thread can change its owner, and it holds page `p` (a
            // page with a block out is never given back).
            // SAFETY: we own heap `h`, which holds `p`; `k` is a block of it, freed once.
            unsafe {
                // An empty page goes back to the bitmap unless it is its class's current page
                // (kept so an allocate/free loop does not claim a page each time) while nobody
                // has found the arena full since the last page was claimed.
                if page.push_local(self.links_of(p), k)
                    && (!page.local().current || self.starved.load(Ordering::Relaxed) != 0)
                {
                    self.with_heap(h, |classes| {
                        let cp = &mut classes[page.local().class as usize];
                        if let Some(i) = cp.held.iter().position(|&q| q == p) {
                            cp.held.swap_remove(i);
                        }
                        if cp.current == p {
                            cp.current = NO_PAGE;
                        }
                        self.give_back(p);
                    });
                }
            }
        } else {
            // SAFETY: `k` is a block of page `p`, freed once, its bytes unused from now on.
            unsafe { page.push_remote(self.links_of(p), k) };
        }
        // After `with_heap` returned: the wakers (user code) may use the arena. Every waiter,
        // not one: a freed block serves only its own class (and a page only once it is given
        // back), so a single wake-up could go to a waiter of another class while one that
        // could use the block sleeps on.
        #[cfg(feature = "async")]
        self.waiters.notify_all();
    }

    fn counters(&self) -> &Counters {
        &self.counters
    }
}

// ---- threads: tags, the registry of owned heaps, giving them back on exit -----------------

#[cfg(loom)]
use loom::thread::yield_now;
#[cfg(not(loom))]
use std::thread::yield_now;

#[cfg(not(loom))]
std::thread_local! {
    /// This thread's tag, once it has one (0 before).
    static TAG: Cell<usize> = const { Cell::new(0) };
    static REGISTRY: Registry = const {
        Registry { cached: Cell::new((0, 0)), held: RefCell::new(Vec::new()) }
    };
}
#[cfg(loom)]
loom::thread_local! {
    static TAG: Cell<usize> = Cell::new(0);
    static REGISTRY: Registry = Registry { cached: Cell::new((0, 0)), held: RefCell::new(Vec::new()) };
}

/// This thread's tag, or `NO_TAG` while its thread-locals are being destroyed.
///
/// Tags come from a global counter and are never reused (an address-based identity could be
/// taken by a thread started after another exits, which would then see itself as the owner of
/// a heap the first thread had not given back yet; the loom model found this).
#[inline(always)]
fn my_tag() -> usize {
    /// The next tag; 0, `BORROWED` and `NO_TAG` are never tags.
    static NEXT_TAG: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(3);
    TAG.try_with(|t| {
        let tag = t.get();
        if tag != 0 {
            return tag;
        }
        let tag = NEXT_TAG.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        t.set(tag);
        tag
    })
    .unwrap_or(NO_TAG)
}

/// The heaps this thread owns, given back when it exits.
struct Registry {
    /// (arena id, heap) of the arena used last.
    cached: Cell<(u64, usize)>,
    /// Every (arena id, arena, heap) this thread owns a heap of.
    held: RefCell<Vec<(u64, Weak<Inner>, usize)>>,
}

impl Drop for Registry {
    fn drop(&mut self) {
        for (_, arena, h) in self.held.get_mut().drain(..) {
            if let Some(inner) = arena.upgrade() {
                // Release: the next owner or borrower (Acquire CAS) sees our lists.
                inner.heaps[h].owner.store(0, Ordering::Release);
            }
        }
    }
}

/// The heap this thread owns in `arena`, claiming one on first use; `None` if every heap is
/// owned (or the thread is exiting).
#[inline]
fn heap_of(arena: &Arc<Inner>) -> Option<usize> {
    REGISTRY
        .try_with(|r| {
            let (id, h) = r.cached.get();
            if id == arena.id {
                return Some(h);
            }
            claim_heap(r, arena)
        })
        .ok()
        .flatten()
}

#[cold]
fn claim_heap(r: &Registry, arena: &Arc<Inner>) -> Option<usize> {
    let mut held = r.held.borrow_mut();
    if let Some(&(_, _, h)) = held.iter().find(|(id, _, _)| *id == arena.id) {
        r.cached.set((arena.id, h));
        return Some(h);
    }
    let tag = my_tag();
    if tag == NO_TAG {
        return None;
    }
    // The last heap is the overflow heap, never owned for good.
    let owned = arena.heaps.len() - 1;
    for (h, heap) in arena.heaps[..owned].iter().enumerate() {
        if heap.owner.load(Ordering::Relaxed) == 0
            && heap
                .owner
                .compare_exchange(0, tag, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        {
            held.retain(|(_, a, _)| a.strong_count() > 0);
            held.push((arena.id, Arc::downgrade(arena), h));
            r.cached.set((arena.id, h));
            return Some(h);
        }
    }
    None
}

#[cfg(test)]
mod tests;

#[cfg(all(test, loom))]
mod loom_models;

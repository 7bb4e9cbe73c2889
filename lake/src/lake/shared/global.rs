//! [`GlobalLake`]: a [`GlobalAlloc`] that serves the process's allocations from a lake inside
//! an explicit region ([`GlobalLake::begin_region`] … [`GlobalRegion::end`]) and from
//! [`System`] outside it.
//!
//! Everything the allocator needs lives in the `GlobalLake` value itself (a `static`): a fixed
//! table of chunk base pointers and cursors, a bit mask of occupied slots, the region state and
//! a spin lock for growth. No bookkeeping is stored inside the chunks, nothing is allocated
//! through the global allocator (chunks come from `System` directly), and no lock that might
//! allocate (a lazily boxed pthread mutex) is taken, so the allocator never re-enters itself.
//! See IMPLEMENTATION.md §3 ("The global lake") for the layout and the routing argument.

use core::alloc::{GlobalAlloc, Layout};
use core::fmt;
use core::mem::ManuallyDrop;
use core::ptr::{self, null_mut};
use std::alloc::System;

use self::atomics::{AtomicBool, AtomicPtr, AtomicU32, AtomicU8, AtomicUsize, Ordering};
use crate::math::bump::{bump_up, is_last, resize_last, CURSOR_LIMIT};

/// `core`'s atomics, or loom's under `cfg(loom)` so that the models in `global_loom.rs` can
/// explore this protocol. Local rather than `crate::sync`: the normal build needs `core`'s
/// `const` constructors (the lake lives in a `static`), and loom's are not `const`, so
/// [`GlobalLake::with_chunk_sizes`] has a second, non-`const` body under loom anyway.
mod atomics {
    #[cfg(not(loom))]
    pub(super) use core::sync::atomic::{
        AtomicBool, AtomicPtr, AtomicU32, AtomicU8, AtomicUsize, Ordering,
    };
    #[cfg(loom)]
    pub(super) use loom::sync::atomic::{
        AtomicBool, AtomicPtr, AtomicU32, AtomicU8, AtomicUsize, Ordering,
    };

    /// Empties a slot's base through `&mut` (no other thread can see the lake).
    #[cfg(not(loom))]
    pub(super) fn take(base: &mut AtomicPtr<u8>) -> *mut u8 {
        core::mem::replace(base.get_mut(), core::ptr::null_mut())
    }

    /// Empties a slot's base through `&mut` (no other thread can see the lake).
    #[cfg(loom)]
    pub(super) fn take(base: &mut AtomicPtr<u8>) -> *mut u8 {
        base.with_mut(|base| core::mem::replace(base, core::ptr::null_mut()))
    }

    /// One round of waiting for the growth lock. Under loom every round yields, so a model
    /// whose lock holder is descheduled still terminates.
    #[cfg(not(loom))]
    pub(super) fn backoff(spins: &mut u32) {
        if *spins < 64 {
            *spins += 1;
            core::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }

    /// One round of waiting for the growth lock. Under loom every round yields, so a model
    /// whose lock holder is descheduled still terminates.
    #[cfg(loom)]
    pub(super) fn backoff(_spins: &mut u32) {
        loom::hint::spin_loop();
    }
}

/// Chunk memory: `System` normally; under loom `loom::alloc`, which forwards to the global
/// allocator (`System` in the lib tests) and tracks leaks, so a model ends with an error if a
/// chunk is never freed.
mod chunk_memory {
    use core::alloc::Layout;

    /// # Safety
    ///
    /// `layout` has a non-zero size.
    #[cfg(not(loom))]
    pub(super) unsafe fn alloc(layout: Layout) -> *mut u8 {
        use core::alloc::GlobalAlloc;
        // SAFETY: non-zero size (the caller's contract).
        unsafe { std::alloc::System.alloc(layout) }
    }

    /// # Safety
    ///
    /// `ptr` came from [`alloc`] with `layout` and is not freed yet.
    #[cfg(not(loom))]
    pub(super) unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
        use core::alloc::GlobalAlloc;
        // SAFETY: the caller's contract.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    /// # Safety
    ///
    /// `layout` has a non-zero size.
    #[cfg(loom)]
    pub(super) unsafe fn alloc(layout: Layout) -> *mut u8 {
        // SAFETY: non-zero size (the caller's contract).
        unsafe { loom::alloc::alloc(layout) }
    }

    /// # Safety
    ///
    /// `ptr` came from [`alloc`] with `layout` and is not freed yet.
    #[cfg(loom)]
    pub(super) unsafe fn dealloc(ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract.
        unsafe { loom::alloc::dealloc(ptr, layout) }
    }
}

/// Number of chunk slots. A request that finds every slot occupied is served by `System`.
const SLOTS: usize = 32;

// The occupied mask is a `u32`: one bit per slot.
const _: () = assert!(SLOTS <= u32::BITS as usize);

/// Alignment of every chunk allocation, and the largest alignment the lake serves (larger ones
/// go to `System`). A block aligned up to 128 always starts at an offset from a 128-aligned
/// base, so miri's symbolic alignment check accepts it.
const CHUNK_ALIGN: usize = 128;

/// Smallest and largest chunk sizes accepted by [`GlobalLake::with_chunk_sizes`].
const MIN_CHUNK: usize = 1 << 10;
const MAX_CHUNK: usize = 1 << 30;

/// Default first chunk and growth cap of [`GlobalLake::new`].
const DEFAULT_FIRST: usize = 64 << 10;
const DEFAULT_MAX: usize = 4 << 20;

/// `current` when no chunk is installed.
const NO_CHUNK: usize = usize::MAX;

/// Region states.
const IDLE: u8 = 0;
const ACTIVE: u8 = 1;
const ENDING: u8 = 2;

/// A [`GlobalAlloc`] that serves allocations from a lake (a CAS bump over chunks) while a
/// *region* is active, and from [`System`] otherwise. Ending a region frees, in one step,
/// everything allocated in it: the per-frame / per-request pattern of game loops and servers,
/// applied to ordinary `Vec`, `String` and `Box` without passing an allocator around.
///
/// ```
/// use lake::GlobalLake;
///
/// #[global_allocator]
/// static GLOBAL: GlobalLake = GlobalLake::new();
///
/// fn main() {
///     let mut totals = Vec::new(); // outside any region: the system allocator
///     for frame in 0..3u32 {
///         let region = GLOBAL.begin_region().expect("no other region is active");
///         let scratch: Vec<u32> = (0..100).map(|i| i * frame).collect(); // from the lake
///         assert!(GLOBAL.owns(scratch.as_ptr()));
///         let total: u32 = scratch.iter().sum();
///         drop(scratch);
///         // SAFETY: everything allocated since `begin_region` (`scratch`) is dead, and this
///         // program has no other thread.
///         unsafe { region.end() };
///         totals.push(total); // after the region: the system allocator again
///     }
///     assert_eq!(totals, [0, 4950, 9900]);
///     assert!(!GLOBAL.owns(totals.as_ptr()));
///     assert_eq!(GLOBAL.stats().used, 0); // the lake was rewound by each `end`
/// }
/// ```
///
/// # Regions
///
/// A region is process-wide: while one is active, **every thread's** allocations that the lake
/// can serve come from it. [`begin_region`](GlobalLake::begin_region) is safe and returns the
/// only [`GlobalRegion`] token (or `None` if a region is already active). Dropping the token
/// *leaves* the region without freeing anything (safe: lake memory stays valid, so a panic
/// inside a region is harmless); [`GlobalRegion::end`] leaves it **and** rewinds the lake,
/// which makes every block it served reusable, and is `unsafe` with a precise contract.
///
/// # Where each block goes, and where it comes back
///
/// | call | region active | no region |
/// |---|---|---|
/// | `alloc`, `alloc_zeroed` | lake (CAS bump); `System` for blocks over a quarter of the largest chunk, alignments over 128, or when the chunk table is full | `System` |
/// | `dealloc` of a lake block | rewinds if it is the last block of its chunk, else no-op | same |
/// | `dealloc` of a `System` block | `System` | `System` |
/// | `realloc` of a `System` block | `System` (a block keeps its home: containers made before the region stay valid after it) | `System` |
/// | `realloc` of a lake block | shrink in place; grow in place if it is the last block, else a new block (from the lake when it serves the size) + copy | shrink in place; grow → new `System` block + copy |
///
/// A pointer is a lake block exactly when its address lies in one of the lake's live chunks
/// ([`owns`](GlobalLake::owns)); chunks are `System` allocations, so no live `System` block can
/// lie inside one. Memory from the lake is therefore never passed to `System::dealloc`, and
/// vice versa.
///
/// # Memory
///
/// Chunks start at 64 KiB and double up to 4 MiB ([`with_chunk_sizes`](Self::with_chunk_sizes)
/// changes both); [`GlobalRegion::end`] keeps the largest chunk and frees the others, so a
/// steady loop stops touching `System` after a few frames. A `static` `GlobalLake` is never
/// dropped; a local one frees its chunks when it drops.
///
/// # Threads
///
/// `GlobalLake` is `Send + Sync` from its fields (atomics only); there is no `unsafe impl`.
pub struct GlobalLake {
    /// `IDLE`, `ACTIVE` or `ENDING`. Allocations use the lake only in `ACTIVE`;
    /// `begin_region` moves `IDLE → ACTIVE` with a CAS, so at most one region token exists.
    state: AtomicU8,
    /// Slot of the chunk allocations bump in, or `NO_CHUNK`. Written under `growing` (or by
    /// `end`); loaded with `Acquire` so the chunk's base and cursor are visible.
    current: AtomicUsize,
    /// Base of the chunk in each slot (null when free); the pointer `System` returned, so every
    /// block derived from it carries the chunk's provenance. Slot `i` always holds a chunk of
    /// `self.capacity(i)` bytes, so a base alone describes the chunk's whole address range.
    bases: [AtomicPtr<u8>; SLOTS],
    /// Bump cursor (an address) of the chunk in each slot: `base <= cursor <= end`.
    cursors: [AtomicUsize; SLOTS],
    /// Bit `i` set ⇔ slot `i` holds a chunk. A hint that keeps `dealloc`'s ownership test to
    /// the occupied slots; the authority is the slot's base.
    occupied: AtomicU32,
    /// Spin lock for growth and `end` (never a `Mutex`: a lazily boxed mutex would allocate
    /// through this very allocator on first use).
    growing: AtomicBool,
    /// Number of regions ended with `end`.
    regions_ended: AtomicUsize,
    /// Capacity of slot 0 (a power of two).
    first: usize,
    /// Slots `max_shift..` all have the capacity `first << max_shift` (the growth cap).
    max_shift: u32,
}

/// Statistics of a [`GlobalLake`] (see [`GlobalLake::stats`]). Read without a lock: a snapshot
/// that may be mid-update when other threads allocate.
///
/// ```
/// use lake::GlobalLake;
///
/// let stats = GlobalLake::new().stats();
/// assert_eq!((stats.chunks, stats.capacity, stats.used), (0, 0, 0));
/// assert!(!stats.in_region);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct GlobalLakeStats {
    /// Whether a region is active.
    pub in_region: bool,
    /// Chunks the lake holds.
    pub chunks: usize,
    /// Bytes in those chunks.
    pub capacity: usize,
    /// Bytes handed out since the last [`GlobalRegion::end`] (alignment padding included).
    pub used: usize,
    /// Regions ended with [`GlobalRegion::end`].
    pub regions_ended: usize,
}

impl GlobalLake {
    /// A global lake with the default chunk sizes (64 KiB first, doubling up to 4 MiB). `const`,
    /// so it can initialise the `#[global_allocator]` static; allocates nothing until a region
    /// needs a chunk.
    ///
    /// ```
    /// use lake::GlobalLake;
    ///
    /// static LAKE: GlobalLake = GlobalLake::new();
    /// assert!(!LAKE.in_region());
    /// ```
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        Self::with_chunk_sizes(DEFAULT_FIRST, DEFAULT_MAX)
    }

    /// [`new`](Self::new) under loom, whose atomics are not `const`.
    #[cfg(loom)]
    pub fn new() -> Self {
        Self::with_chunk_sizes(DEFAULT_FIRST, DEFAULT_MAX)
    }

    /// A global lake whose first chunk has `first` bytes and whose chunks double up to `max`
    /// bytes. Both are rounded up to a power of two and clamped to 1 KiB ..= 1 GiB, and `max` to
    /// at least `first`. Requests larger than a quarter of `max` are served by `System`.
    ///
    /// ```
    /// use core::alloc::{GlobalAlloc, Layout};
    /// use lake::GlobalLake;
    ///
    /// let lake = GlobalLake::with_chunk_sizes(4096, 16 << 10);
    /// let region = lake.begin_region().unwrap();
    /// let small = Layout::from_size_align(100, 8).unwrap();
    /// let big = Layout::from_size_align(8 << 10, 8).unwrap(); // over 16 KiB / 4
    /// // SAFETY: non-zero layouts; the blocks are freed before the region ends.
    /// unsafe {
    ///     let (a, b) = (lake.alloc(small), lake.alloc(big));
    ///     assert!(lake.owns(a) && !lake.owns(b));
    ///     lake.dealloc(b, big);
    ///     lake.dealloc(a, small);
    ///     region.end();
    /// }
    /// ```
    #[cfg(not(loom))]
    pub const fn with_chunk_sizes(first: usize, max: usize) -> Self {
        let (first, max_shift) = chunk_sizes(first, max);
        Self {
            state: AtomicU8::new(IDLE),
            current: AtomicUsize::new(NO_CHUNK),
            bases: [const { AtomicPtr::new(null_mut()) }; SLOTS],
            cursors: [const { AtomicUsize::new(0) }; SLOTS],
            occupied: AtomicU32::new(0),
            growing: AtomicBool::new(false),
            regions_ended: AtomicUsize::new(0),
            first,
            max_shift,
        }
    }

    /// [`with_chunk_sizes`](Self::with_chunk_sizes) under loom, whose atomics are not `const`:
    /// the same fields with the same initial values.
    #[cfg(loom)]
    pub fn with_chunk_sizes(first: usize, max: usize) -> Self {
        let (first, max_shift) = chunk_sizes(first, max);
        Self {
            state: AtomicU8::new(IDLE),
            current: AtomicUsize::new(NO_CHUNK),
            bases: core::array::from_fn(|_| AtomicPtr::new(null_mut())),
            cursors: core::array::from_fn(|_| AtomicUsize::new(0)),
            occupied: AtomicU32::new(0),
            growing: AtomicBool::new(false),
            regions_ended: AtomicUsize::new(0),
            first,
            max_shift,
        }
    }

    /// Starts a region: from now on, allocations the lake can serve — on every thread — come
    /// from it. Returns `None` if a region is already active (or ending); there is at most one
    /// [`GlobalRegion`] at a time.
    ///
    /// Safe: starting a region only changes where *new* blocks come from, and every block keeps
    /// being deallocated by the allocator that made it.
    ///
    /// ```
    /// use lake::GlobalLake;
    ///
    /// let lake = GlobalLake::new();
    /// let region = lake.begin_region().unwrap();
    /// assert!(lake.in_region());
    /// assert!(lake.begin_region().is_none()); // one region at a time
    /// drop(region); // leaves the region, frees nothing
    /// assert!(!lake.in_region());
    /// ```
    pub fn begin_region(&self) -> Option<GlobalRegion<'_>> {
        self.state
            .compare_exchange(IDLE, ACTIVE, Ordering::AcqRel, Ordering::Relaxed)
            .ok()
            .map(|_| GlobalRegion { lake: self })
    }

    /// Whether a region is active (allocations go to the lake).
    ///
    /// ```
    /// use lake::GlobalLake;
    ///
    /// let lake = GlobalLake::new();
    /// assert!(!lake.in_region());
    /// let _region = lake.begin_region().unwrap();
    /// assert!(lake.in_region());
    /// ```
    pub fn in_region(&self) -> bool {
        self.state.load(Ordering::Relaxed) == ACTIVE
    }

    /// Whether `ptr` points into one of the lake's chunks, i.e. whether a block at `ptr` was
    /// served by the lake rather than by `System`. Compares addresses only; never dereferences.
    ///
    /// ```
    /// use core::alloc::{GlobalAlloc, Layout};
    /// use lake::GlobalLake;
    ///
    /// let lake = GlobalLake::new();
    /// let layout = Layout::new::<u64>();
    /// // SAFETY: non-zero layout; each block is freed with it, the lake block before `end`.
    /// unsafe {
    ///     let outside = lake.alloc(layout);
    ///     let region = lake.begin_region().unwrap();
    ///     let inside = lake.alloc(layout);
    ///     assert!(!lake.owns(outside) && lake.owns(inside));
    ///     lake.dealloc(inside, layout);
    ///     region.end();
    ///     lake.dealloc(outside, layout);
    /// }
    /// ```
    pub fn owns<T: ?Sized>(&self, ptr: *const T) -> bool {
        self.slot_of(ptr.cast::<u8>().addr()).is_some()
    }

    /// A snapshot of the lake's chunks and usage.
    ///
    /// ```
    /// use core::alloc::{GlobalAlloc, Layout};
    /// use lake::GlobalLake;
    ///
    /// let lake = GlobalLake::new();
    /// let region = lake.begin_region().unwrap();
    /// let layout = Layout::new::<[u8; 100]>();
    /// // SAFETY: non-zero layout; the block is dead before `end`.
    /// let p = unsafe { lake.alloc(layout) };
    /// assert!(lake.stats().used >= 100);
    /// assert_eq!(lake.stats().chunks, 1);
    /// // SAFETY: `p` is never used again.
    /// unsafe { region.end() };
    /// let stats = lake.stats();
    /// assert_eq!((stats.used, stats.chunks, stats.regions_ended), (0, 1, 1));
    /// ```
    pub fn stats(&self) -> GlobalLakeStats {
        let mut stats = GlobalLakeStats {
            in_region: self.in_region(),
            regions_ended: self.regions_ended.load(Ordering::Relaxed),
            ..GlobalLakeStats::default()
        };
        let mut mask = self.occupied.load(Ordering::Acquire);
        while mask != 0 {
            let slot = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let base = self.bases[slot].load(Ordering::Acquire);
            if base.is_null() {
                continue;
            }
            stats.chunks += 1;
            stats.capacity += self.capacity(slot);
            let cursor = self.cursors[slot].load(Ordering::Relaxed);
            stats.used += cursor.saturating_sub(base.addr());
        }
        stats
    }

    /// Capacity of the chunk in `slot`: `first`, doubling per slot up to the growth cap.
    #[inline(always)]
    fn capacity(&self, slot: usize) -> usize {
        // `slot < SLOTS <= 32` and `first << max_shift <= MAX_CHUNK`: no overflow.
        self.first << (slot as u32).min(self.max_shift)
    }

    /// One past the last usable address of the chunk at `base` in `slot`, clamped so that the
    /// fast `bump_up` precondition `cursor <= end <= CURSOR_LIMIT` holds.
    #[inline(always)]
    fn chunk_end(&self, slot: usize, base: *mut u8) -> usize {
        base.addr()
            .saturating_add(self.capacity(slot))
            .min(CURSOR_LIMIT)
    }

    /// Whether the lake may serve `layout` at all (else it goes to `System`).
    #[inline(always)]
    fn lake_can_serve(&self, layout: Layout) -> bool {
        // Zero sizes (outside `GlobalAlloc`'s contract) go to `System` too: a zero-sized block
        // at a full chunk's end would lie outside the chunk, and be misrouted on `dealloc`.
        layout.align() <= CHUNK_ALIGN
            && layout.size() != 0
            && layout.size() <= self.capacity(SLOTS - 1) / 4
    }

    /// The slot whose chunk contains `addr`, if any.
    ///
    /// Why a stale view cannot misroute: a lake block was bumped after its chunk's slot bit and
    /// base were published (`Release`, read with `Acquire` by the allocating thread), and the
    /// thread deallocating it happens-after that allocation, so it sees the chunk. A chunk's
    /// slot is cleared before its memory goes back to `System`, and `System` hands that memory
    /// out again only after that, so a thread holding a `System` block from there sees the
    /// cleared slot (or a later chunk, whose range the block cannot overlap).
    #[inline]
    fn slot_of(&self, addr: usize) -> Option<usize> {
        let mut mask = self.occupied.load(Ordering::Acquire);
        while mask != 0 {
            let slot = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let base = self.bases[slot].load(Ordering::Acquire);
            if !base.is_null() && addr.wrapping_sub(base.addr()) < self.capacity(slot) {
                return Some(slot);
            }
        }
        None
    }

    /// One CAS bump in the chunk of `slot`; `None` if the slot is empty or the chunk is full.
    #[inline(always)]
    fn bump(&self, slot: usize, layout: Layout) -> Option<*mut u8> {
        let base = self.bases[slot].load(Ordering::Acquire);
        if base.is_null() {
            return None;
        }
        let end = self.chunk_end(slot, base);
        let cursor = &self.cursors[slot];
        let mut pos = cursor.load(Ordering::Relaxed);
        loop {
            // Invariant: `base <= pos <= end <= CURSOR_LIMIT` (the cursor was set for this chunk
            // before its base was published, and moves only inside it), and a chunk is at most
            // `MAX_CHUNK` bytes: the precondition of the fast `bump_up`.
            let b = bump_up(pos, end, layout)?;
            // `Acquire` on success: bytes given back by another thread's `Release` rewind
            // (dealloc, shrink, `end`) happen-before this thread's writes to them.
            match cursor.compare_exchange_weak(pos, b.new_pos, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return Some(base.with_addr(b.start)),
                Err(now) => pos = now,
            }
        }
    }

    /// A lake block for `layout` (the caller checked `lake_can_serve`), or `None` when the lake
    /// cannot grow (table full, `System` out of memory): the caller falls back to `System`.
    #[inline]
    fn lake_alloc(&self, layout: Layout) -> Option<*mut u8> {
        let slot = self.current.load(Ordering::Acquire);
        if slot < SLOTS {
            if let Some(block) = self.bump(slot, layout) {
                return Some(block);
            }
        }
        self.grow(layout)
    }

    /// Slow path: installs a new chunk (under the spin lock) and carves the caller's block from
    /// it before publishing it, so the thread that grows always gets its block.
    #[cold]
    fn grow(&self, layout: Layout) -> Option<*mut u8> {
        let _lock = self.lock();
        // Another thread may have installed a chunk while this one waited.
        let seen = self.current.load(Ordering::Acquire);
        if seen < SLOTS {
            if let Some(block) = self.bump(seen, layout) {
                return Some(block);
            }
        }
        // Next size: double the current chunk (slot + 1), or any free slot at the cap. The
        // lock makes this thread the only writer of `occupied`, `bases` and `current`.
        let from = if seen < SLOTS {
            (seen + 1).min(self.max_shift as usize)
        } else {
            0
        };
        let occupied = self.occupied.load(Ordering::Relaxed);
        let slot = (from..SLOTS)
            .find(|&s| occupied & (1 << s) == 0 && self.capacity(s) >= layout.size())?;
        let chunk = Layout::from_size_align(self.capacity(slot), CHUNK_ALIGN).ok()?;
        // SAFETY: `chunk` has a non-zero size (`capacity >= MIN_CHUNK`).
        let base = unsafe { chunk_memory::alloc(chunk) };
        if base.is_null() {
            return None;
        }
        // `base` is 128-aligned and `layout.align() <= 128`, so the caller's block starts at
        // `base`; `layout.size() <= capacity` was checked above.
        self.cursors[slot].store(base.addr() + layout.size(), Ordering::Relaxed);
        // Publication: the cursor is written before the base, the base before the mask bit and
        // `current`, all `Release`; readers load them with `Acquire`.
        self.bases[slot].store(base, Ordering::Release);
        self.occupied.fetch_or(1 << slot, Ordering::Release);
        self.current.store(slot, Ordering::Release);
        Some(base)
    }

    /// Gives `size` bytes at `ptr` back to the chunk in `slot` if they are its last block
    /// (a `Release` CAS from the block's end); otherwise does nothing. Returns whether it did.
    fn lake_free(&self, slot: usize, ptr: *mut u8, size: usize) -> bool {
        let base = self.bases[slot].load(Ordering::Acquire);
        if base.is_null() || size == 0 {
            return false;
        }
        let cursor = &self.cursors[slot];
        let pos = cursor.load(Ordering::Relaxed);
        // "The cursor equals my block's end" proves no live block lies above it (every block
        // lies below the cursor), whatever happened in between: ABA is harmless.
        is_last(ptr.addr(), size, pos, base.addr())
            && cursor
                .compare_exchange(pos, ptr.addr(), Ordering::Release, Ordering::Relaxed)
                .is_ok()
    }

    /// Resizes the lake block at `ptr` in place if it is the last block of its chunk and the
    /// chunk has room. `AcqRel`: growing takes bytes, shrinking gives them back.
    fn lake_resize(&self, slot: usize, ptr: *mut u8, old_size: usize, new_size: usize) -> bool {
        let base = self.bases[slot].load(Ordering::Acquire);
        if base.is_null() || old_size == 0 {
            return false;
        }
        let cursor = &self.cursors[slot];
        let pos = cursor.load(Ordering::Relaxed);
        if !is_last(ptr.addr(), old_size, pos, base.addr()) {
            return false;
        }
        match resize_last(ptr.addr(), new_size, self.chunk_end(slot, base)) {
            Some(new_pos) => cursor
                .compare_exchange(pos, new_pos, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok(),
            None => false,
        }
    }

    /// Takes the spin lock that serialises growth and `end`.
    fn lock(&self) -> SpinGuard<'_> {
        let mut spins = 0u32;
        while self
            .growing
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            atomics::backoff(&mut spins);
        }
        SpinGuard(&self.growing)
    }

    /// Rewinds the current chunk and frees every other one. Called by [`GlobalRegion::end`]
    /// with the state `ENDING`.
    ///
    /// # Safety
    ///
    /// [`GlobalRegion::end`]'s contract: no block served by the lake is used again, and no
    /// other thread is inside a lake operation.
    unsafe fn reset(&self) {
        let _lock = self.lock();
        let keep = self.current.load(Ordering::Relaxed);
        let mut mask = self.occupied.load(Ordering::Relaxed);
        while mask != 0 {
            let slot = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let base = self.bases[slot].load(Ordering::Relaxed);
            if base.is_null() {
                continue;
            }
            if slot == keep {
                // `Release`: the region's writes to these bytes happen-before the next owner's
                // (who takes them with an `Acquire` bump).
                self.cursors[slot].store(base.addr(), Ordering::Release);
                continue;
            }
            // Unpublish before freeing, so that no thread can route a later `System` block at
            // this address to the lake (see `slot_of`).
            self.bases[slot].store(null_mut(), Ordering::Release);
            self.occupied.fetch_and(!(1u32 << slot), Ordering::Release);
            // SAFETY: `base` came from `chunk_memory::alloc` with this slot's layout in `grow` (slot
            // capacities never change); it was in the table exactly once and is now out of it;
            // the caller guarantees no block in it is used again.
            unsafe { free_chunk(base, self.capacity(slot)) };
        }
        self.regions_ended.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(all(test, loom))]
impl GlobalLake {
    /// `(start, end)` of every installed chunk, by slot (for the models in `global_loom.rs`;
    /// called when no other thread grows or ends a region).
    pub(super) fn chunk_ranges(&self) -> std::vec::Vec<(usize, usize)> {
        let mut ranges = std::vec::Vec::new();
        let mut mask = self.occupied.load(Ordering::Acquire);
        while mask != 0 {
            let slot = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let base = self.bases[slot].load(Ordering::Acquire);
            assert!(!base.is_null(), "slot {slot} is marked occupied but empty");
            ranges.push((base.addr(), base.addr() + self.capacity(slot)));
        }
        ranges
    }
}

/// Returns a chunk of `capacity` bytes at `base` to `System`.
///
/// # Safety
///
/// `base` was returned by `chunk_memory::alloc` with
/// `Layout::from_size_align(capacity, CHUNK_ALIGN)`,
/// is not freed yet, and nothing uses it afterwards.
unsafe fn free_chunk(base: *mut u8, capacity: usize) {
    if let Ok(layout) = Layout::from_size_align(capacity, CHUNK_ALIGN) {
        // SAFETY: the caller's contract; the layout is the one the chunk was allocated with.
        unsafe { chunk_memory::dealloc(base, layout) };
    }
}

/// `(first, max_shift)` for [`GlobalLake::with_chunk_sizes`]: both sizes clamped, `max` to at
/// least `first`.
const fn chunk_sizes(first: usize, max: usize) -> (usize, u32) {
    let first = clamp_chunk(first);
    let max = clamp_chunk(max);
    let max = if max < first { first } else { max };
    // Both are powers of two, so `max / first` is one too.
    (first, (max / first).trailing_zeros())
}

/// Rounds a chunk size up to a power of two in `MIN_CHUNK..=MAX_CHUNK`.
const fn clamp_chunk(n: usize) -> usize {
    if n <= MIN_CHUNK {
        MIN_CHUNK
    } else if n >= MAX_CHUNK {
        MAX_CHUNK
    } else {
        n.next_power_of_two()
    }
}

/// Releases the spin lock when dropped.
struct SpinGuard<'a>(&'a AtomicBool);

impl Drop for SpinGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

impl Default for GlobalLake {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for GlobalLake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GlobalLake")
            .field("first_chunk", &self.first)
            .field("max_chunk", &self.capacity(SLOTS - 1))
            .field("stats", &self.stats())
            .finish()
    }
}

impl Drop for GlobalLake {
    /// Frees every chunk. (A `static` is never dropped; this is for local instances, whose
    /// blocks must not be used after the lake is gone, as with any allocator value.)
    fn drop(&mut self) {
        for slot in 0..SLOTS {
            let base = atomics::take(&mut self.bases[slot]);
            if !base.is_null() {
                // SAFETY: `&mut self`: no region token and no other thread can use the lake;
                // `base` was allocated by `grow` with this slot's layout and is freed once
                // (its slot is cleared).
                unsafe { free_chunk(base, self.capacity(slot)) };
            }
        }
        self.occupied.store(0, Ordering::Relaxed);
    }
}

// SAFETY: the `GlobalAlloc` contract.
// - Blocks are valid for their layout: lake blocks come from a CAS bump that hands out disjoint,
//   aligned ranges inside a live chunk (cursor invariant `base <= cursor <= end`); `System`
//   blocks come from `System` with the caller's layout.
// - A block stays valid until it is deallocated: a lake block's bytes are reused only after a
//   rewind that proves it was the last block (`lake_free`, `lake_resize`, both called only for
//   the block being freed or resized), or after `GlobalRegion::end`, whose `unsafe` contract
//   requires every lake block to be dead. Chunks are freed only there or in `Drop` (`&mut`).
// - Routing: `dealloc`/`realloc` ask `slot_of` whether the address lies in a live chunk; a live
//   `System` block never does (chunks are live `System` allocations), and a lake block always
//   does until `end`. So lake memory never reaches `System::dealloc`, and vice versa.
// - Nothing here unwinds: no panicking arithmetic or indexing out of range (`slot < SLOTS` by
//   construction), and impossible requests return null. Nothing allocates through the global
//   allocator (chunks come from `System`; the lock is a spin lock).
unsafe impl GlobalAlloc for GlobalLake {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.state.load(Ordering::Relaxed) == ACTIVE && self.lake_can_serve(layout) {
            if let Some(block) = self.lake_alloc(layout) {
                return block;
            }
        }
        // SAFETY: the caller's `layout` has a non-zero size (the `GlobalAlloc::alloc` contract).
        unsafe { System.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if self.state.load(Ordering::Relaxed) == ACTIVE && self.lake_can_serve(layout) {
            if let Some(block) = self.lake_alloc(layout) {
                // SAFETY: the block is fresh, `layout.size()` bytes long, and owned by the
                // caller (chunk memory is reused, so it is not zero already).
                unsafe { ptr::write_bytes(block, 0, layout.size()) };
                return block;
            }
        }
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match self.slot_of(ptr.addr()) {
            Some(slot) => {
                self.lake_free(slot, ptr, layout.size());
            }
            // SAFETY: `ptr` lies in no live chunk, so it was allocated by `System` (routing, see
            // the impl comment) with `layout`, as the caller guarantees.
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return null_mut();
        };
        let Some(slot) = self.slot_of(ptr.addr()) else {
            // A `System` block stays in `System`, region or not.
            // SAFETY: `ptr` came from `System` with `layout` (routing); the caller guarantees
            // `new_size` is non-zero and does not overflow when rounded to the alignment.
            return unsafe { System.realloc(ptr, layout, new_size) };
        };
        let old_size = layout.size();
        if new_size <= old_size {
            // Shrink: give the tail back if this is the last block; either way the block at
            // `ptr` still fits `new_layout`.
            self.lake_resize(slot, ptr, old_size, new_size);
            return ptr;
        }
        if self.state.load(Ordering::Relaxed) == ACTIVE
            && self.lake_resize(slot, ptr, old_size, new_size)
        {
            return ptr;
        }
        // Move: a lake block inside a region, a `System` block outside one.
        // SAFETY: `new_layout` has a non-zero size (`new_size > old_size`).
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: `ptr` is valid for `old_size` bytes (caller), `new` for `new_size >
            // old_size` bytes, and they are distinct live blocks, so they do not overlap.
            unsafe { ptr::copy_nonoverlapping(ptr, new, old_size) };
            self.lake_free(slot, ptr, old_size);
        }
        new
    }
}

/// The token of the active region of a [`GlobalLake`] (from
/// [`begin_region`](GlobalLake::begin_region); at most one exists at a time).
///
/// - [`end`](GlobalRegion::end) (`unsafe`) leaves the region and frees, at once, everything the
///   lake served: the per-frame reset.
/// - [`leave`](GlobalRegion::leave), or dropping the token (also on unwind), leaves the region
///   and frees nothing: lake blocks stay valid, and `dealloc`/`realloc` keep working on them.
///   The next `end` reclaims them, so they fall under that call's contract.
///
/// Why a token rather than two `unsafe fn`s: starting a region is safe, only freeing is not;
/// the token makes "end without begin" and "end twice" unrepresentable, and a panic inside a
/// region leaves it without freeing memory the panic payload may live in.
///
/// ```
/// use core::alloc::{GlobalAlloc, Layout};
/// use lake::GlobalLake;
///
/// let lake = GlobalLake::new();
/// let layout = Layout::new::<[u32; 16]>();
/// let mut first = None;
/// for _frame in 0..3 {
///     let region = lake.begin_region().unwrap();
///     // SAFETY: non-zero layout; the block is not used after `end`.
///     let block = unsafe { lake.alloc(layout) };
///     assert!(lake.owns(block));
///     assert_eq!(*first.get_or_insert(block), block); // the same memory every frame
///     // SAFETY: `block`, the only allocation of the region, is dead.
///     unsafe { region.end() };
/// }
/// ```
#[derive(Debug)]
#[must_use = "dropping the token leaves the region at once (without freeing anything)"]
pub struct GlobalRegion<'a> {
    lake: &'a GlobalLake,
}

impl GlobalRegion<'_> {
    /// Ends the region and rewinds the lake: every block it has served becomes reusable by the
    /// next region. Keeps the largest chunk and returns the others to `System`.
    ///
    /// # Safety
    ///
    /// 1. **No block the lake has served since the previous `end` is used again**: none is
    ///    read, written, deallocated or reallocated after this call. That is every allocation
    ///    made while this region — or an earlier region left without `end` — was active, **by
    ///    any thread** ([`GlobalLake::owns`] tells which blocks these are). Easy to miss:
    ///    leaked or `mem::forget`ed containers; `thread_local!` values and lazily initialised
    ///    statics (`OnceLock`, `LazyLock`) first touched inside the region; a `String`/`Vec`
    ///    created inside the region and stored somewhere that outlives it; an I/O buffer
    ///    (stdout's, on the first `println!`) or a library's internal cache grown inside the
    ///    region; a panic payload caught inside it; allocations made meanwhile by *other*
    ///    threads (loggers, runtimes, the test harness). Blocks allocated *before* the region,
    ///    even if reallocated inside it, are `System` blocks and are not affected.
    /// 2. **No other thread is inside a lake operation** while `end` runs: every allocator call
    ///    that the region served, and every call on any thread that may still see the region
    ///    as active, happens-before this call (the threads that allocated in the region are
    ///    joined, or have synchronised with this one — through a `Mutex`, channel, `Barrier` —
    ///    and make no further allocator calls until `end` returns). Threads that only use
    ///    blocks from `System` and did not allocate during the region may keep running.
    ///
    /// Breaking (1) is a use-after-free (the bytes are handed out again); breaking (2) can hand
    /// one block to two owners or touch a freed chunk.
    ///
    /// ```
    /// use core::alloc::{GlobalAlloc, Layout};
    /// use lake::GlobalLake;
    ///
    /// let lake = GlobalLake::new();
    /// let region = lake.begin_region().unwrap();
    /// let layout = Layout::new::<u64>();
    /// // SAFETY: non-zero layout.
    /// let p = unsafe { lake.alloc(layout) }.cast::<u64>();
    /// // SAFETY: `p` is a fresh, aligned block for a `u64`.
    /// unsafe { p.write(42) };
    /// // SAFETY: `p` is not used after this line, and no other thread uses `lake`.
    /// unsafe { region.end() };
    /// assert_eq!(lake.stats().used, 0);
    /// ```
    pub unsafe fn end(self) {
        let this = ManuallyDrop::new(self);
        let lake = this.lake;
        // `ENDING`, not `IDLE`: no new region can begin (and allocate) while the lake rewinds.
        lake.state.store(ENDING, Ordering::SeqCst);
        // SAFETY: the caller's contract (1) and (2) are exactly `reset`'s.
        unsafe { lake.reset() };
        lake.state.store(IDLE, Ordering::Release);
    }

    /// Leaves the region without freeing anything (the same as dropping the token): new
    /// allocations go to `System` again, and blocks the lake served stay valid until the next
    /// [`end`](GlobalRegion::end).
    ///
    /// ```
    /// use core::alloc::{GlobalAlloc, Layout};
    /// use lake::GlobalLake;
    ///
    /// let lake = GlobalLake::new();
    /// let layout = Layout::new::<[u8; 32]>();
    /// let region = lake.begin_region().unwrap();
    /// // SAFETY: non-zero layout; the block is freed with it, before any `end`.
    /// unsafe {
    ///     let kept = lake.alloc(layout);
    ///     region.leave();
    ///     kept.write_bytes(7, 32); // still valid after leaving
    ///     lake.dealloc(kept, layout);
    /// }
    /// ```
    pub fn leave(self) {
        drop(self);
    }
}

impl Drop for GlobalRegion<'_> {
    fn drop(&mut self) {
        self.lake.state.store(IDLE, Ordering::Release);
    }
}

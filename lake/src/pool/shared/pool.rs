//! [`SharedPool`]: the lock-free typed pool (its guards are in `guards.rs`, removal in
//! `remove.rs`, its builder in `builder.rs`).
//!
//! # Protocol
//!
//! Each slot has a state word `generation:32 | tag:3 | refs:29` (`state.rs`) and a bit in its
//! page's free bitmap. Exactly one party may write, move or drop a slot's value at a time:
//!
//! 1. **Claim** (insert/acquire): clear a set free bit with `fetch_and` (Acquire). The winner
//!    owns the `Vacant` slot; it writes the value, then stores `Occupied(g)` (insert) or
//!    `Owned(g)` (acquire) with Release. Nobody else writes a `Vacant` word.
//! 2. **Read** (`get`): CAS `Occupied(g, r)` → `Occupied(g, r+1)` (Acquire: sees the
//!    inserter's write). The `Ref` reads the value until it drops and CASes the count down
//!    (AcqRel).
//! 3. **Remove**: CAS `Occupied(g, 0)` → `Owned(g)` and drop the value now, or
//!    `Occupied(g, r>0)` → `Removed(g, r)`: the value stays until the last `Ref`, whose CAS
//!    `Removed(g, 1)` → `Owned(g)` makes *it* the owner that drops the value. A word is
//!    `Occupied(g)` for one value only (generations never repeat), so no CAS can succeed
//!    against an older value's word.
//! 4. **Vacate** (owner, after dropping the value, even if `Drop` panicked): store
//!    `Vacant(g+1)` (or `Retired(g)` when the generation ran out, and stop), then set the free
//!    bit with `fetch_or` (Release) — the next claimer's Acquire sees both.
//!
//! Growth installs page `k` (`first << k` slots) with one CAS of `pages[k]` from null; the
//! loser frees its page. Pages never move until the pool drops (`&mut self`).

use alloc::boxed::Box;
use core::fmt;
use core::marker::PhantomData;
use core::num::NonZeroU32;
use core::ptr;

use super::page::{Page, Slot};
use super::state::{self, RefError, MAX_PAGES};
use super::{Ref, SharedPoolBox, SharedPoolBuilder};
use crate::error::Full;
use crate::math::generation::{self, MAX_SLOTS};
use crate::pool::{Handle, PoolKey, Pooled};
use crate::sync::{AtomicPtr, AtomicUsize, Ordering};

/// Slots of the first page of [`SharedPool::new`] (and of a builder given no capacity),
/// allocated on first use.
///
/// 32 slots: small enough that a pool nobody sized costs little until it is used heavily
/// (32 slots of a 64-byte value are about 2.3 KiB, and their free bits half of one bitmap
/// word), while pages double, so a pool of `n` values has about `log2(n / 32)` pages. No
/// benchmark in `benches/` varies it (W5 sizes its pool with `with_capacity(1024)`): it is a
/// footprint choice, not a measured speed optimum.
pub(super) const DEFAULT_FIRST_PAGE: u32 = 32;

/// A lock-free typed pool shared between threads: values in reusable slots, addressed by
/// generational [`Handle`]s, read through counted [`Ref`] guards, or owned by
/// [`SharedPoolBox`] guards.
///
/// Every operation takes `&self`, so a pool in an `Arc` or a `static`, or borrowed by scoped
/// threads, is used by any number of threads (there is no thread limit and no registration).
/// No operation takes a lock: slots are claimed from a free bitmap with `fetch_and` and their
/// values guarded by a per-slot state word (see the module source, "Protocol").
///
/// | | infallible | fallible |
/// |---|---|---|
/// | by value, reachable by handle | [`insert`](Self::insert) (panics if full) | [`try_insert`](Self::try_insert) → [`Full`] |
/// | constructed, owned by a guard | [`acquire`](Self::acquire) (panics if full) | [`try_acquire`](Self::try_acquire) → [`Full`] |
///
/// **Capacity.** [`SharedPool::fixed`] never grows. [`SharedPool::with_capacity`] and
/// [`SharedPool::new`] grow by pages of doubling size (`n`, `2n`, `4n`, … slots), allocated
/// when needed and never moved, up to `u32::MAX - 7` slots.
///
/// **Removal with readers.** [`remove`](Self::remove) and [`discard`](Self::discard) make the
/// key stale at once, as on [`Pool`](crate::Pool). If [`Ref`]s to the value are alive, it
/// cannot be moved out: `remove` returns `None` and the last `Ref` drops the value (on its
/// thread); [`try_remove`](Self::try_remove) instead changes nothing and returns
/// [`RemoveError::Borrowed`](crate::RemoveError::Borrowed). A removed value's slot is reused
/// only after the value is dropped.
///
/// **Generations.** A stale handle (its value removed, even if the slot holds a new value)
/// resolves to `None`. A slot whose generation would wrap is retired, never reused. Handles
/// from another pool: see [`Handle`] (detected in debug builds).
///
/// `SharedPool<T>` is `Send` when `T: Send` and `Sync` when `T: Send + Sync`.
///
/// ```
/// use lake::SharedPool;
///
/// let pool = SharedPool::with_capacity(64);
/// let pool = &pool;
/// let handles: Vec<_> = std::thread::scope(|s| {
///     let workers: Vec<_> = (0..4)
///         .map(|t| s.spawn(move || pool.insert(format!("from {t}"))))
///         .collect();
///     workers.into_iter().map(|w| w.join().unwrap()).collect()
/// });
/// assert_eq!(pool.len(), 4);
/// assert_eq!(pool.get(handles[2]).as_deref().map(String::as_str), Some("from 2"));
/// assert_eq!(pool.remove(handles[2]).as_deref(), Some("from 2"));
/// assert!(pool.get(handles[2]).is_none()); // stale
/// ```
pub struct SharedPool<T, K = Handle> {
    /// Page `k` (`first << k` slots), null until installed.
    pages: [AtomicPtr<Page<T>>; MAX_PAGES],
    /// Slots of page 0.
    first: u32,
    /// Pages this pool may install (1 for a fixed pool).
    max_pages: usize,
    /// Counters and settings, shared with the guards (which must not borrow the whole pool:
    /// `&SharedPool<T>` is `Send` only when `T: Sync`, and a guard is `Send` when `T: Send`).
    core: Core,
    /// The pool owns its pages (`Box<Page<T>>` behind the `AtomicPtr`s, which alone would be
    /// `Send + Sync` for any `T`), and shares `&T` between threads through `Ref`: so `Send`
    /// iff `T: Send`, `Sync` iff `T: Send + Sync` (see `Slot`'s `Sync` impl).
    _owns: PhantomData<(Box<Page<T>>, T)>,
    /// Keys are only converted to and from [`Handle`] (see [`PoolKey`]).
    _key: PhantomData<fn(K) -> K>,
}

/// The part of a pool that guards use: counters and settings, independent of `T`.
pub(super) struct Core {
    max_generation: u32,
    /// Removed values still read by a `Ref` (slow path only: `remove` with readers).
    pub(super) pending: AtomicUsize,
    capacity: AtomicUsize,
    retired: AtomicUsize,
    /// Tags this pool's handles in debug builds (`0` in release builds).
    tag: u32,
    #[cfg(feature = "async")]
    pub(super) waiters: crate::sync::waiters::Waiters,
}

/// The handle of generation `slot_generation` of slot `index`.
#[inline]
pub(super) fn handle(index: u32, slot_generation: u32, core: &Core) -> Handle {
    let g = NonZeroU32::new(slot_generation).expect("generations start at 1");
    Handle {
        index,
        generation: generation::tagged(g, core.tag),
    }
}

impl Core {
    /// Drops the value of an owned slot and vacates it — even if `Drop` panics.
    ///
    /// # Safety
    /// The caller owns the slot (its word is `Owned(generation)`, set by the caller's own
    /// successful CAS or store), the value is initialised, and no reference to it is alive.
    pub(super) unsafe fn drop_and_vacate<T>(
        &self,
        page: &Page<T>,
        slot: &Slot<T>,
        offset: u32,
        generation: u32,
    ) {
        struct Vacate<'a, T> {
            core: &'a Core,
            page: &'a Page<T>,
            slot: &'a Slot<T>,
            offset: u32,
            generation: u32,
        }
        impl<T> Drop for Vacate<'_, T> {
            fn drop(&mut self) {
                // SAFETY: `drop_and_vacate`'s caller owns the slot; its value has just been
                // dropped (or its `Drop` unwound, which counts as dropped).
                unsafe {
                    self.core
                        .vacate(self.page, self.slot, self.offset, self.generation)
                };
            }
        }
        let _vacate = Vacate {
            core: self,
            page,
            slot,
            offset,
            generation,
        };
        // SAFETY: owned, initialised and unreferenced per this function's contract.
        unsafe { slot.drop_value() };
    }

    /// Moves the value of an owned slot out and vacates the slot.
    ///
    /// # Safety
    /// As for [`drop_and_vacate`](Self::drop_and_vacate).
    pub(super) unsafe fn read_and_vacate<T>(
        &self,
        page: &Page<T>,
        slot: &Slot<T>,
        offset: u32,
        generation: u32,
    ) -> T {
        // SAFETY: owned, initialised and unreferenced per this function's contract; the slot
        // is vacated right after, so the value is moved out once. No user code runs between.
        let value = unsafe { slot.read_value() };
        // SAFETY: we own the slot (this function's contract) and just moved its value out.
        unsafe { self.vacate(page, slot, offset, generation) };
        value
    }

    /// Gives an owned slot whose value is gone back to the bitmap (or retires it).
    ///
    /// # Safety
    /// The caller owns the slot (its word is `Owned(generation)`, set by the caller's own
    /// successful CAS or store, and `offset` is its offset in `page`) and its value has been
    /// moved out or dropped. Setting the free bit hands the slot to the next claimer, so
    /// vacating a slot that still holds a value, or one another party owns, would give a live
    /// slot to a second writer.
    unsafe fn vacate<T>(&self, page: &Page<T>, slot: &Slot<T>, offset: u32, generation: u32) {
        let word = state::vacate(generation, self.max_generation);
        // Release: pairs with `get`'s Acquire of a stale handle (which then sees a new
        // generation) and, through the bitmap's release sequence, with the next claimer.
        slot.state.store(word, Ordering::Release);
        if state::is_retired(word) {
            self.retired.fetch_add(1, Ordering::Relaxed);
            // Waiters re-check whether they can still be served.
            #[cfg(feature = "async")]
            self.waiters.notify_all();
        } else {
            // SAFETY: the word was just stored `Vacant` (this function's contract: we owned
            // the slot and its value is gone).
            unsafe { page.release(offset) };
            #[cfg(feature = "async")]
            self.waiters.notify_one();
        }
    }
}

/// A claimed slot: the token that carries "this slot is vacant and ours alone" to
/// [`SharedPool::own`] and [`SharedPool::unclaim`]. Only [`SharedPool::claim`] makes one (its
/// fields are private to this module), from a free bit it cleared itself, and both consumers
/// take it by value, so a claim is used once.
pub(super) struct Claim<'a, T> {
    page: &'a Page<T>,
    slot: &'a Slot<T>,
    index: u32,
    offset: u32,
    generation: u32,
}

impl<T> SharedPool<T> {
    /// An empty growing pool; its first page (32 slots) is allocated on first use.
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// assert_eq!(pool.capacity(), 0);
    /// pool.insert(1u8);
    /// assert_eq!(pool.capacity(), 32);
    /// ```
    pub fn new() -> Self {
        SharedPoolBuilder::default().build()
    }

    /// A growing pool with `slots` slots allocated now (at least one); it grows by pages of
    /// `2 × slots`, `4 × slots`, … when full.
    ///
    /// ```
    /// let pool = lake::SharedPool::with_capacity(2);
    /// assert_eq!(pool.capacity(), 2);
    /// for i in 0..3 {
    ///     pool.insert(i);
    /// }
    /// assert_eq!(pool.capacity(), 6); // 2 + 4
    /// ```
    pub fn with_capacity(slots: usize) -> Self {
        SharedPoolBuilder::default().capacity(slots.max(1)).build()
    }

    /// A pool of exactly `slots` slots that never grows: `try_insert` on a full pool gives the
    /// value back, `insert` panics.
    ///
    /// # Panics
    /// If `slots > u32::MAX - 7`.
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(1);
    /// pool.insert('a');
    /// assert_eq!(pool.try_insert('b').unwrap_err().into_inner(), 'b');
    /// ```
    pub fn fixed(slots: usize) -> Self {
        assert!(
            slots <= MAX_SLOTS as usize,
            "lake::SharedPool::fixed: {slots} slots requested, at most {MAX_SLOTS} supported"
        );
        SharedPoolBuilder::default().capacity(slots).fixed().build()
    }

    /// A [`SharedPoolBuilder`]: the options of [`Pool::builder`](crate::Pool::builder).
    ///
    /// ```
    /// let pool = lake::SharedPool::<u8>::builder().capacity(4).fixed().build();
    /// assert_eq!(pool.capacity(), 4);
    /// ```
    pub fn builder() -> SharedPoolBuilder<T> {
        SharedPoolBuilder::default()
    }
}

impl<T: Pooled> SharedPool<T, T::Handle> {
    /// A growing pool with `slots` slots whose handles are `T`'s own handle type (see
    /// [`Pooled`]); as [`with_capacity`](SharedPool::with_capacity) otherwise.
    ///
    /// ```
    /// use lake::pool::{Handle, PoolKey, Pooled, SharedPool};
    ///
    /// struct Job(u32);
    /// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    /// struct JobHandle(Handle);
    /// impl PoolKey for JobHandle {
    ///     fn from_handle(h: Handle) -> Self { JobHandle(h) }
    ///     fn handle(self) -> Handle { self.0 }
    /// }
    /// impl Pooled for Job { type Handle = JobHandle; }
    ///
    /// let jobs = SharedPool::typed(4);
    /// let h: JobHandle = jobs.insert(Job(7));
    /// assert_eq!(jobs.get(h).map(|j| j.0), Some(7));
    /// ```
    pub fn typed(slots: usize) -> Self {
        SharedPool::keyed(slots)
    }
}

impl<T, K> SharedPool<T, K> {
    /// A growing pool with `slots` slots that hands out keys of type `K` (see [`PoolKey`]).
    ///
    /// ```
    /// let pool: lake::SharedPool<u8, lake::Handle> = lake::SharedPool::keyed(3);
    /// assert_eq!(pool.capacity(), 3);
    /// ```
    pub fn keyed(slots: usize) -> Self
    where
        K: PoolKey,
    {
        SharedPoolBuilder::<T, K>::default()
            .capacity(slots.max(1))
            .build()
    }

    /// The pool [`SharedPoolBuilder::build`] describes: page 0 of `first` slots (installed now
    /// if `install_first`), at most `max_pages` pages.
    pub(super) fn from_parts(
        first: u32,
        max_pages: usize,
        install_first: bool,
        max_generation: u32,
    ) -> Self {
        let pool = SharedPool {
            pages: core::array::from_fn(|_| AtomicPtr::new(ptr::null_mut())),
            first,
            max_pages,
            core: Core {
                max_generation,
                pending: AtomicUsize::new(0),
                capacity: AtomicUsize::new(0),
                retired: AtomicUsize::new(0),
                tag: crate::pool::handle::next_pool_tag(),
                #[cfg(feature = "async")]
                waiters: crate::sync::waiters::Waiters::new(),
            },
            _owns: PhantomData,
            _key: PhantomData,
        };
        if install_first && first > 0 {
            pool.install(0);
        }
        pool
    }

    /// The page `k` if installed.
    #[inline]
    fn page(&self, k: usize) -> Option<&Page<T>> {
        let p = self.pages[k].load(Ordering::Acquire);
        // SAFETY: a non-null page pointer was made by `Box::into_raw` in `install` and
        // published with Release (paired with this Acquire); pages are freed only by `Drop`
        // (`&mut self`), so the page outlives `&self`.
        unsafe { p.as_ref() }
    }

    /// Installs page `k` (or finds the one a racing thread installed). `None` if the pool may
    /// not have page `k`.
    #[cold]
    fn install(&self, k: usize) -> Option<&Page<T>> {
        if k >= self.max_pages {
            return None;
        }
        let len = state::page_len(k, self.first)?;
        let start = state::page_start(k, self.first)?;
        let fresh = Box::into_raw(Page::new(len, start));
        match self.pages[k].compare_exchange(
            ptr::null_mut(),
            fresh,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => {
                self.core
                    .capacity
                    .fetch_add(len as usize, Ordering::Relaxed);
                // SAFETY: just installed; see `page`.
                Some(unsafe { &*fresh })
            }
            Err(winner) => {
                // SAFETY: `fresh` came from `Box::into_raw` above and was never published.
                drop(unsafe { Box::from_raw(fresh) });
                // SAFETY: the winner's page, installed by a successful CAS; see `page`.
                Some(unsafe { &*winner })
            }
        }
    }

    /// Claims a free slot, growing if allowed; `None` if the pool is full.
    ///
    /// Page 0 inline (the hot path of a pool that has stopped growing), the rest out of line.
    #[inline(always)]
    pub(super) fn claim(&self) -> Option<Claim<'_, T>> {
        let hint = crate::sync::bitmap::thread_hint();
        if let Some(page) = self.page(0) {
            if let Some(c) = Self::claim_in(page, hint) {
                return Some(c);
            }
        }
        self.claim_slow(hint)
    }

    /// [`claim`](Self::claim) past a full (or not yet installed) page 0.
    #[inline(never)]
    fn claim_slow(&self, hint: usize) -> Option<Claim<'_, T>> {
        for k in 0..self.max_pages {
            let page = match self.page(k) {
                Some(page) => page,
                None => self.install(k)?,
            };
            if let Some(c) = Self::claim_in(page, hint) {
                return Some(c);
            }
        }
        None
    }

    /// Claims a free slot of `page`, if it has one.
    #[inline(always)]
    fn claim_in(page: &Page<T>, hint: usize) -> Option<Claim<'_, T>> {
        let offset = page.claim(hint)?;
        let slot = &page.slots[offset as usize];
        let word = slot.state.load(Ordering::Relaxed);
        // The claim's Acquire made the releaser's `Vacant(g)` store visible, and nobody else
        // writes a vacant slot's word.
        debug_assert_eq!(state::State::unpack(word).tag, state::Tag::Vacant);
        Some(Claim {
            page,
            slot,
            index: page.start + offset,
            offset,
            generation: state::generation_of(word),
        })
    }

    /// The slot of `handle` and its page and offset, if it exists.
    #[inline]
    pub(super) fn locate(&self, handle: Handle) -> Option<(&Page<T>, &Slot<T>, u32)> {
        #[cfg(debug_assertions)]
        assert_eq!(
            handle.tag(),
            self.core.tag,
            "lake::SharedPool: handle from another pool"
        );
        let (k, offset) = state::locate(handle.index, self.first)?;
        if k >= self.max_pages {
            return None;
        }
        let page = self.page(k)?;
        let slot = page.slots.get(offset as usize)?;
        Some((page, slot, offset))
    }

    /// Inserts `value`, returning its handle.
    ///
    /// # Panics
    /// If the pool is full (fixed, or at `u32::MAX - 7` slots); see [`try_insert`](Self::try_insert).
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// let h = pool.insert(7);
    /// assert_eq!(*pool.get(h).unwrap(), 7);
    /// ```
    #[inline]
    pub fn insert(&self, value: T) -> K
    where
        K: PoolKey,
    {
        match self.try_insert(value) {
            Ok(h) => h,
            Err(_) => panic!("lake::SharedPool::insert: the pool is full (use try_insert)"),
        }
    }

    /// Inserts `value`, or gives it back in [`Full`] if the pool is full.
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(1);
    /// assert!(pool.try_insert(1).is_ok());
    /// assert_eq!(pool.try_insert(2).unwrap_err().into_inner(), 2);
    /// ```
    #[inline]
    pub fn try_insert(&self, value: T) -> Result<K, Full<T>>
    where
        K: PoolKey,
    {
        let Some(c) = self.claim() else {
            return Err(Full(value));
        };
        // SAFETY: the claim (a cleared free bit) makes us the slot's only owner, and a vacant
        // slot holds no value (Slot invariant).
        unsafe { c.slot.write(value) };
        c.slot
            .state
            .store(state::occupied(c.generation), Ordering::Release);
        Ok(K::from_handle(handle(c.index, c.generation, &self.core)))
    }

    /// A guard reading the value of `key`, or `None` if the key is stale. The value is
    /// not dropped while the guard lives, even if it is removed meanwhile.
    ///
    /// # Panics
    /// If 2^29 − 1 guards of this value are alive already (in practice only with `mem::forget`).
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// let h = pool.insert(String::from("x"));
    /// let r = pool.get(h).unwrap();
    /// assert_eq!(pool.remove(h), None); // `r` reads it: not moved out, but the handle is stale …
    /// assert!(pool.get(h).is_none());
    /// assert_eq!(*r, "x"); // … but the guard still reads the value
    /// ```
    #[inline]
    pub fn get(&self, key: K) -> Option<Ref<'_, T>>
    where
        K: PoolKey,
    {
        let handle = key.handle();
        let (page, slot, offset) = self.locate(handle)?;
        let generation = handle.slot_generation();
        let mut cur = slot.state.load(Ordering::Relaxed);
        loop {
            let next = match state::acquire_ref(cur, generation) {
                Ok(next) => next,
                Err(RefError::Stale) => return None,
                Err(RefError::Overflow) => panic!("lake::SharedPool::get: too many guards"),
            };
            match slot
                .state
                .compare_exchange_weak(cur, next, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => {
                    return Some(Ref {
                        core: &self.core,
                        page,
                        slot,
                        offset,
                        _reads: PhantomData,
                    })
                }
                Err(actual) => cur = actual,
            }
        }
    }

    /// Whether `key`'s value is in the pool (not removed).
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// let h = pool.insert(1);
    /// assert!(pool.contains(h));
    /// pool.remove(h);
    /// assert!(!pool.contains(h));
    /// ```
    pub fn contains(&self, key: K) -> bool
    where
        K: PoolKey,
    {
        let handle = key.handle();
        self.locate(handle).is_some_and(|(_, slot, _)| {
            let s = state::State::unpack(slot.state.load(Ordering::Acquire));
            s.tag == state::Tag::Occupied && s.generation == handle.slot_generation()
        })
    }

    /// A new value from `init`, owned by the returned guard; the slot goes back to the pool
    /// (and the value is dropped) when the guard drops, unless it is turned into a handle
    /// with [`SharedPoolBox::into_handle`].
    ///
    /// # Panics
    /// If the pool is full (see [`try_acquire`](Self::try_acquire)), or if `init` panics (the
    /// pool is unchanged then).
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(1);
    /// {
    ///     let mut buf = pool.acquire(Vec::new);
    ///     buf.push(1u8);
    ///     assert!(pool.try_insert(vec![]).is_err()); // the guard holds the only slot
    /// }
    /// assert!(pool.try_insert(vec![]).is_ok()); // returned on drop
    /// ```
    #[inline]
    pub fn acquire<F: FnOnce() -> T>(&self, init: F) -> SharedPoolBox<'_, T, K> {
        match self.try_acquire(init) {
            Ok(g) => g,
            Err(_) => panic!("lake::SharedPool::acquire: the pool is full (use try_acquire)"),
        }
    }

    /// Like [`acquire`](Self::acquire), but a full pool gives the new value back in [`Full`].
    /// (`init` runs first, before a slot is looked for.)
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(0);
    /// assert_eq!(pool.try_acquire(|| 3).unwrap_err().into_inner(), 3);
    /// ```
    #[inline]
    pub fn try_acquire<F: FnOnce() -> T>(
        &self,
        init: F,
    ) -> Result<SharedPoolBox<'_, T, K>, Full<T>> {
        let value = init();
        let Some(c) = self.claim() else {
            return Err(Full(value));
        };
        Ok(self.own(c, value))
    }

    /// Moves `value` into the claimed slot `c`, owned by a new guard.
    pub(super) fn own<'a>(&'a self, c: Claim<'a, T>, value: T) -> SharedPoolBox<'a, T, K> {
        // SAFETY: `c` is a claim (a cleared free bit of a vacant slot), so we are the slot's
        // only owner and it holds no value (Slot invariant).
        unsafe { c.slot.write(value) };
        c.slot
            .state
            .store(state::owned(c.generation), Ordering::Release);
        SharedPoolBox {
            core: &self.core,
            page: c.page,
            slot: c.slot,
            index: c.index,
            offset: c.offset,
            generation: c.generation,
            _owns: PhantomData,
            _key: PhantomData,
        }
    }

    /// Gives back a claim that was not used (its slot is still `Vacant` with an unused
    /// generation, so no generation step is needed).
    #[cfg(feature = "async")]
    pub(super) fn unclaim(&self, c: Claim<'_, T>) {
        // SAFETY: a claim is a vacant slot whose bit we cleared and never wrote.
        unsafe { c.page.release(c.offset) };
        self.core.waiters.notify_one();
    }

    /// Whether a slot could ever become free: false for a fixed pool all of whose slots are
    /// retired (or that has none). A growing pool can always add slots below `MAX_SLOTS`.
    #[cfg(feature = "async")]
    pub(super) fn can_ever_serve(&self) -> bool {
        // Slots of pages `0..max_pages`: the start of page `max_pages`, or all of them.
        let max = match self.first {
            0 => 0,
            first => state::page_start(self.max_pages, first).unwrap_or(MAX_SLOTS) as usize,
        };
        self.core.retired.load(Ordering::Relaxed) < max
    }

    pub(super) fn core(&self) -> &Core {
        &self.core
    }

    /// Values in the pool: inserted and not removed, or held by a [`SharedPoolBox`]. (A
    /// removed value still read by a [`Ref`] is not counted.)
    ///
    /// Computed from the free bitmaps (O(capacity / 64) loads, no counter on the fast path:
    /// a shared counter would be a contended cache line in every insert and remove). Exact
    /// when no other thread changes the pool meanwhile; a snapshot otherwise.
    ///
    /// ```
    /// let pool = lake::SharedPool::new();
    /// let _g = pool.acquire(|| 1);
    /// pool.insert(2);
    /// assert_eq!(pool.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.stats().live
    }

    /// Whether [`len`](Self::len) is 0 (same cost as `len`).
    ///
    /// ```
    /// assert!(lake::SharedPool::<u8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Slots allocated (free, live, pending drop and retired).
    ///
    /// ```
    /// assert_eq!(lake::SharedPool::<u8>::fixed(10).capacity(), 10);
    /// ```
    pub fn capacity(&self) -> usize {
        self.core.capacity.load(Ordering::Relaxed)
    }

    /// A snapshot of the pool's counters (each read atomically, not all at one instant).
    ///
    /// ```
    /// let pool = lake::SharedPool::fixed(4);
    /// pool.insert(1);
    /// let s = pool.stats();
    /// assert_eq!((s.live, s.capacity, s.free, s.pages), (1, 4, 3, 1));
    /// ```
    pub fn stats(&self) -> SharedPoolStats {
        let mut pages = 0;
        let mut free = 0;
        let mut capacity = 0;
        for k in 0..self.max_pages {
            if let Some(page) = self.page(k) {
                pages += 1;
                capacity += page.slots.len();
                free += page.free_slots();
            }
        }
        let retired = self.core.retired.load(Ordering::Relaxed);
        let pending = self.core.pending.load(Ordering::Relaxed);
        SharedPoolStats {
            // Every slot whose bit is clear is live, retired, or a removed value awaiting its
            // last reader (or, transiently, mid-claim or mid-vacate on another thread).
            live: (capacity - free).saturating_sub(retired + pending),
            capacity,
            free,
            pages,
            retired,
        }
    }
}

impl<T> Default for SharedPool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, K> Drop for SharedPool<T, K> {
    fn drop(&mut self) {
        /// Frees its pages in order, each while a guard for the later ones is alive, so a
        /// value's `Drop` panicking in one page still frees the later ones
        /// (a page's own slots go on dropping by themselves: slice drop glue continues).
        /// Recursion depth: at most `MAX_PAGES`.
        struct FreePages<'a, T>(&'a [AtomicPtr<Page<T>>]);
        impl<T> Drop for FreePages<'_, T> {
            fn drop(&mut self) {
                let Some((page, rest)) = self.0.split_first() else {
                    return;
                };
                let _rest = FreePages(rest);
                let p = page.load(Ordering::Acquire);
                if !p.is_null() {
                    // SAFETY: made by `Box::into_raw` in `install`, installed once, and freed
                    // only here, once (each guard frees only its first page); the pool is
                    // being dropped, so no guard or `&Slot` into it is alive. Dropping the
                    // page drops every value still in it (`Slot::drop`).
                    drop(unsafe { Box::from_raw(p) });
                }
            }
        }
        drop(FreePages(&self.pages[..]));
    }
}

impl<T, K> fmt::Debug for SharedPool<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedPool")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

/// Counters of a [`SharedPool`], from [`SharedPool::stats`].
///
/// ```
/// let pool = lake::SharedPool::with_capacity(2);
/// let h = pool.insert(1);
/// pool.insert(2);
/// pool.remove(h);
/// let s = pool.stats();
/// assert_eq!((s.live, s.free, s.retired), (1, 1, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SharedPoolStats {
    /// Values in the pool ([`SharedPool::len`]).
    pub live: usize,
    /// Slots allocated ([`SharedPool::capacity`]).
    pub capacity: usize,
    /// Slots free for the next insert (a scan of the bitmaps).
    pub free: usize,
    /// Pages allocated.
    pub pages: usize,
    /// Slots retired because their generation ran out.
    pub retired: usize,
}

//! [`Pool`]: a single-threaded typed pool with generational handles (its recycling state is
//! `recycling.rs`, its guard `boxed.rs`, its iterators `iter.rs`).
//!
//! # Layout
//!
//! Slots live in `first` (one `Vec`, the fast path) and, after a pool grew through `&self`
//! (`acquire`), in further chunks in `rest`. A slot never moves while the pool is borrowed:
//! growth through `&self` only *adds* a chunk (pushing onto `rest` moves the chunks' `Vec`
//! headers, never their buffers), and `first` is reallocated — after folding `rest` into it —
//! only by `&mut self` methods, when no guard and no `&T` can exist. Slot index `i` is global:
//! `first` holds `0..first.len()`, each chunk `start..start + len`, contiguously.
//!
//! # Soundness
//!
//! A slot's value is reached (a) as `&T` through `get`/`iter` only while the slot is
//! `OCCUPIED`, (b) as `&mut T` through `get_mut`/`iter_mut`/`retain` or moved out by
//! `remove`/`drain`/`clear`, all `&mut self`, and (c) through a `PoolBox`, only while the slot
//! is `GUARDED`. An `OCCUPIED` slot changes state only under `&mut self`; `&self` methods
//! (`acquire`, guard drop) only move slots between vacant/recycled and `GUARDED`. So every `&T`
//! handed out by (a) is never written while it lives, and a guard's slot is reached by nothing
//! else. User code (`init`, `Drop`, `Recycle`) runs only when the pool's state is consistent.

use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::marker::PhantomData;
use core::num::NonZeroU32;

use super::recycling::Recycling;
use super::slot::{Slot, END, GUARDED, OCCUPIED, RECYCLED, RETIRED};
use super::{Drain, Handle, Iter, IterMut, PoolBox, PoolBuilder, PoolKey, PoolStats, Pooled};
use crate::error::{Full, RemoveError};
use crate::math::generation::{self, Growth, FIRST, MAX_SLOTS};

/// Slots an empty growing pool gets on its first insert (later growth doubles or adds the
/// builder's increment).
///
/// 8 slots of a small value fit in one or two cache lines, and three doublings reach 64: a
/// pool that is used at all skips the 1-2-4 steps, and one that holds a handful of values
/// allocates once. No benchmark varies it (W4 pre-sizes its pool with `with_capacity`); it
/// is a footprint choice, not a measured speed optimum.
const MIN_GROWTH: usize = 8;

/// A growth chunk added through `&self`.
struct Chunk<T> {
    start: usize,
    slots: Vec<Slot<T>>,
}

/// A typed pool: values in reusable slots, addressed by generational [`Handle`]s or owned by
/// RAII [`PoolBox`] guards.
///
/// `Pool` is `Send` when `T` is, and never `Sync` (it mutates its free list through `&self`
/// in [`acquire`](Pool::acquire)).
///
/// **Borrowing.** `acquire` takes `&self`, so any number of guards can be alive at once, and
/// `get`, `contains`, `iter`, `len` and `stats` work alongside them; everything that can move
/// or drop a value (`insert`, `remove`, `get_mut`, `clear`, ...) takes `&mut self` and so waits
/// until every guard is gone. The price: a pool that grows inside `acquire` adds a separate
/// chunk (a binary search on lookups past the first chunk) until the next `&mut self` growth
/// folds the chunks back into one.
///
/// ```
/// use lake::Pool;
///
/// let mut pool = Pool::with_capacity(16);
/// let h = pool.insert(String::from("hello"));
/// pool.get_mut(h).unwrap().push('!');
/// assert_eq!(pool.get(h).map(String::as_str), Some("hello!"));
/// {
///     let a = pool.acquire(|| String::from("guarded"));
///     let b = pool.acquire(String::new);
///     assert_eq!((a.as_str(), b.len(), pool.len()), ("guarded", 0, 3));
/// } // both slots return to the pool here
/// assert_eq!(pool.remove(h).as_deref(), Some("hello!"));
/// assert!(pool.is_empty());
/// ```
pub struct Pool<T, K = Handle> {
    first: Vec<Slot<T>>,
    rest: RefCell<Vec<Chunk<T>>>,
    capacity: Cell<usize>,
    /// Head of the free list: slots that held a value and are vacant again (LIFO).
    free: Cell<u32>,
    /// Slots `fresh..capacity` never held a value and are not on the free list; a claim takes
    /// slot `fresh` only when the free list is empty. So slots are first used in index order,
    /// exactly when every slot used so far is in use, and `fresh` is the most slots ever in
    /// use at once (the high-water mark) without any bookkeeping on the steady-state path.
    fresh: Cell<u32>,
    /// Live values. One counter, up on insert and down on remove, so a remove + insert pair
    /// leaves it unchanged and the compiler can cancel the two updates when it sees both.
    len: Cell<usize>,
    /// Values placed in and taken out of the pool, with the `count-allocations` feature
    /// (`PoolStats::inserts` / `removes`; `None` without it).
    #[cfg(feature = "count-allocations")]
    inserts: Cell<u64>,
    #[cfg(feature = "count-allocations")]
    removes: Cell<u64>,
    retired: Cell<usize>,
    recycling: Recycling<T>,
    growth: Growth,
    max_capacity: usize,
    max_generation: u32,
    /// Tags this pool's handles in debug builds ([`generation::pool_tag`]; `0` in release).
    tag: u32,
    /// The key type is only converted to and from [`Handle`]; `fn(K) -> K` keeps `Pool`'s
    /// auto traits and variance independent of it.
    _key: PhantomData<fn(K) -> K>,
}

/// `n` fresh slots: vacant, never used, not on the free list.
fn fresh_slots<T>(n: usize) -> impl Iterator<Item = Slot<T>> {
    (0..n).map(|_| Slot::vacant(END, NonZeroU32::MIN)) // generation FIRST
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool::new()
    }
}

impl<T> Pool<T> {
    /// An empty growing pool (allocates on first insert).
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert(7);
    /// assert_eq!(pool[h], 7);
    /// ```
    pub fn new() -> Self {
        PoolBuilder::default().build()
    }

    /// A pool with `slots` slots that doubles when full.
    ///
    /// ```
    /// let pool = lake::Pool::<u32>::with_capacity(100);
    /// assert_eq!(pool.capacity(), 100);
    /// ```
    pub fn with_capacity(slots: usize) -> Self {
        PoolBuilder::default().capacity(slots).build()
    }

    /// A pool with exactly `slots` slots that never grows.
    ///
    /// ```
    /// let mut pool = lake::Pool::fixed(1);
    /// pool.insert('a');
    /// assert_eq!(pool.try_insert('b').unwrap_err().into_inner(), 'b');
    /// ```
    pub fn fixed(slots: usize) -> Self {
        PoolBuilder::default().capacity(slots).fixed().build()
    }

    /// A [`PoolBuilder`].
    ///
    /// ```
    /// let pool = lake::Pool::<u8>::builder().capacity(4).fixed().build();
    /// assert_eq!(pool.capacity(), 4);
    /// ```
    pub fn builder() -> PoolBuilder<T> {
        PoolBuilder::default()
    }
}

impl<T: Pooled> Pool<T, T::Handle> {
    /// A growing pool with `slots` slots whose handles are `T`'s own handle type (see
    /// [`Pooled`]): a handle of another value type does not compile.
    ///
    /// ```
    /// use lake::pool::{Handle, Pool, PoolKey, Pooled};
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
    /// let mut jobs = Pool::typed(4);
    /// let h = jobs.insert(Job(7));
    /// assert_eq!(jobs.get(h).map(|j| j.0), Some(7));
    /// ```
    pub fn typed(slots: usize) -> Self {
        Pool::keyed(slots)
    }
}

impl<T, K: PoolKey> Pool<T, K> {
    /// A growing pool with `slots` slots that hands out keys of type `K` (see [`PoolKey`]).
    ///
    /// ```
    /// let pool: lake::Pool<u8, lake::Handle> = lake::Pool::keyed(3);
    /// assert_eq!(pool.capacity(), 3);
    /// ```
    pub fn keyed(slots: usize) -> Self {
        PoolBuilder::<T, K>::default().capacity(slots).build()
    }

    pub(crate) fn from_builder(
        b: PoolBuilder<T, K>,
        recycler: Option<fn(&mut T)>,
        recycle_cap: usize,
    ) -> Self {
        let n = b.capacity.min(b.max_capacity).min(MAX_SLOTS as usize);
        let first: Vec<Slot<T>> = fresh_slots(n).collect();
        Pool {
            first,
            rest: RefCell::new(Vec::new()),
            capacity: Cell::new(n),
            free: Cell::new(END),
            fresh: Cell::new(0),
            len: Cell::new(0),
            #[cfg(feature = "count-allocations")]
            inserts: Cell::new(0),
            #[cfg(feature = "count-allocations")]
            removes: Cell::new(0),
            retired: Cell::new(0),
            recycling: Recycling::new(recycler, recycle_cap),
            growth: b.growth,
            max_capacity: b.max_capacity,
            max_generation: b.max_generation.clamp(FIRST, generation::MAX_GENERATION),
            tag: super::handle::next_pool_tag(),
            _key: PhantomData,
        }
    }

    /// The slot at `index`, if the pool has one.
    #[inline]
    pub(crate) fn slot(&self, index: u32) -> Option<&Slot<T>> {
        match self.first.get(index as usize) {
            Some(slot) => Some(slot),
            None => self.slot_in_chunks(index as usize),
        }
    }

    #[cold]
    fn slot_in_chunks(&self, index: usize) -> Option<&Slot<T>> {
        let rest = self.rest.borrow();
        let j = rest.partition_point(|c| c.start <= index).checked_sub(1)?;
        let chunk = &rest[j];
        let ptr: *const Slot<T> = chunk.slots.get(index - chunk.start)?;
        drop(rest);
        // SAFETY: `ptr` points into a chunk's buffer. Chunk buffers are freed or moved only by
        // `&mut self` methods (`grow_mut` folds them into `first`) and by dropping the pool;
        // `&self` methods only push new chunks, which moves chunk headers, not buffers. So the
        // slot outlives the `&self` borrow. Slots are only ever accessed through shared
        // references (all their fields are cells).
        Some(unsafe { &*ptr })
    }

    /// The handle of the value now in slot `index`.
    pub(crate) fn handle_for(&self, index: u32, slot: &Slot<T>) -> K {
        self.handle(index, slot.generation.get())
    }

    /// The key for generation `generation` of slot `index`.
    #[inline]
    pub(crate) fn handle(&self, index: u32, generation: NonZeroU32) -> K {
        K::from_handle(Handle {
            index,
            generation: generation::tagged(generation, self.tag),
        })
    }

    /// Debug builds: panics on a handle made by another pool.
    #[inline]
    fn check_owner(&self, handle: Handle) {
        #[cfg(debug_assertions)]
        assert!(
            handle.tag() == self.tag,
            "lake::Pool: {handle:?} was made by another pool (this pool's tag is {})",
            self.tag
        );
        let _ = handle;
    }

    /// The slot `handle` refers to, if it still holds the handle's value.
    #[inline]
    fn occupied(&self, key: K) -> Option<&Slot<T>> {
        self.occupied_raw(key.handle())
    }

    /// [`occupied`](Self::occupied) for the raw handle.
    #[inline]
    fn occupied_raw(&self, handle: Handle) -> Option<&Slot<T>> {
        self.check_owner(handle);
        let slot = self.slot(handle.index)?;
        let generation = slot.generation.get().get();
        (slot.is_occupied() && generation == handle.slot_generation()).then_some(slot)
    }

    /// Pops a vacant slot off the free list, or else takes the next fresh slot.
    #[inline]
    fn claim_free(&self) -> Option<(u32, &Slot<T>)> {
        let head = self.free.get();
        if let Some(slot) = self.slot(head) {
            // `END` is never a slot index
            debug_assert!(slot.is_vacant());
            self.free.set(slot.link.get());
            return Some((head, slot));
        }
        let index = self.fresh.get();
        let slot = self.slot(index)?; // `fresh == capacity`: no fresh slot
        debug_assert!(slot.is_vacant());
        self.fresh.set(index + 1);
        Some((index, slot))
    }

    /// Whether a claim would find a slot without growing.
    fn has_vacant(&self) -> bool {
        self.free.get() != END || (self.fresh.get() as usize) < self.capacity.get()
    }

    /// Takes a recycled slot to reuse for a new value (the pool is full): moves the recycled
    /// value out for the caller to drop once the slot is filled again.
    fn evict_recycled(&self) -> Option<(u32, &Slot<T>, T)> {
        let index = self.recycling.evict()?;
        let slot = self.slot(index)?;
        debug_assert_eq!(slot.link.get(), RECYCLED);
        // SAFETY: a RECYCLED slot holds an initialised value that nothing references (it is
        // reachable by no handle and no guard); the slot is marked vacant-unlisted right after,
        // so the value is owned by the caller alone.
        let old = unsafe { slot.value_ptr().read() };
        slot.link.set(END);
        Some((index, slot, old))
    }

    /// Writes `value` into the claimed vacant `slot` and marks it `state`.
    ///
    /// # Safety
    ///
    /// `slot` was just claimed ([`claim_free`](Self::claim_free)) or evicted
    /// ([`evict_recycled`](Self::evict_recycled)) by the caller: it is vacant and on no list
    /// (its value uninitialised or moved out) and nothing refers to its storage, so the write
    /// is exclusive and overwrites no live value.
    #[inline]
    unsafe fn place(&self, slot: &Slot<T>, value: T, state: u32) {
        // SAFETY: exclusive, vacant storage per this function's contract.
        unsafe { slot.value_ptr().write(value) };
        slot.link.set(state);
        self.count_in();
    }

    #[inline]
    fn count_in(&self) {
        self.len.set(self.len.get() + 1);
        #[cfg(feature = "count-allocations")]
        self.inserts.set(self.inserts.get() + 1);
    }

    #[inline]
    fn count_out(&self) {
        self.len.set(self.len.get() - 1);
        #[cfg(feature = "count-allocations")]
        self.removes.set(self.removes.get() + 1);
    }

    /// Puts the vacant slot `index` on the free list, where the next claim finds it.
    ///
    /// # Safety
    ///
    /// `slot` is the slot at `index`, holds no value (never written, or moved out / dropped)
    /// and is on no list, and nothing refers to its storage: the next claim writes it.
    #[inline]
    unsafe fn push_free(&self, index: u32, slot: &Slot<T>) {
        slot.link.set(self.free.get());
        self.free.set(index);
    }

    /// Moves the value out of an `OCCUPIED` slot and frees the slot under the next generation
    /// (or retires it).
    ///
    /// # Safety
    ///
    /// `slot` is the `OCCUPIED` slot at `index`, and nothing refers to its value: the caller
    /// holds `&mut self` (so no `&T` into the pool and no guard exists) or otherwise excludes
    /// every reference to it.
    #[inline]
    pub(super) unsafe fn take_occupied(&self, index: u32, slot: &Slot<T>) -> T {
        debug_assert!(slot.is_occupied());
        self.count_out();
        // Free the slot first and read the value last: the bookkeeping runs no user code and
        // touches only the slot's generation and link, and reading last lets the compiler move
        // the value straight into the caller's place instead of through a temporary.
        // SAFETY: the value leaves right below, before any claim can run (no user code runs
        // in between), and nothing refers to it (this function's contract).
        unsafe { self.vacate(index, slot) };
        // SAFETY: the slot was OCCUPIED, so the value is initialised, and `vacate` did not
        // touch it; nothing refers to it (contract). The slot is now vacant or retired, so
        // the value is moved out exactly once.
        unsafe { slot.value_ptr().read() }
    }

    /// Frees a slot whose value is gone, under the next generation, or retires it.
    ///
    /// # Safety
    ///
    /// `slot` is the slot at `index`, its value is moved out (or will be, by the caller, before
    /// any other claim on this pool can run), and nothing else refers to it: vacating puts it
    /// on the free list, where the next claim writes it.
    #[inline]
    unsafe fn vacate(&self, index: u32, slot: &Slot<T>) {
        match generation::next_nonzero(slot.generation.get(), self.max_generation) {
            Some(g) => {
                slot.generation.set(g);
                // SAFETY: this function's contract.
                unsafe { self.push_free(index, slot) };
            }
            None => {
                slot.link.set(RETIRED);
                self.retired.set(self.retired.get() + 1);
            }
        }
    }

    /// The value in the `GUARDED` slot `index` leaves the pool (its guard is dropped, or
    /// `discard` marked it guarded): recycled and kept, or dropped.
    ///
    /// # Safety
    ///
    /// `slot` is the slot at `index`, it is `GUARDED`, and the caller gives up all access to
    /// its value (the guard being dropped, or `discard` holding `&mut self`).
    pub(crate) unsafe fn release(&self, index: u32, slot: &Slot<T>) {
        debug_assert_eq!(slot.link.get(), GUARDED);
        if let Some(recycle) = self.recycling.recycler {
            if self.recycling.begin() {
                self.count_out();
                // If `recycle` panics, this guard drops the value and frees the slot.
                let on_unwind = FreeOnUnwind {
                    pool: self,
                    index,
                    slot,
                };
                // SAFETY: GUARDED means initialised, and the caller gave up all access, so
                // this is the only reference to the value while `recycle` runs.
                recycle(unsafe { &mut *slot.value_ptr() });
                core::mem::forget(on_unwind);
                slot.link.set(RECYCLED);
                self.recycling.end(Some(index));
                return;
            }
        }
        // SAFETY: this function's contract is `take_guarded`'s. The slot is freed before the
        // value is dropped, so a panicking `Drop` leaves the pool consistent.
        drop(unsafe { self.take_guarded(index, slot) });
    }

    /// The value in the `GUARDED` slot `index` leaves with its guard's owner: moved out, and
    /// the slot freed (never recycled).
    ///
    /// # Safety
    ///
    /// As for [`release`](Self::release).
    pub(crate) unsafe fn take_guarded(&self, index: u32, slot: &Slot<T>) -> T {
        debug_assert_eq!(slot.link.get(), GUARDED);
        self.count_out();
        // SAFETY: GUARDED means initialised; the caller gave up access; the slot is freed
        // right after, so the value is moved out exactly once.
        let value = unsafe { slot.value_ptr().read() };
        // SAFETY: the value was just moved out; the caller gave up access to the slot.
        unsafe { self.push_free(index, slot) };
        value
    }

    /// Grows through `&self` by adding a chunk. Existing slots do not move.
    fn grow_shared(&self) -> bool {
        let cap = self.capacity.get();
        let Some(add) = generation::grow(cap, self.growth, self.max_capacity, MIN_GROWTH) else {
            return false;
        };
        let slots: Vec<Slot<T>> = fresh_slots(add).collect();
        self.rest.borrow_mut().push(Chunk { start: cap, slots });
        self.capacity.set(cap + add);
        true
    }

    /// Grows through `&mut self`: folds the chunks into `first`, then extends it.
    fn grow_mut(&mut self) -> bool {
        let cap = self.capacity.get();
        let Some(add) = generation::grow(cap, self.growth, self.max_capacity, MIN_GROWTH) else {
            return false;
        };
        // Reserve before taking the chunks: if reserving panics (capacity overflow), the chunks
        // are still in place and the pool still matches its capacity.
        self.first.reserve_exact(cap - self.first.len() + add);
        let rest = core::mem::take(self.rest.get_mut());
        for chunk in rest {
            debug_assert_eq!(chunk.start, self.first.len());
            self.first.extend(chunk.slots);
        }
        self.first.extend(fresh_slots(add));
        self.capacity.set(cap + add);
        true
    }

    /// Inserts `value`, growing the pool if needed.
    ///
    /// # Panics
    ///
    /// If the pool is full and cannot grow (fixed, or at `max_capacity`); see
    /// [`try_insert`](Pool::try_insert).
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert([0u8; 64]);
    /// assert!(pool.contains(h));
    /// ```
    #[inline]
    #[track_caller]
    pub fn insert(&mut self, value: T) -> K {
        match self.insert_in_first(value) {
            Ok(key) => key,
            Err(value) => self.insert_slow(value),
        }
    }

    /// The fast path of `insert`/`try_insert`: the free-list head is in `first`. Works through
    /// `&mut` (no cells), which lets the compiler keep the pool's fields in registers across a
    /// `remove` + `insert` pair. Gives the value back if the head is elsewhere or `END`.
    #[inline]
    fn insert_in_first(&mut self, value: T) -> Result<K, T> {
        let mut index = *self.free.get_mut();
        let slot = match self.first.get_mut(index as usize) {
            Some(slot) => {
                *self.free.get_mut() = *slot.link.get_mut();
                slot
            }
            // The free list is empty: the next fresh slot (while filling up).
            None if index == END => {
                index = *self.fresh.get_mut();
                let Some(slot) = self.first.get_mut(index as usize) else {
                    return Err(value);
                };
                *self.fresh.get_mut() = index + 1;
                slot
            }
            None => return Err(value),
        };
        debug_assert!(slot.is_vacant());
        slot.value_mut().write(value);
        *slot.link.get_mut() = OCCUPIED;
        let generation = *slot.generation.get_mut();
        self.count_in();
        Ok(self.handle(index, generation))
    }

    #[cold]
    #[inline(never)]
    #[track_caller]
    fn insert_slow(&mut self, value: T) -> K {
        match self.try_insert_slow(value) {
            Ok(handle) => handle,
            Err(_) => panic!(
                "lake::Pool::insert: the pool is full (capacity {}); use try_insert",
                self.capacity()
            ),
        }
    }

    /// Inserts `value`, or gives it back in [`Full`] if the pool is full and cannot grow.
    /// A full recycling pool reuses the slot of a recycled value (dropping that value).
    ///
    /// ```
    /// let mut pool = lake::Pool::fixed(1);
    /// let h = pool.try_insert(1).unwrap();
    /// assert_eq!(pool.try_insert(2).unwrap_err().0, 2);
    /// pool.remove(h);
    /// assert!(pool.try_insert(3).is_ok());
    /// ```
    #[inline]
    pub fn try_insert(&mut self, value: T) -> Result<K, Full<T>> {
        match self.insert_in_first(value) {
            Ok(key) => Ok(key),
            Err(value) => self.try_insert_slow(value),
        }
    }

    #[cold]
    #[inline(never)]
    fn try_insert_slow(&mut self, value: T) -> Result<K, Full<T>> {
        // The free-list head may be in a chunk added by `acquire`; only a pool without any
        // free slot grows (or, when it cannot, evicts a recycled value).
        if !self.has_vacant() {
            self.grow_mut();
        }
        let mut evicted = None;
        let claimed = match self.claim_free() {
            Some(claimed) => Some(claimed),
            None => self.evict_recycled().map(|(index, slot, old)| {
                evicted = Some(old);
                (index, slot)
            }),
        };
        let Some((index, slot)) = claimed else {
            return Err(Full(value));
        };
        // SAFETY: `slot` was just claimed or evicted (its old value moved to `evicted`).
        unsafe { self.place(slot, value, OCCUPIED) };
        let handle = self.handle(index, slot.generation.get());
        drop(evicted); // user code runs only after the pool is consistent
        Ok(handle)
    }

    /// Inserts every value of `values`, returning their handles in order.
    ///
    /// # Panics
    ///
    /// Like [`insert`](Pool::insert), if the pool fills up and cannot grow; the values
    /// inserted so far stay in the pool.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let hs = pool.insert_batch(["a", "b", "c"]);
    /// assert_eq!(hs.iter().map(|&h| pool[h]).collect::<String>(), "abc");
    /// ```
    #[track_caller]
    pub fn insert_batch<I: IntoIterator<Item = T>>(&mut self, values: I) -> Vec<K> {
        values.into_iter().map(|v| self.insert(v)).collect()
    }

    /// The value behind `key`, or `None` if it was removed (stale key).
    ///
    /// # Panics
    ///
    /// In debug builds, if `key` was made by another pool.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert(5);
    /// assert_eq!(pool.get(h), Some(&5));
    /// ```
    #[inline]
    pub fn get(&self, key: K) -> Option<&T> {
        let slot = self.occupied(key)?;
        // SAFETY: OCCUPIED means initialised; an OCCUPIED value is written or moved only
        // under `&mut self` (module docs), so it is not mutated while this `&self` borrow lives.
        Some(unsafe { &*slot.value_ptr() })
    }

    /// The value behind `key`, mutably, or `None` if it was removed.
    ///
    /// # Panics
    ///
    /// In debug builds, if `key` was made by another pool.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert(5);
    /// *pool.get_mut(h).unwrap() += 1;
    /// assert_eq!(pool[h], 6);
    /// ```
    #[inline]
    pub fn get_mut(&mut self, key: K) -> Option<&mut T> {
        let slot = self.occupied(key)?;
        // SAFETY: OCCUPIED means initialised; `&mut self` excludes every other reference into
        // the pool (no guard, no `&T`) for as long as the result lives.
        Some(unsafe { &mut *slot.value_ptr() })
    }

    /// Whether `key` still refers to a value.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert(());
    /// pool.remove(h);
    /// assert!(!pool.contains(h));
    /// ```
    #[inline]
    pub fn contains(&self, key: K) -> bool {
        self.occupied(key).is_some()
    }

    /// Removes and returns the value behind `key`; `None` if it was already removed. The key
    /// and its copies are stale afterwards; the slot is reused under a new generation, or
    /// retired if its generations ran out. (The contract of
    /// [`SharedPool::remove`](crate::SharedPool::remove), where a value still read by another
    /// thread is the one more case that gives `None`.)
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert(String::from("x"));
    /// assert_eq!(pool.remove(h).as_deref(), Some("x"));
    /// assert_eq!(pool.remove(h), None);
    /// ```
    #[inline]
    pub fn remove(&mut self, key: K) -> Option<T> {
        let raw = key.handle();
        self.check_owner(raw);
        let index = raw.index;
        // Fast path through `&mut` (no cells), like `insert_in_first`. Both paths end in one
        // pointer to the vacated value, read once below: a single read lets the compiler move
        // the value straight to the caller instead of merging two copies.
        let value: *mut T = 'vacated: {
            if let Some(slot) = self.first.get_mut(index as usize) {
                let link = slot.link.get_mut();
                let generation = slot.generation.get_mut();
                if *link != OCCUPIED || generation.get() != raw.slot_generation() {
                    return None;
                }
                // A slot whose generations ran out retires on the slow path: the fast path
                // then always leaves `free == index`, which the compiler carries in a register
                // into an `insert` that follows (it pops that very slot).
                if let Some(g) = generation::next_nonzero(*generation, self.max_generation) {
                    *generation = g;
                    *link = *self.free.get_mut();
                    *self.free.get_mut() = index;
                    *self.len.get_mut() -= 1;
                    #[cfg(feature = "count-allocations")]
                    {
                        *self.removes.get_mut() += 1;
                    }
                    break 'vacated slot.value_mut().as_mut_ptr();
                }
            }
            self.vacate_slow(raw)?
        };
        // SAFETY: `value` is the storage of a slot that was OCCUPIED (so initialised) and is
        // now vacant or retired, so it is moved out exactly once; `&mut self` excludes every
        // other reference into the pool, and no slot moved since the pointer was taken.
        Some(unsafe { value.read() })
    }

    /// [`remove`](Pool::remove) that says why there is no value: [`RemoveError::Stale`] (a
    /// `Pool` never returns [`RemoveError::Borrowed`]: removal takes `&mut self`, so nothing
    /// can be reading the value). The same contract as
    /// [`SharedPool::try_remove`](crate::SharedPool::try_remove).
    ///
    /// ```
    /// use lake::RemoveError;
    ///
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert(1);
    /// assert_eq!(pool.try_remove(h), Ok(1));
    /// assert_eq!(pool.try_remove(h), Err(RemoveError::Stale));
    /// ```
    #[inline]
    pub fn try_remove(&mut self, key: K) -> Result<T, RemoveError> {
        self.remove(key).ok_or(RemoveError::Stale)
    }

    /// `remove` past `first`, or of a slot that retires: vacates (or retires) the slot and
    /// returns its (still initialised) value's storage for the caller to move out.
    #[cold]
    fn vacate_slow(&mut self, raw: Handle) -> Option<*mut T> {
        let slot = self.occupied_raw(raw)?;
        self.count_out();
        // SAFETY: `remove` moves the value out right after, running no code of this pool in
        // between, and `&mut self` excludes every other reference to it.
        unsafe { self.vacate(raw.index, slot) };
        Some(slot.value_ptr())
    }

    /// Removes the value behind `key` without returning it: a recycling pool recycles and
    /// keeps it (up to its cap), any other pool drops it. Returns whether there was a value;
    /// the key is stale afterwards. (The contract of
    /// [`SharedPool::discard`](crate::SharedPool::discard).)
    ///
    /// ```
    /// let mut pool: lake::Pool<Vec<u8>> = lake::Pool::builder().build_recycling(4);
    /// let h = pool.insert(Vec::with_capacity(32));
    /// assert!(pool.discard(h));
    /// assert!(pool.acquire(Vec::new).capacity() >= 32);
    /// ```
    pub fn discard(&mut self, key: K) -> bool {
        // Convert the key once: `PoolKey` is a safe trait, so a second call may name another
        // slot, and the slot checked must be the slot freed.
        let raw = key.handle();
        let Some(slot) = self.occupied_raw(raw) else {
            return false;
        };
        match generation::next_nonzero(slot.generation.get(), self.max_generation) {
            Some(g) if self.recycling.enabled() => {
                slot.generation.set(g);
                slot.link.set(GUARDED);
                // SAFETY: the slot is at `raw.index`, now GUARDED, and `&mut self` means
                // nothing else refers to its value.
                unsafe { self.release(raw.index, slot) };
            }
            // SAFETY: the slot is OCCUPIED (just checked) and `&mut self` excludes every other
            // reference into the pool.
            _ => drop(unsafe { self.take_occupied(raw.index, slot) }),
        }
        true
    }

    /// Puts `init()` in a free slot (or reuses a recycled value without calling `init`) and
    /// returns a guard that owns it and gives the slot back when dropped.
    ///
    /// Takes `&self`: many guards can be alive at once (see [`Pool`] on borrowing).
    ///
    /// # Panics
    ///
    /// If the pool is full and cannot grow (`init` is not called); see
    /// [`try_acquire`](Pool::try_acquire).
    ///
    /// ```
    /// let pool = lake::Pool::fixed(2);
    /// let mut a = pool.acquire(|| 1);
    /// let b = pool.acquire(|| 2);
    /// *a += *b;
    /// assert_eq!(*a, 3);
    /// drop(a);
    /// let h = b.into_handle(); // detach: the value stays in the pool
    /// assert_eq!(pool.get(h), Some(&2));
    /// ```
    #[track_caller]
    pub fn acquire<F: FnOnce() -> T>(&self, init: F) -> PoolBox<'_, T, K> {
        match self.try_acquire(init) {
            Ok(guard) => guard,
            Err(_) => panic!(
                "lake::Pool::acquire: the pool is full (capacity {}); use try_acquire",
                self.capacity()
            ),
        }
    }

    /// Like [`acquire`](Pool::acquire), but a full pool that cannot grow gives `init` back
    /// in [`Full`] instead of panicking (`init` is not called).
    ///
    /// ```
    /// let pool = lake::Pool::fixed(1);
    /// let a = pool.try_acquire(|| "a").unwrap();
    /// let err = pool.try_acquire(|| "b").unwrap_err();
    /// drop(a);
    /// let b = pool.try_acquire(err.into_inner()).unwrap(); // the slot is free again
    /// assert_eq!(*b, "b");
    /// ```
    pub fn try_acquire<F: FnOnce() -> T>(&self, init: F) -> Result<PoolBox<'_, T, K>, Full<F>> {
        if self.recycling.enabled() {
            if let Some(index) = self.recycling.take_for_acquire() {
                let slot = self.slot(index).expect("a recycled slot exists");
                debug_assert_eq!(slot.link.get(), RECYCLED);
                slot.link.set(GUARDED);
                self.count_in();
                // SAFETY: the recycled slot `index` holds an initialised value reachable by no
                // handle and no guard, and is GUARDED now.
                return Ok(unsafe { PoolBox::new(self, index, slot) });
            }
        }
        // The recycled list is empty here, so a full pool that cannot grow has no slot to give.
        let claimed = match self.claim_free() {
            Some(claimed) => Some(claimed),
            None if self.grow_shared() => self.claim_free(),
            None => None,
        };
        let Some((index, slot)) = claimed else {
            return Err(Full(init));
        };
        // The slot is off the free list and vacant while `init` runs: a re-entrant `acquire`
        // takes other slots, and if `init` panics the slot goes back on the free list.
        let reserved = Reserved {
            pool: self,
            index,
            slot,
        };
        let value = init();
        core::mem::forget(reserved);
        // SAFETY: `slot` was claimed above and stayed vacant and unlisted while `init` ran.
        unsafe { self.place(slot, value, GUARDED) };
        // SAFETY: just placed: GUARDED, initialised, and reachable by no handle.
        Ok(unsafe { PoolBox::new(self, index, slot) })
    }

    /// Acquires `n` guards, calling `init` for each value that is not a recycled one.
    ///
    /// # Panics
    ///
    /// Like [`acquire`](Pool::acquire), if the pool fills up and cannot grow; the guards
    /// acquired so far are dropped, returning their slots.
    ///
    /// ```
    /// let pool = lake::Pool::with_capacity(4);
    /// let mut next = 0;
    /// let guards = pool.acquire_batch(3, || { next += 1; next });
    /// assert_eq!(guards.iter().map(|g| **g).collect::<Vec<_>>(), [1, 2, 3]);
    /// assert_eq!(pool.len(), 3);
    /// drop(guards);
    /// assert!(pool.is_empty());
    /// ```
    #[track_caller]
    pub fn acquire_batch<F: FnMut() -> T>(&self, n: usize, mut init: F) -> Vec<PoolBox<'_, T, K>> {
        let mut guards = Vec::with_capacity(n);
        for _ in 0..n {
            guards.push(self.acquire(&mut init));
        }
        guards
    }

    /// Live values: inserted, or held by a guard.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// pool.insert(1);
    /// assert_eq!(pool.len(), 1);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.len.get()
    }

    /// Whether no value is live.
    ///
    /// ```
    /// assert!(lake::Pool::<u8>::new().is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Slots the pool has (including free, recycled and retired ones).
    ///
    /// ```
    /// assert_eq!(lake::Pool::<u8>::fixed(3).capacity(), 3);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity.get()
    }

    /// A snapshot of the pool's counters.
    ///
    /// ```
    /// let pool = lake::Pool::<u8>::with_capacity(4);
    /// assert_eq!(pool.stats().capacity, 4);
    /// ```
    pub fn stats(&self) -> PoolStats {
        let (recycle_hits, recycle_misses, recycled) = self.recycling.counts();
        PoolStats {
            live: self.len(),
            capacity: self.capacity.get(),
            high_water: self.fresh.get() as usize,
            #[cfg(feature = "count-allocations")]
            inserts: Some(self.inserts.get()),
            #[cfg(not(feature = "count-allocations"))]
            inserts: None,
            #[cfg(feature = "count-allocations")]
            removes: Some(self.removes.get()),
            #[cfg(not(feature = "count-allocations"))]
            removes: None,
            recycle_hits,
            recycle_misses,
            recycled,
            retired: self.retired.get(),
        }
    }

    /// The inserted values with their handles, in slot order (values held by guards are not
    /// visited).
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// pool.insert_batch([1, 2, 3]);
    /// assert_eq!(pool.iter().map(|(_, v)| v).sum::<i32>(), 6);
    /// ```
    pub fn iter(&self) -> Iter<'_, T, K> {
        Iter {
            pool: self,
            next: 0,
        }
    }

    /// The inserted values with their handles, mutably, in slot order.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// pool.insert_batch([1, 2, 3]);
    /// pool.iter_mut().for_each(|(_, v)| *v *= 10);
    /// assert_eq!(pool.iter().map(|(_, v)| *v).sum::<i32>(), 60);
    /// ```
    pub fn iter_mut(&mut self) -> IterMut<'_, T, K> {
        IterMut {
            pool: self,
            next: 0,
            _values: PhantomData,
        }
    }

    /// The next OCCUPIED slot at or after `*next`, advancing `*next` past it.
    pub(super) fn next_occupied(&self, next: &mut usize) -> Option<(u32, &Slot<T>)> {
        // Fresh slots never held a value.
        while *next < self.fresh.get() as usize {
            let index = *next as u32;
            *next += 1;
            let slot = self.slot(index)?;
            if slot.is_occupied() {
                return Some((index, slot));
            }
        }
        None
    }

    /// Keeps the values for which `keep` returns `true` and drops the others (a recycling
    /// pool drops them too).
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// pool.insert_batch(1..=6);
    /// pool.retain(|_, v| *v % 2 == 0);
    /// assert_eq!(pool.len(), 3);
    /// ```
    pub fn retain<F: FnMut(K, &mut T) -> bool>(&mut self, mut keep: F) {
        let mut next = 0;
        while let Some((index, slot)) = self.next_occupied(&mut next) {
            let handle = self.handle(index, slot.generation.get());
            // SAFETY: OCCUPIED means initialised; `&mut self` makes this the only reference,
            // and it ends before the slot is touched again.
            if !keep(handle, unsafe { &mut *slot.value_ptr() }) {
                // SAFETY: OCCUPIED (`next_occupied`), and `&mut self` excludes other references.
                drop(unsafe { self.take_occupied(index, slot) });
            }
        }
    }

    /// Removes every inserted value, yielding them in slot order. Values not yet yielded when
    /// the iterator is dropped are dropped.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// pool.insert_batch([1, 2]);
    /// assert_eq!(pool.drain().collect::<Vec<_>>(), [1, 2]);
    /// assert!(pool.is_empty());
    /// ```
    pub fn drain(&mut self) -> Drain<'_, T, K> {
        Drain {
            pool: self,
            next: 0,
        }
    }

    /// Drops every inserted value and every recycled value kept by a recycling pool.
    ///
    /// ```
    /// let mut pool = lake::Pool::new();
    /// let h = pool.insert(1);
    /// pool.clear();
    /// assert!(pool.is_empty() && pool.get(h).is_none());
    /// ```
    pub fn clear(&mut self) {
        let mut next = 0;
        while let Some((index, slot)) = self.next_occupied(&mut next) {
            // SAFETY: OCCUPIED (`next_occupied`), and `&mut self` excludes other references.
            drop(unsafe { self.take_occupied(index, slot) });
        }
        while let Some((index, slot, old)) = self.evict_recycled() {
            // SAFETY: `evict_recycled` moved the value out into `old` and unlisted the slot.
            unsafe { self.push_free(index, slot) };
            drop(old);
        }
    }
}

/// Puts a slot claimed by `try_acquire` back on the free list if `init` unwinds.
struct Reserved<'a, T, K: PoolKey> {
    pool: &'a Pool<T, K>,
    index: u32,
    slot: &'a Slot<T>,
}

impl<T, K: PoolKey> Drop for Reserved<'_, T, K> {
    fn drop(&mut self) {
        // SAFETY: only reached while `init` unwinds: the slot is vacant (never written) and
        // unlisted, and only this guard refers to it.
        unsafe { self.pool.push_free(self.index, self.slot) };
    }
}

/// Frees a `GUARDED` slot and drops its value if `Recycle::recycle` unwinds.
struct FreeOnUnwind<'a, T, K: PoolKey> {
    pool: &'a Pool<T, K>,
    index: u32,
    slot: &'a Slot<T>,
}

impl<T, K: PoolKey> Drop for FreeOnUnwind<'_, T, K> {
    fn drop(&mut self) {
        // SAFETY: only reached while `recycle` unwinds out of `Pool::release`, whose caller
        // gave up all access to the initialised value of this GUARDED slot; `recycle`'s
        // `&mut T` is gone. The slot is freed before the drop, so the value moves out once.
        let value = unsafe { self.slot.value_ptr().read() };
        self.pool.recycling.end(None);
        // SAFETY: the value was just moved out and nothing else refers to the slot.
        unsafe { self.pool.push_free(self.index, self.slot) };
        drop(value);
    }
}

impl<T, K: PoolKey> core::ops::Index<K> for Pool<T, K> {
    type Output = T;

    #[track_caller]
    fn index(&self, key: K) -> &T {
        self.get(key).expect("lake::Pool: stale handle")
    }
}

impl<T, K: PoolKey> core::ops::IndexMut<K> for Pool<T, K> {
    #[track_caller]
    fn index_mut(&mut self, key: K) -> &mut T {
        self.get_mut(key).expect("lake::Pool: stale handle")
    }
}

impl<T, K: PoolKey> fmt::Debug for Pool<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("len", &self.len())
            .field("capacity", &self.capacity())
            .finish_non_exhaustive()
    }
}

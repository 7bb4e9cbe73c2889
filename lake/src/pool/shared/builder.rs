//! [`SharedPoolBuilder`]: capacity, growth, limits and key type of a [`SharedPool`], spelled
//! as [`PoolBuilder`](crate::PoolBuilder)'s are.

use core::fmt;
use core::marker::PhantomData;
use core::num::NonZeroU32;

use super::pool::DEFAULT_FIRST_PAGE;
use super::state::{self, MAX_PAGES};
use super::SharedPool;
use crate::math::generation::{self, MAX_SLOTS};
use crate::pool::{Handle, PoolKey};

/// Configures a [`SharedPool`]: initial capacity, growth, `max_capacity`, `max_generation`,
/// key type. The options are [`PoolBuilder`](crate::PoolBuilder)'s, except that a shared pool
/// only grows by doubling (its pages never move, and a slot's page is found from its index
/// by arithmetic on doubling sizes), so there is no `increment`.
///
/// ```
/// use lake::SharedPool;
///
/// let pool: SharedPool<u64> = SharedPool::builder().capacity(2).max_capacity(6).build();
/// for i in 0..6 {
///     pool.insert(i);
/// }
/// assert_eq!(pool.capacity(), 6); // pages of 2 and 4 slots
/// assert!(pool.try_insert(6).is_err());
/// ```
pub struct SharedPoolBuilder<T, K = Handle> {
    capacity: usize,
    fixed: bool,
    max_capacity: usize,
    max_generation: u32,
    _type: PhantomData<fn() -> (T, K)>,
}

impl<T, K> Clone for SharedPoolBuilder<T, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, K> Copy for SharedPoolBuilder<T, K> {}

impl<T, K> fmt::Debug for SharedPoolBuilder<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedPoolBuilder")
            .field("capacity", &self.capacity)
            .field("fixed", &self.fixed)
            .field("max_capacity", &self.max_capacity)
            .field("max_generation", &self.max_generation)
            .finish()
    }
}

impl<T, K> Default for SharedPoolBuilder<T, K> {
    fn default() -> Self {
        SharedPoolBuilder {
            capacity: 0,
            fixed: false,
            max_capacity: usize::MAX,
            max_generation: u32::MAX,
            _type: PhantomData,
        }
    }
}

impl<T, K: PoolKey> SharedPoolBuilder<T, K> {
    /// Makes the pool hand out keys of type `K2` (see [`PoolKey`]) instead of `K`.
    ///
    /// ```
    /// use lake::pool::{Handle, PoolKey, SharedPool};
    ///
    /// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    /// struct Ticket(Handle);
    /// impl PoolKey for Ticket {
    ///     fn from_handle(h: Handle) -> Self { Ticket(h) }
    ///     fn handle(self) -> Handle { self.0 }
    /// }
    ///
    /// let pool = SharedPool::builder().key::<Ticket>().capacity(2).fixed().build();
    /// let t: Ticket = pool.insert("seat 1");
    /// assert_eq!(*pool.get(t).unwrap(), "seat 1");
    /// ```
    pub fn key<K2: PoolKey>(self) -> SharedPoolBuilder<T, K2> {
        SharedPoolBuilder {
            capacity: self.capacity,
            fixed: self.fixed,
            max_capacity: self.max_capacity,
            max_generation: self.max_generation,
            _type: PhantomData,
        }
    }

    /// Slots allocated up front: the first page. `0` (the default) means a first page of 32
    /// slots, allocated on first use (a fixed pool of `0` slots has none).
    ///
    /// ```
    /// assert_eq!(lake::SharedPool::<u8>::builder().capacity(3).build().capacity(), 3);
    /// assert_eq!(lake::SharedPool::<u8>::builder().build().capacity(), 0);
    /// ```
    pub fn capacity(mut self, slots: usize) -> Self {
        self.capacity = slots;
        self
    }

    /// Grow by pages of doubling size when full (the default): `n`, `2n`, `4n`, … slots.
    ///
    /// ```
    /// let pool = lake::SharedPool::builder().capacity(2).doubling().build();
    /// for i in 0..3 {
    ///     pool.insert(i);
    /// }
    /// assert_eq!(pool.capacity(), 6);
    /// ```
    pub fn doubling(mut self) -> Self {
        self.fixed = false;
        self
    }

    /// Never grow: a full pool rejects inserts ([`Full`](crate::Full)).
    ///
    /// ```
    /// let pool = lake::SharedPool::builder().capacity(1).fixed().build();
    /// pool.insert(1);
    /// assert!(pool.try_insert(2).is_err());
    /// ```
    pub fn fixed(mut self) -> Self {
        self.fixed = true;
        self
    }

    /// Never grow past `slots` slots (also caps the initial capacity). Growth adds whole
    /// pages, so the pool stops at the last page that fits.
    ///
    /// ```
    /// let pool = lake::SharedPool::builder().capacity(2).max_capacity(5).build();
    /// for i in 0..2 {
    ///     pool.insert(i);
    /// }
    /// assert_eq!(pool.try_insert(3).unwrap_err().into_inner(), 3); // a page of 4 would pass 5
    /// ```
    pub fn max_capacity(mut self, slots: usize) -> Self {
        self.max_capacity = slots;
        self
    }

    /// Last generation a slot may reach before it is retired (default and upper bound:
    /// `u32::MAX` in release builds, `2^24 - 1` in debug builds, whose handles keep a pool tag
    /// in the top 8 bits; see [`Handle`]). Lowering it only retires slots sooner; it exists so
    /// tests can watch retirement happen.
    ///
    /// ```
    /// use core::num::NonZeroU32;
    ///
    /// let pool = lake::SharedPool::builder().capacity(1).fixed()
    ///     .max_generation(NonZeroU32::new(1).unwrap()).build();
    /// let h = pool.insert(1);
    /// pool.remove(h); // generation 1 was the last: the slot retires
    /// assert!(pool.try_insert(2).is_err());
    /// assert_eq!(pool.stats().retired, 1);
    /// ```
    pub fn max_generation(mut self, generation: NonZeroU32) -> Self {
        self.max_generation = generation.get();
        self
    }

    /// Builds the pool (allocating its first page now if `capacity` was set).
    ///
    /// ```
    /// let pool: lake::SharedPool<String> = lake::SharedPool::builder().build();
    /// assert!(pool.is_empty());
    /// ```
    pub fn build(self) -> SharedPool<T, K> {
        let limit = self.max_capacity.min(MAX_SLOTS as usize);
        let (first, install_now) = match self.capacity {
            0 if self.fixed => (0, false),
            0 => ((DEFAULT_FIRST_PAGE as usize).min(limit), false),
            n => (n.min(limit), true),
        };
        let first = first as u32;
        let max_pages = if self.fixed {
            1
        } else {
            pages_within(first, limit)
        };
        let max_generation = self
            .max_generation
            .clamp(generation::FIRST, generation::MAX_GENERATION);
        SharedPool::from_parts(first, max_pages, install_now, max_generation)
    }
}

/// How many pages of a pool whose first page has `first` slots fit in `limit` slots (at least
/// the first).
fn pages_within(first: u32, limit: usize) -> usize {
    let mut pages = 1;
    while pages < MAX_PAGES {
        // Slots of pages `0..=pages`: the start of page `pages + 1`, or all of them once that
        // would pass `MAX_SLOTS`.
        let total = state::page_start(pages + 1, first).unwrap_or(MAX_SLOTS);
        if total as usize > limit {
            break;
        }
        pages += 1;
        if total == MAX_SLOTS {
            break;
        }
    }
    pages
}

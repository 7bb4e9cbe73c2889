//! [`PoolBuilder`]: capacity, growth, limits, key type, recycling.

use core::fmt;
use core::marker::PhantomData;
use core::num::NonZeroU32;

use super::{Handle, Pool, PoolKey, Recycle};
use crate::math::generation::Growth;
#[cfg(doc)]
use crate::Full;

/// Configures a [`Pool`]: initial capacity, growth, `max_capacity`, recycling.
///
/// ```
/// use lake::Pool;
///
/// let mut pool: Pool<u64> = Pool::builder().capacity(2).increment(3).max_capacity(5).build();
/// for i in 0..5 {
///     pool.insert(i);
/// }
/// assert_eq!(pool.capacity(), 5);
/// assert!(pool.try_insert(5).is_err());
/// ```
pub struct PoolBuilder<T, K = Handle> {
    pub(super) capacity: usize,
    pub(super) growth: Growth,
    pub(super) max_capacity: usize,
    pub(super) max_generation: u32,
    _type: PhantomData<fn() -> (T, K)>,
}

impl<T, K> Clone for PoolBuilder<T, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, K> Copy for PoolBuilder<T, K> {}

impl<T, K> fmt::Debug for PoolBuilder<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("capacity", &self.capacity)
            .field("growth", &self.growth)
            .field("max_capacity", &self.max_capacity)
            .field("max_generation", &self.max_generation)
            .finish()
    }
}

impl<T, K> Default for PoolBuilder<T, K> {
    fn default() -> Self {
        PoolBuilder {
            capacity: 0,
            growth: Growth::Doubling,
            max_capacity: usize::MAX,
            max_generation: u32::MAX,
            _type: PhantomData,
        }
    }
}

impl<T, K: PoolKey> PoolBuilder<T, K> {
    /// Makes the pool hand out keys of type `K2` (see [`PoolKey`]) instead of `K`.
    ///
    /// ```
    /// use lake::pool::{Handle, Pool, PoolKey};
    ///
    /// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    /// struct Ticket(Handle);
    /// impl PoolKey for Ticket {
    ///     fn from_handle(h: Handle) -> Self { Ticket(h) }
    ///     fn handle(self) -> Handle { self.0 }
    /// }
    ///
    /// let mut pool = Pool::builder().key::<Ticket>().capacity(2).fixed().build();
    /// let t: Ticket = pool.insert("seat 1");
    /// assert_eq!(pool[t], "seat 1");
    /// ```
    pub fn key<K2: PoolKey>(self) -> PoolBuilder<T, K2> {
        PoolBuilder {
            capacity: self.capacity,
            growth: self.growth,
            max_capacity: self.max_capacity,
            max_generation: self.max_generation,
            _type: PhantomData,
        }
    }

    /// Slots allocated up front.
    ///
    /// ```
    /// assert_eq!(lake::Pool::<u8>::builder().capacity(3).build().capacity(), 3);
    /// ```
    pub fn capacity(mut self, slots: usize) -> Self {
        self.capacity = slots;
        self
    }

    /// Grow by doubling the capacity when full (the default).
    ///
    /// ```
    /// let mut pool = lake::Pool::builder().capacity(2).doubling().build();
    /// pool.insert_batch([1, 2, 3]);
    /// assert_eq!(pool.capacity(), 4);
    /// ```
    pub fn doubling(mut self) -> Self {
        self.growth = Growth::Doubling;
        self
    }

    /// Grow by `slots` slots (at least one) when full.
    ///
    /// ```
    /// let mut pool = lake::Pool::builder().capacity(2).increment(5).build();
    /// pool.insert_batch([1, 2, 3]);
    /// assert_eq!(pool.capacity(), 7);
    /// ```
    pub fn increment(mut self, slots: u32) -> Self {
        self.growth = Growth::Increment(slots);
        self
    }

    /// Never grow: a full pool rejects inserts ([`Full`]).
    ///
    /// ```
    /// let mut pool = lake::Pool::builder().capacity(1).fixed().build();
    /// pool.insert(1);
    /// assert!(pool.try_insert(2).is_err());
    /// ```
    pub fn fixed(mut self) -> Self {
        self.growth = Growth::Fixed;
        self
    }

    /// Never grow past `slots` slots (also caps the initial capacity).
    ///
    /// ```
    /// let mut pool = lake::Pool::builder().capacity(1).max_capacity(2).build();
    /// pool.insert_batch([1, 2]);
    /// assert_eq!(pool.try_insert(3).unwrap_err().into_inner(), 3);
    /// ```
    pub fn max_capacity(mut self, slots: usize) -> Self {
        self.max_capacity = slots;
        self
    }

    /// Last generation a slot may reach before it is retired (default and upper bound: `u32::MAX`
    /// in release builds, `2^24 - 1` in debug builds, whose handles keep a pool tag in the top
    /// 8 bits; see [`Handle`]). Lowering it only retires slots sooner; it exists so tests can
    /// watch retirement happen.
    ///
    /// ```
    /// use core::num::NonZeroU32;
    ///
    /// let mut pool = lake::Pool::builder().capacity(1).fixed()
    ///     .max_generation(NonZeroU32::new(1).unwrap()).build();
    /// let h = pool.insert(1);
    /// pool.remove(h);
    /// assert!(pool.try_insert(2).is_err()); // the only slot retired
    /// assert_eq!(pool.stats().retired, 1);
    /// ```
    pub fn max_generation(mut self, generation: NonZeroU32) -> Self {
        self.max_generation = generation.get();
        self
    }

    /// Builds a pool that drops returned values.
    ///
    /// ```
    /// let pool: lake::Pool<String> = lake::Pool::builder().build();
    /// assert!(pool.is_empty());
    /// ```
    pub fn build(self) -> Pool<T, K> {
        Pool::from_builder(self, None, 0)
    }
}

impl<T: Recycle, K: PoolKey> PoolBuilder<T, K> {
    /// Builds a pool that [recycles](Recycle) values returned by a dropped [`PoolBox`](super::PoolBox) or
    /// [`Pool::discard`] and keeps up to `retain` of them for the next [`Pool::acquire`].
    ///
    /// ```
    /// let pool: lake::Pool<Vec<u8>> = lake::Pool::builder().build_recycling(8);
    /// drop(pool.acquire(|| Vec::with_capacity(64)));
    /// assert!(pool.acquire(Vec::new).capacity() >= 64);
    /// ```
    pub fn build_recycling(self, retain: usize) -> Pool<T, K> {
        Pool::from_builder(self, Some(<T as Recycle>::recycle), retain)
    }
}

//! [`PoolStats`]: counters of a [`Pool`](crate::Pool).

/// A snapshot of a pool's counters, from [`Pool::stats`](crate::Pool::stats).
///
/// ```
/// use lake::Pool;
///
/// let mut pool = Pool::with_capacity(8);
/// let a = pool.insert(1);
/// pool.insert(2);
/// pool.remove(a);
/// let s = pool.stats();
/// assert_eq!((s.live, s.capacity, s.high_water), (1, 8, 2));
/// if cfg!(feature = "count-allocations") {
///     assert_eq!((s.inserts, s.removes), (Some(2), Some(1)));
/// } else {
///     assert_eq!((s.inserts, s.removes), (None, None));
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// Values in the pool now (inserted or held by a [`PoolBox`](crate::PoolBox)).
    pub live: usize,
    /// Slots the pool has (live, free, recycled and retired).
    pub capacity: usize,
    /// Most slots in use at once: holding a live value, a recycled value kept for reuse, or
    /// retired. Without recycling or retirement, the most values live at once. (The pool
    /// hands out never-used slots in index order and only when every used one is taken, so
    /// this is also the number of slots that ever held a value.)
    pub high_water: usize,
    /// Values placed in the pool (`insert`, `acquire` and friends, including recycle hits),
    /// with the `count-allocations` feature; `None` without it (as
    /// [`LakeStats::allocations`](crate::LakeStats::allocations)): the counter is one more
    /// store per insert on the hot path.
    pub inserts: Option<u64>,
    /// Values that left the pool (removed, drained, cleared, retained out, guards dropped),
    /// with the `count-allocations` feature; `None` without it.
    pub removes: Option<u64>,
    /// `acquire` calls served by a recycled value.
    pub recycle_hits: u64,
    /// `acquire` calls on a recycling pool that found no recycled value.
    pub recycle_misses: u64,
    /// Recycled values kept for the next `acquire` now.
    pub recycled: usize,
    /// Slots retired because their generation ran out.
    pub retired: usize,
}

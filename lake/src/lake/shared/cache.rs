//! [`LakeCache`]: warm lakes for task-based parallelism.

use alloc::vec::Vec;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};
use std::sync::Mutex;

use crate::lake::{Lake, LakeBuilder};

/// A cache of warmed [`Lake`]s for task-based parallelism: a task [`take`](LakeCache::take)s
/// a lake, allocates in it without any synchronisation, and the [`CachedLake`] guard resets it
/// and returns it to the cache when dropped. Lakes keep their largest chunk across resets, so
/// a steady workload stops calling the global allocator.
///
/// At most `max_retained` idle lakes are kept; a lake returned to a full cache is dropped.
/// The cache is `Sync` (a `Mutex` around the idle lakes, taken once per `take` and once per
/// return), so it can be shared by a thread pool.
///
/// ```
/// use lake::LakeCache;
///
/// let cache = LakeCache::new(4);
/// std::thread::scope(|s| {
///     for task in 0..8u64 {
///         let cache = &cache;
///         s.spawn(move || {
///             let lake = cache.take();
///             let squares = lake.alloc_slice_fill_with(100, |i| i as u64 * task);
///             assert_eq!(squares[10], 10 * task);
///         }); // the lake is reset and goes back to the cache here
///     }
/// });
/// assert!(cache.idle() <= 4);
/// ```
pub struct LakeCache {
    idle: Mutex<Vec<Lake>>,
    max_retained: usize,
    builder: LakeBuilder,
}

impl LakeCache {
    /// Creates an empty cache that keeps at most `max_retained` idle lakes, each made by
    /// [`Lake::new`] when none is idle.
    ///
    /// ```
    /// let cache = lake::LakeCache::new(2);
    /// assert_eq!(cache.idle(), 0);
    /// ```
    pub fn new(max_retained: usize) -> LakeCache {
        LakeCache::with_builder(max_retained, Lake::builder())
    }

    /// Creates an empty cache whose lakes are built by `builder` (initial capacity, limit,
    /// zeroing on reset, …). If building fails (e.g. the capacity cannot be allocated),
    /// [`take`](LakeCache::take) panics and [`try_take`](LakeCache::try_take) returns the error.
    ///
    /// ```
    /// use lake::{Lake, LakeCache};
    /// let cache = LakeCache::with_builder(8, Lake::builder().capacity(64 << 10));
    /// assert!(cache.take().stats().capacity >= 64 << 10);
    /// ```
    pub fn with_builder(max_retained: usize, builder: LakeBuilder) -> LakeCache {
        LakeCache {
            idle: Mutex::new(Vec::new()),
            max_retained,
            builder,
        }
    }

    /// Takes an idle lake, or builds a new one if none is idle.
    ///
    /// # Panics
    ///
    /// If a new lake cannot be built; see [`try_take`](LakeCache::try_take).
    ///
    /// ```
    /// let cache = lake::LakeCache::new(1);
    /// {
    ///     let lake = cache.take();
    ///     lake.alloc([0u8; 1000]);
    /// }
    /// let warm = cache.take(); // the same lake, reset, its chunk kept
    /// assert_eq!(warm.stats().used, 0);
    /// assert!(warm.stats().capacity >= 1000);
    /// ```
    #[track_caller]
    pub fn take(&self) -> CachedLake<'_> {
        match self.try_take() {
            Ok(lake) => lake,
            Err(e) => e.panic(),
        }
    }

    /// Fallible [`take`](LakeCache::take).
    ///
    /// ```
    /// use lake::{Lake, LakeCache};
    /// let cache = LakeCache::with_builder(1, Lake::builder().capacity(usize::MAX));
    /// assert!(cache.try_take().is_err());
    /// ```
    pub fn try_take(&self) -> Result<CachedLake<'_>, crate::AllocError> {
        let idle = self.lock().pop();
        let lake = match idle {
            Some(lake) => lake,
            None => self.builder.clone().try_build()?,
        };
        Ok(CachedLake {
            lake: ManuallyDrop::new(lake),
            cache: self,
        })
    }

    /// Number of idle lakes in the cache.
    ///
    /// ```
    /// let cache = lake::LakeCache::new(4);
    /// drop((cache.take(), cache.take()));
    /// assert_eq!(cache.idle(), 2);
    /// ```
    pub fn idle(&self) -> usize {
        self.lock().len()
    }

    /// The most idle lakes the cache keeps.
    ///
    /// ```
    /// assert_eq!(lake::LakeCache::new(3).max_retained(), 3);
    /// ```
    pub fn max_retained(&self) -> usize {
        self.max_retained
    }

    /// Drops every idle lake, releasing its memory.
    ///
    /// ```
    /// let cache = lake::LakeCache::new(4);
    /// drop(cache.take());
    /// cache.clear();
    /// assert_eq!(cache.idle(), 0);
    /// ```
    pub fn clear(&self) {
        let drained: Vec<Lake> = core::mem::take(&mut *self.lock());
        drop(drained); // outside the lock
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Lake>> {
        // No user code runs under the lock, and a `Vec` push/pop leaves it consistent.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn give_back(&self, mut lake: Lake) {
        lake.reset();
        let mut idle = self.lock();
        if idle.len() < self.max_retained {
            idle.push(lake);
        } else {
            drop(idle);
            drop(lake); // a full cache: release this lake's memory, outside the lock
        }
    }
}

impl fmt::Debug for LakeCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LakeCache")
            .field("idle", &self.idle())
            .field("max_retained", &self.max_retained)
            .finish_non_exhaustive()
    }
}

/// A [`Lake`] taken from a [`LakeCache`]; derefs to the lake, and resets it and returns it to
/// the cache when dropped.
///
/// It is `Send` (a task can move to another thread with its lake) but not `Sync`, like `Lake`.
/// Allocations borrow the guard, so none can outlive it:
///
/// ```
/// let cache = lake::LakeCache::new(1);
/// let mut lake = cache.take();
/// let n = lake.alloc(5);
/// assert_eq!(*n, 5);
/// lake.reset(); // `DerefMut` gives `&mut Lake`: a task may reset early
/// ```
pub struct CachedLake<'c> {
    lake: ManuallyDrop<Lake>,
    cache: &'c LakeCache,
}

impl CachedLake<'_> {
    /// Takes the lake out of the cache's hands for good: it is not returned on drop.
    ///
    /// ```
    /// let cache = lake::LakeCache::new(1);
    /// let owned: lake::Lake = cache.take().detach();
    /// drop(owned);
    /// assert_eq!(cache.idle(), 0);
    /// ```
    pub fn detach(self) -> Lake {
        let mut this = ManuallyDrop::new(self);
        // SAFETY: `this` is never dropped, so its lake is taken exactly once here and
        // `CachedLake::drop` never sees it.
        unsafe { ManuallyDrop::take(&mut this.lake) }
    }
}

impl Deref for CachedLake<'_> {
    type Target = Lake;
    fn deref(&self) -> &Lake {
        &self.lake
    }
}

/// `&mut Lake` access, for `reset`, rewinds and scopes. Note that `mem::swap`/`mem::replace`
/// through it can hand the cache a different `Lake` than it lent (with another configuration);
/// that is allowed (nothing borrows the lake when the guard drops) but usually a mistake.
impl DerefMut for CachedLake<'_> {
    fn deref_mut(&mut self) -> &mut Lake {
        &mut self.lake
    }
}

impl Drop for CachedLake<'_> {
    fn drop(&mut self) {
        // SAFETY: `drop` runs once and `detach` (the only other taker) prevents it, so the
        // lake is taken exactly once and never used again through `self`.
        let lake = unsafe { ManuallyDrop::take(&mut self.lake) };
        self.cache.give_back(lake);
    }
}

impl fmt::Debug for CachedLake<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CachedLake").field(&*self.lake).finish()
    }
}

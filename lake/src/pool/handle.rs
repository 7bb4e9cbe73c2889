//! [`Handle`]: a lifetime-free key to a value in a [`Pool`](crate::Pool).

use core::fmt;
use core::num::NonZeroU32;

use crate::math::generation;

/// A key to a value in a [`Pool`](crate::Pool): the slot index and the slot's generation when
/// the value was inserted.
///
/// A handle is resolved *through* the pool (`pool.get(h)`), and the generation check is always
/// on: once the value is removed, the handle (and every copy of it) resolves to `None`, even if
/// the slot holds a new value. `Handle` and `Option<Handle>` are 8 bytes in every build.
///
/// **Foreign handles.** In debug builds the top 8 bits of the stored generation are a tag of
/// the pool that made the handle, and using it with another pool panics (pools created 255
/// apart share a tag, so this catches a foreign handle unless the two pools' creation order
/// differs by a multiple of 255). The tag costs debug builds generation width: a slot there
/// counts up to 2^24 - 1 generations, then retires. Release builds carry no tag; a handle from
/// another pool (of any value type: handles carry no type) then resolves to whatever live
/// value of *that* pool has the same index and generation, or to `None`, a logic error, never
/// undefined behaviour. Equality and hashing see the whole stored generation, so handles of
/// two pools with the same index and generation are equal in release builds and differ (by
/// the tag) in debug builds.
///
/// **Order.** Handles are ordered by slot index, then by generation (then, in debug builds,
/// by pool tag), so they can key a `BTreeMap` or be sorted. The order means nothing else: it
/// is not insertion order, and a handle's place in it says nothing about whether its value is
/// still in the pool.
///
/// ```
/// use lake::Pool;
///
/// let mut pool = Pool::with_capacity(4);
/// let h = pool.insert("a");
/// assert_eq!(pool.get(h), Some(&"a"));
/// assert_eq!(pool.remove(h), Some("a"));
/// assert_eq!(pool.get(h), None); // stale
/// let h2 = pool.insert("b"); // reuses the slot with a new generation
/// assert_eq!(h2.index(), h.index());
/// assert_ne!(h2.generation(), h.generation());
/// assert!(h < h2); // same slot, later generation
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle {
    pub(crate) index: u32,
    /// The slot's generation, tagged with the pool in debug builds ([`generation::tagged`]).
    pub(crate) generation: NonZeroU32,
}

const _: () = assert!(core::mem::size_of::<Option<Handle>>() == 8);

impl Ord for Handle {
    /// Slot index, then generation, then (debug builds) pool tag. Comparing the stored
    /// generation directly would order by the tag first, which sits in its top bits.
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        (self.index, self.slot_generation(), self.tag()).cmp(&(
            other.index,
            other.slot_generation(),
            other.tag(),
        ))
    }
}

impl PartialOrd for Handle {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Handle {
    /// `Handle { index, generation }`, plus the pool tag in debug builds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Handle");
        d.field("index", &self.index)
            .field("generation", &self.generation());
        if cfg!(debug_assertions) {
            d.field("pool_tag", &self.tag());
        }
        d.finish()
    }
}

impl Handle {
    /// The slot index (stable for the value's lifetime; reused after removal).
    ///
    /// ```
    /// let mut pool = lake::Pool::with_capacity(2);
    /// assert!(pool.insert(1).index() < 2);
    /// ```
    pub fn index(self) -> u32 {
        self.index
    }

    /// The slot's generation when the value was inserted.
    ///
    /// ```
    /// let mut pool = lake::Pool::with_capacity(2);
    /// assert_eq!(pool.insert(1).generation().get(), 1);
    /// ```
    pub fn generation(self) -> NonZeroU32 {
        match NonZeroU32::new(generation::untagged(self.generation.get()).0) {
            Some(g) => g,
            // Only pools make handles, and a slot's generation counts from 1.
            None => NonZeroU32::MIN,
        }
    }

    /// The pool tag (debug builds; `0` in release builds).
    pub(crate) fn tag(self) -> u32 {
        generation::untagged(self.generation.get()).1
    }

    /// The slot's generation (the stored generation without the tag).
    #[inline]
    pub(crate) fn slot_generation(self) -> u32 {
        generation::untagged(self.generation.get()).0
    }
}

/// The tag for a new pool's handles ([`generation::pool_tag`]): consecutive pools, typed or
/// shared, get different tags in debug builds. Release builds: `0`, without touching the
/// counter.
pub(crate) fn next_pool_tag() -> u32 {
    use core::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    if generation::TAG_BITS == 0 {
        return 0;
    }
    generation::pool_tag(NEXT.fetch_add(1, Ordering::Relaxed))
}

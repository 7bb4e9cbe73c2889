//! [`Handle`]: a lifetime-free key to a value in a [`Pool`](crate::Pool).

use core::num::NonZeroU32;

/// A key to a value in a [`Pool`](crate::Pool): the slot index and the slot's generation when
/// the value was inserted.
///
/// A handle is resolved *through* the pool (`pool.get(h)`), and the generation check is always
/// on: once the value is removed, the handle (and every copy of it) resolves to `None`, even if
/// the slot holds a new value. `Option<Handle>` is 8 bytes in release builds.
///
/// **Foreign handles.** In debug builds a handle also records which pool made it, and using it
/// with another pool panics. In release builds it does not (to stay 8 bytes); a handle from
/// another pool (of any value type: handles carry no type) then resolves to whatever live value
/// of *that* pool has the same index and generation, or to `None` — a logic error, never
/// undefined behaviour.
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
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    pub(crate) index: u32,
    pub(crate) generation: NonZeroU32,
    #[cfg(debug_assertions)]
    pub(crate) pool: u32,
}

#[cfg(not(debug_assertions))]
const _: () = assert!(core::mem::size_of::<Option<Handle>>() == 8);
#[cfg(debug_assertions)]
const _: () = assert!(core::mem::size_of::<Option<Handle>>() == 12);

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
        self.generation
    }
}

//! [`PoolKey`]: the handle type a pool hands out, and [`Pooled`]: a value type's own handle.
//!
//! A pool is generic over its key, `Pool<T, K = Handle>`, the way `slotmap` is: the default
//! [`Handle`] works for any value type, and a type-specific newtype (what
//! `#[derive(LakeAlloc)]` with `#[lake(pool)]` generates) makes a handle of one value type
//! impossible to pass to a pool of another — a compile error instead of a lookup of the wrong
//! slot.

use core::fmt;
use core::hash::Hash;

use super::Handle;

/// A handle type for a pool: a thin wrapper around [`Handle`].
///
/// The trait is safe to implement: the pool checks every key it is given (slot index,
/// generation and, in debug builds, pool tag) after converting it with [`handle`], so a wrong
/// implementation can only make lookups miss or find another live value of the same pool —
/// a logic error, never undefined behaviour.
///
/// [`handle`]: PoolKey::handle
///
/// ```
/// use lake::pool::{Handle, Pool, PoolKey};
///
/// /// Keys of a pool of user names.
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// struct UserKey(Handle);
///
/// impl PoolKey for UserKey {
///     fn from_handle(handle: Handle) -> Self {
///         UserKey(handle)
///     }
///     fn handle(self) -> Handle {
///         self.0
///     }
/// }
///
/// let mut users: Pool<String, UserKey> = Pool::keyed(16);
/// let alice: UserKey = users.insert("alice".into());
/// assert_eq!(users[alice], "alice");
/// ```
pub trait PoolKey: Copy + Eq + Hash + fmt::Debug {
    /// Wraps a handle the pool made.
    ///
    /// ```
    /// # use lake::pool::{Handle, PoolKey};
    /// let mut pool = lake::Pool::new();
    /// let h: Handle = pool.insert(1);
    /// assert_eq!(Handle::from_handle(h), h);
    /// ```
    fn from_handle(handle: Handle) -> Self;

    /// The handle inside.
    ///
    /// ```
    /// # use lake::pool::{Handle, PoolKey};
    /// let mut pool = lake::Pool::new();
    /// let h: Handle = pool.insert(1);
    /// assert_eq!(h.handle(), h);
    /// ```
    fn handle(self) -> Handle;
}

impl PoolKey for Handle {
    #[inline]
    fn from_handle(handle: Handle) -> Self {
        handle
    }

    #[inline]
    fn handle(self) -> Handle {
        self
    }
}

/// A value type with its own handle type, as `#[derive(LakeAlloc)]` with `#[lake(pool)]`
/// declares: `Pool<T, T::Handle>` (built by [`Pool::typed`](crate::Pool::typed)) takes and
/// returns only that handle.
///
/// ```
/// use lake::pool::{Handle, Pool, PoolKey, Pooled};
///
/// struct Conn { fd: i32 }
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
/// struct ConnHandle(Handle);
///
/// impl PoolKey for ConnHandle {
///     fn from_handle(handle: Handle) -> Self { ConnHandle(handle) }
///     fn handle(self) -> Handle { self.0 }
/// }
///
/// impl Pooled for Conn {
///     type Handle = ConnHandle;
/// }
///
/// let mut conns = Pool::typed(8);
/// let h: ConnHandle = conns.insert(Conn { fd: 3 });
/// assert_eq!(conns[h].fd, 3);
/// ```
pub trait Pooled: Sized {
    /// The handle type of pools of `Self`.
    type Handle: PoolKey;
}

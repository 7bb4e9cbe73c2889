//! [`PerThreadPool`]: one [`Pool`] per value type per thread, reached with [`with_pool`].

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::any::{Any, TypeId};
use core::cell::RefCell;
use core::fmt;
use core::marker::PhantomData;

use super::Pool;
use crate::error::PerThreadError;

std::thread_local! {
    /// This thread's pools, one per value type, created empty on first use and dropped (with
    /// their values) when the thread exits. Each entry is an `Rc<RefCell<Pool<T>>>`: a call
    /// clones the `Rc` out of the table and releases the table before running user code, so
    /// a closure may use the pools of other types (which may add entries) freely.
    static POOLS: RefCell<Vec<(TypeId, Rc<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// This thread's [`Pool<T>`]: one per value type per thread, created empty on first use and
/// dropped with its values when the thread exits.
///
/// Per-thread, like [`with_lake`](crate::with_lake)'s lake (a `LocalLake` is something else:
/// one thread's handle on a shared `SyncLake`).
///
/// [`with`](PerThreadPool::with) lends `&Pool<T>` — enough to [`acquire`](Pool::acquire) guards,
/// look values up and read stats — and nests freely (a call inside another gets the same
/// pool). [`with_mut`](PerThreadPool::with_mut) lends `&mut Pool<T>` for `insert`/`remove` and
/// refuses ([`try_with_mut`](PerThreadPool::try_with_mut) returns [`PerThreadError::InUse`],
/// `with_mut` panics) instead of aliasing when the pool is already lent out.
/// Guards and references cannot leave the closure, so they never outlive the thread's pool.
///
/// ```
/// use lake::pool::{PerThreadPool, Pool};
///
/// // Once per thread: a recycling pool, so buffers keep their capacity between uses.
/// PerThreadPool::<Vec<u8>>::install(Pool::builder().build_recycling(32));
///
/// fn handle_request(body: &[u8]) -> usize {
///     PerThreadPool::<Vec<u8>>::with(|pool| {
///         let mut buf = pool.acquire(|| Vec::with_capacity(4096));
///         buf.extend_from_slice(body);
///         buf.len()
///     })
/// }
/// assert_eq!(handle_request(b"hello"), 5);
/// assert_eq!(handle_request(b"hi"), 2);
/// assert_eq!(PerThreadPool::<Vec<u8>>::with(|p| p.stats().recycle_hits), 1);
/// ```
pub struct PerThreadPool<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for PerThreadPool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PerThreadPool")
    }
}

impl<T: 'static> PerThreadPool<T> {
    /// This thread's `RefCell<Pool<T>>`, created on first use.
    fn cell() -> Result<Rc<RefCell<Pool<T>>>, PerThreadError> {
        POOLS
            .try_with(|pools| {
                let id = TypeId::of::<T>();
                let existing = pools
                    .borrow()
                    .iter()
                    .find(|(t, _)| *t == id)
                    .map(|(_, any)| Rc::clone(any));
                let any = existing.unwrap_or_else(|| {
                    let fresh: Rc<dyn Any> = Rc::new(RefCell::new(Pool::<T>::new()));
                    pools.borrow_mut().push((id, Rc::clone(&fresh)));
                    fresh
                });
                any.downcast::<RefCell<Pool<T>>>()
                    .unwrap_or_else(|_| unreachable!("entries are keyed by their TypeId"))
            })
            .map_err(|_| PerThreadError::Destroyed)
    }

    /// Runs `f` with `&` this thread's pool of `T`. Nested calls share the pool.
    ///
    /// # Errors
    ///
    /// [`PerThreadError::InUse`] while a [`try_with_mut`](PerThreadPool::try_with_mut) call
    /// holds the pool; [`PerThreadError::Destroyed`] during thread exit. `f` is not called then.
    ///
    /// ```
    /// use lake::pool::PerThreadPool;
    ///
    /// let n = PerThreadPool::<String>::try_with(|pool| {
    ///     let a = pool.acquire(|| "a".to_string());
    ///     let inner = PerThreadPool::<String>::with(|same| same.len());
    ///     inner + a.len()
    /// });
    /// assert_eq!(n, Ok(2));
    /// ```
    pub fn try_with<R>(f: impl FnOnce(&Pool<T>) -> R) -> Result<R, PerThreadError> {
        let cell = Self::cell()?;
        let pool = cell.try_borrow().map_err(|_| PerThreadError::InUse)?;
        Ok(f(&pool))
    }

    /// [`try_with`](PerThreadPool::try_with) that panics with the error's message.
    ///
    /// # Panics
    ///
    /// If a [`with_mut`](PerThreadPool::with_mut) call on this thread holds the pool, or
    /// during thread exit.
    ///
    /// ```
    /// use lake::pool::PerThreadPool;
    ///
    /// assert_eq!(PerThreadPool::<u8>::with(|pool| pool.len()), 0);
    /// ```
    #[track_caller]
    pub fn with<R>(f: impl FnOnce(&Pool<T>) -> R) -> R {
        Self::try_with(f).unwrap_or_else(|e| panic!("lake::pool::PerThreadPool::with: {e}"))
    }

    /// Runs `f` with `&mut` this thread's pool of `T`.
    ///
    /// # Errors
    ///
    /// [`PerThreadError::InUse`] if another call on this thread is using the pool;
    /// [`PerThreadError::Destroyed`] during thread exit. `f` is not called then.
    ///
    /// ```
    /// use lake::pool::PerThreadPool;
    /// use lake::PerThreadError;
    ///
    /// let h = PerThreadPool::<u32>::try_with_mut(|pool| pool.insert(7)).unwrap();
    /// assert_eq!(PerThreadPool::<u32>::with(|pool| pool.get(h).copied()), Some(7));
    /// let busy = PerThreadPool::<u32>::with(|_| PerThreadPool::<u32>::try_with_mut(|_| ()));
    /// assert_eq!(busy, Err(PerThreadError::InUse));
    /// ```
    pub fn try_with_mut<R>(f: impl FnOnce(&mut Pool<T>) -> R) -> Result<R, PerThreadError> {
        let cell = Self::cell()?;
        let mut pool = cell.try_borrow_mut().map_err(|_| PerThreadError::InUse)?;
        Ok(f(&mut pool))
    }

    /// [`try_with_mut`](PerThreadPool::try_with_mut) that panics with the error's message.
    ///
    /// # Panics
    ///
    /// If another call on this thread is using the pool, or during thread exit.
    ///
    /// ```
    /// use lake::pool::PerThreadPool;
    ///
    /// let h = PerThreadPool::<i8>::with_mut(|pool| pool.insert(-1));
    /// assert_eq!(PerThreadPool::<i8>::with(|pool| pool[h]), -1);
    /// ```
    #[track_caller]
    pub fn with_mut<R>(f: impl FnOnce(&mut Pool<T>) -> R) -> R {
        Self::try_with_mut(f).unwrap_or_else(|e| panic!("lake::pool::PerThreadPool::with_mut: {e}"))
    }

    /// Replaces this thread's pool of `T` with `pool` (e.g. a recycling or fixed one) and
    /// returns the old one, with its values.
    ///
    /// # Errors
    ///
    /// [`PerThreadError::InUse`] while a call on this thread is using the pool (`pool` is
    /// dropped); [`PerThreadError::Destroyed`] during thread exit.
    ///
    /// ```
    /// use lake::pool::{PerThreadPool, Pool};
    ///
    /// let old = PerThreadPool::<char>::try_install(Pool::fixed(2)).unwrap();
    /// assert!(old.is_empty());
    /// assert_eq!(PerThreadPool::<char>::with(|p| p.capacity()), 2);
    /// ```
    pub fn try_install(pool: Pool<T>) -> Result<Pool<T>, PerThreadError> {
        let cell = Self::cell()?;
        let mut current = cell.try_borrow_mut().map_err(|_| PerThreadError::InUse)?;
        Ok(core::mem::replace(&mut *current, pool))
    }

    /// [`try_install`](PerThreadPool::try_install) that panics with the error's message.
    ///
    /// # Panics
    ///
    /// If a call on this thread is using the pool, or during thread exit.
    ///
    /// ```
    /// use lake::pool::{PerThreadPool, Pool};
    ///
    /// PerThreadPool::<u16>::install(Pool::fixed(3));
    /// assert_eq!(PerThreadPool::<u16>::with(|p| p.capacity()), 3);
    /// ```
    #[track_caller]
    pub fn install(pool: Pool<T>) -> Pool<T> {
        Self::try_install(pool)
            .unwrap_or_else(|e| panic!("lake::pool::PerThreadPool::install: {e}"))
    }
}

/// Runs `f` with `&` this thread's pool of `T`: [`PerThreadPool::with`] as a free function,
/// the pool counterpart of [`with_lake`](crate::with_lake).
///
/// # Panics
///
/// If a [`PerThreadPool::with_mut`] call on this thread holds the pool, or during thread exit
/// (see [`try_with_pool`]).
///
/// ```
/// let len = lake::pool::with_pool(|pool: &lake::Pool<Vec<u8>>| {
///     let mut buf = pool.acquire(Vec::new);
///     buf.push(1);
///     buf.len()
/// });
/// assert_eq!(len, 1);
/// ```
#[track_caller]
pub fn with_pool<T: 'static, R>(f: impl FnOnce(&Pool<T>) -> R) -> R {
    match PerThreadPool::<T>::try_with(f) {
        Ok(r) => r,
        Err(e) => panic!("lake::pool::with_pool: {e}"),
    }
}

/// [`with_pool`] that returns the error instead of panicking: [`PerThreadPool::try_with`] as
/// a free function, the pool counterpart of [`try_with_lake`](crate::try_with_lake).
///
/// # Errors
///
/// As [`PerThreadPool::try_with`].
///
/// ```
/// let len = lake::pool::try_with_pool(|pool: &lake::Pool<u8>| pool.len());
/// assert_eq!(len, Ok(0));
/// ```
pub fn try_with_pool<T: 'static, R>(f: impl FnOnce(&Pool<T>) -> R) -> Result<R, PerThreadError> {
    PerThreadPool::<T>::try_with(f)
}

//! [`LocalPool`]: one [`Pool`] per value type per thread, reached with [`with_pool`].

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::any::{Any, TypeId};
use core::cell::RefCell;
use core::fmt;
use core::marker::PhantomData;

use super::Pool;

std::thread_local! {
    /// This thread's pools, one per value type, created empty on first use and dropped (with
    /// their values) when the thread exits. Each entry is an `Rc<RefCell<Pool<T>>>`: a call
    /// clones the `Rc` out of the table and releases the table before running user code, so
    /// a closure may use the pools of other types (which may add entries) freely.
    static POOLS: RefCell<Vec<(TypeId, Rc<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// Why this thread's pool of a type could not be used.
///
/// ```
/// use lake::pool::{LocalPool, LocalPoolError};
///
/// let err = LocalPool::<u8>::with(|_| LocalPool::<u8>::with_mut(|_| ())).unwrap().unwrap_err();
/// assert_eq!(err, LocalPoolError::InUse);
/// assert!(err.to_string().contains("in use"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LocalPoolError {
    /// Exclusive access ([`LocalPool::with_mut`], [`LocalPool::install`]) was asked for while
    /// another call on this thread is using the same pool.
    InUse,
    /// The thread is exiting and its pools were already dropped (a call from another
    /// thread-local's destructor).
    Destroyed,
}

impl fmt::Display for LocalPoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalPoolError::InUse => f.write_str(
                "this thread's pool of that type is in use by a running call on this thread; \
                 exclusive access must wait until it returns",
            ),
            LocalPoolError::Destroyed => f.write_str(
                "this thread's pools were already dropped because the thread is exiting",
            ),
        }
    }
}

impl std::error::Error for LocalPoolError {}

/// This thread's [`Pool<T>`]: one per value type per thread, created empty on first use and
/// dropped with its values when the thread exits.
///
/// [`with`](LocalPool::with) lends `&Pool<T>` — enough to [`acquire`](Pool::acquire) guards,
/// look values up and read stats — and nests freely (a call inside another gets the same
/// pool). [`with_mut`](LocalPool::with_mut) lends `&mut Pool<T>` for `insert`/`remove` and
/// returns [`LocalPoolError::InUse`] instead of aliasing when the pool is already lent out.
/// Guards and references cannot leave the closure, so they never outlive the thread's pool.
///
/// ```
/// use lake::pool::{LocalPool, Pool};
///
/// // Once per thread: a recycling pool, so buffers keep their capacity between uses.
/// LocalPool::<Vec<u8>>::install(Pool::builder().build_recycling(32)).unwrap();
///
/// fn handle_request(body: &[u8]) -> usize {
///     LocalPool::<Vec<u8>>::with(|pool| {
///         let mut buf = pool.acquire(|| Vec::with_capacity(4096));
///         buf.extend_from_slice(body);
///         buf.len()
///     })
///     .unwrap()
/// }
/// assert_eq!(handle_request(b"hello"), 5);
/// assert_eq!(handle_request(b"hi"), 2);
/// assert_eq!(LocalPool::<Vec<u8>>::with(|p| p.stats().recycle_hits).unwrap(), 1);
/// ```
pub struct LocalPool<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for LocalPool<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LocalPool")
    }
}

impl<T: 'static> LocalPool<T> {
    /// This thread's `RefCell<Pool<T>>`, created on first use.
    fn cell() -> Result<Rc<RefCell<Pool<T>>>, LocalPoolError> {
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
            .map_err(|_| LocalPoolError::Destroyed)
    }

    /// Runs `f` with `&` this thread's pool of `T`. Nested calls share the pool.
    ///
    /// # Errors
    ///
    /// [`LocalPoolError::InUse`] while a [`with_mut`](LocalPool::with_mut) call holds the pool;
    /// [`LocalPoolError::Destroyed`] during thread exit. `f` is not called then.
    ///
    /// ```
    /// use lake::pool::LocalPool;
    ///
    /// let n = LocalPool::<String>::with(|pool| {
    ///     let a = pool.acquire(|| "a".to_string());
    ///     let inner = LocalPool::<String>::with(|same| same.len()).unwrap();
    ///     inner + a.len()
    /// });
    /// assert_eq!(n, Ok(2));
    /// ```
    pub fn with<R>(f: impl FnOnce(&Pool<T>) -> R) -> Result<R, LocalPoolError> {
        let cell = Self::cell()?;
        let pool = cell.try_borrow().map_err(|_| LocalPoolError::InUse)?;
        Ok(f(&pool))
    }

    /// Runs `f` with `&mut` this thread's pool of `T`.
    ///
    /// # Errors
    ///
    /// [`LocalPoolError::InUse`] if another call on this thread is using the pool;
    /// [`LocalPoolError::Destroyed`] during thread exit. `f` is not called then.
    ///
    /// ```
    /// use lake::pool::LocalPool;
    ///
    /// let h = LocalPool::<u32>::with_mut(|pool| pool.insert(7)).unwrap();
    /// assert_eq!(LocalPool::<u32>::with(|pool| pool.get(h).copied()), Ok(Some(7)));
    /// ```
    pub fn with_mut<R>(f: impl FnOnce(&mut Pool<T>) -> R) -> Result<R, LocalPoolError> {
        let cell = Self::cell()?;
        let mut pool = cell.try_borrow_mut().map_err(|_| LocalPoolError::InUse)?;
        Ok(f(&mut pool))
    }

    /// Replaces this thread's pool of `T` with `pool` (e.g. a recycling or fixed one) and
    /// returns the old one, with its values.
    ///
    /// # Errors
    ///
    /// [`LocalPoolError::InUse`] while a call on this thread is using the pool (`pool` is
    /// dropped); [`LocalPoolError::Destroyed`] during thread exit.
    ///
    /// ```
    /// use lake::pool::{LocalPool, Pool};
    ///
    /// let old = LocalPool::<char>::install(Pool::fixed(2)).unwrap();
    /// assert!(old.is_empty());
    /// assert_eq!(LocalPool::<char>::with(|p| p.capacity()), Ok(2));
    /// ```
    pub fn install(pool: Pool<T>) -> Result<Pool<T>, LocalPoolError> {
        let cell = Self::cell()?;
        let mut current = cell.try_borrow_mut().map_err(|_| LocalPoolError::InUse)?;
        Ok(core::mem::replace(&mut *current, pool))
    }
}

/// Runs `f` with `&` this thread's pool of `T`: [`LocalPool::with`] as a free function.
///
/// # Panics
///
/// If a [`LocalPool::with_mut`] call on this thread holds the pool, or during thread exit.
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
    match LocalPool::<T>::with(f) {
        Ok(r) => r,
        Err(e) => panic!("lake::pool::with_pool: {e}"),
    }
}

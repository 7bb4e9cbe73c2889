//! Errors returned by the fallible (`try_`) functions: allocation, rewinding, droplets, the
//! per-thread lake and pools, and pools.

use core::fmt;

/// Why an allocation could not be served.
///
/// Every infallible allocation function has a `try_` twin that returns this instead of
/// panicking. The variants say which budget ran out, so a caller can react: a fixed lake that
/// is full can be reset, a limit can be raised, an invalid request can be fixed at the call site.
///
/// ```
/// use lake::{AllocError, Lake};
///
/// let lake = Lake::fixed(64);
/// let err = lake.try_alloc_slice_copy(&[0u8; 100]).unwrap_err();
/// assert_eq!(err, AllocError::CapacityExceeded { requested: 100, remaining: 64 });
/// assert!(err.to_string().contains("fixed lake"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AllocError {
    /// A fixed-capacity lake (`Lake::fixed`, or a builder with `fixed()`) has too little room
    /// left in its only chunk.
    CapacityExceeded {
        /// Bytes asked for.
        requested: usize,
        /// Bytes still free in the lake (before alignment padding).
        remaining: usize,
    },
    /// Growing the lake would take its total chunk bytes past the limit set with
    /// `LakeBuilder::limit`.
    LimitExceeded {
        /// Bytes asked for.
        requested: usize,
        /// The configured limit on total chunk bytes.
        limit: usize,
        /// Chunk bytes the lake holds already.
        allocated: usize,
    },
    /// The global allocator refused to provide a new chunk, or the chunk would exceed
    /// `isize::MAX` bytes.
    OutOfMemory {
        /// Size in bytes of the chunk (or request) that could not be provided.
        requested: usize,
    },
    /// The request does not describe a valid memory block: `len × size_of::<T>()` overflows,
    /// or the size rounded up to the alignment exceeds `isize::MAX`.
    InvalidLayout {
        /// Element size in bytes.
        elem_size: usize,
        /// Element count.
        len: usize,
        /// Requested alignment.
        align: usize,
    },
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AllocError::CapacityExceeded { requested, remaining } => write!(
                f,
                "lake capacity exceeded: requested {requested} bytes but only {remaining} remain \
                 in this fixed lake; reset it, or create it with a larger capacity or as a growing lake"
            ),
            AllocError::LimitExceeded { requested, limit, allocated } => write!(
                f,
                "lake limit exceeded: requested {requested} bytes, but the lake already holds \
                 {allocated} of its {limit}-byte limit; reset it or raise the limit"
            ),
            AllocError::OutOfMemory { requested } => write!(
                f,
                "out of memory: the global allocator could not provide {requested} bytes for a \
                 new lake chunk; free memory elsewhere, reset the lake, or make smaller requests"
            ),
            AllocError::InvalidLayout { elem_size, len, align } => write!(
                f,
                "invalid layout: {len} elements of {elem_size} bytes aligned to {align} exceed \
                 isize::MAX bytes; split the request"
            ),
        }
    }
}

impl core::error::Error for AllocError {}

impl AllocError {
    /// Panics with this error's message; the shared cold path of the infallible functions.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn panic(self) -> ! {
        panic!("lake allocation failed: {self}")
    }
}

/// Why a rewind (to a snapshot or a mark) was refused. Nothing is changed when it is.
///
/// ```
/// use lake::{Lake, RewindError};
///
/// let mut a = Lake::new();
/// let b = Lake::new();
/// let snap = b.snapshot();
/// assert_eq!(a.rewind(&snap), Err(RewindError::ForeignLake));
/// assert_eq!(a.reset_to_mark(), Err(RewindError::NoMark));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RewindError {
    /// The snapshot was taken from another lake.
    ForeignLake,
    /// The lake was reset, or rewound to a point before the snapshot was taken, since; the
    /// memory the snapshot describes may already belong to newer allocations.
    Stale,
    /// `reset_to_mark`, `move_mark` or `pop_mark` was called with no mark set.
    NoMark,
}

impl fmt::Display for RewindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RewindError::ForeignLake => "rewind refused: the snapshot belongs to another lake",
            RewindError::Stale => {
                "rewind refused: the snapshot is stale (the lake was reset or rewound past it)"
            }
            RewindError::NoMark => "rewind refused: no mark is set (call `mark()` first)",
        })
    }
}

impl core::error::Error for RewindError {}

/// Why a droplet could not be resolved.
///
/// ```
/// use lake::{DropletError, Lake};
///
/// let mut lake = Lake::new();
/// let drop = lake.droplet::<4>();
/// assert_eq!(drop.status(&lake), Ok(()));
/// lake.reset();
/// assert_eq!(drop.status(&lake), Err(DropletError::Stale));
/// assert_eq!(drop.status(&Lake::new()), Err(DropletError::ForeignLake));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DropletError {
    /// The droplet was made by another lake.
    ForeignLake,
    /// The lake was reset, or rewound to a point before the droplet was made, since.
    Stale,
}

impl fmt::Display for DropletError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropletError::ForeignLake => "droplet belongs to another lake",
            DropletError::Stale => "droplet is stale (its lake was reset or rewound past it)",
        })
    }
}

impl core::error::Error for DropletError {}

/// Why this thread's lake ([`try_with_lake`](crate::try_with_lake),
/// [`thread_lake_init`](crate::thread_lake_init)) or this thread's pool of a type
/// ([`PerThreadPool`](crate::pool::PerThreadPool)) could not be used.
///
/// ```
/// use lake::{thread_lake_init, with_lake, PerThreadError};
///
/// let err = with_lake(|_| thread_lake_init(1 << 20)).unwrap_err();
/// assert_eq!(err, PerThreadError::InUse);
/// assert!(err.to_string().contains("in use"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PerThreadError {
    /// Exclusive access was asked for while a running call on this thread uses the same lake
    /// or pool: [`thread_lake_init`](crate::thread_lake_init) inside
    /// [`with_lake`](crate::with_lake) (the lake holds live allocations and cannot be
    /// replaced), or `try_with_mut` / `try_install` of a
    /// [`PerThreadPool`](crate::pool::PerThreadPool) that another call has lent out.
    InUse,
    /// The thread is exiting and its per-thread lake and pools were already dropped (a call
    /// from another thread-local's destructor).
    Destroyed,
    /// A new per-thread lake's first chunk could not be allocated
    /// ([`thread_lake_init`](crate::thread_lake_init) only).
    Alloc(AllocError),
}

impl fmt::Display for PerThreadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PerThreadError::InUse => f.write_str(
                "this thread's lake or pool is in use by a running call on this thread; \
                 exclusive access (init, install, with_mut) must wait until that call returns",
            ),
            PerThreadError::Destroyed => f.write_str(
                "this thread's lake and pools were already dropped because the thread is exiting",
            ),
            PerThreadError::Alloc(e) => write!(f, "the thread's lake could not be built: {e}"),
        }
    }
}

impl core::error::Error for PerThreadError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            PerThreadError::Alloc(e) => Some(e),
            _ => None,
        }
    }
}

/// The error of a pool's `try_insert` / `try_acquire` on a full pool: the value (or, for
/// [`Pool::try_acquire`](crate::Pool::try_acquire), the unused `init`), handed back.
///
/// ```
/// use lake::{Full, Pool};
///
/// let mut pool = Pool::fixed(1);
/// pool.insert(1);
/// let err: Full<i32> = pool.try_insert(2).unwrap_err();
/// assert!(err.to_string().contains("full"));
/// assert_eq!(err.into_inner(), 2);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Full<T>(pub T);

impl<T> Full<T> {
    /// The value that did not fit.
    ///
    /// ```
    /// assert_eq!(lake::Full("x").into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Full(..)")
    }
}

impl<T> fmt::Display for Full<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "pool is full: it is fixed or at its max_capacity; the value is returned in the \
             error — remove values, or build the pool with more capacity",
        )
    }
}

impl<T> core::error::Error for Full<T> {}

/// Why a pool's `try_remove` gave no value. Nothing changed in the pool when it returns one.
///
/// ```
/// use lake::{RemoveError, SharedPool};
///
/// let pool = SharedPool::new();
/// let h = pool.insert(String::from("job"));
/// let reading = pool.get(h).unwrap();
/// assert_eq!(pool.try_remove(h), Err(RemoveError::Borrowed));
/// drop(reading);
/// assert_eq!(pool.try_remove(h).as_deref(), Ok("job"));
/// assert_eq!(pool.try_remove(h), Err(RemoveError::Stale));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemoveError {
    /// The key's value was removed already; the key is stale.
    Stale,
    /// The value is there but a [`Ref`](crate::pool::Ref) of a
    /// [`SharedPool`](crate::SharedPool) reads it, so it cannot be moved out; the key stays
    /// live. (Never returned by [`Pool`](crate::Pool), whose removal takes `&mut self`.)
    Borrowed,
}

impl fmt::Display for RemoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RemoveError::Stale => "the key is stale: its value was removed already",
            RemoveError::Borrowed => {
                "the value is being read through a Ref and cannot be moved out; nothing changed \
                 (discard it to have the last reader drop it)"
            }
        })
    }
}

impl core::error::Error for RemoveError {}

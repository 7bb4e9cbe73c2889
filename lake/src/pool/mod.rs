//! Typed pools: values in reusable slots, with generational [`Handle`]s, RAII [`PoolBox`]
//! guards and [`Recycle`]-based reuse.
//!
//! ```
//! use lake::{Pool, Recycle};
//!
//! let mut pool = Pool::with_capacity(1024);
//! let h = pool.insert(String::from("conn"));
//! assert_eq!(pool.get(h).map(String::as_str), Some("conn"));
//! assert_eq!(pool.remove(h).as_deref(), Some("conn"));
//! assert!(pool.get(h).is_none()); // stale handles resolve to None
//! ```
//!
//! One file per concept: [`Handle`] (`handle.rs`), [`PoolKey`] and [`Pooled`] for typed
//! handles (`key.rs`), the slot layout (`slot.rs`), [`Pool`] (`pool.rs`), its builder
//! (`builder.rs`) and iterators (`iter.rs`), [`PoolBox`] (`boxed.rs`), [`Recycle`]
//! (`recycle.rs`), [`PoolStats`] (`stats.rs`), [`CacheAligned`] slots (`aligned.rs`) and the
//! thread-local [`LocalPool`] (`local.rs`, feature `std`); generation and growth arithmetic is in
//! `math::generation`.

mod aligned;
mod boxed;
mod builder;
mod handle;
mod iter;
mod key;
#[cfg(feature = "std")]
mod local;
#[allow(clippy::module_inception)]
mod pool;
mod recycle;
#[cfg(any(loom, target_has_atomic = "64"))]
mod shared;
mod slot;
mod stats;

pub use self::aligned::CacheAligned;
pub use self::boxed::PoolBox;
pub use self::builder::{Full, PoolBuilder};
pub use self::handle::Handle;
pub use self::iter::{Drain, Iter, IterMut};
pub use self::key::{PoolKey, Pooled};
#[cfg(feature = "std")]
pub use self::local::{with_pool, LocalPool, LocalPoolError};
pub use self::pool::Pool;
pub use self::recycle::Recycle;
#[cfg(all(feature = "async", any(loom, target_has_atomic = "64")))]
pub use self::shared::{AcquireAsync, AcquireError};
#[cfg(any(loom, target_has_atomic = "64"))]
pub use self::shared::{Ref, SharedPool, SharedPoolBox, SharedPoolStats, TakeError};
pub use self::stats::PoolStats;

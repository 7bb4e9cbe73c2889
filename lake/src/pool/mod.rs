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
//! [`Pool`] (one thread, `&mut self` to remove) and [`SharedPool`] (any number of threads,
//! lock-free) share one vocabulary: `insert`/`try_insert`, `get`, `contains`, `remove` (the
//! value, or `None`; the key is stale afterwards), `try_remove` (the value, or a
//! [`RemoveError`](crate::RemoveError) saying why not, changing nothing), `discard` (drop or
//! recycle the value; whether the key was live), `acquire`/`try_acquire` (a guard owning a
//! new value), `builder()`, `len`, `capacity` and `stats`. Keys are `key: K` everywhere
//! ([`Handle`], or a [`PoolKey`] of your own).
//!
//! One file per concept: [`Handle`] (`handle.rs`), [`PoolKey`] and [`Pooled`] for typed
//! handles (`key.rs`), the slot layout (`slot.rs`), [`Pool`] (`single_thread.rs`), its
//! builder (`builder.rs`), iterators (`iter.rs`) and recycling state (`recycling.rs`),
//! [`PoolBox`] (`boxed.rs`), [`Recycle`] (`recycle.rs`), [`PoolStats`] (`stats.rs`),
//! [`CacheAligned`] slots (`aligned.rs`), the per-thread [`PerThreadPool`] (`per_thread.rs`,
//! feature `std`) and [`SharedPool`] (`shared/`); generation and growth arithmetic is in
//! `math::generation`.

mod aligned;
mod boxed;
mod builder;
mod handle;
mod iter;
mod key;
#[cfg(feature = "std")]
mod per_thread;
mod recycle;
mod recycling;
#[cfg(any(loom, target_has_atomic = "64"))]
mod shared;
mod single_thread;
mod slot;
mod stats;

pub use self::aligned::CacheAligned;
pub use self::boxed::PoolBox;
pub use self::builder::PoolBuilder;
pub use self::handle::Handle;
pub use self::iter::{Drain, Iter, IterMut};
pub use self::key::{PoolKey, Pooled};
#[cfg(feature = "std")]
pub use self::per_thread::{try_with_pool, with_pool, PerThreadPool};
pub use self::recycle::Recycle;
#[cfg(all(feature = "async", any(loom, target_has_atomic = "64")))]
pub use self::shared::{AcquireAsync, AcquireError};
#[cfg(any(loom, target_has_atomic = "64"))]
pub use self::shared::{Ref, SharedPool, SharedPoolBox, SharedPoolBuilder, SharedPoolStats};
pub use self::single_thread::Pool;
pub use self::stats::PoolStats;

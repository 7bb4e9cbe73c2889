//! # lake — arena memory you can trust
//!
//! `lake` is a bump arena for programs whose bottleneck is allocation: parsers, packet
//! pipelines, game loops, request handlers. Allocation is a pointer bump; everything is freed
//! at once. Every safe function is sound for every input: use-after-reset is a compile error,
//! impossible requests are typed errors, and the test suite runs under miri with both aliasing
//! models.
//!
//! ```
//! use lake::Lake;
//!
//! let mut lake = Lake::new();
//! for request in 0..3 {
//!     let path = lake.alloc_fmt(format_args!("/items/{request}"));
//!     let parts = lake.alloc_iter(path.split('/').filter(|p| !p.is_empty()));
//!     assert_eq!(parts.len(), 2);
//!     lake.reset(); // one free for the whole request
//! }
//! ```
//!
//! The arena is [`Lake`]; [`LakeBox`] owns a value in a lake and drops it; [`AllocError`]
//! says why a `try_` allocation failed. `&Lake` implements
//! [`allocator_api2::alloc::Allocator`], so `allocator_api2::vec::Vec<T, &Lake>` and
//! `hashbrown::HashMap<K, V, S, &Lake>` allocate from the lake.
//!
//! [`wire`] parses and builds packet headers in place: `#[lake::packet]` on a `#[repr(C)]`
//! struct of [`be`] / [`le`] integers gives zero-copy views with validated length fields, and
//! `#[derive(LakeAlloc)]` gives any struct `new_in(&lake, ..)` constructors (or, with
//! `#[lake(pool)]`, a typed pool handle).
//!
//! [`pool`] holds typed pools with generational handles: [`Pool`] for one thread,
//! [`SharedPool`] (lock-free) for many, and [`PerThreadPool`] for one
//! pool per type per thread.
//!
//! [`bytes`] (feature `bytes-arenas`, default) hands out buffers from fixed, buddy and
//! size-class byte arenas; a buffer implements `bytes::BufMut` and freezes into
//! `bytes::Bytes` without a copy, its block going back to the arena when the last `Bytes`
//! drops.
//!
//! ## Re-exports
//!
//! The crate root re-exports what users reach for: the arenas, the pools and their handles,
//! guards and builders, every error type, the per-thread lake and pool entry points, and
//! [`CacheAligned`]. Everything else (iterators, stats and key traits of the pools, packet
//! types) is reached through its module, [`pool`] or [`wire`].
//!
//! ## Features
//!
//! The features of `lake/Cargo.toml`, each described by the comment above it there:
//!
//! - `std` (default): the per-thread lake ([`with_lake`]) and pools
//!   ([`PerThreadPool`]), which need `std`'s thread-locals; the core is
//!   `no_std` + `alloc`, and every error implements `core::error::Error` either way.
//! - `count-allocations`: exact allocation counters, `LakeStats::allocations` and
//!   [`PoolStats::inserts`] / [`PoolStats::removes`] (`None` without it). Off by default:
//!   each counter is one more store per allocation or insert, measurable in allocation-bound
//!   loops. `len`, capacity and the high-water mark are exact either way.
//! - `bytes-arenas` (default; needs `std`): [`bytes`], byte arenas whose buffers freeze into
//!   `bytes::Bytes` without a copy.
//! - `async` (implies `std`): `SharedPool::acquire_async` waits for a free slot of a full
//!   fixed pool, and `allocate_async` on the byte arenas for a block, with any executor (no
//!   runtime dependency; the waiter queue takes no lock).
#![no_std]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(all(feature = "bytes-arenas", any(loom, target_has_atomic = "64")))]
pub mod bytes;
mod error;
#[allow(clippy::module_inception)]
mod lake;
mod math;
pub mod pool;
mod sync;
pub mod wire;

/// How each allocator works and why each `unsafe` block is sound: the repository's
/// `IMPLEMENTATION.md`, compiled into the docs so that its links are checked with the code.
#[cfg(any(doc, doctest))]
#[doc = include_str!("../../IMPLEMENTATION.md")]
pub mod implementation {}

#[doc(hidden)]
pub mod __private;

pub use crate::error::{AllocError, DropletError, Full, PerThreadError, RemoveError, RewindError};
pub use crate::lake::*;
#[cfg(all(feature = "async", any(loom, target_has_atomic = "64")))]
pub use crate::pool::AcquireError;
#[cfg(feature = "std")]
pub use crate::pool::{try_with_pool, with_pool, PerThreadPool};
pub use crate::pool::{
    CacheAligned, Handle, Pool, PoolBox, PoolBuilder, PoolKey, PoolStats, Pooled, Recycle,
};
#[cfg(any(loom, target_has_atomic = "64"))]
pub use crate::pool::{Ref, SharedPool, SharedPoolBox, SharedPoolBuilder};

pub use crate::wire::endian::{be, le};

/// Makes a `#[repr(C)]` struct a zero-copy packet header; see [`wire`].
pub use lake_derive::packet;
/// Derives lake-allocation constructors, typed pool handles, or packet views; see
/// [`lake_derive`](https://docs.rs/lake-derive) and [`wire`].
pub use lake_derive::LakeAlloc;

/// Re-exported so users name the same `Allocator` trait the lake implements.
pub use allocator_api2;

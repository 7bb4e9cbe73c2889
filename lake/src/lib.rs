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
//! `lake::bytes` (feature `bytes-arenas`, default) hands out buffers from fixed, buddy and
//! size-class byte arenas; a buffer implements `bytes::BufMut` and freezes into
//! `bytes::Bytes` without a copy, its block going back to the arena when the last `Bytes`
//! drops.
//!
//! ## Features
//!
//! - `std` (default): nothing yet beyond `alloc`; the core is `no_std` + `alloc`.
//! - `bytes-arenas` (default; needs `std`): [`bytes`], byte arenas whose buffers freeze into
//!   `bytes::Bytes` without a copy.
//! - `async`: `allocate_async` on the byte arenas and `SharedPool::acquire_async`.
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

#[doc(hidden)]
pub mod __private;

pub use crate::error::{AllocError, DropletError, RewindError};
pub use crate::lake::*;
pub use crate::pool::{Handle, Pool, PoolBox, PoolBuilder, PoolKey, PoolStats, Pooled, Recycle};
#[cfg(any(loom, target_has_atomic = "64"))]
pub use crate::pool::{SharedPool, SharedPoolBox};

pub use crate::wire::endian::{be, le};

/// Makes a `#[repr(C)]` struct a zero-copy packet header; see [`wire`].
pub use lake_derive::packet;
/// Derives lake-allocation constructors, typed pool handles, or packet views; see
/// [`lake_derive`](https://docs.rs/lake-derive) and [`wire`].
pub use lake_derive::LakeAlloc;

/// Re-exported so users name the same `Allocator` trait the lake implements.
pub use allocator_api2;

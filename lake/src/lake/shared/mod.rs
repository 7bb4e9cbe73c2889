//! Shared lakes: [`SyncLake`] (a `Sync` arena with a lock-free CAS bump), [`LocalLake`] (a
//! per-thread fast path taking slabs from a `SyncLake`), [`LakeCache`] (warm lakes for tasks)
//! and [`GlobalLake`] (a `GlobalAlloc` serving a region of the process's allocations from a
//! lake). All need the `std` feature (the slow paths take a `Mutex`).
//!
//! See IMPLEMENTATION.md §3 (repository root) for the layout, the CAS protocol and why each
//! `unsafe` block is sound.

#[cfg(feature = "std")]
mod allocator;
#[cfg(feature = "std")]
mod cache;
#[cfg(feature = "std")]
mod chunk;
#[cfg(feature = "std")]
mod global;
#[cfg(feature = "std")]
mod local;
#[cfg(feature = "std")]
mod sync_lake;

#[cfg(all(test, loom))]
mod global_loom;
#[cfg(all(test, loom))]
mod loom_models;

#[cfg(feature = "std")]
pub use cache::{CachedLake, LakeCache};
#[cfg(feature = "std")]
pub use global::{GlobalLake, GlobalLakeStats, GlobalRegion};
#[cfg(feature = "std")]
pub use local::LocalLake;
#[cfg(feature = "std")]
pub use sync_lake::SyncLake;

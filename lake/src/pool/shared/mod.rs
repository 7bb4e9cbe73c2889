//! [`SharedPool`]: a `Sync`, lock-free typed pool with generational handles.
//!
//! One file per layer: the integer protocol (`state.rs`, `#![forbid(unsafe_code)]`: state
//! word, transitions, page geometry, free bitmap), slots and pages (`page.rs`), the pool and
//! its guards (`pool.rs`, whose module docs state the protocol). Loom models of the protocol
//! are in `loom_models.rs` (`.ci/loom.sh`).

#[cfg(feature = "async")]
mod asynch;
mod page;
#[allow(clippy::module_inception)]
mod pool;
mod state;
mod take;

#[cfg(all(test, loom))]
mod loom_models;
#[cfg(all(test, loom, feature = "async"))]
mod waiters_loom;

#[cfg(feature = "async")]
pub use self::asynch::{AcquireAsync, AcquireError};
pub use self::pool::{Ref, SharedPool, SharedPoolBox, SharedPoolStats};
pub use self::take::TakeError;

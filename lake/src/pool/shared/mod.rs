//! [`SharedPool`]: a `Sync`, lock-free typed pool with generational handles.
//!
//! One file per concept: the integer protocol (`state.rs`, `#![forbid(unsafe_code)]`: state
//! word, transitions, page geometry), slots and pages over the shared free bitmap
//! (`page.rs`), the pool itself (`pool.rs`, whose module docs state the protocol), its
//! builder (`builder.rs`), removal — `remove`, `try_remove`, `discard` — (`remove.rs`), the
//! [`Ref`] and [`SharedPoolBox`] guards (`guards.rs`), and waiting for a slot
//! (`asynch.rs`, feature `async`). Loom models of the protocol are in `loom_models.rs` and
//! `waiters_loom.rs` (`.ci/loom.sh`).

#[cfg(feature = "async")]
mod asynch;
mod builder;
mod guards;
mod page;
mod pool;
mod remove;
mod state;

#[cfg(all(test, loom))]
mod loom_models;
#[cfg(all(test, loom, feature = "async"))]
mod waiters_loom;

#[cfg(feature = "async")]
pub use self::asynch::{AcquireAsync, AcquireError};
pub use self::builder::SharedPoolBuilder;
pub use self::guards::{Ref, SharedPoolBox};
pub use self::pool::{SharedPool, SharedPoolStats};

//! Shared lakes: `SyncLake` (a `Sync` arena with an atomic bump), `LocalLake` (a per-thread
//! fast path taking chunks from a `SyncLake`) and `LakeCache` (warm lakes for tasks).
//!
//! (Work in progress: nothing here yet.)

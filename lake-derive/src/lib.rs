//! Derive macros for `lake`.
//!
//! Placeholder crate: `#[derive(LakeAlloc)]` and `#[lake::packet]` are planned (see the
//! project's design notes); today the crate only builds, so the workspace layout is final.
#![deny(missing_docs)]

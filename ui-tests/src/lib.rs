//! Placeholder; see the crate's tests.

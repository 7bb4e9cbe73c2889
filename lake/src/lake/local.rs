//! The thread-local lake: `lake::with_lake(|lake| …)`.
//!
//! (Work in progress: nothing here yet.)

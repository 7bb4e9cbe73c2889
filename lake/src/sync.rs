//! One facade for atomics and cells shared between threads: `core`'s types normally, loom's
//! under `cfg(loom)`, so every lock-free protocol can be model-checked.
//!
//! (Work in progress: nothing uses it yet.)

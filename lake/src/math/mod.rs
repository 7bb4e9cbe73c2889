//! Integer-only arithmetic behind the allocators.
//!
//! Nothing in here touches memory: every function maps integers to integers (or `None` when the
//! answer does not fit), so it can be property-tested against a naive model and reasoned about in
//! isolation. The `unsafe` shells elsewhere only turn the checked integers these functions return
//! into pointers.
#![forbid(unsafe_code)]

pub mod bitmap;
pub mod buddy;
pub mod bump;
pub mod chunk;
pub mod generation;
pub mod keys;
pub mod size_class;

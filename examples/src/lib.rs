//! Placeholder; the runnable examples live in `examples/` (`cargo run -p lake-examples
//! --example tour`).

/// The README's code blocks, compiled and run as doc tests so the quick start stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

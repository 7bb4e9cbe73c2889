//! Shared code of lake's runnable examples (`examples/`; `cargo run -p lake-examples
//! --example tour`, `cargo run -p lake-examples --example pcap_analyzer`):
//!
//! - [`pcap`]: a classic libpcap reader that copies records into a [`lake::Lake`], and a
//!   writer.

pub mod pcap;

/// The README's code blocks, compiled and run as doc tests so the quick start stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

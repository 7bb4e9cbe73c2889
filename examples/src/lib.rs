//! Shared code of lake's runnable examples (`examples/`; `cargo run -p lake-examples
//! --example tour`, `cargo run -p lake-examples --example pcap_analyzer`):
//!
//! - [`proto`]: Ethernet II, IPv4, IPv6, TCP, UDP, ICMP and ICMPv6 headers, each a
//!   `#[lake::packet]` struct (used by the pcap analyzer, the W7 benchmark and the tests);
//! - [`analyze`]: decoding a frame layer by layer, and the analyzer's traffic summary;
//! - [`pcap`]: a classic libpcap reader that copies records into a [`lake::Lake`], and a
//!   writer;
//! - [`sample`]: a deterministic sample capture, built with the packet constructors.

pub mod analyze;
pub mod pcap;
pub mod proto;
pub mod sample;

/// The README's code blocks, compiled and run as doc tests so the quick start stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

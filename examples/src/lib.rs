//! Shared code of lake's runnable examples: the `lake-pcap` capture analyzer
//! (`cargo run --release -p lake-examples --bin lake-pcap`) and the examples in `examples/`
//! (`cargo run -p lake-examples --example tour`).
//!
//! - [`proto`]: Ethernet II, VLAN, Linux SLL/SLL2, IPv4, IPv6 and its extension headers, TCP,
//!   UDP, ICMP and ICMPv6, each a `#[lake::packet]` struct;
//! - [`capture`]: classic pcap and pcapng files read in place (container headers are
//!   `#[lake::packet]` views in both byte orders);
//! - [`decode`]: one frame decoded layer by layer, cut frames told apart from malformed ones;
//! - [`flow`]: the flow table (counters in a [`lake::Pool`]);
//! - [`stats`]: the counters of an analysis; [`analyzer`]: batches and threads;
//!   [`report`]: the text and JSON summary;
//! - [`embedded`]: the capture analysed when no file is given;
//! - [`sample`]: synthetic frames built with the packet constructors.

pub mod analyzer;
pub mod capture;
pub mod decode;
pub mod embedded;
pub mod flow;
pub mod proto;
pub mod report;
pub mod sample;
pub mod stats;

/// The README's code blocks, compiled and run as doc tests so the quick start stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

//! The capture `lake-pcap` analyses when given no file: real traffic recorded with tcpdump on
//! the loopback interface (`examples/data/loopback.pcap`, made by
//! `examples/data/make_captures.sh`).
//!
//! ```
//! use lake_examples::capture::Capture;
//!
//! let cap = Capture::open(lake_examples::embedded::LOOPBACK_PCAP)?;
//! assert_eq!(cap.format().name(), "pcap");
//! # Ok::<(), lake_examples::capture::ContainerError>(())
//! ```

/// The bytes of `examples/data/loopback.pcap`.
pub static LOOPBACK_PCAP: &[u8] = include_bytes!("../data/loopback.pcap");

/// The name reports give the embedded capture.
pub const NAME: &str = "(embedded loopback.pcap)";

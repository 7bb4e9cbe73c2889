//! The container headers of classic pcap and pcapng, each a `#[lake::packet]` struct in two
//! byte orders: [`le`] (files written on little-endian machines) and [`be`].
//!
//! A file's byte order is known from its magic number (classic pcap) or its section's
//! byte-order magic (pcapng); the walkers then read every header of that file or section
//! through the views of the matching module, so no field is ever swapped by hand.
//!
//! ```
//! use lake_examples::capture::headers::{be, le};
//!
//! let rec = [1, 0, 0, 0, 2, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0];
//! let (h, _) = le::PcapRecordHeader::parse(&rec)?;
//! assert_eq!((h.ts_sec(), h.ts_frac(), h.incl_len(), h.orig_len()), (1, 2, 60, 60));
//! let (h, _) = be::PcapRecordHeader::parse(&rec)?;
//! assert_eq!(h.ts_sec(), 0x0100_0000);
//! # Ok::<(), lake::wire::Error>(())
//! ```

pub mod be;
pub mod le;

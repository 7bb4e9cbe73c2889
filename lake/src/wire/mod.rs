//! Zero-copy packet views: parse headers in place, build them in a lake.
//!
//! A packet type is a `#[repr(C)]` struct whose fields are its wire bytes (`u8`, `[u8; N]`,
//! [`be`](crate::be) / [`le`](crate::le) integers, nested packets). `#[lake::packet]` checks
//! that shape, derives the zerocopy traits and implements [`Packet`]; the generic [`View`] and
//! [`ViewMut`] then do the work:
//!
//! | | read-only | mutable |
//! |---|---|---|
//! | from bytes | `P::parse(buf)` → `(View, rest)` | `P::parse_mut(buf)` → `(ViewMut, rest)` |
//! | in a lake | — | `P::new_in(&lake, payload_len)`, [`Lake::packet`](crate::Lake::packet) |
//! | finish | — | `view_mut.finish()` → `View` (stamps lengths) |
//!
//! Every failure is one [`Error`] naming the packet, its offset and the reason.
//!
//! No code here (or in the derive's output) is `unsafe`: every cast from bytes is zerocopy's
//! size-checked `*_from_prefix_with_elems`, and a payload's length is slice metadata, so a
//! wrong length field can make a parse fail but never read out of bounds.
//!
//! ```
//! use lake::be::U16;
//!
//! #[lake::packet]
//! #[repr(C)]
//! pub struct Ipv4Header {
//!     #[lake(bits(version = 4, ihl = 4), value(version = 4), header_len(ihl, scale = 4))]
//!     pub ver_ihl: u8,
//!     pub tos: u8,
//!     #[lake(length(total, min = 20))]
//!     pub total_len: U16,
//!     pub id: U16,
//!     #[lake(bits(flags = 3, frag_offset = 13))]
//!     pub frag: U16,
//!     pub ttl: u8,
//!     pub proto: u8,
//!     pub checksum: U16,
//!     pub src: [u8; 4],
//!     pub dst: [u8; 4],
//! }
//!
//! let lake = lake::Lake::new();
//! let mut ip = Ipv4Header::new_in(&lake, 8)?;
//! ip.set_ttl(64);
//! ip.set_flags(0b010);
//! ip.set_dst([10, 0, 0, 1]);
//! let ip = ip.finish()?;
//! let (parsed, rest) = Ipv4Header::parse(ip.as_bytes())?;
//! assert_eq!((parsed.version(), parsed.ihl(), parsed.total_len()), (4, 5, 28));
//! assert_eq!((parsed.ttl(), parsed.flags(), parsed.dst()), (64, 0b010, &[10, 0, 0, 1]));
//! assert!(rest.is_empty());
//!
//! let err = Ipv4Header::parse(&[0x45, 0, 0]).unwrap_err();
//! assert_eq!(err.to_string(), "Ipv4Header: truncated: need 20 bytes, buffer has 3");
//! # Ok::<(), lake::wire::Error>(())
//! ```
#![forbid(unsafe_code)]

pub(crate) mod build;
mod checksum;
pub(crate) mod endian;
mod error;
mod locate;
mod packet;
mod view;
mod view_mut;

pub use self::checksum::{checksum, Checksum};
pub use self::error::{Error, ErrorKind};
pub use self::packet::{Extent, Packet, WithPayload};
pub use self::view::View;
pub use self::view_mut::ViewMut;

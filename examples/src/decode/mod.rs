//! Decoding captured frames layer by layer through the [`proto`](crate::proto) views, with
//! frames cut at the snap length told apart from malformed ones.
//!
//! - [`decode_frame`]: link layer (Ethernet with VLAN tags, Linux SLL/SLL2, raw IP) → IPv4 /
//!   IPv6 (extension headers walked) → TCP / UDP / ICMP / ICMPv6, as [`Decoded`] views;
//! - [`Cut`]: one header of a possibly cut frame;
//! - [`Fault`]: the layer, [`Reason`] and [`FaultKind`] of a frame that did not decode.

mod fault;
mod frame;
mod layer;

pub use fault::{Fault, FaultKind, Layer, Reason};
pub use frame::{
    decode_frame, Decoded, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2,
    LINKTYPE_RAW, MAX_EXT_HEADERS, MAX_VLAN_TAGS,
};
pub use layer::Cut;

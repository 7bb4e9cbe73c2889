//! IPv6 fixed header (RFC 8200). Extension headers are the payload's business: their
//! `next_header` chain starts at [`Ipv6Header::next_header`].

use lake::be::{U16, U32};

/// An IPv6 header: 40 bytes, then `payload_len` bytes of payload (extension headers
/// included). `parse` rejects a version other than 6 and a `payload_len` past the buffer.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Ipv6Header {
    /// Version (4 bits, always 6), traffic class (8 bits) and flow label (20 bits).
    #[lake(
        bits(version = 4, traffic_class = 8, flow_label = 20),
        value(version = 6)
    )]
    pub ver_tc_flow: U32,
    /// Payload bytes after this 40-byte header.
    #[lake(length(payload))]
    pub payload_len: U16,
    /// Protocol of the first header after this one ([`ip_proto`](super::ip_proto)).
    pub next_header: u8,
    /// Hop limit.
    pub hop_limit: u8,
    /// Source address.
    pub src: [u8; 16],
    /// Destination address.
    pub dst: [u8; 16],
}

//! ICMPv6 (RFC 4443).

use lake::be::U16;

/// ICMPv6 type of "destination unreachable".
pub const DEST_UNREACHABLE: u8 = 1;
/// ICMPv6 type of an echo request.
pub const ECHO_REQUEST: u8 = 128;
/// ICMPv6 type of an echo reply.
pub const ECHO_REPLY: u8 = 129;
/// ICMPv6 type of a neighbor solicitation.
pub const NEIGHBOR_SOLICITATION: u8 = 135;

/// An ICMPv6 header: 8 bytes (the last four type-specific: identifier and sequence number for
/// echo messages), then the payload.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Icmpv6Header {
    /// Message type ([`ECHO_REQUEST`], …).
    pub msg_type: u8,
    /// Message code (meaning depends on the type).
    pub code: u8,
    /// Checksum over the IPv6 pseudo-header and the message.
    pub checksum: U16,
    /// Echo identifier (other types: first half of the message body).
    pub ident: U16,
    /// Echo sequence number (other types: second half of the message body).
    pub seq: U16,
}

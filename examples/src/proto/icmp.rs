//! ICMP for IPv4 (RFC 792).

use lake::be::U16;

/// ICMP type of an echo reply.
pub const ECHO_REPLY: u8 = 0;
/// ICMP type of "destination unreachable".
pub const DEST_UNREACHABLE: u8 = 3;
/// ICMP type of an echo request.
pub const ECHO_REQUEST: u8 = 8;
/// ICMP type of "time exceeded".
pub const TIME_EXCEEDED: u8 = 11;

/// An ICMP header: 8 bytes, then the payload (the rest of the IP payload). The last four
/// bytes depend on the type: identifier and sequence number for echo messages, unused or
/// type-specific otherwise.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct IcmpHeader {
    /// Message type ([`ECHO_REQUEST`], …).
    pub msg_type: u8,
    /// Message code (meaning depends on the type).
    pub code: u8,
    /// Checksum over the ICMP message.
    pub checksum: U16,
    /// Echo identifier (other types: first half of the rest of the header).
    pub ident: U16,
    /// Echo sequence number (other types: second half of the rest of the header).
    pub seq: U16,
}

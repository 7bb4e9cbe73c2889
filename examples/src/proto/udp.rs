//! UDP header (RFC 768).

use lake::be::U16;

/// A UDP header: 8 bytes, then the payload up to `length`. `parse` rejects a `length` below 8
/// or past the buffer.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct UdpHeader {
    /// Source port.
    pub src_port: U16,
    /// Destination port.
    pub dst_port: U16,
    /// Header + payload bytes.
    #[lake(length(total, min = 8))]
    pub length: U16,
    /// Checksum over the pseudo-header, header and payload (0: none, IPv4 only).
    pub checksum: U16,
}

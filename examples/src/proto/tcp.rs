//! TCP header (RFC 9293), options included.

use lake::be::{U16, U32};

/// FIN in [`TcpHeader::flags`].
pub const FIN: u16 = 0x001;
/// SYN in [`TcpHeader::flags`].
pub const SYN: u16 = 0x002;
/// RST in [`TcpHeader::flags`].
pub const RST: u16 = 0x004;
/// PSH in [`TcpHeader::flags`].
pub const PSH: u16 = 0x008;
/// ACK in [`TcpHeader::flags`].
pub const ACK: u16 = 0x010;

/// A TCP header: 20 fixed bytes, then `data_offset × 4 − 20` option bytes
/// ([`View::options`](lake::wire::View::options)). TCP has no length field: the payload is
/// the rest of the buffer, so parse it from the IP payload. `parse` rejects a data offset
/// below 5 or past the buffer.
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct TcpHeader {
    /// Source port.
    pub src_port: U16,
    /// Destination port.
    pub dst_port: U16,
    /// Sequence number.
    pub seq: U32,
    /// Acknowledgment number.
    pub ack: U32,
    /// Data offset (4 bits: header length in 32-bit words), 3 reserved bits and the 9 flag
    /// bits (NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
    #[lake(
        bits(data_offset = 4, reserved = 3, flags = 9),
        header_len(data_offset, scale = 4)
    )]
    pub offset_flags: U16,
    /// Receive window.
    pub window: U16,
    /// Checksum over the pseudo-header, header and payload.
    pub checksum: U16,
    /// Urgent pointer.
    pub urgent: U16,
}

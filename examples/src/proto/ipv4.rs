//! IPv4 header (RFC 791), options included.

use lake::be::U16;

/// "Don't fragment" in [`Ipv4Header::flags`].
pub const FLAG_DF: u8 = 0b010;
/// "More fragments" in [`Ipv4Header::flags`].
pub const FLAG_MF: u8 = 0b001;

/// An IPv4 header: 20 fixed bytes, then `ihl × 4 − 20` option bytes
/// ([`View::options`](lake::wire::View::options)), then the payload up to `total_len`.
///
/// `parse` rejects a version other than 4, an IHL below 5 or past the buffer, and a
/// `total_len` below the header length or past the buffer; Ethernet padding after
/// `total_len` is left out of the payload. The header checksum is not verified by `parse`
/// (check it with [`lake::wire::checksum`] over the header bytes).
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Ipv4Header {
    /// Version (4 bits, always 4) and IHL (4 bits: header length in 32-bit words).
    #[lake(
        bits(version = 4, ihl = 4),
        value(version = 4),
        header_len(ihl, scale = 4)
    )]
    pub ver_ihl: u8,
    /// Type of service: DSCP (6 bits) and ECN (2 bits).
    #[lake(bits(dscp = 6, ecn = 2))]
    pub tos: u8,
    /// Header + payload bytes.
    #[lake(length(total, min = 20))]
    pub total_len: U16,
    /// Identification, for reassembly.
    pub id: U16,
    /// Flags (3 bits: reserved, DF, MF) and fragment offset (13 bits, in 8-byte units).
    #[lake(bits(flags = 3, frag_offset = 13))]
    pub frag: U16,
    /// Time to live.
    pub ttl: u8,
    /// Protocol of the payload ([`ip_proto`](super::ip_proto)).
    pub proto: u8,
    /// Header checksum.
    pub checksum: U16,
    /// Source address.
    pub src: [u8; 4],
    /// Destination address.
    pub dst: [u8; 4],
}

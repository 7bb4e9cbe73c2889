//! IPv6 extension headers (RFC 8200 §4): Hop-by-Hop Options, Routing, Fragment and
//! Destination Options. Each starts with the protocol of the next header; all but Fragment
//! give their own length in 8-byte units, not counting the first 8 bytes.

use lake::be::{U16, U32};

/// Hop-by-Hop Options header (`next_header` 0).
pub const HOP_BY_HOP: u8 = 0;
/// Routing header.
pub const ROUTING: u8 = 43;
/// Fragment header.
pub const FRAGMENT: u8 = 44;
/// "No next header".
pub const NO_NEXT_HEADER: u8 = 59;
/// Destination Options header.
pub const DESTINATION_OPTIONS: u8 = 60;

/// Whether protocol number `next_header` is an extension header this module walks.
///
/// ```
/// use lake_examples::proto::ipv6_ext::{is_extension, FRAGMENT};
/// assert!(is_extension(FRAGMENT));
/// assert!(!is_extension(6)); // TCP
/// ```
pub fn is_extension(next_header: u8) -> bool {
    matches!(
        next_header,
        HOP_BY_HOP | ROUTING | FRAGMENT | DESTINATION_OPTIONS
    )
}

/// The first 8 bytes every walked extension header has: the next header, the length field,
/// and six bytes whose meaning depends on the header. The whole header is
/// [`Ipv6ExtHeader::len_bytes`] long.
///
/// ```
/// use lake_examples::proto::Ipv6ExtHeader;
///
/// let hop_by_hop = [17, 1, 0, 0, 0, 0, 0, 0, /* 8 more option bytes */ 1, 6, 0, 0, 0, 0, 0, 0];
/// let (ext, _) = Ipv6ExtHeader::parse(&hop_by_hop)?;
/// assert_eq!((ext.next_header(), ext.len_bytes()), (17, 16));
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Ipv6ExtHeader {
    /// Protocol of the header after this one.
    pub next_header: u8,
    /// Length in 8-byte units, not counting the first 8 bytes (reserved in a Fragment header).
    pub hdr_ext_len: u8,
    /// Header-specific bytes.
    pub data: [u8; 6],
}

impl Ipv6ExtHeader {
    /// Length of the whole extension header in bytes, `(hdr_ext_len + 1) × 8`. Not for a
    /// Fragment header (the previous header's `next_header` says which it is): that one is
    /// always 8 bytes and its length byte is reserved.
    ///
    /// ```
    /// # use lake_examples::proto::Ipv6ExtHeader;
    /// let (ext, _) = Ipv6ExtHeader::parse(&[59, 0, 0, 0, 0, 0, 0, 0])?;
    /// assert_eq!(ext.len_bytes(), 8);
    /// # Ok::<(), lake::wire::Error>(())
    /// ```
    pub fn len_bytes(&self) -> usize {
        (usize::from(self.hdr_ext_len) + 1) * 8
    }
}

/// An IPv6 Fragment header: 8 bytes.
///
/// ```
/// use lake_examples::proto::Ipv6FragmentHeader;
///
/// let (frag, _) = Ipv6FragmentHeader::parse(&[17, 0, 0x00, 0xb9, 0, 0, 0, 42])?;
/// assert_eq!((frag.offset(), frag.more(), frag.ident()), (23, 1, 42));
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Ipv6FragmentHeader {
    /// Protocol of the fragmented payload.
    pub next_header: u8,
    /// Reserved.
    pub reserved: u8,
    /// Fragment offset (13 bits, 8-byte units), 2 reserved bits, "more fragments" (1 bit).
    #[lake(bits(offset = 13, res = 2, more = 1))]
    pub frag: U16,
    /// Identification shared by the fragments of one packet.
    pub ident: U32,
}

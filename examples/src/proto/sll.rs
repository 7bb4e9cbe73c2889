//! Linux "cooked" capture headers, written by `tcpdump -i any`: SLL (link type 113) and SLL2
//! (link type 276). They replace the Ethernet header; `protocol` is an EtherType.

use lake::be::{U16, U32};

/// The 16-byte header of link type `LINUX_SLL` (113).
///
/// ```
/// use lake_examples::proto::SllHeader;
///
/// let mut rec = [0u8; 17];
/// rec[14..16].copy_from_slice(&0x86ddu16.to_be_bytes());
/// let (sll, _) = SllHeader::parse(&rec)?;
/// assert_eq!((sll.protocol(), sll.payload().len()), (0x86dd, 1));
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct SllHeader {
    /// 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    pub packet_type: U16,
    /// ARPHRD_ type of the interface (1 Ethernet, 772 loopback, …).
    pub arphrd: U16,
    /// Bytes of `addr` that hold the link-layer source address.
    pub addr_len: U16,
    /// Link-layer source address, zero-padded.
    pub addr: [u8; 8],
    /// EtherType of the payload.
    pub protocol: U16,
}

/// The 20-byte header of link type `LINUX_SLL2` (276).
///
/// ```
/// use lake_examples::proto::Sll2Header;
///
/// let mut rec = [0u8; 20];
/// rec[0..2].copy_from_slice(&0x0800u16.to_be_bytes());
/// rec[7] = 3; // interface index 3
/// let (sll, _) = Sll2Header::parse(&rec)?;
/// assert_eq!((sll.protocol(), sll.ifindex()), (0x0800, 3));
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct Sll2Header {
    /// EtherType of the payload.
    pub protocol: U16,
    /// Reserved (zero).
    pub reserved: U16,
    /// Index of the interface the packet was seen on.
    pub ifindex: U32,
    /// ARPHRD_ type of that interface.
    pub arphrd: U16,
    /// Same values as [`SllHeader::packet_type`].
    pub packet_type: u8,
    /// Bytes of `addr` that hold the link-layer address.
    pub addr_len: u8,
    /// Link-layer address, zero-padded.
    pub addr: [u8; 8],
}

//! Container headers in little-endian byte order.

use lake::le::{U16, U32, U64};

/// The 24-byte global header of a classic pcap file.
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::PcapGlobalHeader::parse(&[0u8; 24])?;
/// assert_eq!(h.snaplen(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct PcapGlobalHeader {
    /// `0xa1b2c3d4` (microsecond timestamps) or `0xa1b23c4d` (nanoseconds).
    pub magic: U32,
    /// Major version (2).
    pub version_major: U16,
    /// Minor version (4).
    pub version_minor: U16,
    /// Time zone offset (always 0 in practice).
    pub thiszone: U32,
    /// Timestamp accuracy (always 0 in practice).
    pub sigfigs: U32,
    /// Largest number of bytes captured per packet.
    pub snaplen: U32,
    /// Link type of every record (and, in the top bits, an FCS length some writers set).
    pub linktype: U32,
}

/// The 16-byte header before each record of a classic pcap file.
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::PcapRecordHeader::parse(&[0u8; 16])?;
/// assert_eq!(h.incl_len(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct PcapRecordHeader {
    /// Seconds since the Unix epoch.
    pub ts_sec: U32,
    /// Microseconds or nanoseconds (the file's magic says which).
    pub ts_frac: U32,
    /// Bytes captured, which follow this header.
    pub incl_len: U32,
    /// Length of the packet on the wire.
    pub orig_len: U32,
}

/// The first 8 bytes of every pcapng block: its type and total length (the length is
/// repeated in the block's last 4 bytes).
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::BlockHeader::parse(&[0u8; 8])?;
/// assert_eq!(h.block_type(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct BlockHeader {
    /// Block type (`0x0a0d0d0a` section header, 1 interface description, 6 enhanced
    /// packet, 3 simple packet, …).
    pub block_type: U32,
    /// Length of the whole block in bytes, a multiple of 4.
    pub total_len: U32,
}

/// The body of a pcapng Section Header Block, after the [`BlockHeader`].
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::SectionHeader::parse(&[0u8; 16])?;
/// assert_eq!(h.version_major(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct SectionHeader {
    /// `0x1a2b3c4d` in the section's byte order.
    pub byte_order_magic: U32,
    /// Major version (1).
    pub version_major: U16,
    /// Minor version (0).
    pub version_minor: U16,
    /// Length of the section in bytes, or -1 when not known.
    pub section_len: U64,
}

/// The body of a pcapng Interface Description Block, before its options.
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::InterfaceDescription::parse(&[0u8; 8])?;
/// assert_eq!(h.linktype(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct InterfaceDescription {
    /// Link type of the interface's packets.
    pub linktype: U16,
    /// Reserved.
    pub reserved: U16,
    /// Largest number of bytes captured per packet (0: no limit).
    pub snaplen: U32,
}

/// The body of a pcapng Enhanced Packet Block, before the packet bytes.
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::EnhancedPacket::parse(&[0u8; 20])?;
/// assert_eq!(h.cap_len(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct EnhancedPacket {
    /// Index of the interface (in the section's order of Interface Description Blocks).
    pub interface_id: U32,
    /// High 32 bits of the timestamp, in the interface's `if_tsresol` units.
    pub ts_high: U32,
    /// Low 32 bits of the timestamp.
    pub ts_low: U32,
    /// Bytes captured, which follow (padded to 4).
    pub cap_len: U32,
    /// Length of the packet on the wire.
    pub orig_len: U32,
}

/// The body of a pcapng Simple Packet Block, before the packet bytes.
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::SimplePacket::parse(&[0u8; 4])?;
/// assert_eq!(h.orig_len(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct SimplePacket {
    /// Length of the packet on the wire; the captured bytes are the block's rest, at
    /// most this many.
    pub orig_len: U32,
}

/// One option of a pcapng block: code, value length, value padded to 4.
///
/// ```
/// let (h, _) = lake_examples::capture::headers::le::BlockOption::parse(&[0u8; 4])?;
/// assert_eq!(h.code(), 0);
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct BlockOption {
    /// Option code (0 ends the list; 9 in an Interface Description is `if_tsresol`).
    pub code: U16,
    /// Length of the value, before padding.
    pub len: U16,
}

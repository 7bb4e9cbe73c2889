//! IEEE 802.1Q / 802.1ad VLAN tag: the four bytes after the MAC addresses of a tagged frame.

use lake::be::U16;

/// EtherType of an 802.1ad service tag (the outer tag of a "Q-in-Q" frame).
pub const ETHERTYPE_QINQ: u16 = 0x88a8;
/// EtherType some switches use for the outer tag of a Q-in-Q frame (pre-standard).
pub const ETHERTYPE_QINQ_OLD: u16 = 0x9100;

/// A VLAN tag as it follows an EtherType of 0x8100 or 0x88a8: the tag control information,
/// then the EtherType of what the tag carries.
///
/// ```
/// use lake_examples::proto::VlanTag;
///
/// let (tag, rest) = VlanTag::parse(&[0x20, 0x64, 0x08, 0x00, 0x45])?;
/// assert_eq!((tag.pcp(), tag.vid(), tag.ethertype()), (1, 100, 0x0800));
/// assert_eq!(tag.payload(), &[0x45]);
/// assert!(rest.is_empty());
/// # Ok::<(), lake::wire::Error>(())
/// ```
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct VlanTag {
    /// Priority code point (3 bits), drop eligible indicator (1 bit), VLAN identifier (12 bits).
    #[lake(bits(pcp = 3, dei = 1, vid = 12))]
    pub tci: U16,
    /// Type of the payload (another tag, IPv4, IPv6, …).
    pub ethertype: U16,
}

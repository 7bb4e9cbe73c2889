//! Ethernet II (DIX) frame header, without the frame check sequence.

use lake::be::U16;

/// EtherType of IPv4.
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType of ARP.
pub const ETHERTYPE_ARP: u16 = 0x0806;
/// EtherType of IPv6.
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
/// EtherType of an 802.1Q VLAN tag.
pub const ETHERTYPE_VLAN: u16 = 0x8100;

/// An Ethernet II header: 14 bytes. It has no length field, so the payload is the rest of the
/// frame (including any padding to the 60-byte minimum; the IP layer's length cuts it off).
#[lake::packet]
#[repr(C)]
#[derive(Debug)]
pub struct EthernetHeader {
    /// Destination MAC address.
    pub dst: [u8; 6],
    /// Source MAC address.
    pub src: [u8; 6],
    /// Type of the payload ([`ETHERTYPE_IPV4`], [`ETHERTYPE_IPV6`], …).
    pub ethertype: U16,
}

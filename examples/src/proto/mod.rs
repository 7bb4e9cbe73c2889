//! Packet headers of the common Internet protocols, each one `#[lake::packet]` struct: the
//! definitions `lake-pcap`, the W7 benchmark and the protocol tests share.
//!
//! | module | type | variable part | checked by `parse` |
//! |---|---|---|---|
//! | [`ethernet`] | [`EthernetHeader`] | payload = rest of the frame | 14 bytes |
//! | [`ipv4`] | [`Ipv4Header`] | options (`ihl`), payload up to `total_len` | version 4, `ihl ≥ 5`, `total_len` |
//! | [`ipv6`] | [`Ipv6Header`] | payload of `payload_len` bytes | version 6, `payload_len` |
//! | [`tcp`] | [`TcpHeader`] | options (`data_offset`), payload = rest | `data_offset ≥ 5` |
//! | [`udp`] | [`UdpHeader`] | payload up to `length` | `8 ≤ length ≤ buffer` |
//! | [`icmp`] | [`IcmpHeader`] | payload = rest | 8 bytes |
//! | [`icmpv6`] | [`Icmpv6Header`] | payload = rest | 8 bytes |
//! | [`vlan`] | [`VlanTag`] | payload = rest | 4 bytes |
//! | [`sll`] | [`SllHeader`], [`Sll2Header`] | payload = rest | 16 / 20 bytes |
//! | [`ipv6_ext`] | [`Ipv6ExtHeader`], [`Ipv6FragmentHeader`] | length walked by the caller | 8 bytes |
//!
//! Layers chain through the payload of the layer below:
//!
//! ```
//! use lake_examples::proto::{ethernet, EthernetHeader, Ipv4Header, UdpHeader};
//!
//! # let frame = lake_examples::sample::dns_query_frame();
//! let (eth, _) = EthernetHeader::parse(&frame)?;
//! assert_eq!(eth.ethertype(), ethernet::ETHERTYPE_IPV4);
//! let (ip, _) = Ipv4Header::parse(eth.payload())?;
//! let (udp, _) = UdpHeader::parse(ip.payload())?;
//! assert_eq!(udp.dst_port(), 53);
//! # Ok::<(), lake::wire::Error>(())
//! ```

pub mod ethernet;
pub mod icmp;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod ipv6_ext;
pub mod sll;
pub mod tcp;
pub mod udp;
pub mod vlan;

pub use ethernet::{EthernetHeader, EthernetHeaderView};
pub use icmp::{IcmpHeader, IcmpHeaderView};
pub use icmpv6::{Icmpv6Header, Icmpv6HeaderView};
pub use ipv4::{Ipv4Header, Ipv4HeaderView};
pub use ipv6::{Ipv6Header, Ipv6HeaderView};
pub use ipv6_ext::{Ipv6ExtHeader, Ipv6ExtHeaderView, Ipv6FragmentHeader, Ipv6FragmentHeaderView};
pub use sll::{Sll2Header, Sll2HeaderView, SllHeader, SllHeaderView};
pub use tcp::{TcpHeader, TcpHeaderView};
pub use udp::{UdpHeader, UdpHeaderView};
pub use vlan::{VlanTag, VlanTagView};

/// IANA protocol numbers (IPv4 `proto`, IPv6 `next_header`) the examples decode.
pub mod ip_proto {
    /// Internet Control Message Protocol (IPv4).
    pub const ICMP: u8 = 1;
    /// Transmission Control Protocol.
    pub const TCP: u8 = 6;
    /// User Datagram Protocol.
    pub const UDP: u8 = 17;
    /// ICMP for IPv6.
    pub const ICMPV6: u8 = 58;
}

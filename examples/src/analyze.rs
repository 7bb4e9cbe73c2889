//! Decoding one Ethernet frame into its layers, and the traffic summary the pcap analyzer
//! prints.
//!
//! ```
//! use lake_examples::analyze::{decode, Network, Transport};
//!
//! let frame = lake_examples::sample::dns_query_frame();
//! let d = decode(&frame)?;
//! assert!(matches!(d.network, Network::Ipv4(_)));
//! assert!(matches!(d.transport, Some(Transport::Udp(udp)) if udp.dst_port() == 53));
//! # Ok::<(), lake::wire::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use lake::wire;

use crate::proto::{
    ethernet, ip_proto, EthernetHeader, EthernetHeaderView, IcmpHeader, IcmpHeaderView,
    Icmpv6Header, Icmpv6HeaderView, Ipv4Header, Ipv4HeaderView, Ipv6Header, Ipv6HeaderView,
    TcpHeader, TcpHeaderView, UdpHeader, UdpHeaderView,
};

/// The network layer of a frame.
#[derive(Clone, Copy, Debug)]
pub enum Network<'a> {
    /// An IPv4 packet.
    Ipv4(Ipv4HeaderView<'a>),
    /// An IPv6 packet.
    Ipv6(Ipv6HeaderView<'a>),
    /// Any other EtherType (ARP, VLAN-tagged, …): not decoded further.
    Other(u16),
}

/// The transport layer of an IP packet.
#[derive(Clone, Copy, Debug)]
pub enum Transport<'a> {
    /// A TCP segment.
    Tcp(TcpHeaderView<'a>),
    /// A UDP datagram.
    Udp(UdpHeaderView<'a>),
    /// An ICMP message (over IPv4).
    Icmp(IcmpHeaderView<'a>),
    /// An ICMPv6 message.
    Icmpv6(Icmpv6HeaderView<'a>),
    /// Another protocol number, or a non-first IPv4 fragment (no transport header in it).
    Other(u8),
}

/// A frame decoded as far as this module knows its layers: zero-copy views into the frame.
#[derive(Clone, Copy, Debug)]
pub struct Decoded<'a> {
    /// The Ethernet header.
    pub ethernet: EthernetHeaderView<'a>,
    /// The network layer.
    pub network: Network<'a>,
    /// The transport layer, for IP packets.
    pub transport: Option<Transport<'a>>,
}

impl Decoded<'_> {
    /// Source and destination address, for IP packets.
    pub fn addresses(&self) -> Option<(IpAddr, IpAddr)> {
        match self.network {
            Network::Ipv4(ip) => Some((
                Ipv4Addr::from(*ip.src()).into(),
                Ipv4Addr::from(*ip.dst()).into(),
            )),
            Network::Ipv6(ip) => Some((
                Ipv6Addr::from(*ip.src()).into(),
                Ipv6Addr::from(*ip.dst()).into(),
            )),
            Network::Other(_) => None,
        }
    }

    /// Source and destination port, for TCP and UDP.
    pub fn ports(&self) -> Option<(u16, u16)> {
        match self.transport {
            Some(Transport::Tcp(t)) => Some((t.src_port(), t.dst_port())),
            Some(Transport::Udp(u)) => Some((u.src_port(), u.dst_port())),
            _ => None,
        }
    }

    /// A short protocol label: `"IPv4/TCP"`, `"IPv6/ICMPv6"`, `"ARP"`, …
    pub fn label(&self) -> &'static str {
        let ip = match self.network {
            Network::Ipv4(_) => "IPv4",
            Network::Ipv6(_) => "IPv6",
            Network::Other(ethernet::ETHERTYPE_ARP) => return "ARP",
            Network::Other(_) => return "other link",
        };
        match (ip, self.transport) {
            ("IPv4", Some(Transport::Tcp(_))) => "IPv4/TCP",
            ("IPv4", Some(Transport::Udp(_))) => "IPv4/UDP",
            ("IPv4", Some(Transport::Icmp(_))) => "IPv4/ICMP",
            ("IPv6", Some(Transport::Tcp(_))) => "IPv6/TCP",
            ("IPv6", Some(Transport::Udp(_))) => "IPv6/UDP",
            ("IPv6", Some(Transport::Icmpv6(_))) => "IPv6/ICMPv6",
            ("IPv4", _) => "IPv4/other",
            _ => "IPv6/other",
        }
    }
}

/// Decodes Ethernet → IPv4/IPv6 → TCP/UDP/ICMP/ICMPv6. Each layer is parsed from the payload
/// of the one below, so IP lengths cut off Ethernet padding and UDP/TCP see exactly the IP
/// payload. An error names the layer and its byte offset in the frame.
///
/// # Errors
///
/// The first layer that does not parse, as a [`wire::Error`] with its offset in the frame.
pub fn decode(frame: &[u8]) -> Result<Decoded<'_>, wire::Error> {
    let (eth, _) = EthernetHeader::parse(frame)?;
    let net_at = eth.header_len();
    let (network, transport) = match eth.ethertype() {
        ethernet::ETHERTYPE_IPV4 => {
            let (ip, _) = Ipv4Header::parse(eth.payload()).map_err(|e| e.at(net_at))?;
            let at = net_at + ip.header_len();
            // Only the first fragment carries the transport header.
            let transport = if ip.frag_offset() != 0 {
                Transport::Other(ip.proto())
            } else {
                transport(ip.proto(), ip.payload()).map_err(|e| e.at(at))?
            };
            (Network::Ipv4(ip), Some(transport))
        }
        ethernet::ETHERTYPE_IPV6 => {
            let (ip, _) = Ipv6Header::parse(eth.payload()).map_err(|e| e.at(net_at))?;
            let at = net_at + ip.header_len();
            let transport = transport(ip.next_header(), ip.payload()).map_err(|e| e.at(at))?;
            (Network::Ipv6(ip), Some(transport))
        }
        other => (Network::Other(other), None),
    };
    Ok(Decoded {
        ethernet: eth,
        network,
        transport,
    })
}

fn transport(proto: u8, bytes: &[u8]) -> Result<Transport<'_>, wire::Error> {
    Ok(match proto {
        ip_proto::TCP => Transport::Tcp(TcpHeader::parse(bytes)?.0),
        ip_proto::UDP => Transport::Udp(UdpHeader::parse(bytes)?.0),
        ip_proto::ICMP => Transport::Icmp(IcmpHeader::parse(bytes)?.0),
        ip_proto::ICMPV6 => Transport::Icmpv6(Icmpv6Header::parse(bytes)?.0),
        other => Transport::Other(other),
    })
}

/// Packets and bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Count {
    /// Packets.
    pub packets: u64,
    /// Bytes on the wire (the records' original lengths).
    pub bytes: u64,
}

impl Count {
    fn add(&mut self, bytes: u64) {
        self.packets += 1;
        self.bytes += bytes;
    }
}

/// A malformed frame: its position in the capture and why it did not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// Index of the record in the capture (0-based).
    pub index: u64,
    /// The error of the first layer that did not parse.
    pub error: wire::Error,
}

/// The traffic summary: totals, per protocol, per talker, malformed frames.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// All records.
    pub total: Count,
    /// Decoded frames per [`Decoded::label`].
    pub per_protocol: BTreeMap<&'static str, Count>,
    /// Packets and bytes sent, per source address.
    pub talkers: HashMap<IpAddr, Count>,
    /// Packets per destination port (TCP and UDP).
    pub dst_ports: BTreeMap<u16, u64>,
    /// Every frame that did not decode.
    pub malformed: Vec<Malformed>,
}

impl Summary {
    /// Counts record `index` (`wire_len` bytes on the wire) with its decoding result.
    pub fn add(&mut self, index: u64, wire_len: u64, decoded: &Result<Decoded<'_>, wire::Error>) {
        self.total.add(wire_len);
        match decoded {
            Ok(d) => {
                self.per_protocol
                    .entry(d.label())
                    .or_default()
                    .add(wire_len);
                if let Some((src, _)) = d.addresses() {
                    self.talkers.entry(src).or_default().add(wire_len);
                }
                if let Some((_, dst_port)) = d.ports() {
                    *self.dst_ports.entry(dst_port).or_default() += 1;
                }
            }
            Err(error) => self.malformed.push(Malformed {
                index,
                error: *error,
            }),
        }
    }

    /// The `n` sources that sent the most bytes, largest first (ties by address).
    pub fn top_talkers(&self, n: usize) -> Vec<(IpAddr, Count)> {
        let mut all: Vec<(IpAddr, Count)> = self.talkers.iter().map(|(a, c)| (*a, *c)).collect();
        all.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }
}

//! Decoding one captured frame, link layer to transport, into views of its headers.

use crate::proto::{
    ethernet, ip_proto, ipv6_ext, vlan, EthernetHeader, IcmpHeader, Icmpv6Header, Ipv4Header,
    Ipv6ExtHeader, Ipv6FragmentHeader, Ipv6Header, Sll2Header, SllHeader, TcpHeader, UdpHeader,
    VlanTag,
};

use super::fault::{Fault, FaultKind, Layer, Reason};
use super::layer::Cut;

/// Link type of Ethernet II frames.
pub const LINKTYPE_ETHERNET: u32 = 1;
/// Link type of raw IPv4/IPv6 packets with no link header.
pub const LINKTYPE_RAW: u32 = 101;
/// Link type of Linux cooked captures, version 1 (`tcpdump -i any` before libpcap 1.10).
pub const LINKTYPE_LINUX_SLL: u32 = 113;
/// Link type of Linux cooked captures, version 2 (`tcpdump -i any`).
pub const LINKTYPE_LINUX_SLL2: u32 = 276;

/// VLAN tags followed before the frame is left undecoded (real frames carry one or two).
pub const MAX_VLAN_TAGS: u8 = 8;
/// IPv6 extension headers followed before the packet is left undecoded.
pub const MAX_EXT_HEADERS: u8 = 16;

/// Everything decoded of one frame: views into its bytes (no copies), `None` for layers the
/// frame does not have or that could not be decoded, and the fault that stopped decoding.
///
/// ```
/// use lake_examples::decode::{decode_frame, LINKTYPE_ETHERNET};
///
/// let frame = lake_examples::sample::dns_query_frame();
/// let d = decode_frame(LINKTYPE_ETHERNET, &frame, 0);
/// assert_eq!((d.link_ethertype, d.transport), (Some(0x0800), Some(17)));
/// assert!(d.ipv4.is_some() && d.ipv6.is_none() && !d.is_malformed());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Decoded<'a> {
    /// The EtherType of the network layer (after any VLAN tags), for link types that have one.
    pub ethertype: Option<u16>,
    /// The EtherType of the link header itself (the outer tag's type on a VLAN frame).
    pub link_ethertype: Option<u16>,
    /// VLAN tags passed.
    pub vlan_tags: u8,
    /// Identifier of the innermost VLAN tag.
    pub vlan_id: Option<u16>,
    /// The IPv4 header.
    pub ipv4: Option<&'a Ipv4Header>,
    /// The IPv6 fixed header.
    pub ipv6: Option<&'a Ipv6Header>,
    /// IPv6 extension headers passed.
    pub ext_headers: u8,
    /// A non-first fragment: no transport header in it.
    pub later_fragment: bool,
    /// The first fragment of a fragmented packet: its transport length fields count the
    /// whole reassembled datagram, so they may run past this frame.
    pub first_fragment: bool,
    /// The transport protocol number (after IPv6 extension headers).
    pub transport: Option<u8>,
    /// The TCP header.
    pub tcp: Option<&'a TcpHeader>,
    /// The UDP header.
    pub udp: Option<&'a UdpHeader>,
    /// The ICMP header.
    pub icmp: Option<&'a IcmpHeader>,
    /// The ICMPv6 header.
    pub icmpv6: Option<&'a Icmpv6Header>,
    /// Why decoding stopped early (malformed), or where the capture cut the frame
    /// (truncated; decoding went on as far as the captured bytes allowed).
    pub fault: Option<Fault>,
}

impl Decoded<'_> {
    /// Whether the frame is malformed (a truncated frame is not).
    ///
    /// ```
    /// # use lake_examples::decode::decode_frame;
    /// assert!(decode_frame(1, &[0; 4], 0).is_malformed());
    /// assert!(!decode_frame(1, &[0; 4], 60).is_malformed()); // only cut
    /// ```
    pub fn is_malformed(&self) -> bool {
        matches!(
            self.fault,
            Some(Fault {
                kind: FaultKind::Malformed,
                ..
            })
        )
    }

    /// Records a truncation at `layer` unless an outer layer already did.
    fn cut_at(&mut self, layer: Layer, reason: Reason) {
        if self.fault.is_none() {
            self.fault = Some(Fault {
                layer,
                reason,
                kind: FaultKind::Truncated,
            });
        }
    }

    /// Records the fault that stops decoding; a malformed fault replaces an earlier
    /// truncation (the frame is malformed however it was cut).
    fn stop(&mut self, fault: Fault) {
        if self.fault.is_none() || fault.kind == FaultKind::Malformed {
            self.fault = Some(fault);
        }
    }
}

/// Decodes a frame of link type `linktype` whose record captured `data` of a packet that
/// had `missing` more bytes on the wire (`orig_len − incl_len`).
///
/// Never panics and never reads outside `data`: every header is a `#[lake::packet]` view
/// checked by [`Cut::parse`].
///
/// ```
/// use lake_examples::decode::{decode_frame, LINKTYPE_ETHERNET};
///
/// let frame = lake_examples::sample::dns_query_frame();
/// let d = decode_frame(LINKTYPE_ETHERNET, &frame, 0);
/// assert!(d.fault.is_none());
/// assert_eq!(d.udp.map(|u| u.dst_port()), Some(53));
/// // Cut after 40 bytes of a longer packet: truncated, not malformed.
/// let d = decode_frame(LINKTYPE_ETHERNET, &frame[..40], frame.len() - 40);
/// assert!(d.ipv4.is_some() && !d.is_malformed());
/// ```
pub fn decode_frame(linktype: u32, data: &[u8], missing: usize) -> Decoded<'_> {
    let mut d = Decoded::default();
    let (ethertype, payload, missing) = match linktype {
        LINKTYPE_ETHERNET => {
            let eth = match Cut::<EthernetHeader>::parse(data, missing, Layer::Ethernet) {
                Ok(eth) => eth,
                Err(f) => {
                    d.stop(f);
                    return d;
                }
            };
            d.link_ethertype = Some(eth.header.ethertype());
            match vlan_tags(&mut d, eth.header.ethertype(), eth.payload, eth.missing) {
                Some(next) => next,
                None => return d,
            }
        }
        LINKTYPE_LINUX_SLL => match Cut::<SllHeader>::parse(data, missing, Layer::Sll) {
            Ok(sll) => match vlan_tags(&mut d, sll.header.protocol(), sll.payload, sll.missing) {
                Some(next) => next,
                None => return d,
            },
            Err(f) => {
                d.stop(f);
                return d;
            }
        },
        LINKTYPE_LINUX_SLL2 => match Cut::<Sll2Header>::parse(data, missing, Layer::Sll) {
            Ok(sll) => match vlan_tags(&mut d, sll.header.protocol(), sll.payload, sll.missing) {
                Some(next) => next,
                None => return d,
            },
            Err(f) => {
                d.stop(f);
                return d;
            }
        },
        LINKTYPE_RAW => {
            let ethertype = match data.first().map(|b| b >> 4) {
                Some(6) => ethernet::ETHERTYPE_IPV6,
                _ => ethernet::ETHERTYPE_IPV4,
            };
            (ethertype, data, missing)
        }
        _ => return d,
    };
    d.ethertype = Some(ethertype);
    match ethertype {
        ethernet::ETHERTYPE_IPV4 => ipv4(&mut d, payload, missing),
        ethernet::ETHERTYPE_IPV6 => ipv6(&mut d, payload, missing),
        _ => {}
    }
    d
}

/// Walks 802.1Q / 802.1ad tags; returns the inner EtherType and payload, or `None` when a
/// tag did not decode (the fault is in `d`).
fn vlan_tags<'a>(
    d: &mut Decoded<'a>,
    mut ethertype: u16,
    mut payload: &'a [u8],
    mut missing: usize,
) -> Option<(u16, &'a [u8], usize)> {
    while matches!(
        ethertype,
        ethernet::ETHERTYPE_VLAN | vlan::ETHERTYPE_QINQ | vlan::ETHERTYPE_QINQ_OLD
    ) && d.vlan_tags < MAX_VLAN_TAGS
    {
        match Cut::<VlanTag>::parse(payload, missing, Layer::Vlan) {
            Ok(tag) => {
                d.vlan_tags += 1;
                d.vlan_id = Some(tag.header.vid());
                (ethertype, payload, missing) = (tag.header.ethertype(), tag.payload, tag.missing);
            }
            Err(f) => {
                d.stop(f);
                return None;
            }
        }
    }
    Some((ethertype, payload, missing))
}

fn ipv4<'a>(d: &mut Decoded<'a>, bytes: &'a [u8], missing: usize) {
    let ip = match Cut::<Ipv4Header>::parse(bytes, missing, Layer::Ipv4) {
        Ok(ip) => ip,
        Err(f) => return d.stop(f),
    };
    d.ipv4 = Some(ip.header);
    if ip.length_cut {
        d.cut_at(Layer::Ipv4, Reason::BadTotalLength);
    }
    d.transport = Some(ip.header.proto());
    if ip.header.frag_offset() != 0 {
        d.later_fragment = true;
        return;
    }
    d.first_fragment = ip.header.flags() & crate::proto::ipv4::FLAG_MF != 0;
    transport(d, ip.header.proto(), ip.payload, ip.missing);
}

fn ipv6<'a>(d: &mut Decoded<'a>, bytes: &'a [u8], missing: usize) {
    let ip = match Cut::<Ipv6Header>::parse(bytes, missing, Layer::Ipv6) {
        Ok(ip) => ip,
        Err(f) => return d.stop(f),
    };
    d.ipv6 = Some(ip.header);
    if ip.length_cut {
        d.cut_at(Layer::Ipv6, Reason::BadPayloadLength);
    }
    let (mut next, mut rest, missing) = (ip.header.next_header(), ip.payload, ip.missing);
    while ipv6_ext::is_extension(next) && d.ext_headers < MAX_EXT_HEADERS {
        let ext = match Cut::<Ipv6ExtHeader>::parse(rest, missing, Layer::Ipv6Ext) {
            Ok(ext) => ext,
            // Fewer than 8 bytes left for the header: it runs past the packet.
            Err(f) if f.kind == FaultKind::Malformed => {
                return d.stop(Fault {
                    reason: Reason::ExtHeaderPastFrame,
                    ..f
                })
            }
            Err(f) => return d.stop(f),
        };
        let len = if next == ipv6_ext::FRAGMENT {
            8
        } else {
            ext.header.len_bytes()
        };
        if next == ipv6_ext::FRAGMENT {
            if let Ok((frag, _)) = Ipv6FragmentHeader::parse(rest) {
                d.later_fragment = frag.offset() != 0;
                d.first_fragment = frag.offset() == 0 && frag.more() != 0;
            }
        }
        if len > rest.len() {
            // Past the captured bytes: cut by the snap length if the wire held it.
            let cut = len <= rest.len().saturating_add(missing);
            return d.stop(Fault {
                layer: Layer::Ipv6Ext,
                reason: if cut {
                    Reason::TruncatedHeader
                } else {
                    Reason::ExtHeaderPastFrame
                },
                kind: if cut {
                    FaultKind::Truncated
                } else {
                    FaultKind::Malformed
                },
            });
        }
        d.ext_headers += 1;
        next = ext.header.next_header();
        rest = rest.get(len..).unwrap_or(&[]);
        if d.later_fragment {
            break;
        }
    }
    d.transport = Some(next);
    if d.later_fragment || ipv6_ext::is_extension(next) {
        return;
    }
    transport(d, next, rest, missing);
}

fn transport<'a>(d: &mut Decoded<'a>, proto: u8, bytes: &'a [u8], missing: usize) {
    // A first fragment's transport length counts bytes of the later fragments: check it
    // against the largest datagram instead, and do not call the frame cut.
    let missing = if d.first_fragment {
        usize::from(u16::MAX)
    } else {
        missing
    };
    let result = match proto {
        ip_proto::TCP => Cut::<TcpHeader>::parse(bytes, missing, Layer::Tcp).map(|t| {
            d.tcp = Some(t.header);
        }),
        ip_proto::UDP => Cut::<UdpHeader>::parse(bytes, missing, Layer::Udp).map(|u| {
            d.udp = Some(u.header);
            if u.length_cut && !d.first_fragment {
                d.cut_at(Layer::Udp, Reason::BadUdpLength);
            }
        }),
        ip_proto::ICMP => Cut::<IcmpHeader>::parse(bytes, missing, Layer::Icmp).map(|i| {
            d.icmp = Some(i.header);
        }),
        ip_proto::ICMPV6 => Cut::<Icmpv6Header>::parse(bytes, missing, Layer::Icmpv6).map(|i| {
            d.icmpv6 = Some(i.header);
        }),
        _ => Ok(()),
    };
    if let Err(f) = result {
        d.stop(f);
    }
}
